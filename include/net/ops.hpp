#ifndef NETSOCK_OPS_HPP
#define NETSOCK_OPS_HPP

// The BSD/Python-style free functions. Each operation `f` has a `noexcept` twin `try_f`
// returning `net::result<T>`; `f` calls `try_f` and throws `net::error` on failure.
// Blocking calls have overloads taking a std::chrono timeout; expiry is std::errc::timed_out.

#include "address.hpp"
#include "buffer.hpp"
#include "config.hpp"
#include "detail/platform.hpp"
#include "detail/timeout.hpp"
#include "result.hpp"
#include "socket.hpp"

#include <chrono>
#include <cstddef>
#include <utility>

namespace net {

/// How `shutdown` closes a connection: stop receiving, stop sending (the peer sees EOF), or both.
enum class shutdown_type { receive, send, both };

/// Readiness events for `net::wait` and `net::poller` (a bit set).
enum class events : unsigned {
    none = 0,
    readable = 1, ///< data (or EOF, or a pending connection) to read/accept
    writable = 2, ///< send would not block; a connect finished
    error = 4,    ///< an error is pending on the socket (reported only, never requested)
    hangup = 8,   ///< the peer hung up (reported only, never requested)
};
constexpr events operator|(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr events operator&(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr events& operator|=(events& a, events b) noexcept { return a = a | b; }
/// True if `set` contains any event of `which`.
constexpr bool has(events set, events which) noexcept { return (set & which) != events::none; }

/// What `accept` returns: the connected socket and the peer's address.
/// `auto [conn, peer] = net::accept(listener);`
struct accept_result {
    net::socket socket;
    net::address peer;
};

/// What `recvfrom` returns: bytes received, the sender, and whether the datagram was larger
/// than the buffer (the rest is discarded; the socket stays usable).
struct recvfrom_result {
    std::size_t size = 0;
    net::address sender;
    bool truncated = false;
};

/// The default `listen` backlog (SOMAXCONN).
inline constexpr int default_backlog = SOMAXCONN;

namespace detail {
// The timed overloads below convert their std::chrono timeout (detail/timeout.hpp) and call
// these, so the implementation can be compiled once (NETSOCK_SEPARATE_COMPILATION).
// nanoseconds::max() means no deadline.
NETSOCK_DECL result<accept_result> accept_for(const socket& s,
                                              std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<void> connect_for(const socket& s, const address& a,
                                      std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<std::size_t> send_for(const socket& s, const_buffer b,
                                          std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<std::size_t> sendall_for(const socket& s, const_buffer b,
                                             std::chrono::nanoseconds t,
                                             std::size_t* sent) noexcept;
NETSOCK_DECL result<std::size_t> recv_for(const socket& s, mutable_buffer b,
                                          std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<std::size_t> recv_exact_for(const socket& s, mutable_buffer b,
                                                std::chrono::nanoseconds t,
                                                std::size_t* received) noexcept;
NETSOCK_DECL result<std::size_t> sendto_for(const socket& s, const_buffer b, const address& to,
                                            std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<recvfrom_result> recvfrom_for(const socket& s, mutable_buffer b,
                                                  std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<events> wait_for(const socket& s, events wanted,
                                     std::chrono::nanoseconds t) noexcept;
NETSOCK_DECL result<void> graceful_close_for(socket& s, std::chrono::nanoseconds t) noexcept;
} // namespace detail

// ---------------------------------------------------------------------------------------------
// Creating, binding, listening

/// A new socket of the given family and type. Every socket netsock creates is close-on-exec
/// (non-inheritable on Windows), never raises SIGPIPE, and, for IPv6, has IPV6_V6ONLY set
/// explicitly to true (the same on every OS; `create_server` offers dual stack).
/// Errors: address_family_not_supported, too_many_files_open, ...
NETSOCK_DECL result<socket> try_make_socket(family f, socket_type t = socket_type::stream) noexcept;
/// Throwing form of `try_make_socket`.
NETSOCK_DECL socket make_socket(family f, socket_type t = socket_type::stream);

/// Binds to a local address (port 0 picks a free port; read it back with `local_address`).
/// TCP sockets get the listener policy first: SO_REUSEADDR on POSIX (fast restart after
/// TIME_WAIT), SO_EXCLUSIVEADDRUSE on Windows. A second bind to an address that a live listener
/// holds fails with address_in_use on every OS. Errors: address_in_use, address_not_available,
/// permission_denied, ...
NETSOCK_DECL result<void> try_bind(const socket& s, const address& a) noexcept;
/// Throwing form of `try_bind`.
NETSOCK_DECL void bind(const socket& s, const address& a);

/// Marks a bound stream socket as accepting connections.
NETSOCK_DECL result<void> try_listen(const socket& s, int backlog = default_backlog) noexcept;
/// Throwing form of `try_listen`.
NETSOCK_DECL void listen(const socket& s, int backlog = default_backlog);

// ---------------------------------------------------------------------------------------------
// Accepting and connecting

/// Waits for and accepts one connection: `auto [conn, peer] = net::accept(listener);`.
/// The new socket is blocking and close-on-exec whatever the listener's mode. A non-blocking
/// listener with nothing pending fails with operation_would_block. EMFILE is reported as
/// too_many_files_open and never retried (back off before accepting again).
NETSOCK_DECL result<accept_result> try_accept(const socket& s) noexcept;
/// As `try_accept`, giving up with timed_out after `timeout`.
template <class Rep, class Period>
result<accept_result> try_accept(const socket& s, std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::accept_for(s, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_accept`.
NETSOCK_DECL accept_result accept(const socket& s);
template <class Rep, class Period>
accept_result accept(const socket& s, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_accept(s, timeout), "accept");
}

/// Connects to `a`. EINTR never re-issues connect: netsock waits for the outcome. On a
/// non-blocking socket it fails with operation_in_progress (or would_block on Windows): wait
/// for writability, then check `net::get_option<net::socket_error>`.
/// Errors: connection_refused, timed_out, network_unreachable, ...
NETSOCK_DECL result<void> try_connect(const socket& s, const address& a) noexcept;
/// As `try_connect`, giving up with timed_out after `timeout`; a refusal is reported as
/// connection_refused, never as a timeout. The socket's blocking mode is restored afterwards
/// (on Windows, where the mode cannot be read, it is left blocking). After a timeout the socket
/// is in an unspecified state: close it.
/// ```cpp
/// if (auto r = net::try_connect(sock, addr, std::chrono::seconds(2)); !r)
///     std::puts(r.error().message().c_str());
/// ```
template <class Rep, class Period>
result<void> try_connect(const socket& s, const address& a,
                         std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::connect_for(s, a, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_connect`.
NETSOCK_DECL void connect(const socket& s, const address& a);
template <class Rep, class Period>
void connect(const socket& s, const address& a, std::chrono::duration<Rep, Period> timeout) {
    detail::unwrap(try_connect(s, a, timeout), "connect");
}

// ---------------------------------------------------------------------------------------------
// Streams

/// Sends some of the bytes; returns how many the OS took (possibly fewer than given).
/// Never raises SIGPIPE: a closed peer gives broken_pipe or connection_reset.
NETSOCK_DECL result<std::size_t> try_send(const socket& s, const_buffer b) noexcept;
/// As `try_send`, waiting at most `timeout` for room to send.
template <class Rep, class Period>
result<std::size_t> try_send(const socket& s, const_buffer b,
                             std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::send_for(s, b, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_send`.
NETSOCK_DECL std::size_t send(const socket& s, const_buffer b);
template <class Rep, class Period>
std::size_t send(const socket& s, const_buffer b, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_send(s, b, timeout), "send");
}

/// Sends every byte (looping over partial sends; also on non-blocking sockets) and returns the
/// count. On failure, `*sent` (if given) holds how many bytes went out before the error.
NETSOCK_DECL result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                             std::size_t* sent = nullptr) noexcept;
/// As `try_sendall`, with one deadline `timeout` from now for the whole buffer.
template <class Rep, class Period>
result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                std::chrono::duration<Rep, Period> timeout,
                                std::size_t* sent = nullptr) noexcept {
    return detail::sendall_for(s, b, detail::to_nanoseconds(timeout), sent);
}
/// Throwing form of `try_sendall`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t sendall(const socket& s, const_buffer b);
template <class Rep, class Period>
std::size_t sendall(const socket& s, const_buffer b, std::chrono::duration<Rep, Period> timeout) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendall(s, b, timeout, &sent), "sendall", &sent);
}

/// Receives up to `b.size()` bytes; returns how many arrived. 0 means the peer closed the
/// stream (orderly EOF) — or that `b` was empty.
NETSOCK_DECL result<std::size_t> try_recv(const socket& s, mutable_buffer b) noexcept;
/// As `try_recv`, giving up with timed_out if nothing arrives within `timeout`.
template <class Rep, class Period>
result<std::size_t> try_recv(const socket& s, mutable_buffer b,
                             std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::recv_for(s, b, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_recv`.
NETSOCK_DECL std::size_t recv(const socket& s, mutable_buffer b);
template <class Rep, class Period>
std::size_t recv(const socket& s, mutable_buffer b, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_recv(s, b, timeout), "recv");
}

/// Receives exactly `b.size()` bytes. If the stream ends first the error is `net::errc::eof`;
/// `*received` (if given) holds how many bytes arrived before any error.
NETSOCK_DECL result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                                std::size_t* received = nullptr) noexcept;
/// As `try_recv_exact`, with one deadline `timeout` from now for the whole buffer.
template <class Rep, class Period>
result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                   std::chrono::duration<Rep, Period> timeout,
                                   std::size_t* received = nullptr) noexcept {
    return detail::recv_exact_for(s, b, detail::to_nanoseconds(timeout), received);
}
/// Throwing form of `try_recv_exact`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t recv_exact(const socket& s, mutable_buffer b);
template <class Rep, class Period>
std::size_t recv_exact(const socket& s, mutable_buffer b, std::chrono::duration<Rep, Period> timeout) {
    std::size_t got = 0;
    return detail::unwrap_transfer(try_recv_exact(s, b, timeout, &got), "recv_exact", &got);
}

// ---------------------------------------------------------------------------------------------
// Datagrams

/// Sends one datagram to `to`. Errors: message_size if it is too large for the protocol, ...
NETSOCK_DECL result<std::size_t> try_sendto(const socket& s, const_buffer b,
                                            const address& to) noexcept;
template <class Rep, class Period>
result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to,
                               std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::sendto_for(s, b, to, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_sendto`.
NETSOCK_DECL std::size_t sendto(const socket& s, const_buffer b, const address& to);
template <class Rep, class Period>
std::size_t sendto(const socket& s, const_buffer b, const address& to,
                   std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_sendto(s, b, to, timeout), "sendto");
}

/// Receives one datagram: `{size, sender, truncated}`. A datagram larger than `b` fills `b`,
/// the rest is discarded and `truncated` is true, the same on every OS.
NETSOCK_DECL result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b) noexcept;
template <class Rep, class Period>
result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b,
                                     std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::recvfrom_for(s, b, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_recvfrom`.
NETSOCK_DECL recvfrom_result recvfrom(const socket& s, mutable_buffer b);
template <class Rep, class Period>
recvfrom_result recvfrom(const socket& s, mutable_buffer b, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_recvfrom(s, b, timeout), "recvfrom");
}

// ---------------------------------------------------------------------------------------------
// Connection state

/// Shuts down one or both directions. `shutdown_type::send` sends EOF (FIN) to the peer while
/// still allowing to receive. Errors: not_connected, ...
NETSOCK_DECL result<void> try_shutdown(const socket& s, shutdown_type how) noexcept;
/// Throwing form of `try_shutdown`.
NETSOCK_DECL void shutdown(const socket& s, shutdown_type how);

/// The address the socket is bound to (e.g. the port picked by binding port 0).
NETSOCK_DECL result<address> try_local_address(const socket& s) noexcept;
/// Throwing form of `try_local_address`.
NETSOCK_DECL address local_address(const socket& s);

/// The address of the connected peer. Errors: not_connected.
NETSOCK_DECL result<address> try_peer_address(const socket& s) noexcept;
/// Throwing form of `try_peer_address`.
NETSOCK_DECL address peer_address(const socket& s);

/// Switches non-blocking mode on or off. In non-blocking mode send/recv/accept fail with
/// operation_would_block instead of waiting (check with `net::is_would_block(ec)`);
/// sendall/recv_exact still wait, using poll.
NETSOCK_DECL result<void> try_set_nonblocking(const socket& s, bool on = true) noexcept;
/// Throwing form of `try_set_nonblocking`.
NETSOCK_DECL void set_nonblocking(const socket& s, bool on = true);

/// Waits until the socket is ready for `wanted` (readable and/or writable) and returns the
/// events seen (which may include error and hangup). Expiry is timed_out.
template <class Rep, class Period>
result<events> try_wait(const socket& s, events wanted, std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::wait_for(s, wanted, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_wait`.
template <class Rep, class Period>
events wait(const socket& s, events wanted, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_wait(s, wanted, timeout), "wait");
}

/// Closes a stream connection so the peer gets every byte and an orderly EOF rather than a
/// reset (PITFALLS B16): shuts down sending, reads and discards whatever the peer still sends
/// until its EOF or the deadline, then closes. `s` is closed afterwards in every case.
/// Errors: timed_out if the peer did not finish within `timeout` (the socket is still closed).
template <class Rep, class Period>
result<void> try_graceful_close(socket& s, std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::graceful_close_for(s, detail::to_nanoseconds(timeout));
}
/// Throwing form of `try_graceful_close`.
template <class Rep, class Period> void graceful_close(socket& s, std::chrono::duration<Rep, Period> timeout) {
    detail::unwrap(try_graceful_close(s, timeout), "graceful_close");
}

/// Two sockets connected to each other, e.g. for tests and wake-ups:
/// `auto [a, b] = net::socket_pair();`. POSIX: socketpair(AF_UNIX); Windows: a loopback TCP
/// (or UDP) pair.
NETSOCK_DECL result<std::pair<socket, socket>>
try_socket_pair(socket_type t = socket_type::stream) noexcept;
/// Throwing form of `try_socket_pair`.
NETSOCK_DECL std::pair<socket, socket> socket_pair(socket_type t = socket_type::stream);

} // namespace net

#if NETSOCK_HEADER_ONLY || defined(NETSOCK_IMPLEMENTATION)
#include "impl/ops.ipp"
#endif

#endif
