#ifndef NETSOCK_IMPL_ERROR_IPP
#define NETSOCK_IMPL_ERROR_IPP

// Definitions for error.hpp: inline in header-only mode, compiled once with
// NETSOCK_IMPLEMENTATION under NETSOCK_SEPARATE_COMPILATION.

#include "../error.hpp"

#include <cstddef>
#include <system_error>

namespace net {

error::error(std::error_code ec, const char* operation, std::size_t bytes_transferred)
    : std::system_error(ec, operation), operation_(operation),
      bytes_transferred_(bytes_transferred) {}

} // namespace net

#endif
