#ifndef NETSOCK_RESULT_HPP
#define NETSOCK_RESULT_HPP

#include "config.hpp"
#include "error.hpp"
#include "detail/throw.hpp"

#include <cstddef>
#include <string_view>
#include <system_error>
#include <type_traits>

#if defined(NETSOCK_HAS_STD_EXPECTED)
#include <expected>

NETSOCK_BEGIN_NAMESPACE
/// The outcome of a `try_` function: a value, or the `std::error_code` of the failure.
/// This is `std::expected<T, std::error_code>` where the standard library has it (C++23).
template <class T> using result = std::expected<T, std::error_code>;
using std::unexpected;
/// True when `net::result` is `std::expected`.
inline constexpr bool result_is_std_expected = true;
NETSOCK_END_NAMESPACE

#else
#include "detail/expected.hpp"

NETSOCK_BEGIN_NAMESPACE
/// The outcome of a `try_` function: a value, or the `std::error_code` of the failure.
/// Before C++23 this is netsock's bundled type with the same members as `std::expected`
/// (has_value, operator bool, value, error, *, ->, value_or, and_then, transform, or_else);
/// `value()` on an error throws `net::error`.
template <class T> using result = detail::expected<T>;
/// True when `net::result` is `std::expected`.
inline constexpr bool result_is_std_expected = false;
NETSOCK_END_NAMESPACE
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail {
// The failed result of any type: `return fail(ec);`.
inline unexpected<std::error_code> fail(std::error_code ec) noexcept {
    return unexpected<std::error_code>(ec);
}
inline unexpected<std::error_code> fail(std::errc e) noexcept {
    return unexpected<std::error_code>(make_errc(e));
}

// The throwing face of every operation: the value, or net::error naming the operation.
template <class T> T unwrap(result<T>&& r, const char* operation) {
    if (!r) throw_error(r.error(), operation);
    return std::move(*r);
}
inline void unwrap(result<void>&& r, const char* operation) {
    if (!r) throw_error(r.error(), operation);
}
// The same naming the address the operation used: "bind 127.0.0.1:8080: Address already in use".
// A template also for result<void>: throw_error(..., const address&) is defined with address
// (impl/address.ipp), so nothing here may use it before a caller that has an address does.
template <class T> T unwrap(result<T>&& r, const char* operation, const address& where) {
    if (!r) throw_error(r.error(), operation, where);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
}
// The same naming a subject as text, e.g. "example.com:443" for create_connection by name.
template <class T> T unwrap(result<T>&& r, const char* operation, std::string_view subject) {
    if (!r) throw_error(r.error(), operation, subject, 0, nullptr);
    return std::move(*r);
}
// For sendall/recv_exact: the error carries the bytes moved before it (read after the call).
inline std::size_t unwrap_transfer(result<std::size_t>&& r, const char* operation,
                                   const std::size_t* transferred) {
    if (!r) throw_error(r.error(), operation, *transferred);
    return *r;
}
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
