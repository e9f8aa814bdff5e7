#ifndef NETSOCK_ADDRESS_HPP
#define NETSOCK_ADDRESS_HPP

#include "config.hpp"
#include "detail/platform.hpp"
#include "result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

/// Address family of a socket or address. (Never named `unix`: that is a predefined macro in
/// GNU mode.)
enum class family { ipv4, ipv6, local };

/// Socket type: a reliable byte stream (TCP, or a local stream) or datagrams (UDP).
enum class socket_type { stream, datagram };

/// A socket address: IPv4 (address + port), IPv6 (address + port + scope id) or local (a Unix
/// socket path). A plain value type: copyable, comparable, hashable, printable.
/// A default-constructed address is `0.0.0.0:0`.
///
/// Parsing is numeric only and never calls DNS (use `net::resolve` for names), and reads the
/// same texts on every OS (netsock's own parser and formatter, not the OS's inet_pton and
/// inet_ntop):
/// ```cpp
/// auto a = net::address::parse("127.0.0.1:8080");
/// auto b = net::address::parse("[fe80::1%lo]:22");
/// if (auto r = net::address::try_parse(user_text); !r) std::puts(r.error().message().c_str());
/// ```
/// The rules, and their traps:
/// - IPv4 is exactly four decimal numbers 0-255. "127.1", "0x7f.0.0.1", "2130706433" and
///   "012.0.0.1" are rejected: inet_aton reads them as 127.0.0.1 and 10.0.0.1 (octal), others
///   do not (CVE-2021-29921); `resolve` applies the same rule to numeric-looking hosts.
/// - IPv6 is RFC 4291 text: groups of 1-4 hex digits, one "::" (for at least one zero group),
///   an optional dotted IPv4 tail without leading zeros, an optional zone "%eth0" or "%2". A
///   zone is an interface name of [A-Za-z0-9._-] (at most 63) or a number below 2^32.
/// - With a port, IPv6 needs brackets: "[::1]:80". Unbracketed IPv6 in the one-argument form is
///   rejected with `net::errc::ipv6_needs_brackets` when it could also be read as an address and
///   a port: "::1:80" (the address ::0.1.0.128, or [::1] port 80?), "fe80::1%lo:8080",
///   "2001:db8::1:2". Texts that cannot, such as "::1", "fe80::1%lo" or
///   "1:2:3:4:5:6:7:8", are accepted with port 0. To pass any bare IPv6 host, use
///   `parse(host, port)` or brackets.
/// - Errors are codes of `net::errc` naming the reason (`port_out_of_range`, `invalid_ipv4`,
///   `ipv4_leading_zero`, ...); each compares equal to `std::errc::invalid_argument`, except
///   `unknown_zone` (a zone name no interface has), equal to `std::errc::no_such_device`. The
///   throwing forms echo the input: `address::parse "1.2.3.4:99999": port out of range`.
/// - Printing follows RFC 5952 ("2001:db8::1", lowercase, the longest zero run as "::", a lone
///   zero group as "0"); only IPv4-mapped addresses print a dotted tail ("::ffff:1.2.3.4"), as
///   Python, Go and Rust print them. `parse(a.to_string()) == a` for every IP address.
class address {
public:
    /// `0.0.0.0:0`.
    NETSOCK_DECL address() noexcept;

    /// Parses "1.2.3.4:80", "1.2.3.4" (port 0), "[::1]:443", "[::1]", "::1" (port 0) and
    /// "[fe80::1%eth0]:22" (zone by interface name or number). Rejects "::1:80" (write
    /// "[::1]:80"; see the rules above). Errors: a `net::errc` reason, equal to
    /// `invalid_argument` for malformed text or a port above 65535, to `no_such_device` for an
    /// unknown zone name. Never allocates.
    [[nodiscard]] NETSOCK_DECL static result<address> try_parse(std::string_view text) noexcept;
    /// Throwing form of `try_parse(text)`; `net::error::address()` holds the quoted input.
    NETSOCK_DECL static address parse(std::string_view text);
    /// Parses a numeric host ("10.0.0.1", "::1", "[::1]", "fe80::1%2", "::1:80" = ::0.1.0.128)
    /// with a separate port: a bare IPv6 host is never ambiguous here.
    [[nodiscard]] NETSOCK_DECL static result<address> try_parse(std::string_view host,
                                                                std::uint16_t port) noexcept;
    /// Throwing form of `try_parse(host, port)`.
    NETSOCK_DECL static address parse(std::string_view host, std::uint16_t port);

