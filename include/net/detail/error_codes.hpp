#ifndef NETSOCK_DETAIL_ERROR_CODES_HPP
#define NETSOCK_DETAIL_ERROR_CODES_HPP

// The error categories. Kept free of OS headers' detail beyond detail::os's few functions, so
// error.hpp can expose them; those functions are used only by the definitions
// (impl/error_codes.ipp), so this header includes no OS header.

#include "../config.hpp"

#include <string>
#include <system_error>

namespace net {

/// Conditions of name resolution, compared against codes of `net::resolve_category()`:
/// `if (r.error() == net::resolve_errc::host_not_found) ...`.
enum class resolve_errc {
    host_not_found = 1, ///< the name does not exist (EAI_NONAME, EAI_NODATA)
    try_again,          ///< temporary failure, try later (EAI_AGAIN)
    service_not_found,  ///< the service/port is unknown for the socket type (EAI_SERVICE)
    family_not_supported, ///< the address family is not supported (EAI_FAMILY)
    no_recovery,        ///< a non-recoverable failure in the resolver (EAI_FAIL)
    other               ///< any other resolver failure
};

/// netsock's own error codes (category `net::netsock_category()`).
enum class errc {
    eof = 1, ///< the peer closed the stream before the requested number of bytes arrived
};

namespace detail {

// OS socket errors: errno on POSIX, WSAGetLastError() on Windows. Messages come from the
// system; default_error_condition maps Winsock codes onto std::errc (PITFALLS A8, A9).
class socket_category_impl final : public std::error_category {
public:
    NETSOCK_DECL const char* name() const noexcept override;
    NETSOCK_DECL std::string message(int ev) const override;
    NETSOCK_DECL std::error_condition default_error_condition(int ev) const noexcept override;
};

class resolve_condition_category_impl final : public std::error_category {
public:
    NETSOCK_DECL const char* name() const noexcept override;
    NETSOCK_DECL std::string message(int ev) const override;
};

class netsock_category_impl final : public std::error_category {
public:
    NETSOCK_DECL const char* name() const noexcept override;
    NETSOCK_DECL std::string message(int ev) const override;
};
} // namespace detail

/// Category of OS socket errors (errno / WSA codes). Its codes compare equal to `std::errc`
/// values on every platform: `ec == std::errc::connection_refused`.
NETSOCK_DECL const std::error_category& socket_category() noexcept;

/// Category of the conditions in `net::resolve_errc`.
NETSOCK_DECL const std::error_category& resolve_condition_category() noexcept;

/// Category of netsock's own codes (`net::errc`).
NETSOCK_DECL const std::error_category& netsock_category() noexcept;

namespace detail {
// getaddrinfo() failures (EAI_* values). Separate from the socket category: EAI codes are not
// errno values, and EAI_SYSTEM is turned into a socket_category code before it gets here
// (PITFALLS B12).
class resolve_category_impl final : public std::error_category {
public:
    NETSOCK_DECL const char* name() const noexcept override;
    NETSOCK_DECL std::string message(int ev) const override;
    NETSOCK_DECL std::error_condition default_error_condition(int ev) const noexcept override;
    NETSOCK_DECL static resolve_errc classify(int ev) noexcept;
};
} // namespace detail

/// Category of name-resolution failures (getaddrinfo's EAI_* codes). Compare its codes with
/// `net::resolve_errc` conditions.
NETSOCK_DECL const std::error_category& resolve_category() noexcept;

NETSOCK_DECL std::error_condition make_error_condition(resolve_errc e) noexcept;
NETSOCK_DECL std::error_code make_error_code(errc e) noexcept;

/// True for "would block" in all its spellings (EAGAIN, EWOULDBLOCK, WSAEWOULDBLOCK).
NETSOCK_DECL bool is_would_block(const std::error_code& ec) noexcept;

namespace detail {
NETSOCK_DECL std::error_code socket_error(int e) noexcept;
NETSOCK_DECL std::error_code last_socket_error() noexcept;
NETSOCK_DECL std::error_code make_errc(std::errc e) noexcept;
} // namespace detail
} // namespace net

namespace std {
template <> struct is_error_condition_enum<net::resolve_errc> : true_type {};
template <> struct is_error_code_enum<net::errc> : true_type {};
} // namespace std

#if NETSOCK_HEADER_ONLY || defined(NETSOCK_IMPLEMENTATION)
#include "../impl/error_codes.ipp"
#endif

#endif
