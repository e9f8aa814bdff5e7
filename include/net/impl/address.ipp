#ifndef NETSOCK_IMPL_ADDRESS_IPP
#define NETSOCK_IMPL_ADDRESS_IPP

// Definitions for address.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION.

#include "../address.hpp"
#include "../detail/platform.hpp"
#include "../detail/sockaddr.hpp"
#include "../result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {
// The longest text parse accepts and format writes.
inline constexpr std::size_t max_text = 128;

inline bool parse_port(std::string_view s, std::uint16_t& out) noexcept {
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

inline std::error_code parse_zone(std::string_view zone, std::uint32_t& scope) noexcept {
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
        if (v > 0xffffffffu) return make_errc(std::errc::invalid_argument);
        scope = static_cast<std::uint32_t>(v);
        return {};
    }
    char name[64];
    if (zone.size() >= sizeof name) return make_errc(std::errc::invalid_argument);
    for (char c : zone) // interface names are printable, without separators
        if (c <= ' ' || c == '%' || c == ']' || c == '[' || c == '/' || c > '~')
            return make_errc(std::errc::invalid_argument);
    std::memcpy(name, zone.data(), zone.size());
    name[zone.size()] = '\0';
    scope = sys::interface_index(name);
    return scope == 0 ? make_errc(std::errc::no_such_device) : std::error_code{};
}

inline result<address> parse_host(std::string_view host, std::uint16_t port, bool must_be_v6) noexcept {
    char buf[max_text + 1];
    // inet_pton stops at a NUL: text after one must not be silently ignored.
    if (host.empty() || host.size() > max_text || host.find('\0') != std::string_view::npos)
        return fail(std::errc::invalid_argument);
    if (auto ec = sys::start()) return fail(ec);
    const bool v6 = host.find(':') != std::string_view::npos;
    if (!v6) {
        if (must_be_v6) return fail(std::errc::invalid_argument);
        std::memcpy(buf, host.data(), host.size());
        buf[host.size()] = '\0';
        std::array<std::uint8_t, 4> b{};
        if (!sys::pton(AF_INET, buf, b.data())) return fail(std::errc::invalid_argument);
        return address::ipv4(b, port);
    }
    std::uint32_t scope = 0;
    auto pct = host.find('%');
    if (pct != std::string_view::npos) {
        auto zone = host.substr(pct + 1);
        host = host.substr(0, pct);
        if (zone.empty()) return fail(std::errc::invalid_argument);
        if (auto ec = parse_zone(zone, scope)) return fail(ec);
    }
    std::memcpy(buf, host.data(), host.size());
    buf[host.size()] = '\0';
    std::array<std::uint8_t, 16> b{};
    if (!sys::pton(AF_INET6, buf, b.data())) return fail(std::errc::invalid_argument);
    return address::ipv6(b, port, scope);
}

inline std::size_t format_uint(char* out, std::uint32_t v) noexcept {
    char tmp[10];
    std::size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
    return n;
}

// Writes the host text of an IP address into out (at least max_text bytes), returns its length.
inline std::size_t format_host(const address& a, char* out) noexcept {
    if (a.family() == family::ipv4) {
        auto b = a.v4_bytes();
        std::size_t n = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            if (i) out[n++] = '.';
            n += format_uint(out + n, b[i]);
        }
        return n;
    }
    const auto b = a.v6_bytes();
    if (!sys::ntop(AF_INET6, b.data(), out, 64)) return 0;
    std::size_t n = std::strlen(out);
    if (std::uint32_t scope = a.scope_id(); scope != 0) {
        out[n++] = '%';
        char name[os::interface_name_size] = {};
        if (sys::interface_name(scope, name)) {
            std::size_t len = std::strlen(name);
            std::memcpy(out + n, name, len);
            n += len;
        } else {
            n += format_uint(out + n, scope);
        }
    }
    return n;
}

} // namespace detail