    /// IPv4 from a host-order number: `ipv4(0x7f000001, 80)` is `127.0.0.1:80`.
    NETSOCK_DECL static address ipv4(std::uint32_t host_order, std::uint16_t port = 0) noexcept;
    /// IPv4 from its four bytes in network order.
    NETSOCK_DECL static address ipv4(const std::array<std::uint8_t, 4>& bytes,
                                     std::uint16_t port = 0) noexcept;
    /// IPv6 from its sixteen bytes in network order, with an optional scope (interface) id.
    NETSOCK_DECL static address ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port = 0,
                                     std::uint32_t scope_id = 0) noexcept;
    /// `127.0.0.1:port` or `[::1]:port`; for `family::local`, the unnamed local address.
    NETSOCK_DECL static address loopback(net::family f = net::family::ipv4, std::uint16_t port = 0) noexcept;
    /// `0.0.0.0:port` or `[::]:port` (all interfaces); for `family::local`, the unnamed local
    /// address.
    NETSOCK_DECL static address any(net::family f = net::family::ipv4, std::uint16_t port = 0) noexcept;
    /// A local (Unix domain) socket path. A leading NUL makes a Linux abstract name.
    /// Errors: `filename_too_long` if the path does not fit `sun_path` (never truncated),
    /// `invalid_argument` for an empty path or an embedded NUL.
    [[nodiscard]] NETSOCK_DECL static result<address> try_local(std::string_view path) noexcept;
    /// Throwing form of `try_local`.
    NETSOCK_DECL static address local(std::string_view path);
    /// Copies a native `sockaddr` of `size` bytes (AF_INET, AF_INET6 or AF_UNIX).
    /// Errors: `address_family_not_supported`, `invalid_argument` for a bad size.
    [[nodiscard]] NETSOCK_DECL static result<address> try_from_native(const void* sa,
                                                                      std::size_t size) noexcept;
    /// Throwing form of `try_from_native`.
    NETSOCK_DECL static address from_native(const void* sa, std::size_t size);

    /// The address family.
    NETSOCK_DECL net::family family() const noexcept;
    /// The port in host order (0 for local addresses).
    NETSOCK_DECL std::uint16_t port() const noexcept;
    /// A copy with another port (unchanged for local addresses).
    NETSOCK_DECL address with_port(std::uint16_t port) const noexcept;
    /// The IPv6 scope (interface) id; 0 otherwise.
    NETSOCK_DECL std::uint32_t scope_id() const noexcept;
    /// The IPv4 address bytes (network order); zeros for other families.
    NETSOCK_DECL std::array<std::uint8_t, 4> v4_bytes() const noexcept;
    /// The IPv6 address bytes (network order); zeros for other families.
    NETSOCK_DECL std::array<std::uint8_t, 16> v6_bytes() const noexcept;
    /// The local path ("" for unnamed; abstract names keep their leading NUL).
    NETSOCK_DECL std::string path() const;

    /// The host part without port or brackets: "127.0.0.1", "::1", "fe80::1%eth0", or the path.
    NETSOCK_DECL std::string host() const;
    /// "127.0.0.1:80", "[::1]:443", "[fe80::1%eth0]:22"; local: the path ("@name" for
    /// abstract names). `parse(a.to_string()) == a` for IP addresses.
    NETSOCK_DECL std::string to_string() const;

    /// 127.0.0.0/8, ::1, and ::ffff:127.0.0.0/104.
    NETSOCK_DECL bool is_loopback() const noexcept;
    /// 0.0.0.0 or ::.
    NETSOCK_DECL bool is_any() const noexcept;
    /// 224.0.0.0/4 or ff00::/8.
    NETSOCK_DECL bool is_multicast() const noexcept;
    /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d).
    NETSOCK_DECL bool is_v4_mapped() const noexcept;
    /// For an IPv4-mapped IPv6 address, the IPv4 address with the same port; else a copy.
    NETSOCK_DECL address unmapped() const noexcept;

    /// The native `sockaddr` and its length, for interop with OS calls.
    const ::sockaddr* data() const noexcept { return reinterpret_cast<const ::sockaddr*>(&storage_); }
    ::sockaddr* data() noexcept { return reinterpret_cast<::sockaddr*>(&storage_); }
    std::size_t size() const noexcept { return static_cast<std::size_t>(size_); }
    static constexpr std::size_t capacity() noexcept { return sizeof(::sockaddr_storage); }

    friend bool operator==(const address& a, const address& b) noexcept { return a.compare(b) == 0; }
    friend bool operator!=(const address& a, const address& b) noexcept { return a.compare(b) != 0; }
    friend bool operator<(const address& a, const address& b) noexcept { return a.compare(b) < 0; }
    friend bool operator<=(const address& a, const address& b) noexcept { return a.compare(b) <= 0; }
    friend bool operator>(const address& a, const address& b) noexcept { return a.compare(b) > 0; }
    friend bool operator>=(const address& a, const address& b) noexcept { return a.compare(b) >= 0; }

    /// A hash consistent with `==`.
    NETSOCK_DECL std::size_t hash() const noexcept;

    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                         const address& a) {
        const std::string s = a.to_string();
        for (char c : s) os.put(os.widen(c));
        return os;
    }

    // For the library: receives a kernel-filled sockaddr (accept, recvfrom, getsockname).
    struct native_sink {
        ::sockaddr* data;
        detail::os::socklen_type* size;
    };
    NETSOCK_DECL native_sink prepare_native() noexcept;
    NETSOCK_DECL std::error_code commit_native() noexcept;
    // The same for a sockaddr the kernel wrote into data() (size: what it reported), without
    // clearing the storage first (a batch receive's many slots, message.ipp).
    NETSOCK_DECL std::error_code commit_native(std::size_t size) noexcept;

