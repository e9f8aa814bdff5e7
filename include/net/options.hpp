#ifndef NETSOCK_OPTIONS_HPP
#define NETSOCK_OPTIONS_HPP

// Typed socket options: `net::set_option(s, net::no_delay{true})`,
// `bool on = net::get_option<net::no_delay>(s).value;`. Each option is a small struct holding
// `value` (or named fields); the level, name and OS value type are handled here, per platform.

#include "address.hpp"
#include "config.hpp"
#include "detail/platform.hpp"
#include "result.hpp"
#include "socket.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

NETSOCK_DECL std::error_code unsupported_option() noexcept;

// The bridges from the option templates to the compiled part: setsockopt/getsockopt with the
// OS value type of each option (sys::setsockopt and sys::getsockopt).
NETSOCK_DECL std::error_code set_option_bytes(native_handle_type h, int level, int name, const void* value,
                                              std::size_t size) noexcept;
NETSOCK_DECL std::error_code get_option_bytes(native_handle_type h, int level, int name, void* value,
                                              std::size_t& size) noexcept;
template <class T>
std::error_code set_int_option(native_handle_type h, int level, int name, T value) noexcept {
    return set_option_bytes(h, level, name, &value, sizeof value);
}
template <class T>
std::error_code get_int_option(native_handle_type h, int level, int name, T& value) noexcept {
    std::size_t size = sizeof value;
    value = T{};
    return get_option_bytes(h, level, name, &value, size);
}

// SO_RCVTIMEO/SO_SNDTIMEO (`name`) in the OS's representation (timeval, or DWORD milliseconds).
NETSOCK_DECL std::error_code set_timeout_option(native_handle_type h, int name,
                                                std::chrono::milliseconds value) noexcept;
NETSOCK_DECL std::error_code get_timeout_option(native_handle_type h, int name,
                                                std::chrono::milliseconds& value) noexcept;

template <int Level, int Name> struct bool_option {
    bool value = false;
    constexpr bool_option() noexcept = default;
    constexpr explicit bool_option(bool v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        if (Name < 0) return unsupported_option();
        return detail::set_int_option(h, Level, Name, value ? 1 : 0);
    }
    std::error_code get_from(native_handle_type h) noexcept {
        if (Name < 0) return unsupported_option();
        int v = 0;
        auto ec = detail::get_int_option(h, Level, Name, v);
        value = v != 0;
        return ec;
    }
};

template <int Level, int Name, class Native = int> struct int_option {
    int value = 0;
    constexpr int_option() noexcept = default;
    constexpr explicit int_option(int v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        if (Name < 0) return unsupported_option();
        if (value < 0) return detail::make_errc(std::errc::invalid_argument);
        return detail::set_int_option(h, Level, Name, static_cast<Native>(value));
    }
    std::error_code get_from(native_handle_type h) noexcept {
        if (Name < 0) return unsupported_option();
        Native v{};
        auto ec = detail::get_int_option(h, Level, Name, v);
        value = static_cast<int>(v);
        return ec;
    }
};

template <int Name> struct timeout_option {
    std::chrono::milliseconds value{0}; ///< 0 = no timeout
    constexpr timeout_option() noexcept = default;
    template <class Rep, class Period>
    constexpr explicit timeout_option(std::chrono::duration<Rep, Period> d) noexcept
        : value(std::chrono::ceil<std::chrono::milliseconds>(d)) {}
    std::error_code set_on(native_handle_type h) const noexcept { return set_timeout_option(h, Name, value); }
    std::error_code get_from(native_handle_type h) noexcept { return get_timeout_option(h, Name, value); }
};

// The family a socket was created with (multicast options differ for IPv4 and IPv6).
NETSOCK_DECL int socket_family(native_handle_type h, std::error_code& ec) noexcept;

// IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP or IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP, by the group's family.
NETSOCK_DECL std::error_code set_membership(native_handle_type h, bool join, const address& group,
                                            const address& interface_address,
                                            std::uint32_t interface_index) noexcept;

template <bool Join> struct membership_option {
    address group;                              ///< the multicast group (IPv4 or IPv6)
    address interface_address = address::any(); ///< IPv4: local interface address (any = default)
    std::uint32_t interface_index = 0;          ///< IPv6: interface index (0 = default)
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_membership(h, Join, group, interface_address, interface_index);
    }
};

