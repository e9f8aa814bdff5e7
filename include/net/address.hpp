#ifndef NETSOCK_ADDRESS_HPP
#define NETSOCK_ADDRESS_HPP

#include "config.hpp"
#include "detail/platform.hpp"
#include "detail/sockaddr.hpp"
#include "result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>
#include <string_view>
#include <system_error>

namespace net {

/// Address family of a socket or address. (Never named `unix`: that is a predefined macro in
/// GNU mode.)
enum class family { ipv4, ipv6, local };

/// Socket type: a reliable byte stream (TCP, or a local stream) or datagrams (UDP).
enum class socket_type { stream, datagram };

/// A socket address: IPv4 (address + port), IPv6 (address + port + scope id) or local (a Unix
/// socket path). A plain value type: copyable, comparable, hashable, printable.
/// A default-constructed address is `0.0.0.0:0`.
///
/// Parsing is numeric only and never calls DNS (use `net::resolve` for names):
/// ```cpp
/// auto a = net::address::parse("127.0.0.1:8080");
/// auto b = net::address::parse("[fe80::1%lo]:22");
/// if (auto r = net::address::try_parse(user_text); !r) std::puts(r.error().message().c_str());
/// ```
class address {
public:
    /// `0.0.0.0:0`.
    address() noexcept {
        std::memset(&storage_, 0, sizeof storage_);
        auto* sin = reinterpret_cast<::sockaddr_in*>(&storage_);
        sin->sin_family = AF_INET;
        size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in));
        detail::set_sa_len(data(), sizeof(::sockaddr_in));
    }

    /// Parses "1.2.3.4:80", "1.2.3.4" (port 0), "[::1]:443", "[::1]", "::1" (port 0) and
    /// "[fe80::1%eth0]:22" (zone by interface name or number). Errors: `invalid_argument` for
    /// malformed text or a port above 65535, `no_such_device` for an unknown zone name.
    static result<address> try_parse(std::string_view text) noexcept {
        if (text.empty() || text.size() > max_text) return detail::fail(std::errc::invalid_argument);
        std::string_view host = text;
        std::string_view port_text;
        bool bracketed = false;
        if (text.front() == '[') {
            auto close = text.find(']');
            if (close == std::string_view::npos) return detail::fail(std::errc::invalid_argument);
            host = text.substr(1, close - 1);
            auto rest = text.substr(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') return detail::fail(std::errc::invalid_argument);
                port_text = rest.substr(1);
                if (port_text.empty()) return detail::fail(std::errc::invalid_argument);
            }
            bracketed = true;
        } else {
            auto first = text.find(':');
            if (first != std::string_view::npos && text.find(':', first + 1) == std::string_view::npos) {
                host = text.substr(0, first); // exactly one colon: IPv4 host and port
                port_text = text.substr(first + 1);
                if (port_text.empty()) return detail::fail(std::errc::invalid_argument);
            }
        }
        std::uint16_t port = 0;
        if (!port_text.empty() && !parse_port(port_text, port))
            return detail::fail(std::errc::invalid_argument);
        return parse_host(host, port, bracketed);
    }
    /// Throwing form of `try_parse(text)`.
    static address parse(std::string_view text) {
        return detail::unwrap(try_parse(text), "address::parse");
    }
    /// Parses a numeric host ("10.0.0.1", "::1", "[::1]", "fe80::1%2") with a separate port.
    static result<address> try_parse(std::string_view host, std::uint16_t port) noexcept {
        if (host.empty() || host.size() > max_text) return detail::fail(std::errc::invalid_argument);
        bool bracketed = false;
        if (host.front() == '[') {
            if (host.size() < 2 || host.back() != ']') return detail::fail(std::errc::invalid_argument);
            host = host.substr(1, host.size() - 2);
            bracketed = true;
        }
        return parse_host(host, port, bracketed);
    }
    /// Throwing form of `try_parse(host, port)`.
    static address parse(std::string_view host, std::uint16_t port) {
        return detail::unwrap(try_parse(host, port), "address::parse");
    }

    /// IPv4 from a host-order number: `ipv4(0x7f000001, 80)` is `127.0.0.1:80`.
    static address ipv4(std::uint32_t host_order, std::uint16_t port = 0) noexcept {
        return ipv4({static_cast<std::uint8_t>(host_order >> 24),
                     static_cast<std::uint8_t>(host_order >> 16),
                     static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order)},
                    port);
    }
    /// IPv4 from its four bytes in network order.
    static address ipv4(const std::array<std::uint8_t, 4>& bytes, std::uint16_t port = 0) noexcept {
        address a;
        auto* sin = a.as_v4();
        std::memcpy(&sin->sin_addr, bytes.data(), 4);
        sin->sin_port = detail::to_net16(port);
        return a;
    }
    /// IPv6 from its sixteen bytes in network order, with an optional scope (interface) id.
    static address ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port = 0,
                        std::uint32_t scope_id = 0) noexcept {
        address a;
        std::memset(&a.storage_, 0, sizeof a.storage_);
        auto* sin6 = reinterpret_cast<::sockaddr_in6*>(&a.storage_);
        sin6->sin6_family = AF_INET6;
        std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
        sin6->sin6_port = detail::to_net16(port);
        sin6->sin6_scope_id = scope_id;
        a.size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in6));
        detail::set_sa_len(a.data(), sizeof(::sockaddr_in6));
        return a;
    }
    /// `127.0.0.1:port` or `[::1]:port`; for `family::local`, the unnamed local address.
    static address loopback(net::family f = net::family::ipv4, std::uint16_t port = 0) noexcept {
        switch (f) {
        case net::family::ipv6: {
            std::array<std::uint8_t, 16> b{};
            b[15] = 1;
            return ipv6(b, port);
        }
        case net::family::local: return unnamed_local();
        default: return ipv4(0x7f000001u, port);
        }
    }
    /// `0.0.0.0:port` or `[::]:port` (all interfaces); for `family::local`, the unnamed local
    /// address.
    static address any(net::family f = net::family::ipv4, std::uint16_t port = 0) noexcept {
        switch (f) {
        case net::family::ipv6: return ipv6({}, port);
        case net::family::local: return unnamed_local();
        default: return ipv4(0u, port);
        }
    }
    /// A local (Unix domain) socket path. A leading NUL makes a Linux abstract name.
    /// Errors: `filename_too_long` if the path does not fit `sun_path` (never truncated),
    /// `invalid_argument` for an empty path or an embedded NUL.
    static result<address> try_local(std::string_view path) noexcept {
        if (path.empty()) return detail::fail(std::errc::invalid_argument);
        const bool abstract = path.front() == '\0';
        if (!abstract && path.find('\0') != std::string_view::npos)
            return detail::fail(std::errc::invalid_argument);
        // A path name needs room for its terminating NUL; an abstract name does not.
        if (path.size() + (abstract ? 0 : 1) > detail::sun_path_capacity)
            return detail::fail(std::errc::filename_too_long);
        address a = unnamed_local();
        auto* sun = reinterpret_cast<detail::os::sockaddr_un_type*>(&a.storage_);
        std::memcpy(sun->sun_path, path.data(), path.size());
        const std::size_t len = detail::sun_path_offset + path.size() + (abstract ? 0 : 1);
        a.size_ = static_cast<detail::os::socklen_type>(len);
        detail::set_sa_len(a.data(), len);
        return a;
    }
    /// Throwing form of `try_local`.
    static address local(std::string_view path) {
        return detail::unwrap(try_local(path), "address::local");
    }
    /// Copies a native `sockaddr` of `size` bytes (AF_INET, AF_INET6 or AF_UNIX).
    /// Errors: `address_family_not_supported`, `invalid_argument` for a bad size.
    static result<address> try_from_native(const void* sa, std::size_t size) noexcept {
        address a;
        if (sa == nullptr || size < sizeof(a.storage_.ss_family) || size > sizeof a.storage_)
            return detail::fail(std::errc::invalid_argument);
        std::memset(&a.storage_, 0, sizeof a.storage_);
        std::memcpy(&a.storage_, sa, size);
        a.size_ = static_cast<detail::os::socklen_type>(size);
        if (auto ec = a.normalize()) return detail::fail(ec);
        return a;
    }
    /// Throwing form of `try_from_native`.
    static address from_native(const void* sa, std::size_t size) {
        return detail::unwrap(try_from_native(sa, size), "address::from_native");
    }

    /// The address family.
    net::family family() const noexcept {
        switch (storage_.ss_family) {
        case AF_INET6: return net::family::ipv6;
        case detail::os::af_local: return net::family::local;
        default: return net::family::ipv4;
        }
    }
    /// The port in host order (0 for local addresses).
    std::uint16_t port() const noexcept {
        switch (family()) {
        case net::family::ipv4: return detail::from_net16(as_v4()->sin_port);
        case net::family::ipv6: return detail::from_net16(as_v6()->sin6_port);
        default: return 0;
        }
    }
    /// A copy with another port (unchanged for local addresses).
    address with_port(std::uint16_t port) const noexcept {
        address a = *this;
        if (family() == net::family::ipv4) a.as_v4()->sin_port = detail::to_net16(port);
        else if (family() == net::family::ipv6) a.as_v6()->sin6_port = detail::to_net16(port);
        return a;
    }
    /// The IPv6 scope (interface) id; 0 otherwise.
    std::uint32_t scope_id() const noexcept {
        return family() == net::family::ipv6 ? as_v6()->sin6_scope_id : 0;
    }
    /// The IPv4 address bytes (network order); zeros for other families.
    std::array<std::uint8_t, 4> v4_bytes() const noexcept {
        std::array<std::uint8_t, 4> b{};
        if (family() == net::family::ipv4) std::memcpy(b.data(), &as_v4()->sin_addr, 4);
        return b;
    }
    /// The IPv6 address bytes (network order); zeros for other families.
    std::array<std::uint8_t, 16> v6_bytes() const noexcept {
        std::array<std::uint8_t, 16> b{};
        if (family() == net::family::ipv6) std::memcpy(b.data(), &as_v6()->sin6_addr, 16);
        return b;
    }
    /// The local path ("" for unnamed; abstract names keep their leading NUL).
    std::string path() const { return std::string(local_path()); }

    /// The host part without port or brackets: "127.0.0.1", "::1", "fe80::1%eth0", or the path.
    std::string host() const {
        char buf[max_text + 1];
        return std::string(buf, format_host(buf));
    }
    /// "127.0.0.1:80", "[::1]:443", "[fe80::1%eth0]:22"; local: the path ("@name" for
    /// abstract names). `parse(a.to_string()) == a` for IP addresses.
    std::string to_string() const {
        if (family() == net::family::local) {
            auto p = local_path();
            if (!p.empty() && p.front() == '\0') return "@" + std::string(p.substr(1));
            return std::string(p);
        }
        char buf[max_text + 1];
        std::size_t n = 0;
        const bool v6 = family() == net::family::ipv6;
        if (v6) buf[n++] = '[';
        n += format_host(buf + n);
        if (v6) buf[n++] = ']';
        buf[n++] = ':';
        n += format_uint(buf + n, port());
        return std::string(buf, n);
    }

    /// 127.0.0.0/8, ::1, and ::ffff:127.0.0.0/104.
    bool is_loopback() const noexcept {
        if (family() == net::family::ipv4) return v4_bytes()[0] == 127;
        if (family() != net::family::ipv6) return false;
        if (is_v4_mapped()) return v6_bytes()[12] == 127;
        std::array<std::uint8_t, 16> one{};
        one[15] = 1;
        return v6_bytes() == one;
    }
    /// 0.0.0.0 or ::.
    bool is_any() const noexcept {
        if (family() == net::family::ipv4) return v4_bytes() == std::array<std::uint8_t, 4>{};
        if (family() == net::family::ipv6) return v6_bytes() == std::array<std::uint8_t, 16>{};
        return false;
    }
    /// 224.0.0.0/4 or ff00::/8.
    bool is_multicast() const noexcept {
        if (family() == net::family::ipv4) return (v4_bytes()[0] & 0xf0) == 0xe0;
        if (family() == net::family::ipv6) return v6_bytes()[0] == 0xff;
        return false;
    }
    /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d).
    bool is_v4_mapped() const noexcept {
        if (family() != net::family::ipv6) return false;
        auto b = v6_bytes();
        for (std::size_t i = 0; i < 10; ++i)
            if (b[i] != 0) return false;
        return b[10] == 0xff && b[11] == 0xff;
    }
    /// For an IPv4-mapped IPv6 address, the IPv4 address with the same port; else a copy.
    address unmapped() const noexcept {
        if (!is_v4_mapped()) return *this;
        auto b = v6_bytes();
        return ipv4({b[12], b[13], b[14], b[15]}, port());
    }

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
    std::size_t hash() const noexcept {
        std::size_t h = static_cast<std::size_t>(family()) + 0x9e3779b9u;
        auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2); };
        if (family() == net::family::local) {
            mix(std::hash<std::string_view>{}(local_path()));
            return h;
        }
        if (family() == net::family::ipv4)
            for (auto x : v4_bytes()) mix(x);
        else
            for (auto x : v6_bytes()) mix(x);
        mix(port());
        mix(scope_id());
        return h;
    }

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
    native_sink prepare_native() noexcept {
        std::memset(&storage_, 0, sizeof storage_);
        size_ = static_cast<detail::os::socklen_type>(sizeof storage_);
        return {data(), &size_};
    }
    std::error_code commit_native() noexcept { return normalize(); }