[[noreturn]] void detail::throw_error(std::error_code ec, const char* operation, const address& where,
                                      std::size_t bytes_transferred) {
    const char* hint = nullptr;
    const bool binds = std::strcmp(operation, "bind") == 0 || std::strcmp(operation, "create_server") == 0;
    if (binds && ec == std::errc::permission_denied && where.family() != family::local && where.port() != 0 &&
        where.port() < 1024)
        hint = "ports below 1024 need privileges";
    const std::string text = where.to_string();
    detail::throw_error(ec, operation, std::string_view(text), bytes_transferred, hint);
}

address::address() noexcept {
    std::memset(&storage_, 0, sizeof storage_);
    auto* sin = reinterpret_cast<::sockaddr_in*>(&storage_);
    sin->sin_family = AF_INET;
    size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in));
    detail::set_sa_len(data(), sizeof(::sockaddr_in));
}

result<address> address::try_parse(std::string_view text) noexcept {
    if (text.empty() || text.size() > detail::max_text) return detail::fail(std::errc::invalid_argument);
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
    if (!port_text.empty() && !detail::parse_port(port_text, port))
        return detail::fail(std::errc::invalid_argument);
    return detail::parse_host(host, port, bracketed);
}

address address::parse(std::string_view text) { return detail::unwrap(try_parse(text), "address::parse"); }

result<address> address::try_parse(std::string_view host, std::uint16_t port) noexcept {
    if (host.empty() || host.size() > detail::max_text) return detail::fail(std::errc::invalid_argument);
    bool bracketed = false;
    if (host.front() == '[') {
        if (host.size() < 2 || host.back() != ']') return detail::fail(std::errc::invalid_argument);
        host = host.substr(1, host.size() - 2);
        bracketed = true;
    }
    return detail::parse_host(host, port, bracketed);
}

address address::parse(std::string_view host, std::uint16_t port) {
    return detail::unwrap(try_parse(host, port), "address::parse");
}

address address::ipv4(std::uint32_t host_order, std::uint16_t port) noexcept {
    return ipv4({static_cast<std::uint8_t>(host_order >> 24), static_cast<std::uint8_t>(host_order >> 16),
                 static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order)},
                port);
}

address address::ipv4(const std::array<std::uint8_t, 4>& bytes, std::uint16_t port) noexcept {
    address a;
    auto* sin = a.as_v4();
    std::memcpy(&sin->sin_addr, bytes.data(), 4);
    sin->sin_port = detail::to_net16(port);
    return a;
}

