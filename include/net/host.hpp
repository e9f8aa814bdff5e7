#ifndef NETSOCK_HOST_HPP
#define NETSOCK_HOST_HPP

// This host: its name, its network interfaces, and reverse name lookup (Python's
// socket.gethostname, socket.getnameinfo and socket.if_nameindex / psutil.net_if_addrs).

#include "address.hpp"
#include "config.hpp"
#include "resolve.hpp"
#include "result.hpp"

#include <string>
#include <vector>

NETSOCK_BEGIN_NAMESPACE

/// This machine's host name (gethostname): `net::gethostname()` is Python's
/// `socket.gethostname()`. Not necessarily a name that resolves.
[[nodiscard]] NETSOCK_DECL result<std::string> try_gethostname() noexcept;
/// Throwing form of `try_gethostname`.
NETSOCK_DECL std::string gethostname();

/// What `getnameinfo` does (combine with `|`), NI_* of getnameinfo(3).
enum class name_flags : unsigned {
    none = 0,
    numeric_host = 1,    ///< the numeric address, never a lookup (NI_NUMERICHOST)
    numeric_service = 2, ///< the port number, not its service name (NI_NUMERICSERV)
    name_required = 4,   ///< fail with host_not_found when the address has no name (NI_NAMEREQD)
    datagram = 8,        ///< service names for UDP (NI_DGRAM)
    no_fqdn = 16,        ///< only the host part of a local name (NI_NOFQDN)
};
constexpr name_flags operator|(name_flags a, name_flags b) noexcept {
    return static_cast<name_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(name_flags set, name_flags f) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(f)) != 0;
}

/// What `getnameinfo` returns: the host's name (or numeric text) and the service.
struct name_info {
    std::string host;
    std::string service;
};

/// Reverse lookup, Python's `socket.getnameinfo((host, port), flags)`: the name of `a`'s host
/// (from /etc/hosts, DNS, ...; the numeric text when it has none, unless `name_required`) and
/// the name of its port ("http", or the number). It may query DNS and wait for it: the
/// resolver's timeout applies, and the call cannot be cancelled. Errors in
/// `net::resolve_category()` (compare with `net::resolve_errc::host_not_found`, ...);
/// invalid_argument for a local (Unix) address.
[[nodiscard]] NETSOCK_DECL result<name_info> try_getnameinfo(const address& a,
                                                             name_flags f = name_flags::none) noexcept;
/// Throwing form of `try_getnameinfo`.
NETSOCK_DECL name_info getnameinfo(const address& a, name_flags f = name_flags::none);

/// The state of a network interface (combine with `|`, test with `has`).
enum class interface_flags : unsigned {
    none = 0,
    up = 1,             ///< administratively up (Windows: operational)
    running = 2,        ///< the link is up
    loopback = 4,       ///< the loopback interface
    multicast = 8,      ///< supports multicast
    broadcast = 16,     ///< has a broadcast address (Ethernet, Wi-Fi)
    point_to_point = 32 ///< a point-to-point link (PPP, tunnels)
};
constexpr interface_flags operator|(interface_flags a, interface_flags b) noexcept {
    return static_cast<interface_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(interface_flags set, interface_flags f) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(f)) != 0;
}

/// One IP address of an interface and its network prefix length ("127.0.0.1/8"); -1 when
/// the OS does not say.
struct interface_address {
    net::address address;
    int prefix_length = -1;
};

/// One network interface: its name ("lo", "eth0"; on Windows the adapter's friendly name,
/// "Ethernet", in UTF-8), its index (the scope id of link-local IPv6 addresses on it), its
/// state and its IPv4 and IPv6 addresses (port 0). An interface with no IP address is listed
/// too, with no addresses.
struct interface_info {
    std::string name;
    unsigned index = 0;
    interface_flags flags = interface_flags::none;
    std::vector<interface_address> addresses;
};

/// The network interfaces of this host, in the order the OS lists them (getifaddrs on POSIX,
/// GetAdaptersAddresses on Windows, loaded at run time: nothing more to link).
/// Errors: the OS's (not_enough_memory, ...); operation_not_supported where the OS has no list.
[[nodiscard]] NETSOCK_DECL result<std::vector<interface_info>> try_interfaces() noexcept;
/// Throwing form of `try_interfaces`.
NETSOCK_DECL std::vector<interface_info> interfaces();

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/host.ipp"
#endif

#endif
