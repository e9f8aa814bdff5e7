#ifndef NETSOCK_FORMAT_HPP
#define NETSOCK_FORMAT_HPP

// Opt-in formatting of netsock types with std::format (C++20) and {fmt}:
//
//   #include <net/format.hpp>
//   std::string s = std::format("{} -> {:>24}", peer, local);  // "127.0.0.1:5000 ->  ..."
//   fmt::print("{}\n", net::address::parse("[::1]:80"));      // with <fmt/format.h> first
//
// - net::address formats as `to_string()` ("127.0.0.1:8080", "[::1]:443", a socket path); the
//   format spec is the one of a string: fill, alignment, width, precision ("{:<30}", "{:.9}").
// - net::error formats as `what()` ("bind 127.0.0.1:8080: Address already in use"), and
//   net::errc / net::resolve_errc as their messages; same string spec.
// Traps:
// - Opt-in, so that no other file pays for <format>: this header includes it; <net/net.hpp>
//   does not include this header.
// - The std::formatter specialisations exist only where the standard library has <format>
//   (__cpp_lib_format: libc++ 17+, libstdc++ 13+, MSVC 19.29+); elsewhere this header adds
//   nothing for std::format.
// - The fmt::formatter specialisations exist only if {fmt} was included before this header
//   (FMT_VERSION defined); include <fmt/format.h> first.
// - A header of include/ (it includes address.hpp and error.hpp): the single header
//   (single_include/) does not carry it.

#include "address.hpp"
#include "error.hpp"

#include <string>
#include <string_view>
#include <system_error>

#if __cplusplus >= 202002L || (defined(_MSVC_LANG) && _MSVC_LANG >= 202002L)
#if defined(__has_include)
#if __has_include(<format>)
#include <format>
#endif
#endif
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail {
// The text each type formats as.
inline std::string format_text(const address& a) { return a.to_string(); }
inline std::string format_text(const error& e) { return e.what(); }
inline std::string format_text(errc e) { return make_error_code(e).message(); }
inline std::string format_text(resolve_errc e) { return make_error_condition(e).message(); }
} // namespace detail
NETSOCK_END_NAMESPACE

#if defined(__cpp_lib_format) && __cpp_lib_format >= 201907L
/// std::format for netsock's types: the text, with the format spec of a string.
template <class T, class Char>
requires(std::is_same_v<T, net::address> || std::is_same_v<T, net::error> || std::is_same_v<T, net::errc> ||
         std::is_same_v<T, net::resolve_errc>) struct std::formatter<T, Char>
    : std::formatter<std::basic_string_view<Char>, Char> {
    template <class Context> auto format(const T& value, Context& ctx) const {
        const std::string text = net::detail::format_text(value);
        if constexpr (std::is_same_v<Char, char>) {
            return std::formatter<std::basic_string_view<Char>, Char>::format(text, ctx);
        } else { // wide: the text is ASCII except for socket paths (bytes, widened one by one)
            const std::basic_string<Char> wide(text.begin(), text.end());
            return std::formatter<std::basic_string_view<Char>, Char>::format(wide, ctx);
        }
    }
};
#endif

#if defined(FMT_VERSION)
/// {fmt} for netsock's types (include <fmt/format.h> before this header).
template <> struct fmt::formatter<net::address> : fmt::formatter<fmt::string_view> {
    template <class Context> auto format(const net::address& a, Context& ctx) const {
        return fmt::formatter<fmt::string_view>::format(net::detail::format_text(a), ctx);
    }
};
template <> struct fmt::formatter<net::error> : fmt::formatter<fmt::string_view> {
    template <class Context> auto format(const net::error& e, Context& ctx) const {
        return fmt::formatter<fmt::string_view>::format(net::detail::format_text(e), ctx);
    }
};
template <> struct fmt::formatter<net::errc> : fmt::formatter<fmt::string_view> {
    template <class Context> auto format(net::errc e, Context& ctx) const {
        return fmt::formatter<fmt::string_view>::format(net::detail::format_text(e), ctx);
    }
};
template <> struct fmt::formatter<net::resolve_errc> : fmt::formatter<fmt::string_view> {
    template <class Context> auto format(net::resolve_errc e, Context& ctx) const {
        return fmt::formatter<fmt::string_view>::format(net::detail::format_text(e), ctx);
    }
};
#endif

#endif
