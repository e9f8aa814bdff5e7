#ifndef NETSOCK_ERROR_HPP
#define NETSOCK_ERROR_HPP

// Errors: the exception net::error, netsock's error enums (net::errc, net::resolve_errc) and
// the categories of the std::error_code values that every try_ function reports. Codes of
// socket_category() compare equal to std::errc values on every OS:
// `r.error() == std::errc::connection_refused`.

#include "config.hpp"

#include <cstddef>
#include <string>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

/// Conditions of name resolution, compared against codes of `net::resolve_category()`:
/// `if (r.error() == net::resolve_errc::host_not_found) ...`.
enum class resolve_errc {
    host_not_found = 1,   ///< the name does not exist (EAI_NONAME, EAI_NODATA)
    try_again,            ///< temporary failure, try later (EAI_AGAIN)
    service_not_found,    ///< the service/port is unknown for the socket type (EAI_SERVICE)
    family_not_supported, ///< the address family is not supported (EAI_FAMILY)
    no_recovery,          ///< a non-recoverable failure in the resolver (EAI_FAIL)
    other                 ///< any other resolver failure
};

/// netsock's own error codes (category `net::netsock_category()`).
enum class errc {
    eof = 1, ///< the peer closed the stream before the requested number of bytes arrived
};

/// Category of OS socket errors (errno / WSA codes). Its codes compare equal to `std::errc`
/// values on every platform: `ec == std::errc::connection_refused`. Messages come from the
/// system (FormatMessage on Windows: strerror knows no WSA codes).
NETSOCK_DECL const std::error_category& socket_category() noexcept;

/// Category of the conditions in `net::resolve_errc`.
NETSOCK_DECL const std::error_category& resolve_condition_category() noexcept;

/// Category of netsock's own codes (`net::errc`).
NETSOCK_DECL const std::error_category& netsock_category() noexcept;

/// Category of name-resolution failures (getaddrinfo's EAI_* codes). Compare its codes with
/// `net::resolve_errc` conditions. EAI_SYSTEM never appears: the errno it stands for is
/// reported in `socket_category()` instead.
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

/// The exception thrown by every throwing netsock function. Carries the `std::error_code`, the
/// name of the operation that failed, and (for `sendall`/`recv_exact`) how many bytes were
/// transferred before the failure. `what()` reads "connect: Connection refused".
class error : public std::system_error {
public:
    NETSOCK_DECL error(std::error_code ec, const char* operation, std::size_t bytes_transferred = 0);

    /// The netsock function that failed, e.g. "connect".
    const char* operation() const noexcept { return operation_; }
    /// Bytes sent or received before the failure (sendall, recv_exact); 0 elsewhere.
    std::size_t bytes_transferred() const noexcept { return bytes_transferred_; }

private:
    const char* operation_;
    std::size_t bytes_transferred_;
};

NETSOCK_END_NAMESPACE

namespace std {
template <> struct is_error_condition_enum<net::resolve_errc> : true_type {};
template <> struct is_error_code_enum<net::errc> : true_type {};
} // namespace std

#if NETSOCK_HEADER_ONLY
#include "impl/error.ipp"
#endif

#endif
