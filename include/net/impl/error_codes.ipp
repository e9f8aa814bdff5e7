#ifndef NETSOCK_IMPL_ERROR_CODES_IPP
#define NETSOCK_IMPL_ERROR_CODES_IPP

// Definitions for detail/error_codes.hpp: inline in header-only mode, compiled once with
// NETSOCK_IMPLEMENTATION under NETSOCK_SEPARATE_COMPILATION.

#include "../detail/error_codes.hpp"
#include "../detail/platform.hpp"

#include <string>
#include <system_error>

namespace net {

namespace detail {

const char* socket_category_impl::name() const noexcept { return "netsock.socket"; }
std::string socket_category_impl::message(int ev) const { return os::error_message(ev); }
std::error_condition socket_category_impl::default_error_condition(int ev) const noexcept {
    return os::error_condition_of(ev);
}

const char* resolve_condition_category_impl::name() const noexcept {
    return "netsock.resolve_condition";
}
std::string resolve_condition_category_impl::message(int ev) const {
    switch (static_cast<resolve_errc>(ev)) {
    case resolve_errc::host_not_found: return "host not found";
    case resolve_errc::try_again: return "temporary failure in name resolution";
    case resolve_errc::service_not_found: return "service not found";
    case resolve_errc::family_not_supported: return "address family not supported";
    case resolve_errc::no_recovery: return "non-recoverable failure in name resolution";
    default: return "name resolution failed";
    }
}

const char* netsock_category_impl::name() const noexcept { return "netsock"; }
std::string netsock_category_impl::message(int ev) const {
    switch (static_cast<errc>(ev)) {
    case errc::eof: return "end of stream";
    default: return "unknown netsock error";
    }
}
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

namespace detail {
const char* resolve_category_impl::name() const noexcept { return "netsock.resolve"; }
std::string resolve_category_impl::message(int ev) const {
    if (const char* m = os::resolver_message(ev)) return m;
    return os::error_message(ev);
}
std::error_condition resolve_category_impl::default_error_condition(int ev) const noexcept {
    return {static_cast<int>(classify(ev)), resolve_condition_category()};
}
resolve_errc resolve_category_impl::classify(int ev) noexcept {
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
} // namespace detail

const std::error_category& resolve_category() noexcept {
    static const detail::resolve_category_impl category;
    return category;
}

std::error_condition make_error_condition(resolve_errc e) noexcept {
    return {static_cast<int>(e), resolve_condition_category()};
}
std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), netsock_category()};
}

bool is_would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

namespace detail {
std::error_code socket_error(int e) noexcept { return {e, socket_category()}; }
std::error_code last_socket_error() noexcept { return socket_error(os::last_error()); }
std::error_code make_errc(std::errc e) noexcept { return std::make_error_code(e); }
} // namespace detail
} // namespace net

#endif
