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
// The longest zone (interface name) parse accepts.
inline constexpr std::size_t max_zone = 63;

// A parse result: errc{} is success, anything else the reason (net::errc).
using parse_status = net::errc;
inline constexpr parse_status parse_ok{};

inline std::error_code parse_failure(parse_status why) noexcept { return make_error_code(why); }

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
inline bool all_digits(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

inline parse_status parse_port(std::string_view s, std::uint16_t& out) noexcept {
    if (!all_digits(s)) return errc::invalid_port;
    if (s.size() > 5) return errc::port_out_of_range;
    std::uint32_t v = 0;
    for (char c : s) v = v * 10 + static_cast<std::uint32_t>(c - '0');
    if (v > 65535) return errc::port_out_of_range;
    out = static_cast<std::uint16_t>(v);
    return parse_ok;
}

// Exactly four decimal numbers 0-255 without leading zeros: what inet_pton accepts on glibc,
// never inet_aton's octal, hex or fewer parts ("012.0.0.1", "0x7f.0.0.1", "127.1").
inline parse_status parse_v4(std::string_view s, std::uint8_t out[4]) noexcept {
    std::size_t part = 0, i = 0;
    bool leading_zero = false;
    while (true) {
        std::size_t j = i;
        while (j < s.size() && is_digit(s[j])) ++j;
        const std::size_t len = j - i;
        if (len == 0 || len > 3 || part == 4) return errc::invalid_ipv4;
        unsigned v = 0;
        for (std::size_t k = i; k < j; ++k) v = v * 10 + static_cast<unsigned>(s[k] - '0');
        if (v > 255) return errc::invalid_ipv4;
        if (len > 1 && s[i] == '0') leading_zero = true;
        out[part++] = static_cast<std::uint8_t>(v);
        if (j == s.size()) break;
        if (s[j] != '.') return errc::invalid_ipv4;
        i = j + 1;
    }
    if (part != 4) return errc::invalid_ipv4;
    return leading_zero ? errc::ipv4_leading_zero : parse_ok;
}

// RFC 4291 section 2.2 text without a zone: up to eight groups of 1-4 hex digits, one "::"
// standing for at least one zero group, optionally a dotted IPv4 address as the last 32 bits.
inline parse_status parse_v6(std::string_view s, std::uint8_t out[16]) noexcept {
    std::uint16_t groups[8] = {};
    std::size_t n = 0, i = 0;
    int gap = -1;
    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (s.empty() || s[0] == ':') {
        return errc::invalid_ipv6;
    }
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && s[j] != ':') ++j;
        const std::string_view token = s.substr(i, j - i);
        if (token.find('.') != std::string_view::npos) { // the trailing IPv4 part
            if (j != s.size() || n > 6) return errc::invalid_ipv6;
            std::uint8_t v4[4];
            const parse_status st = parse_v4(token, v4);
            if (st == errc::ipv4_leading_zero) return st;
            if (st != parse_ok) return errc::invalid_ipv6;
            groups[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
            groups[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
            break;
        }
        if (token.empty() || token.size() > 4 || n == 8) return errc::invalid_ipv6;
        unsigned v = 0;
        for (char c : token) {
            const int h = hex_value(c);
            if (h < 0) return errc::invalid_ipv6;
            v = v * 16 + static_cast<unsigned>(h);
        }
        groups[n++] = static_cast<std::uint16_t>(v);
        if (j == s.size()) break;
        if (j + 1 < s.size() && s[j + 1] == ':') { // "::"
            if (gap >= 0) return errc::invalid_ipv6;
            gap = static_cast<int>(n);
            i = j + 2;
            if (i < s.size() && s[i] == ':') return errc::invalid_ipv6; // ":::"
        } else {
            i = j + 1;
            if (i == s.size()) return errc::invalid_ipv6; // a trailing single ':'
        }
    }
    if (gap < 0 ? n != 8 : n > 7) return errc::invalid_ipv6;
    std::uint16_t full[8] = {};
    const std::size_t head = gap < 0 ? n : static_cast<std::size_t>(gap);
    for (std::size_t k = 0; k < head; ++k) full[k] = groups[k];
    for (std::size_t k = head; k < n; ++k) full[8 - (n - k)] = groups[k];
    for (std::size_t k = 0; k < 8; ++k) {
        out[2 * k] = static_cast<std::uint8_t>(full[k] >> 8);
        out[2 * k + 1] = static_cast<std::uint8_t>(full[k] & 0xff);
    }
    return parse_ok;
}

// Characters of a zone: interface names on Linux, macOS and Windows ("eth0", "en0",
// "br-lan", "vlan.10", "ethernet_32768") and numbers.
inline bool is_zone_char(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
           c == '-';
}
inline bool zone_syntax_ok(std::string_view zone) noexcept {
    if (zone.empty() || zone.size() > max_zone) return false;
    for (char c : zone)
        if (!is_zone_char(c)) return false;
    return true;
}

inline parse_status parse_zone(std::string_view zone, std::uint32_t& scope) noexcept {
    if (!zone_syntax_ok(zone)) return errc::invalid_zone;
    if (all_digits(zone)) {
        if (zone.size() > 10) return errc::invalid_zone;
        std::uint64_t v = 0;
        for (char c : zone) v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > 0xffffffffu) return errc::invalid_zone;
        scope = static_cast<std::uint32_t>(v);
        return parse_ok;
    }
    if (sys::start()) return errc::unknown_zone; // Winsock for if_nametoindex
    char name[max_zone + 1];
    std::memcpy(name, zone.data(), zone.size());
    name[zone.size()] = '\0';
    scope = sys::interface_index(name);
    return scope == 0 ? errc::unknown_zone : parse_ok;
}