private:
    static constexpr std::size_t max_text = 128;

    ::sockaddr_in* as_v4() noexcept { return reinterpret_cast<::sockaddr_in*>(&storage_); }
    const ::sockaddr_in* as_v4() const noexcept {
        return reinterpret_cast<const ::sockaddr_in*>(&storage_);
    }
    ::sockaddr_in6* as_v6() noexcept { return reinterpret_cast<::sockaddr_in6*>(&storage_); }
    const ::sockaddr_in6* as_v6() const noexcept {
        return reinterpret_cast<const ::sockaddr_in6*>(&storage_);
    }

    static address unnamed_local() noexcept {
        address a;
        std::memset(&a.storage_, 0, sizeof a.storage_);
        a.storage_.ss_family = static_cast<decltype(a.storage_.ss_family)>(detail::os::af_local);
        a.size_ = static_cast<detail::os::socklen_type>(detail::sun_path_offset);
        detail::set_sa_len(a.data(), detail::sun_path_offset);
        return a;
    }

    std::string_view local_path() const noexcept {
        if (family() != net::family::local || size() <= detail::sun_path_offset) return {};
        const auto* sun = reinterpret_cast<const detail::os::sockaddr_un_type*>(&storage_);
        std::size_t n = size() - detail::sun_path_offset;
        if (n > detail::sun_path_capacity) n = detail::sun_path_capacity;
        if (sun->sun_path[0] != '\0') { // path name: up to the first NUL
            std::size_t len = 0;
            while (len < n && sun->sun_path[len] != '\0') ++len;
            n = len;
        }
        return {sun->sun_path, n};
    }

    // Checks the family and size of a kernel- or user-provided sockaddr.
    std::error_code normalize() noexcept {
        switch (storage_.ss_family) {
        case AF_INET:
            if (size() < sizeof(::sockaddr_in)) return detail::make_errc(std::errc::invalid_argument);
            size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in));
            return {};
        case AF_INET6:
            if (size() < sizeof(::sockaddr_in6)) return detail::make_errc(std::errc::invalid_argument);
            size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in6));
            return {};
        case detail::os::af_local:
            if (size() < detail::sun_path_offset)
                size_ = static_cast<detail::os::socklen_type>(detail::sun_path_offset);
            if (size() > sizeof(detail::os::sockaddr_un_type))
                size_ = static_cast<detail::os::socklen_type>(sizeof(detail::os::sockaddr_un_type));
            return {};
        default: return detail::make_errc(std::errc::address_family_not_supported);
        }
    }

    int compare(const address& o) const noexcept {
        const auto f = family(), g = o.family();
        if (f != g) return f < g ? -1 : 1;
        if (f == net::family::local) return local_path().compare(o.local_path());
        int c = f == net::family::ipv4 ? std::memcmp(&as_v4()->sin_addr, &o.as_v4()->sin_addr, 4)
                                       : std::memcmp(&as_v6()->sin6_addr, &o.as_v6()->sin6_addr, 16);
        if (c != 0) return c < 0 ? -1 : 1;
        if (port() != o.port()) return port() < o.port() ? -1 : 1;
        if (scope_id() != o.scope_id()) return scope_id() < o.scope_id() ? -1 : 1;
        return 0;
    }

    static bool parse_port(std::string_view s, std::uint16_t& out) noexcept {
        if (s.empty() || s.size() > 5) return false;
        std::uint32_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<std::uint32_t>(c - '0');
        }
        if (v > 65535) return false;
        out = static_cast<std::uint16_t>(v);
        return true;
    }

    static result<address> parse_host(std::string_view host, std::uint16_t port,
                                      bool must_be_v6) noexcept {
        char buf[max_text + 1];
        // inet_pton stops at a NUL: text after one must not be silently ignored.
        if (host.empty() || host.size() > max_text || host.find('\0') != std::string_view::npos)
            return detail::fail(std::errc::invalid_argument);
        if (int e = detail::os::start(); e != 0) return detail::fail(detail::socket_error(e));
        const bool v6 = host.find(':') != std::string_view::npos;
        if (!v6) {
            if (must_be_v6) return detail::fail(std::errc::invalid_argument);
            std::memcpy(buf, host.data(), host.size());
            buf[host.size()] = '\0';
            std::array<std::uint8_t, 4> b{};
            if (!detail::os::pton(AF_INET, buf, b.data())) return detail::fail(std::errc::invalid_argument);
            return ipv4(b, port);
        }
        std::uint32_t scope = 0;
        auto pct = host.find('%');
        if (pct != std::string_view::npos) {
            auto zone = host.substr(pct + 1);
            host = host.substr(0, pct);
            if (zone.empty()) return detail::fail(std::errc::invalid_argument);
            if (auto ec = parse_zone(zone, scope)) return detail::fail(ec);
        }
        std::memcpy(buf, host.data(), host.size());
        buf[host.size()] = '\0';
        std::array<std::uint8_t, 16> b{};
        if (!detail::os::pton(AF_INET6, buf, b.data())) return detail::fail(std::errc::invalid_argument);
        return ipv6(b, port, scope);
    }

    static std::error_code parse_zone(std::string_view zone, std::uint32_t& scope) noexcept {
        bool digits = zone.size() <= 10;
        std::uint64_t v = 0;
        for (char c : zone) {
            if (c < '0' || c > '9') {
                digits = false;
                break;
            }
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (digits) {
            if (v > 0xffffffffu) return detail::make_errc(std::errc::invalid_argument);
            scope = static_cast<std::uint32_t>(v);
            return {};
        }
        char name[64];
        if (zone.size() >= sizeof name) return detail::make_errc(std::errc::invalid_argument);
        for (char c : zone) // interface names are printable, without separators
            if (c <= ' ' || c == '%' || c == ']' || c == '[' || c == '/' || c > '~')
                return detail::make_errc(std::errc::invalid_argument);
        std::memcpy(name, zone.data(), zone.size());
        name[zone.size()] = '\0';
        scope = detail::os::interface_index(name);
        return scope == 0 ? detail::make_errc(std::errc::no_such_device) : std::error_code{};
    }

    static std::size_t format_uint(char* out, std::uint32_t v) noexcept {
        char tmp[10];
        std::size_t n = 0;
        do {
            tmp[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
        return n;
    }

    // Writes the host text into out (at least max_text bytes), returns its length.
    std::size_t format_host(char* out) const noexcept {
        switch (family()) {
        case net::family::ipv4: {
            auto b = v4_bytes();
            std::size_t n = 0;
            for (int i = 0; i < 4; ++i) {
                if (i) out[n++] = '.';
                n += format_uint(out + n, b[static_cast<std::size_t>(i)]);
            }
            return n;
        }
        case net::family::ipv6: {
            if (!detail::os::ntop(AF_INET6, &as_v6()->sin6_addr, out, 64)) return 0;
            std::size_t n = std::strlen(out);
            if (std::uint32_t scope = scope_id(); scope != 0) {
                out[n++] = '%';
                char name[detail::os::interface_name_size] = {};
                if (detail::os::interface_name(scope, name)) {
                    std::size_t len = std::strlen(name);
                    std::memcpy(out + n, name, len);
                    n += len;
                } else {
                    n += format_uint(out + n, scope);
                }
            }
            return n;
        }
        default: {
            auto p = local_path();
            std::size_t n = p.size() < max_text ? p.size() : max_text;
            if (n != 0) std::memcpy(out, p.data(), n); // an unnamed address has no data()
            return n;
        }
        }
    }

    ::sockaddr_storage storage_;
    detail::os::socklen_type size_;
};

namespace detail {
inline int to_native(net::family f) noexcept {
    switch (f) {
    case net::family::ipv6: return AF_INET6;
    case net::family::local: return os::af_local;
    default: return AF_INET;
    }
}
inline int to_native(net::socket_type t) noexcept {
    return t == net::socket_type::datagram ? SOCK_DGRAM : SOCK_STREAM;
}
} // namespace detail
} // namespace net

// std::hash is declared by <string_view> (and <system_error>): no <functional>, one of the
// costliest standard headers to compile (bench/compile_time.sh).
namespace std {
template <> struct hash<net::address> {
    std::size_t operator()(const net::address& a) const noexcept { return a.hash(); }
};
} // namespace std

#endif