address address::ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port,
                      std::uint32_t scope_id) noexcept {
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

address address::loopback(net::family f, std::uint16_t port) noexcept {
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

address address::any(net::family f, std::uint16_t port) noexcept {
    switch (f) {
    case net::family::ipv6: return ipv6({}, port);
    case net::family::local: return unnamed_local();
    default: return ipv4(0u, port);
    }
}

result<address> address::try_local(std::string_view path) noexcept {
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

address address::local(std::string_view path) { return detail::unwrap(try_local(path), "address::local"); }

result<address> address::try_from_native(const void* sa, std::size_t size) noexcept {
    address a;
    if (sa == nullptr || size < sizeof(a.storage_.ss_family) || size > sizeof a.storage_)
        return detail::fail(std::errc::invalid_argument);
    std::memset(&a.storage_, 0, sizeof a.storage_);
    std::memcpy(&a.storage_, sa, size);
    a.size_ = static_cast<detail::os::socklen_type>(size);
    if (auto ec = a.normalize()) return detail::fail(ec);
    return a;
}

address address::from_native(const void* sa, std::size_t size) {
    return detail::unwrap(try_from_native(sa, size), "address::from_native");
}

net::family address::family() const noexcept {
    switch (storage_.ss_family) {
    case AF_INET6: return net::family::ipv6;
    case detail::os::af_local: return net::family::local;
    default: return net::family::ipv4;
    }
}

std::uint16_t address::port() const noexcept {
    switch (family()) {
    case net::family::ipv4: return detail::from_net16(as_v4()->sin_port);
    case net::family::ipv6: return detail::from_net16(as_v6()->sin6_port);
    default: return 0;
    }
}

address address::with_port(std::uint16_t port) const noexcept {
    address a = *this;
    if (family() == net::family::ipv4) a.as_v4()->sin_port = detail::to_net16(port);
    else if (family() == net::family::ipv6) a.as_v6()->sin6_port = detail::to_net16(port);
    return a;
}

std::uint32_t address::scope_id() const noexcept {
    return family() == net::family::ipv6 ? as_v6()->sin6_scope_id : 0;
}

std::array<std::uint8_t, 4> address::v4_bytes() const noexcept {
    std::array<std::uint8_t, 4> b{};
    if (family() == net::family::ipv4) std::memcpy(b.data(), &as_v4()->sin_addr, 4);
    return b;
}

std::array<std::uint8_t, 16> address::v6_bytes() const noexcept {
    std::array<std::uint8_t, 16> b{};
    if (family() == net::family::ipv6) std::memcpy(b.data(), &as_v6()->sin6_addr, 16);
    return b;
}

std::string address::path() const { return std::string(local_path()); }

std::string address::host() const {
    if (family() == net::family::local) return path();
    char buf[detail::max_text + 1];
    return std::string(buf, detail::format_host(*this, buf));
}

std::string address::to_string() const {
    if (family() == net::family::local) {
        auto p = local_path();
        if (!p.empty() && p.front() == '\0') return "@" + std::string(p.substr(1));
        return std::string(p);
    }
    char buf[detail::max_text + 1];
    std::size_t n = 0;
    const bool v6 = family() == net::family::ipv6;
    if (v6) buf[n++] = '[';
    n += detail::format_host(*this, buf + n);
    if (v6) buf[n++] = ']';
    buf[n++] = ':';
    n += detail::format_uint(buf + n, port());
    return std::string(buf, n);
}

bool address::is_loopback() const noexcept {
    if (family() == net::family::ipv4) return v4_bytes()[0] == 127;
    if (family() != net::family::ipv6) return false;
    if (is_v4_mapped()) return v6_bytes()[12] == 127;
    std::array<std::uint8_t, 16> one{};
    one[15] = 1;
    return v6_bytes() == one;
}

bool address::is_any() const noexcept {
    if (family() == net::family::ipv4) return v4_bytes() == std::array<std::uint8_t, 4>{};
    if (family() == net::family::ipv6) return v6_bytes() == std::array<std::uint8_t, 16>{};
    return false;
}

bool address::is_multicast() const noexcept {
    if (family() == net::family::ipv4) return (v4_bytes()[0] & 0xf0) == 0xe0;
    if (family() == net::family::ipv6) return v6_bytes()[0] == 0xff;
    return false;
}

bool address::is_v4_mapped() const noexcept {
    if (family() != net::family::ipv6) return false;
    auto b = v6_bytes();
    for (std::size_t i = 0; i < 10; ++i)
        if (b[i] != 0) return false;
    return b[10] == 0xff && b[11] == 0xff;
}

address address::unmapped() const noexcept {
    if (!is_v4_mapped()) return *this;
    auto b = v6_bytes();
    return ipv4({b[12], b[13], b[14], b[15]}, port());
}

std::size_t address::hash() const noexcept {
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

address::native_sink address::prepare_native() noexcept {
    std::memset(&storage_, 0, sizeof storage_);
    size_ = static_cast<detail::os::socklen_type>(sizeof storage_);
    return {data(), &size_};
}

std::error_code address::commit_native() noexcept { return normalize(); }

address address::unnamed_local() noexcept {
    address a;
    std::memset(&a.storage_, 0, sizeof a.storage_);
    a.storage_.ss_family = static_cast<decltype(a.storage_.ss_family)>(detail::os::af_local);
    a.size_ = static_cast<detail::os::socklen_type>(detail::sun_path_offset);
    detail::set_sa_len(a.data(), detail::sun_path_offset);
    return a;
}

std::string_view address::local_path() const noexcept {
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
std::error_code address::normalize() noexcept {
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

int address::compare(const address& o) const noexcept {
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

namespace detail {
int to_native(net::family f) noexcept {
    switch (f) {
    case net::family::ipv6: return AF_INET6;
    case net::family::local: return os::af_local;
    default: return AF_INET;
    }
}
int to_native(net::socket_type t) noexcept {
    return t == net::socket_type::datagram ? SOCK_DGRAM : SOCK_STREAM;
}
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