// A host name rather than a mangled number: letters beyond hex digits and 'x', and nothing
// but the characters of a name.
inline bool looks_like_name(std::string_view s) noexcept {
    bool letter = false;
    for (char c : s) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alpha && !is_digit(c) && c != '.' && c != '-') return false;
        if (alpha && hex_value(c) < 0 && c != 'x' && c != 'X') letter = true;
    }
    return letter;
}

inline parse_status parse_host_v4(std::string_view host, std::uint16_t port, address& out) noexcept {
    std::uint8_t b[4];
    const parse_status st = parse_v4(host, b);
    if (st != parse_ok) return st == errc::invalid_ipv4 && looks_like_name(host) ? errc::not_numeric : st;
    out = address::ipv4({b[0], b[1], b[2], b[3]}, port);
    return parse_ok;
}

// "addr" or "addr%zone".
inline parse_status parse_host_v6(std::string_view host, std::uint16_t port, address& out) noexcept {
    std::uint32_t scope = 0;
    const auto pct = host.find('%');
    std::array<std::uint8_t, 16> b{};
    if (parse_status st = parse_v6(host.substr(0, pct), b.data()); st != parse_ok) return st;
    if (pct != std::string_view::npos) {
        if (parse_status st = parse_zone(host.substr(pct + 1), scope); st != parse_ok) return st;
    }
    out = address::ipv6(b, port, scope);
    return parse_ok;
}

// A bare host, IPv4 or IPv6 by the presence of ':'.
inline parse_status parse_host(std::string_view host, std::uint16_t port, address& out) noexcept {
    if (host.empty()) return errc::empty_address;
    if (host.find(':') == std::string_view::npos) return parse_host_v4(host, port, out);
    return parse_host_v6(host, port, out);
}

// True when unbracketed IPv6 text could also be read as an address and a port: "::1:80" is
// ::0.1.0.128 or [::1]:80, "fe80::1%lo:8080" a zone "lo:8080" or port 8080.
inline bool ambiguous_port(std::string_view text) noexcept {
    const auto last = text.rfind(':');
    if (last == std::string_view::npos || !all_digits(text.substr(last + 1)) || text.size() - last - 1 > 5)
        return false;
    const std::string_view host = text.substr(0, last);
    const auto pct = host.find('%');
    std::uint8_t b[16];
    if (parse_v6(host.substr(0, pct), b) != parse_ok) return false;
    return pct == std::string_view::npos || zone_syntax_ok(host.substr(pct + 1));
}

inline parse_status parse_text(std::string_view text, address& out) noexcept {
    if (text.empty()) return errc::empty_address;
    if (text.size() > max_text) return errc::address_too_long;
    std::uint16_t port = 0;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return errc::bad_brackets;
        const std::string_view host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return errc::bad_brackets;
            if (parse_status st = parse_port(rest.substr(1), port); st != parse_ok) return st;
        }
        if (host.empty()) return errc::empty_address;
        if (host.find(':') == std::string_view::npos) return errc::bad_brackets;
        return parse_host_v6(host, port, out);
    }
    if (text.find_first_of("[]") != std::string_view::npos) return errc::bad_brackets;
    const auto first = text.find(':');
    if (first == std::string_view::npos) return parse_host_v4(text, 0, out);
    if (text.find(':', first + 1) == std::string_view::npos) { // one colon: IPv4 host and port
        if (parse_status st = parse_port(text.substr(first + 1), port); st != parse_ok) return st;
        if (first == 0) return errc::empty_address;
        return parse_host_v4(text.substr(0, first), port, out);
    }
    if (ambiguous_port(text)) return errc::ipv6_needs_brackets;
    return parse_host_v6(text, 0, out);
}

inline parse_status parse_host_and_port(std::string_view host, std::uint16_t port, address& out) noexcept {
    if (host.empty()) return errc::empty_address;
    if (host.size() > max_text) return errc::address_too_long;
    if (host.front() == '[') {
        if (host.size() < 2 || host.back() != ']') return errc::bad_brackets;
        host = host.substr(1, host.size() - 2);
        if (host.empty()) return errc::empty_address;
        if (host.find(':') == std::string_view::npos) return errc::bad_brackets;
        return parse_host_v6(host, port, out);
    }
    if (host.find_first_of("[]") != std::string_view::npos) return errc::bad_brackets;
    return parse_host(host, port, out);
}