// IP_ADD_SOURCE_MEMBERSHIP/IP_DROP_SOURCE_MEMBERSHIP or MCAST_JOIN_SOURCE_GROUP/
// MCAST_LEAVE_SOURCE_GROUP, by the group's family.
NETSOCK_DECL std::error_code set_source_membership(native_handle_type h, bool join, const address& group,
                                                   const address& source, const address& interface_address,
                                                   std::uint32_t interface_index) noexcept;

template <bool Join> struct source_membership_option {
    address group;                              ///< the multicast group (IPv4 or IPv6)
    address source;                             ///< the one sender accepted (same family as `group`)
    address interface_address = address::any(); ///< IPv4: local interface address (any = default)
    std::uint32_t interface_index = 0;          ///< IPv6: interface index (0 = default)
    source_membership_option() noexcept = default;
    /// IPv4 (or IPv6 on the default interface): the interface by its address.
    source_membership_option(const address& g, const address& s,
                             const address& iface = address::any()) noexcept
        : group(g), source(s), interface_address(iface) {}
    /// IPv6: the interface by its index.
    source_membership_option(const address& g, const address& s, std::uint32_t index) noexcept
        : group(g), source(s), interface_index(index) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_source_membership(h, Join, group, source, interface_address, interface_index);
    }
};

// A bool option whose level and name depend on the socket's family; -1 = not on this OS.
NETSOCK_DECL std::error_code set_family_bool(native_handle_type h, int name4, int name6, bool value) noexcept;
NETSOCK_DECL std::error_code get_family_bool(native_handle_type h, int name4, int name6,
                                             bool& value) noexcept;
template <int Name4, int Name6> struct family_bool_option {
    bool value = false;
    constexpr family_bool_option() noexcept = default;
    constexpr explicit family_bool_option(bool v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_family_bool(h, Name4, Name6, value);
    }
    std::error_code get_from(native_handle_type h) noexcept {
        return get_family_bool(h, Name4, Name6, value);
    }
};

// Options whose level depends on the socket's family (IPv4 vs IPv6).
template <int Name4, int Name6, class Native4> struct family_int_option {
    int value = 0;
    constexpr family_int_option() noexcept = default;
    constexpr explicit family_int_option(int v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        std::error_code ec;
        const int f = socket_family(h, ec);
        if (ec) return ec;
        if (value < 0) return detail::make_errc(std::errc::invalid_argument);
        if (f == AF_INET6) return detail::set_int_option(h, IPPROTO_IPV6, Name6, value);
        return detail::set_int_option(h, IPPROTO_IP, Name4, static_cast<Native4>(value));
    }
    std::error_code get_from(native_handle_type h) noexcept {
        std::error_code ec;
        const int f = socket_family(h, ec);
        if (ec) return ec;
        if (f == AF_INET6) return detail::get_int_option(h, IPPROTO_IPV6, Name6, value);
        Native4 v{};
        ec = detail::get_int_option(h, IPPROTO_IP, Name4, v);
        value = static_cast<int>(v);
        return ec;
    }
};
} // namespace detail

