#ifndef NETSOCK_IMPL_THROW_IPP
#define NETSOCK_IMPL_THROW_IPP

// Definitions for detail/throw.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION (NETSOCK_NO_EXCEPTIONS and
// NETSOCK_THROW_HOOK must then be the same in every file: they are part of the ABI name).

#include "../detail/throw.hpp"

#include <cstddef>
#include <cstdlib>
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

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
