#ifndef NETSOCK_DETAIL_THROW_HPP
#define NETSOCK_DETAIL_THROW_HPP

#include "../error.hpp"

#include <cstdlib>

namespace net::detail {

// The one place that throws. Under -fno-exceptions (or NETSOCK_NO_EXCEPTIONS) it calls
// NETSOCK_THROW_HOOK(ec, operation) if the user defined it, then aborts.
[[noreturn]] inline void throw_error(std::error_code ec, const char* operation,
                                     std::size_t bytes_transferred = 0) {
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

} // namespace net::detail

#endif