/// SO_REUSEADDR. POSIX listeners get it automatically at bind (see `net::bind`); on Windows it
/// lets another socket steal a live port, so netsock never sets it for you there.
struct reuse_address : detail::bool_option<SOL_SOCKET, SO_REUSEADDR> {
    using bool_option::bool_option;
};
/// SO_REUSEPORT (Linux, macOS, BSD): several listeners share a port. Elsewhere setting it fails
/// with no_protocol_option.
struct reuse_port : detail::bool_option<SOL_SOCKET, detail::os::opt_reuse_port> {
    using bool_option::bool_option;
};
/// TCP_NODELAY: send small segments at once (disable Nagle's algorithm).
struct no_delay : detail::bool_option<IPPROTO_TCP, TCP_NODELAY> {
    using bool_option::bool_option;
};
/// SO_KEEPALIVE: probe idle connections.
struct keep_alive : detail::bool_option<SOL_SOCKET, SO_KEEPALIVE> {
    using bool_option::bool_option;
};
/// Seconds of idleness before the first keep-alive probe (TCP_KEEPIDLE; TCP_KEEPALIVE on macOS).
struct keep_alive_idle : detail::int_option<IPPROTO_TCP, detail::os::opt_keep_idle> {
    using int_option::int_option;
};
/// Seconds between keep-alive probes (TCP_KEEPINTVL).
struct keep_alive_interval : detail::int_option<IPPROTO_TCP, detail::os::opt_keep_interval> {
    using int_option::int_option;
};
/// Unanswered probes before the connection is dropped (TCP_KEEPCNT).
struct keep_alive_count : detail::int_option<IPPROTO_TCP, detail::os::opt_keep_count> {
    using int_option::int_option;
};
/// SO_BROADCAST: allow datagrams to broadcast addresses.
struct broadcast : detail::bool_option<SOL_SOCKET, SO_BROADCAST> {
    using bool_option::bool_option;
};
/// IPV6_V6ONLY. netsock sets it to true on every IPv6 socket it creates; set false before
/// bind for a dual-stack socket.
struct v6_only : detail::bool_option<IPPROTO_IPV6, IPV6_V6ONLY> {
    using bool_option::bool_option;
};
/// SO_SNDBUF in bytes. The OS may round or double the value (Linux doubles it).
struct send_buffer_size : detail::int_option<SOL_SOCKET, SO_SNDBUF> {
    using int_option::int_option;
};
/// SO_RCVBUF in bytes. The OS may round or double the value (Linux doubles it).
struct receive_buffer_size : detail::int_option<SOL_SOCKET, SO_RCVBUF> {
    using int_option::int_option;
};
/// IP_TTL: hop limit of outgoing IPv4 packets.
struct ttl : detail::int_option<IPPROTO_IP, IP_TTL> {
    using int_option::int_option;
};
/// IPV6_UNICAST_HOPS: hop limit of outgoing IPv6 unicast packets.
struct unicast_hops : detail::int_option<IPPROTO_IPV6, IPV6_UNICAST_HOPS> {
    using int_option::int_option;
};
/// Multicast TTL/hop limit (IP_MULTICAST_TTL or IPV6_MULTICAST_HOPS, by the socket's family).
struct multicast_ttl
    : detail::family_int_option<IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, detail::os::multicast_v4_value> {
    using family_int_option::family_int_option;
};
/// Whether multicast sent by this host loops back to its own sockets (IP_MULTICAST_LOOP or
/// IPV6_MULTICAST_LOOP, by the socket's family). `value` is 0 or 1.
struct multicast_loop
    : detail::family_int_option<IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, detail::os::multicast_v4_value> {
    using family_int_option::family_int_option;
};

/// Whether a socket bound to a wildcard address receives the datagrams of every multicast group
/// joined on its port by any socket of the host (true), or only of the groups it joined itself
/// (false). IP_MULTICAST_ALL, or IPV6_MULTICAST_ALL on an IPv6 socket (Linux 4.20+).
/// Trap (Linux): the default is true. A socket on 0.0.0.0:5000 that joined 239.1.1.1 also gets
/// the datagrams sent to 239.2.2.2:5000 as soon as another program on the host joins 239.2.2.2;
/// set `multicast_all{false}` on each receiving socket (or bind it to the group's address).
/// Trap: on a dual-stack IPv6 socket (v6_only false) IPv4 groups follow IP_MULTICAST_ALL,
/// which this option does not touch on an IPv6 socket; set it with `net::setsockopt`.
/// Other OSes have no such option, and setting or reading it fails with no_protocol_option:
/// macOS and the BSDs deliver to a socket only the groups joined on that socket (not verified
/// here); Windows likewise by its documentation (not verified here: Wine maps to Linux).
struct multicast_all
    : detail::family_bool_option<detail::os::opt_multicast_all_v4, detail::os::opt_multicast_all_v6> {
    using family_bool_option::family_bool_option;
};

