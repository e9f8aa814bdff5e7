#ifndef NETSOCK_IMPL_ERROR_IPP
#define NETSOCK_IMPL_ERROR_IPP

// Definitions for error.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.

#include "../error.hpp"
#include "../detail/sys.hpp"

#include <cstddef>
#include <string>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

error::error(std::error_code ec, const char* operation, std::size_t bytes_transferred)
    : std::system_error(ec, operation), operation_(operation), bytes_transferred_(bytes_transferred) {}

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
        default: return "unknown netsock error";
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
