#ifndef NETSOCK_DETAIL_THROW_HPP
#define NETSOCK_DETAIL_THROW_HPP

#include "../config.hpp"
#include "../error.hpp"

#include <cstddef>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The one place that throws. Under -fno-exceptions (or NETSOCK_NO_EXCEPTIONS) it calls
// NETSOCK_THROW_HOOK(ec, operation) if the user defined it, then aborts.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation,
                                           std::size_t bytes_transferred = 0);

} // namespace detail
NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "../impl/throw.ipp"
#endif

#endif
