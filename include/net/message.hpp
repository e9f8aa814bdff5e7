#ifndef NETSOCK_MESSAGE_HPP
#define NETSOCK_MESSAGE_HPP

// Beyond one buffer per call: batches of datagrams, scatter/gather, and what a message carries
// besides its bytes (ancillary data: the address a datagram was sent to, its hop limit, the
// kernel's receive time, a GRO segment size, descriptors passed over a local socket).
//
//     net::datagram batch[64];                    // each batch[i].buffer set once
//     std::size_t n = net::recv_batch(s, batch);  // waits for one, takes what is queued
//     net::send_batch(s, batch, n);               // echoes them back to their senders
//
// No call allocates: control data is encoded and decoded on the stack. What an OS lacks is
// reported, never emulated silently: a call as std::errc::operation_not_supported, an option
// (receive_packet_info, ...) as no_protocol_option, like every option (options.hpp).
//
// What each OS offers:
// - recv_batch / send_batch: recvmmsg / sendmmsg on Linux (64 datagrams per call); a loop of
//   single calls on macOS, the BSDs and Windows.
// - sendv / recvv: sendmsg / recvmsg; WSASend / WSARecv on Windows.
// - packet info (destination address, interface, reply source): IP_PKTINFO and
//   IPV6_RECVPKTINFO / IPV6_PKTINFO on Linux and macOS (there by the RFC 3542 numbers, which
//   <netinet6/in6.h> names only under __APPLE_USE_RFC_3542); WSARecvMsg / WSASendMsg on Windows.
// - hop limit: IP_RECVTTL, IPV6_RECVHOPLIMIT (Linux, macOS); not on Windows.
// - receive time: SO_TIMESTAMPNS (nanoseconds) on Linux, SO_TIMESTAMP (microseconds) on macOS
//   and the BSDs; not on Windows.
// - send_segments (UDP GSO) and the GRO segment size: Linux only (UDP_SEGMENT, UDP_GRO).
// - send_handles / recv_handles: SCM_RIGHTS (Linux with MSG_CMSG_CLOEXEC; macOS and the BSDs
//   set FD_CLOEXEC right after receipt); not on Windows.

#include "address.hpp"
#include "buffer.hpp"
#include "config.hpp"
#include "options.hpp"
#include "result.hpp"
#include "socket.hpp"
#include "timeout.hpp"

#include <array> // std::data and std::size come with it (<iterator> would add <streambuf> and more)
#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <system_error>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Batches of datagrams

/// One datagram of a batch. For `recv_batch`, set `buffer` (the space for its payload); the call
/// sets `size`, `peer` (the sender), `truncated` and, with `receive_packet_info` on, the local
/// address it was sent to. For `send_batch`, it sends the first `size` bytes of `buffer` to
/// `peer`, from `destination` when `has_destination`: a received batch can be echoed as it is,
/// each reply leaving from the address its client used.
struct datagram {
    mutable_buffer buffer;        ///< the payload's storage
    std::size_t size = 0;         ///< bytes received / bytes of `buffer` to send
    net::address peer;            ///< the sender / the destination
    bool truncated = false;       ///< received: larger than `buffer` (the rest was discarded)
    bool has_destination = false; ///< received with packet info / send from `destination`
    net::address destination;     ///< the local address it was sent to (port 0) / the source
    unsigned interface_index = 0; ///< received: the interface it arrived on
    /// received: more control data came than a slot holds (128 bytes: packet info with a
    /// timestamp and a hop limit beside it); the packet info may be missing
    bool control_truncated = false;
};

/// A datagram to send from const bytes: `{net::buffer("ping"), &to}`; `to == nullptr` sends to
/// the connected peer. The address is not copied: it must outlive the call.
struct outgoing_datagram {
    const_buffer data;
    const address* to = nullptr;
};

