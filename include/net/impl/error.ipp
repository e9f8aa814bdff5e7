#ifndef NETSOCK_IMPL_ERROR_IPP
#define NETSOCK_IMPL_ERROR_IPP

// Definitions for error.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.

#include "../error.hpp"
#include "../detail/sys.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

error::error(std::error_code ec, const char* operation, std::size_t bytes_transferred)
    : std::system_error(ec, operation), operation_(operation), bytes_transferred_(bytes_transferred),
      text_(std::system_error::what()) {}

namespace detail {
// Where the address starts in error_text's result.
inline std::size_t error_address_offset(const char* operation, std::string_view address) noexcept {
    return address.empty() || !operation || !*operation ? 0 : std::char_traits<char>::length(operation) + 1;
}

// "operation address: message (hint)".
inline std::string error_text(const std::error_code& ec, const char* operation, std::string_view address,
                              const char* hint) {
    std::string text = operation ? operation : "";
    if (!address.empty()) {
        if (!text.empty()) text += ' ';
        text.append(address.data(), address.size());
    }
    text += ": ";
    text += ec.message();
    if (hint && *hint) {
        text += " (";
        text += hint;
        text += ')';
    }
    return text;
}
} // namespace detail

error::error(std::error_code ec, const char* operation, std::string_view address,
             std::size_t bytes_transferred, const char* hint)
    : std::system_error(ec, operation), operation_(operation), bytes_transferred_(bytes_transferred),
      text_(detail::error_text(ec, operation, address, hint)),
      address_offset_(detail::error_address_offset(operation, address)), address_size_(address.size()) {}

namespace detail {
// errno / WSAGetLastError() values.
class socket_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.socket"; }
    std::string message(int ev) const override { return sys::error_message(ev); }
    std::error_condition default_error_condition(int ev) const noexcept override {
        return sys::error_condition_of(ev);
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
        case errc::empty_address: return "empty address, or no host before the port";
        case errc::address_too_long: return "address text too long";
        case errc::not_numeric: return "not a numeric address (net::resolve looks up host names)";
        case errc::invalid_ipv4: return "invalid IPv4 address (four decimal numbers 0-255)";
        case errc::ipv4_leading_zero: return "leading zero in an IPv4 number (octal or decimal?)";
        case errc::invalid_ipv6: return "invalid IPv6 address";
        case errc::invalid_zone: return "invalid IPv6 zone (an interface name of [A-Za-z0-9._-] or a number)";
        case errc::unknown_zone: return "no interface of the IPv6 zone's name";
        case errc::invalid_port: return "invalid port (decimal digits expected)";
        case errc::port_out_of_range: return "port out of range";
        case errc::ipv6_needs_brackets: return "an IPv6 address with a port needs brackets: [address]:port";
        case errc::bad_brackets: return "brackets must enclose an IPv6 address, followed by nothing or :port";
        default: return "unknown netsock error";
        }
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
        case errc::eof: return {ev, *this};
        case errc::unknown_zone: return std::errc::no_such_device;
        default:
            if (ev > static_cast<int>(errc::eof) && ev <= static_cast<int>(errc::bad_brackets))
                return std::errc::invalid_argument;
            return {ev, *this};
        }
    }
};

// getaddrinfo() failures (EAI_* values): not errno values, hence a category of their own.
class resolve_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.resolve"; }
    std::string message(int ev) const override {
        if (const char* m = sys::resolver_message(ev)) return m;
        return sys::error_message(ev);
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        return {static_cast<int>(classify(ev)), resolve_condition_category()};
    }

private:
    static resolve_errc classify(int ev) noexcept {
        if (ev == sys::eai_nodata) return resolve_errc::host_not_found;
        switch (ev) {
        case EAI_NONAME: return resolve_errc::host_not_found;
        case EAI_AGAIN: return resolve_errc::try_again;
        case EAI_SERVICE: return resolve_errc::service_not_found;
        case EAI_FAMILY: return resolve_errc::family_not_supported;
        case EAI_FAIL: return resolve_errc::no_recovery;
        default: return resolve_errc::other;
        }
    }
};
} // namespace detail

const std::error_category& socket_category() noexcept {
    static const detail::socket_category_impl category;
    return category;
}

const std::error_category& resolve_condition_category() noexcept {
    static const detail::resolve_condition_category_impl category;
    return category;
}

const std::error_category& netsock_category() noexcept {
    static const detail::netsock_category_impl category;
    return category;
}

const std::error_category& resolve_category() noexcept {
    static const detail::resolve_category_impl category;
    return category;
}

std::error_condition make_error_condition(resolve_errc e) noexcept {
    return {static_cast<int>(e), resolve_condition_category()};
}
std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), netsock_category()}; }

bool is_would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

namespace detail {
std::error_code socket_error(int e) noexcept { return {e, socket_category()}; }
std::error_code last_socket_error() noexcept { return socket_error(sys::last_error()); }
std::error_code make_errc(std::errc e) noexcept {
    if (const int native = sys::native_error(e); native != 0) return socket_error(native);
    return std::make_error_code(e);
}
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
