#ifndef NETSOCK_IMPL_THROW_IPP
#define NETSOCK_IMPL_THROW_IPP

// Definitions for detail/throw.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION (NETSOCK_NO_EXCEPTIONS and
// NETSOCK_THROW_HOOK must then be the same in every file: they are part of the ABI name).
// throw_error(ec, operation, const address&) is in impl/address.ipp.

#include "../detail/throw.hpp"

#include <cstddef>
#include <cstdlib>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

[[noreturn]] void throw_error(std::error_code ec, const char* operation, std::size_t bytes_transferred) {
#if defined(NETSOCK_NO_EXCEPTIONS)
#if defined(NETSOCK_THROW_HOOK)
    NETSOCK_THROW_HOOK(ec, operation);
#endif
    (void)ec;
    (void)operation;
    (void)bytes_transferred;
    std::abort();
#else
    throw net::error(ec, operation, bytes_transferred);
#endif
}

[[noreturn]] void throw_error(std::error_code ec, const char* operation, std::string_view subject,
                              std::size_t bytes_transferred, const char* hint) {
#if defined(NETSOCK_NO_EXCEPTIONS)
#if defined(NETSOCK_THROW_HOOK)
    NETSOCK_THROW_HOOK(ec, operation);
#endif
    (void)ec;
    (void)operation;
    (void)subject;
    (void)bytes_transferred;
    (void)hint;
    std::abort();
#else
    throw net::error(ec, operation, subject, bytes_transferred, hint);
#endif
}

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