/// Receives up to `count` datagrams: waits (up to `t`) for the first, then takes those already
/// queued without waiting. Returns how many arrived (at least 1). Each gets its `size`, `peer`
/// and `truncated`. An error that follows the first datagram is reported by the next call
/// (Linux; elsewhere, where this is a loop of single receives, an ICMP error report met after
/// the first datagram is dropped). `count == 0` is invalid_argument.
[[nodiscard]] NETSOCK_DECL result<std::size_t>
try_recv_batch(const socket& s, datagram* batch, std::size_t count, timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv_batch`.
NETSOCK_DECL std::size_t recv_batch(const socket& s, datagram* batch, std::size_t count,
                                    timeout t = timeout::none());
/// `recv_batch` over an array, std::array or std::vector of `datagram`.
template <class Range>
[[nodiscard]] auto try_recv_batch(const socket& s, Range& batch, timeout t = timeout::none()) noexcept
    -> decltype(try_recv_batch(s, std::data(batch), std::size(batch), t)) {
    return try_recv_batch(s, std::data(batch), std::size(batch), t);
}
template <class Range>
auto recv_batch(const socket& s, Range& batch, timeout t = timeout::none())
    -> decltype(recv_batch(s, std::data(batch), std::size(batch), t)) {
    return recv_batch(s, std::data(batch), std::size(batch), t);
}

/// Sends up to `count` datagrams in order: waits (up to `t`) for room for the first, then sends
/// as many more as the socket takes. Returns how many went (at least 1); send the rest with
/// another call. Trap: on a blocking socket without a timeout, Linux's sendmmsg may also wait
/// for room for the later datagrams of a piece (UDP rarely waits; a local datagram socket
/// can). A datagram that fails after the first is reported when a later
/// call starts with it (message_size for one too large, ...): skip it there.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_batch(const socket& s, const datagram* batch,
                                                              std::size_t count,
                                                              timeout t = timeout::none()) noexcept;
/// `try_send_batch` of const bytes, each to its own destination (or the connected peer).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_batch(const socket& s, const outgoing_datagram* batch,
                                                              std::size_t count,
                                                              timeout t = timeout::none()) noexcept;
/// Throwing forms of `try_send_batch`.
NETSOCK_DECL std::size_t send_batch(const socket& s, const datagram* batch, std::size_t count,
                                    timeout t = timeout::none());
NETSOCK_DECL std::size_t send_batch(const socket& s, const outgoing_datagram* batch, std::size_t count,
                                    timeout t = timeout::none());
template <class Range>
[[nodiscard]] auto try_send_batch(const socket& s, const Range& batch, timeout t = timeout::none()) noexcept
    -> decltype(try_send_batch(s, std::data(batch), std::size(batch), t)) {
    return try_send_batch(s, std::data(batch), std::size(batch), t);
}
template <class Range>
auto send_batch(const socket& s, const Range& batch, timeout t = timeout::none())
    -> decltype(send_batch(s, std::data(batch), std::size(batch), t)) {
    return send_batch(s, std::data(batch), std::size(batch), t);
}

// ---------------------------------------------------------------------------------------------
// Scatter/gather

/// Sends the buffers in order as one stream write or one datagram (writev/sendmsg, WSASend):
/// `net::sendv(conn, {net::buffer(head), net::buffer(body)})`. Returns the bytes the OS took,
/// possibly fewer than the total (as `send`; at most 64 buffers go per call). Errors as `send`.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendv(const socket& s, const const_buffer* buffers,
                                                         std::size_t count,
                                                         timeout t = timeout::none()) noexcept;
[[nodiscard]] inline result<std::size_t> try_sendv(const socket& s,
                                                   std::initializer_list<const_buffer> buffers,
                                                   timeout t = timeout::none()) noexcept {
    return try_sendv(s, buffers.begin(), buffers.size(), t);
}
/// Throwing forms of `try_sendv`.
NETSOCK_DECL std::size_t sendv(const socket& s, const const_buffer* buffers, std::size_t count,
                               timeout t = timeout::none());
inline std::size_t sendv(const socket& s, std::initializer_list<const_buffer> buffers,
                         timeout t = timeout::none()) {
    return sendv(s, buffers.begin(), buffers.size(), t);
}
/// Receives into the buffers in order, filling each before the next (readv/recvmsg, WSARecv).
/// Returns the bytes received; 0 is the peer's EOF on a stream (as `recv`; buffers that are all
/// empty are invalid_argument). At most 64 buffers are filled per call.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recvv(const socket& s, const mutable_buffer* buffers,
                                                         std::size_t count,
                                                         timeout t = timeout::none()) noexcept;
[[nodiscard]] inline result<std::size_t> try_recvv(const socket& s,
                                                   std::initializer_list<mutable_buffer> buffers,
                                                   timeout t = timeout::none()) noexcept {
    return try_recvv(s, buffers.begin(), buffers.size(), t);
}
/// Throwing forms of `try_recvv`.
NETSOCK_DECL std::size_t recvv(const socket& s, const mutable_buffer* buffers, std::size_t count,
                               timeout t = timeout::none());
inline std::size_t recvv(const socket& s, std::initializer_list<mutable_buffer> buffers,
                         timeout t = timeout::none()) {
    return recvv(s, buffers.begin(), buffers.size(), t);
}

// ---------------------------------------------------------------------------------------------
// Ancillary data of datagrams

namespace detail {
NETSOCK_DECL std::error_code set_receive_flag(native_handle_type h, int name4, int name6, int level4,
                                              int level6, bool on) noexcept;
NETSOCK_DECL std::error_code get_receive_flag(native_handle_type h, int name4, int name6, int level4,
                                              int level6, bool& on) noexcept;
// A bool option whose name depends on the socket's family; -1: not available here.
template <int Name4, int Name6, int Level4 = IPPROTO_IP, int Level6 = IPPROTO_IPV6> struct receive_flag {
    bool value = false;
    constexpr receive_flag() noexcept = default;
    constexpr explicit receive_flag(bool v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_receive_flag(h, Name4, Name6, Level4, Level6, value);
    }
    std::error_code get_from(native_handle_type h) noexcept {
        return get_receive_flag(h, Name4, Name6, Level4, Level6, value);
    }
};
} // namespace detail

/// Report, with each datagram `recvmsg` receives, the local address it was sent to and the
/// interface it came in on (IP_PKTINFO; IPV6_RECVPKTINFO on IPv6 sockets, which covers IPv4
/// datagrams of a dual-stack socket as mapped addresses). What a server bound to 0.0.0.0 needs
/// to answer from the address the client used: `net::sendto(s, b, m.sender, m.reply_source())`.
struct receive_packet_info
    : detail::receive_flag<detail::os::opt_v4_packet_info, detail::os::opt_v6_packet_info> {
    using receive_flag::receive_flag;
};
/// Report the IPv4 TTL / IPv6 hop limit of each datagram (IP_RECVTTL, IPV6_RECVHOPLIMIT).
/// Not supported on Windows.
struct receive_hop_limit
    : detail::receive_flag<detail::os::opt_v4_receive_hops, detail::os::opt_v6_receive_hops> {
    using receive_flag::receive_flag;
};
/// Report the time the kernel received each datagram (SO_TIMESTAMPNS on Linux, SO_TIMESTAMP,
/// microseconds, on macOS/BSD). Not supported on Windows.
struct receive_timestamp
    : detail::receive_flag<detail::os::opt_timestamp, detail::os::opt_timestamp, SOL_SOCKET, SOL_SOCKET> {
    using receive_flag::receive_flag;
};

/// The local end a datagram is sent from: its source address (and, if not 0, the interface it
/// leaves by). Port ignored: the socket's own is used.
struct source_address {
    net::address local;
    unsigned interface_index = 0;
};

/// What `recvmsg` reports: the `recvfrom` triple, plus each item whose receive option is on.
struct [[nodiscard]] message {
    std::size_t size = 0;
    net::address sender;
    bool truncated = false; ///< larger than the buffer (the rest was discarded)
    /// receive_packet_info: the local address the datagram was sent to (port 0) and the index
    /// of the interface it arrived on; `has_destination` false when the message said nothing.
    bool has_destination = false;
    net::address destination;
    unsigned interface_index = 0;
    /// receive_hop_limit: the IPv4 TTL / IPv6 hop limit, -1 when not reported.
    int hop_limit = -1;
    /// receive_timestamp: the kernel's receive time; `has_timestamp` false when not reported.
    bool has_timestamp = false;
    std::chrono::system_clock::time_point timestamp{};
    /// UDP GRO (`net::udp_gro` on the socket): the datagram is several the sender sent, each
    /// `segment_size` bytes (the last may be shorter); 0 for an ordinary datagram.
    std::size_t segment_size = 0;
    /// The kernel had more control data than fits netsock's buffer (MSG_CTRUNC): some items are
    /// missing.
    bool control_truncated = false;

    /// The source for a reply that leaves from the address this datagram was sent to (without
    /// packet info: the unset address of the sender's family, the OS chooses).
    source_address reply_source() const {
        return {has_destination ? destination : address::any(sender.family()), 0};
    }
};

/// Receives one datagram with its ancillary data (recvmsg / WSARecvMsg). Turn the items on per
/// socket first: `net::set_option(s, net::receive_packet_info{true})`.
[[nodiscard]] NETSOCK_DECL result<message> try_recvmsg(const socket& s, mutable_buffer b,
                                                       timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recvmsg`.
NETSOCK_DECL message recvmsg(const socket& s, mutable_buffer b, timeout t = timeout::none());

/// Sends one datagram to `to` from the local address `from.local` (IP_PKTINFO / IPV6_PKTINFO;
/// on a socket bound to 0.0.0.0 or ::). An unset source (0.0.0.0 or ::, interface 0) is plain
/// `sendto`: the OS chooses. Errors: a source of the other family than `to` is
/// address_family_not_supported (an IPv4 source to an IPv4-mapped peer, and an IPv4-mapped
/// source to an IPv4 peer, are converted); one that is not this host's fails in the OS
/// (Linux: network_unreachable); an unknown `interface_index`: no_such_device (Linux).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to,
                                                          const source_address& from,
                                                          timeout t = timeout::none()) noexcept;