private:
    ::sockaddr_in* as_v4() noexcept { return reinterpret_cast<::sockaddr_in*>(&storage_); }
    const ::sockaddr_in* as_v4() const noexcept { return reinterpret_cast<const ::sockaddr_in*>(&storage_); }
    ::sockaddr_in6* as_v6() noexcept { return reinterpret_cast<::sockaddr_in6*>(&storage_); }
    const ::sockaddr_in6* as_v6() const noexcept {
        return reinterpret_cast<const ::sockaddr_in6*>(&storage_);
    }
    NETSOCK_DECL static address unnamed_local() noexcept;
    NETSOCK_DECL std::string_view local_path() const noexcept;
    NETSOCK_DECL std::error_code normalize() noexcept;
    NETSOCK_DECL int compare(const address& o) const noexcept;

    ::sockaddr_storage storage_;
    detail::os::socklen_type size_;
};

namespace detail {
NETSOCK_DECL int to_native(net::family f) noexcept;
NETSOCK_DECL int to_native(net::socket_type t) noexcept;
} // namespace detail
NETSOCK_END_NAMESPACE

// std::hash is declared by <string_view> (and <system_error>): no <functional>, one of the
// costliest standard headers to compile (bench/compile_time.sh).
namespace std {
template <> struct hash<net::address> {
    std::size_t operator()(const net::address& a) const noexcept { return a.hash(); }
};
} // namespace std

#if NETSOCK_HEADER_ONLY
#include "impl/address.ipp"
#endif

#endif
