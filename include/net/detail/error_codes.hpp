#ifndef NETSOCK_DETAIL_ERROR_CODES_HPP
#define NETSOCK_DETAIL_ERROR_CODES_HPP

// The error categories. Kept free of OS headers' detail beyond detail::os's few functions, so
// error.hpp can expose them.

#include "platform.hpp"

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
    const char* name() const noexcept override { return "netsock.socket"; }
    std::string message(int ev) const override { return os::error_message(ev); }
    std::error_condition default_error_condition(int ev) const noexcept override {
        return os::error_condition_of(ev);
    }
};

class resolve_condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.resolve_condition"; }
    std::string message(int ev) const override {
        switch (static_cast<resolve_errc>(ev)) {
        case resolve_errc::host_not_found: return "host not found";
        case resolve_errc::try_again: return "temporary failure in name resolution";
        case resolve_errc::service_not_found: return "service not found";
        case resolve_errc::family_not_supported: return "address family not supported";
        case resolve_errc::no_recovery: return "non-recoverable failure in name resolution";
        default: return "name resolution failed";
        }
    }
};

class netsock_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::eof: return "end of stream";
        default: return "unknown netsock error";
        }
    }
};
} // namespace detail

/// Category of OS socket errors (errno / WSA codes). Its codes compare equal to `std::errc`
/// values on every platform: `ec == std::errc::connection_refused`.
inline const std::error_category& socket_category() noexcept {
    static const detail::socket_category_impl category;
    return category;
}

/// Category of the conditions in `net::resolve_errc`.
inline const std::error_category& resolve_condition_category() noexcept {
    static const detail::resolve_condition_category_impl category;
    return category;
}

/// Category of netsock's own codes (`net::errc`).
inline const std::error_category& netsock_category() noexcept {
    static const detail::netsock_category_impl category;
    return category;
}

namespace detail {
// getaddrinfo() failures (EAI_* values). Separate from the socket category: EAI codes are not
// errno values, and EAI_SYSTEM is turned into a socket_category code before it gets here
// (PITFALLS B12).
class resolve_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.resolve"; }
    std::string message(int ev) const override {
        if (const char* m = os::resolver_message(ev)) return m;
        return os::error_message(ev);
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        return {static_cast<int>(classify(ev)), resolve_condition_category()};
    }
    static resolve_errc classify(int ev) noexcept {
        switch (ev) {
        case EAI_NONAME: return resolve_errc::host_not_found;
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
        case EAI_NODATA: return resolve_errc::host_not_found;
#endif
        case EAI_AGAIN: return resolve_errc::try_again;
        case EAI_SERVICE: return resolve_errc::service_not_found;
        case EAI_FAMILY: return resolve_errc::family_not_supported;
        case EAI_FAIL: return resolve_errc::no_recovery;
        default: return resolve_errc::other;
        }
    }
};
} // namespace detail

/// Category of name-resolution failures (getaddrinfo's EAI_* codes). Compare its codes with
/// `net::resolve_errc` conditions.
inline const std::error_category& resolve_category() noexcept {
    static const detail::resolve_category_impl category;
    return category;
}

inline std::error_condition make_error_condition(resolve_errc e) noexcept {
    return {static_cast<int>(e), resolve_condition_category()};
}
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), netsock_category()};
}

/// True for "would block" in all its spellings (EAGAIN, EWOULDBLOCK, WSAEWOULDBLOCK).
inline bool is_would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

namespace detail {
inline std::error_code socket_error(int e) noexcept { return {e, socket_category()}; }
inline std::error_code last_socket_error() noexcept { return socket_error(os::last_error()); }
inline std::error_code make_errc(std::errc e) noexcept { return std::make_error_code(e); }
} // namespace detail
} // namespace net

namespace std {
template <> struct is_error_condition_enum<net::resolve_errc> : true_type {};
template <> struct is_error_code_enum<net::errc> : true_type {};
} // namespace std

#endif