/// Throwing form of `try_sendto` with a source.
NETSOCK_DECL std::size_t sendto(const socket& s, const_buffer b, const address& to,
                                const source_address& from, timeout t = timeout::none());
/// `sendto` with a source, of text (a string literal's characters, std::string, std::string_view).
[[nodiscard]] inline result<std::size_t> try_sendto(const socket& s, std::string_view text, const address& to,
                                                    const source_address& from,
                                                    timeout t = timeout::none()) noexcept {
    return try_sendto(s, const_buffer(text.data(), text.size()), to, from, t);
}
inline std::size_t sendto(const socket& s, std::string_view text, const address& to,
                          const source_address& from, timeout t = timeout::none()) {
    return sendto(s, const_buffer(text.data(), text.size()), to, from, t);
}

/// UDP GSO (Linux 4.18+): sends `payload` as datagrams of `segment_size` bytes each (the last
/// may be shorter) in one call; the receiver sees ordinary datagrams. At most 64 segments and
/// 65507 bytes per call on IPv4 (the kernel's limits: invalid_argument or message_size
/// beyond). `to == nullptr`: the connected peer. Elsewhere operation_not_supported.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_segments(const socket& s, const_buffer payload,
                                                                 std::size_t segment_size, const address* to,
                                                                 timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send_segments`.
NETSOCK_DECL std::size_t send_segments(const socket& s, const_buffer payload, std::size_t segment_size,
                                       const address* to, timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Passing descriptors over local sockets (SCM_RIGHTS)

/// The most descriptors one message carries (253 on Linux; 0 where passing is not supported).
inline constexpr std::size_t max_passed_handles = detail::os::max_passed_handles;

/// Sends `data` (at least one byte: a stream needs a byte to carry them) with duplicates of
/// the descriptors `handles[0..count)` (sockets, files, pipes), over a local socket. The
/// originals stay open here. Returns the bytes of `data` sent; if that is fewer than all, the
/// descriptors went with the first byte. More than `max_passed_handles` is invalid_argument.
/// Windows: operation_not_supported.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_handles(const socket& s, const_buffer data,
                                                                const native_handle_type* handles,
                                                                std::size_t count,
                                                                timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send_handles`.