/// UDP_SEGMENT (Linux 4.18+; UDP_SEND_MSG_SIZE on Windows 10 2004+): generic segmentation
/// offload. With `udp_segment{1200}`, every send on the socket of more than 1200 bytes leaves
/// as datagrams of 1200 bytes (the last one may be shorter): one 3000-byte send is received
/// as 1200 + 1200 + 600. 0 (the default) turns it off; at most 65535.
/// Traps: it applies to every send on the socket until set back to 0 (a send no larger than
/// the size goes as one datagram, as without it); the whole send is still one UDP payload of
/// at most about 64 KiB, and Linux refuses with invalid_argument a send of more than 64
/// segments or a size that does not fit the route's MTU (from the kernel's source; not tested
/// here). A kernel without it fails with no_protocol_option, as do macOS and the BSDs, which
/// have no such option. A size per send is a control message of sendmsg, not this option.
struct udp_segment
    : detail::int_option<IPPROTO_UDP, detail::os::opt_udp_segment, detail::os::udp_segment_value> {
    using int_option::int_option;
};
/// UDP_GRO (Linux 5.0+): the socket accepts coalesced datagrams (generic receive offload): a
/// single receive may then return several datagrams of the same sender back to back, all of
/// the same size but the last. Trap: a plain receive does not say where one datagram ends;
/// only the UDP_GRO control message of recvmsg gives the segment size, so enable it only where
/// the reader handles that. On loopback, receives are coalesced only when the sender used
/// udp_segment (the kernel keeps its segments together). Other OSes: no_protocol_option
/// (Windows' UDP_RECV_MAX_COALESCED_SIZE takes a byte limit, not a switch, and has its own
/// control message; reach it with `net::setsockopt`).
struct udp_gro : detail::bool_option<IPPROTO_UDP, detail::os::opt_udp_gro> {
    using bool_option::bool_option;
};

/// SO_LINGER. `{true, 0s}` makes close() reset the connection (RST) instead of a graceful FIN.
struct linger {
    bool enabled = false;
    std::chrono::seconds timeout{0};
    NETSOCK_DECL std::error_code set_on(native_handle_type h) const noexcept;
    NETSOCK_DECL std::error_code get_from(native_handle_type h) noexcept;
};

/// SO_RCVTIMEO: an OS-level timeout for every blocking receive (and accept). Expiry is reported
/// as timed_out. Prefer the timeout overloads of recv/accept, which need no option.
struct receive_timeout : detail::timeout_option<SO_RCVTIMEO> {
    using timeout_option::timeout_option;
};
/// SO_SNDTIMEO: an OS-level timeout for every blocking send. Expiry is reported as timed_out.
struct send_timeout : detail::timeout_option<SO_SNDTIMEO> {
    using timeout_option::timeout_option;
};

/// Joins a multicast group (set only): `net::set_option(s, net::join_group{group})`; for IPv4 the
/// interface is chosen by its address, for IPv6 by its index.
struct join_group : detail::membership_option<true> {};
/// Leaves a multicast group (set only).
struct leave_group : detail::membership_option<false> {};
/// Joins a multicast group for the datagrams of one source only (source-specific multicast,
/// RFC 4607; set only): `net::set_option(s, net::join_source_group{group, source, iface})`
/// (`iface`: an IPv4 interface address, or an IPv6 interface index).
/// IPv4: IP_ADD_SOURCE_MEMBERSHIP, the interface chosen by its address; IPv6:
/// MCAST_JOIN_SOURCE_GROUP, the interface by its index (0 = the group's scope id, or the
/// default). Join once per source to accept several. The SSM ranges are 232.0.0.0/8 and
/// ff3x::/32, but the OS does not insist on them.
/// Traps: on a group the socket joined for any source (join_group), Linux accepts the call and
/// narrows the membership to this one source (other OSes may refuse it, as RFC 3678 says; not
/// verified here); leave with the same group, source and interface. Errors: invalid_argument if `group` is
/// not multicast or `source` is not of its family; no_protocol_option where the OS has no source-specific
/// joins (OpenBSD, for example).
struct join_source_group : detail::source_membership_option<true> {
    using source_membership_option::source_membership_option;
};
/// Leaves a source of a group joined with join_source_group (set only); IP_DROP_SOURCE_MEMBERSHIP
/// or MCAST_LEAVE_SOURCE_GROUP. Leaving the last source leaves the group.
struct leave_source_group : detail::source_membership_option<false> {
    using source_membership_option::source_membership_option;
};

