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

/// This machine's host name, Python's `socket.gethostname()`: `"build-07"`, sometimes a fully
/// qualified `"build-07.example.org"` (whatever the administrator set).
/// - POSIX: `gethostname(2)` (`uname -n`).
/// - Windows: `GetComputerNameExW(ComputerNamePhysicalDnsHostname)` in UTF-8, as Python does
///   (Winsock's `gethostname` would give it in the ANSI code page); Winsock is not needed.
/// Trap: it is not necessarily a name that resolves, nor one that resolves to this machine.
/// Errors: filename_too_long if the name does not fit in 255 bytes (not seen in practice).
[[nodiscard]] NETSOCK_DECL result<std::string> try_gethostname() noexcept;
/// Throwing form of `try_gethostname`.
NETSOCK_DECL std::string gethostname();

/// What `getnameinfo` does (combine with `|`), the NI_* flags of getnameinfo(3).
enum class name_flags : unsigned {
    none = 0,
    numeric_host = 1,    ///< the numeric address, never a lookup (NI_NUMERICHOST)
    numeric_service = 2, ///< the port number, not its service name (NI_NUMERICSERV)
    name_required = 4,   ///< fail with host_not_found when the address has no name (NI_NAMEREQD)
    datagram = 8,        ///< service names for UDP, where they differ (NI_DGRAM)
    no_fqdn = 16,        ///< only the first label of a local host's name (NI_NOFQDN)
};
constexpr name_flags operator|(name_flags a, name_flags b) noexcept {
    return static_cast<name_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr name_flags operator&(name_flags a, name_flags b) noexcept {
    return static_cast<name_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr name_flags& operator|=(name_flags& a, name_flags b) noexcept { return a = a | b; }
/// True if `set` contains any flag of `f`.
constexpr bool has(name_flags set, name_flags f) noexcept { return (set & f) != name_flags::none; }

/// What `getnameinfo` returns: the host's name (or its numeric text) and the service's.
struct name_info {
    std::string host;    ///< "localhost", "example.org", or "127.0.0.1" / "fe80::1%eth0"
    std::string service; ///< "http", or the port number as text ("8080")
};

/// Reverse lookup, Python's `socket.getnameinfo((host, port), flags)`: the name of `a`'s host
/// (from the hosts file, DNS, mDNS... as the OS is configured) and the name of its port
/// (`/etc/services`, or the number as text when it has none).
/// - Without `name_required`, an address with no name gives its numeric text, not an error.
/// - An IPv6 address with a scope id gives its zone too ("fe80::1%eth0" or "fe80::1%2").
/// - POSIX: `getnameinfo(3)`. Windows: `GetNameInfoW`, host and service converted to UTF-8.
/// Traps: it may query DNS (a PTR lookup) and wait for it: the resolver's own timeout applies
/// (seconds, per configured server), not a netsock timeout, and the call cannot be cancelled;
/// use `numeric_host` when you only want text. A name found is not proof of identity: anyone
/// who controls the reverse zone chooses it (resolve it forwards and compare if that matters).
/// Errors in `net::resolve_category()`, as `resolve` reports them (compare with
/// `net::resolve_errc`): host_not_found (`name_required` and no name), try_again (the DNS
/// server did not answer), family_not_supported (a default-constructed address); a resolver
/// failure that is an OS error (EAI_SYSTEM) is that errno in `socket_category()` instead.
/// A local (Unix) address is `std::errc::invalid_argument`: it has no host to look up (its
/// path is `a.path()`).
[[nodiscard]] NETSOCK_DECL result<name_info> try_getnameinfo(const address& a,
                                                             name_flags f = name_flags::none) noexcept;
/// Throwing form of `try_getnameinfo`; what() names the address.
NETSOCK_DECL name_info getnameinfo(const address& a, name_flags f = name_flags::none);

/// The state of a network interface (combine with `|`, test with `has`).
enum class interface_flags : unsigned {
    none = 0,
    up = 1,             ///< administratively up, IFF_UP (Windows: operational, as `running`)
    running = 2,        ///< the link is up and resources allocated, IFF_RUNNING
    loopback = 4,       ///< the loopback interface (Windows: IF_TYPE_SOFTWARE_LOOPBACK)
    multicast = 8,      ///< supports multicast
    broadcast = 16,     ///< has a broadcast address (Windows: Ethernet and Wi-Fi adapters)
    point_to_point = 32 ///< a point-to-point link: PPP, tunnels
};
constexpr interface_flags operator|(interface_flags a, interface_flags b) noexcept {
    return static_cast<interface_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr interface_flags operator&(interface_flags a, interface_flags b) noexcept {
    return static_cast<interface_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr interface_flags& operator|=(interface_flags& a, interface_flags b) noexcept { return a = a | b; }
/// True if `set` contains any flag of `f`.
constexpr bool has(interface_flags set, interface_flags f) noexcept {
    return (set & f) != interface_flags::none;
}

/// One IP address of an interface and the length of its network prefix: "127.0.0.1" and 8,
/// "::1" and 128.
struct interface_address {
    net::address address;   ///< port 0; link-local IPv6 addresses carry the interface's index as scope id
    int prefix_length = -1; ///< leading one bits of the netmask; -1 when the OS does not say
    /// The netmask as an address of the same family (255.0.0.0 for a prefix length of 8),
    /// port 0; the unspecified address (0.0.0.0, ::) when `prefix_length` is -1.
    NETSOCK_DECL net::address netmask() const noexcept;
};

/// One network interface: its name, its index, its state and its IPv4 and IPv6 addresses.
/// - `name`: POSIX: the name of getifaddrs, "lo", "eth0", "en0" (what a zone "%eth0" and
///   if_nametoindex take). Windows: the adapter's FriendlyName in UTF-8 ("Ethernet",
///   "Loopback Pseudo-Interface 1"; the AdapterName GUID "{4D36E972-...}" if it has none).
///   Trap: on Windows that is a display name that the user may rename, and not the name an
///   IPv6 zone takes: use the index there ("fe80::1%12").
/// - `index`: POSIX: if_nametoindex(name). Windows: IfIndex, or Ipv6IfIndex on an adapter
///   without IPv4 (0 on one with neither). It is the scope id of the interface's link-local
///   IPv6 addresses and what multicast options take. Indexes can be reused once an interface
///   goes away.
/// Linux lists an IPv4 alias with a label ("eth0:1") as an interface of its own, with the
/// index of "eth0".
struct interface_info {
    std::string name;
    unsigned index = 0;
    interface_flags flags = interface_flags::none;
    std::vector<interface_address> addresses; ///< may be empty: an interface without IP address
};

/// The network interfaces of this host, in the order the OS lists them (Python:
/// `socket.if_nameindex()` plus psutil's `net_if_addrs()` and `net_if_stats()`). Down
/// interfaces are listed too: test `interface_flags::up`.
/// - POSIX: getifaddrs (Linux, macOS, the BSDs, musl); link-layer entries (AF_PACKET, AF_LINK)
///   are not addresses here. macOS/BSD's link-local addresses with the scope embedded in the
///   address bytes (fe80:4::1) come back as fe80::1 with scope id 4.
/// - Windows: GetAdaptersAddresses (unicast addresses), loaded from iphlpapi.dll at run time,
///   once: nothing more to link.
/// Errors: not_enough_memory; operation_not_supported where the OS has no list (Windows
/// without GetAdaptersAddresses in iphlpapi.dll); otherwise the OS's error (getifaddrs'
/// errno). A host with no interface at all gives an empty list, not an error.
[[nodiscard]] NETSOCK_DECL result<std::vector<interface_info>> try_interfaces() noexcept;
/// Throwing form of `try_interfaces`.
NETSOCK_DECL std::vector<interface_info> interfaces();

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/host.ipp"
#endif

#endif
