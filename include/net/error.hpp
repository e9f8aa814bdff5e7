#ifndef NETSOCK_ERROR_HPP
#define NETSOCK_ERROR_HPP

// Errors: the exception net::error, netsock's error enums (net::errc, net::resolve_errc) and
// the categories of the std::error_code values that every try_ function reports. Codes of
// socket_category() compare equal to std::errc values on every OS:
// `r.error() == std::errc::connection_refused`.

#include "config.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
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
///
/// All but `eof` say why `address::try_parse` (or `resolve`, for a host that looks numeric)
/// rejected a text. Each of them compares equal to `std::errc::invalid_argument` (and
/// `unknown_zone` to `std::errc::no_such_device`), so `r.error() == std::errc::invalid_argument`
/// keeps working, and `r.error().message()` names the reason without any allocation in the
/// `try_` function. Compare with a value for a specific reason:
/// `if (r.error() == net::errc::port_out_of_range) ...`.
enum class errc {
    eof = 1,             ///< the peer closed the stream before the requested number of bytes arrived
    empty_address,       ///< "" or no host before ":port"
    address_too_long,    ///< longer than any address text (128 characters)
    not_numeric,         ///< a host name such as "localhost": parse never uses DNS
    invalid_ipv4,        ///< not four decimal numbers 0-255 ("127.1", "0x7f.0.0.1", "1.2.3.256")
    ipv4_leading_zero,   ///< "012.0.0.1": octal to inet_aton, decimal to others, so rejected
    invalid_ipv6,        ///< not an RFC 4291 IPv6 address ("1::2::3", "fe801::1", "1:2:3")
    invalid_zone,        ///< an IPv6 zone that is empty, too long or not [A-Za-z0-9._-]
    unknown_zone,        ///< no interface has the zone's name (compares equal to no_such_device)
    invalid_port,        ///< a port that is empty or not decimal digits
    port_out_of_range,   ///< a port above 65535
    ipv6_needs_brackets, ///< "::1:80": an IPv6 address and a port need "[::1]:80"
    bad_brackets,        ///< "[::1", "[::1]x", "[1.2.3.4]": brackets enclose an IPv6 address only
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
/// name of the operation that failed, (for `sendall`/`recv_exact`) how many bytes were
/// transferred before the failure and, where the operation had one, the address it used.
/// `what()` reads "connect: Connection refused", "bind 127.0.0.1:8080: Address already in use",
/// or for a text that failed to parse `address::parse "1.2.3.4:99999": port out of range`.
/// Copies never throw (the texts are shared, as in `std::runtime_error`).
class error : public std::system_error {
public:
    /// `operation` must outlive the error (netsock passes string literals).
    NETSOCK_DECL error(std::error_code ec, const char* operation, std::size_t bytes_transferred = 0);
    /// The same naming what the operation used: `address` is an address text
    /// ("127.0.0.1:8080", "[::1]:443", a socket path) or a quoted input; `hint`, if not null,
    /// is advice appended in parentheses: "bind 0.0.0.0:80: Permission denied (ports below 1024
    /// need privileges)".
    NETSOCK_DECL error(std::error_code ec, const char* operation, std::string_view address,
                       std::size_t bytes_transferred = 0, const char* hint = nullptr);

    /// The netsock function that failed, e.g. "connect".
    const char* operation() const noexcept { return operation_; }
    /// Bytes sent or received before the failure (sendall, recv_exact); 0 elsewhere.
    std::size_t bytes_transferred() const noexcept { return bytes_transferred_; }
    /// The address the operation used, as text ("127.0.0.1:8080"); for `address::parse`, the
    /// rejected input as a quoted literal (`"1.2.3.4:99999"`, non-printable bytes as \xNN,
    /// long inputs shortened); "" when the error names no address. A view into this error.
    std::string_view address() const noexcept {
        return std::string_view(text_.what() + address_offset_, address_size_);
    }
    /// "operation address: message (hint)", or "operation: message" without an address.
    const char* what() const noexcept override { return text_.what(); }

private:
    const char* operation_;
    std::size_t bytes_transferred_;
    std::runtime_error text_; // the whole what() text; a runtime_error copies without throwing
    std::size_t address_offset_ = 0;
    std::size_t address_size_ = 0;
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