/// The interface for outgoing multicast: IPv4 by local address (IP_MULTICAST_IF), IPv6 by
/// interface index (IPV6_MULTICAST_IF).
struct multicast_interface {
    address interface_address = address::any(); ///< IPv4 sockets
    std::uint32_t interface_index = 0;          ///< IPv6 sockets
    NETSOCK_DECL std::error_code set_on(native_handle_type h) const noexcept;
    NETSOCK_DECL std::error_code get_from(native_handle_type h) noexcept;
};

/// SO_ERROR (get only): the pending error of the socket, e.g. the outcome of a non-blocking
/// connect. Reading it clears it.
struct socket_error {
    std::error_code value;
    NETSOCK_DECL std::error_code get_from(native_handle_type h) noexcept;
};

/// Sets a typed option. Errors: no_protocol_option where the OS lacks the option,
/// invalid_argument for a negative size or timeout, bad_file_descriptor for a closed socket.
template <class Option>
[[nodiscard]] result<void> try_set_option(const socket& s, const Option& option) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = option.set_on(s.native_handle())) return detail::fail(ec);
    return {};
}
/// Throwing form of `try_set_option`.
template <class Option> void set_option(const socket& s, const Option& option) {
    detail::unwrap(try_set_option(s, option), "set_option");
}

/// Reads a typed option: `auto size = net::get_option<net::receive_buffer_size>(s).value;`.
template <class Option> [[nodiscard]] result<Option> try_get_option(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    Option option{};
    if (auto ec = option.get_from(s.native_handle())) return detail::fail(ec);
    return option;
}
/// Throwing form of `try_get_option`.
template <class Option> Option get_option(const socket& s) {
    return detail::unwrap(try_get_option<Option>(s), "get_option");
}

/// The escape hatch for an option netsock has no type for, Python's
/// `s.setsockopt(level, name, value)`: `net::setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, 1)`. The
/// level and name constants come from the OS headers, which netsock includes; the value is
/// passed as it is (an int, or `size` bytes). Errors: the OS's (no_protocol_option,
/// invalid_argument, ...), bad_file_descriptor for a closed socket.
[[nodiscard]] inline result<void> try_setsockopt(const socket& s, int level, int name, const void* value,
                                                 std::size_t size) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::set_option_bytes(s.native_handle(), level, name, value, size))
        return detail::fail(ec);
    return {};
}
/// `try_setsockopt` of an int value.
[[nodiscard]] inline result<void> try_setsockopt(const socket& s, int level, int name, int value) noexcept {
    return try_setsockopt(s, level, name, &value, sizeof value);
}
/// Throwing forms of `try_setsockopt`.
inline void setsockopt(const socket& s, int level, int name, const void* value, std::size_t size) {
    detail::unwrap(try_setsockopt(s, level, name, value, size), "setsockopt");
}
inline void setsockopt(const socket& s, int level, int name, int value) {
    detail::unwrap(try_setsockopt(s, level, name, value), "setsockopt");
}

/// Python's `s.getsockopt(level, name, buflen)`: fills at most `size` bytes of `value` and
/// returns how many the OS wrote.
[[nodiscard]] inline result<std::size_t> try_getsockopt(const socket& s, int level, int name, void* value,
                                                        std::size_t size) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::get_option_bytes(s.native_handle(), level, name, value, size))
        return detail::fail(ec);
    return size;
}
/// Python's `s.getsockopt(level, name)`: the option as an int.
[[nodiscard]] inline result<int> try_getsockopt(const socket& s, int level, int name) noexcept {
    int value = 0;
    auto r = try_getsockopt(s, level, name, &value, sizeof value);
    if (!r) return detail::fail(r.error());
    return value;
}
/// Throwing forms of `try_getsockopt`.
inline std::size_t getsockopt(const socket& s, int level, int name, void* value, std::size_t size) {
    return detail::unwrap(try_getsockopt(s, level, name, value, size), "getsockopt");
}
inline int getsockopt(const socket& s, int level, int name) {
    return detail::unwrap(try_getsockopt(s, level, name), "getsockopt");
}

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/options.ipp"
#endif

#endif