NETSOCK_DECL std::size_t send_handles(const socket& s, const_buffer data, const native_handle_type* handles,
                                      std::size_t count, timeout t = timeout::none());

/// What `recv_handles` reports.
struct [[nodiscard]] handles_received {
    std::size_t size = 0;    ///< bytes of data (0: the peer closed the stream)
    std::size_t handles = 0; ///< descriptors stored in the caller's array
    /// More descriptors arrived than the array holds, or the kernel cut the control data
    /// (MSG_CTRUNC): the ones that did not fit were closed (Linux never installs them). Trap on
    /// macOS and the BSDs: their kernels install every descriptor before copying out what fits,
    /// so netsock receives into room for 512 and closes the extras; a sender passing more than
    /// that would leak the rest there.
    bool truncated = false;
};

/// Receives data and the descriptors that came with it into `out[0..capacity)`, as owning
/// `net::socket`s (closing one closes the descriptor, whatever it is). They are close-on-exec
/// (atomically with MSG_CMSG_CLOEXEC on Linux; set right after receipt elsewhere). Windows:
/// operation_not_supported.
[[nodiscard]] NETSOCK_DECL result<handles_received> try_recv_handles(const socket& s, mutable_buffer data,
                                                                     socket* out, std::size_t capacity,
                                                                     timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv_handles`.
NETSOCK_DECL handles_received recv_handles(const socket& s, mutable_buffer data, socket* out,
                                           std::size_t capacity, timeout t = timeout::none());

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/message.ipp"
#endif

#endif