// `text` as a C++-style quoted literal for error messages: printable ASCII as is, '"' and '\'
// escaped, other bytes as \xNN, at most 64 bytes shown.
inline std::string quoted(std::string_view text) {
    constexpr std::size_t shown = 64;
    std::string out = "\"";
    const char* hex = "0123456789abcdef";
    for (std::size_t i = 0; i < text.size() && i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out += '"';
    if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
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

inline std::size_t format_v4(const std::uint8_t* b, char* out) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i) out[n++] = '.';
        n += format_uint(out + n, b[i]);
    }
    return n;
}

// RFC 5952 section 4, the same on every OS (glibc's inet_ntop prints ::1:1 as ::0.1.0.1):
// lowercase hex without leading zeros; the longest run of two or more zero groups, the first
// of equal runs, as "::"; a lone zero group as "0". Only an IPv4-mapped address
// (::ffff:0:0/96) ends in dotted decimal, as Python's ipaddress, Go's net/netip and Rust's
// std::net print it; IPv4-compatible ::a.b.c.d (deprecated) prints in hex: ::102:304.
inline std::size_t format_v6(const std::uint8_t* b, char* out) noexcept {
    std::size_t n = 0;
    bool mapped = b[10] == 0xff && b[11] == 0xff;
    for (std::size_t i = 0; i < 10 && mapped; ++i) mapped = b[i] == 0;
    if (mapped) {
        std::memcpy(out, "::ffff:", 7);
        return 7 + format_v4(b + 12, out + 7);
    }
    std::uint16_t g[8];
    for (std::size_t i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>(b[2 * i] << 8 | b[2 * i + 1]);
    std::size_t best = 8, best_len = 0;
    for (std::size_t i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i >= 2 && j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    const char* hex = "0123456789abcdef";
    for (std::size_t i = 0; i < 8;) {
        if (i == best) {
            out[n++] = ':';
            out[n++] = ':';
            i += best_len;
            continue;
        }
        if (i > 0 && i != best + best_len) out[n++] = ':';
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned d = (g[i] >> shift) & 0xfu;
            if (d != 0 || started || shift == 0) {
                out[n++] = hex[d];
                started = true;
            }
        }
        ++i;
    }
    return n;
}

// Writes the host text of an IP address into out (at least max_text bytes), returns its length.
// The zone is the interface name if it has one that parse reads back, else the number; with
// `numeric_zone`, always the number (for getaddrinfo).
inline std::size_t format_host(const address& a, char* out, bool numeric_zone = false) noexcept {
    if (a.family() == family::ipv4) {
        const auto b = a.v4_bytes();
        return format_v4(b.data(), out);
    }
    const auto b = a.v6_bytes();
    std::size_t n = format_v6(b.data(), out);
    if (std::uint32_t scope = a.scope_id(); scope != 0) {
        out[n++] = '%';
        char name[os::interface_name_size] = {};
        std::size_t len = 0;
        if (!numeric_zone && sys::interface_name(scope, name)) len = std::strlen(name);
        if (len != 0 && zone_syntax_ok(std::string_view(name, len)) &&
            !all_digits(std::string_view(name, len))) {
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
    address a;
    if (auto why = detail::parse_text(text, a); why != detail::parse_ok)
        return detail::fail(detail::parse_failure(why));
    return a;
}

address address::parse(std::string_view text) {
    auto r = try_parse(text);
    if (!r) {
        std::string hint;
        if (r.error() == errc::ipv6_needs_brackets) { // "write [::1]:80, or [::1:80] for no port"
            const auto colon = text.rfind(':');
            hint = "write [" + std::string(text.substr(0, colon)) + "]" + std::string(text.substr(colon));
            if (text.find('%') == std::string_view::npos)
                hint += ", or [" + std::string(text) + "] for that address without a port";
        }
        detail::throw_error(r.error(), "address::parse", detail::quoted(text), 0,
                            hint.empty() ? nullptr : hint.c_str());
    }
    return *r;
}

result<address> address::try_parse(std::string_view host, std::uint16_t port) noexcept {
    address a;
    if (auto why = detail::parse_host_and_port(host, port, a); why != detail::parse_ok)
        return detail::fail(detail::parse_failure(why));
    return a;
}

address address::parse(std::string_view host, std::uint16_t port) {
    auto r = try_parse(host, port);
    if (!r) detail::throw_error(r.error(), "address::parse", detail::quoted(host), 0, nullptr);
    return *r;
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

std::error_code address::commit_native(std::size_t size) noexcept {
    if (size > sizeof storage_) return detail::make_errc(std::errc::invalid_argument);
    size_ = static_cast<detail::os::socklen_type>(size);
    return normalize();
}

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
