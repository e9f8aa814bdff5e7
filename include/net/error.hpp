#ifndef NETSOCK_ERROR_HPP
#define NETSOCK_ERROR_HPP

#include "config.hpp"
#include "detail/error_codes.hpp"

#include <cstddef>
#include <system_error>

namespace net {

/// The exception thrown by every throwing netsock function. Carries the `std::error_code`, the
/// name of the operation that failed, and (for `sendall`/`recv_exact`) how many bytes were
/// transferred before the failure. `what()` reads "connect: Connection refused".
class error : public std::system_error {
public:
    NETSOCK_DECL error(std::error_code ec, const char* operation,
                       std::size_t bytes_transferred = 0);

    /// The netsock function that failed, e.g. "connect".
    const char* operation() const noexcept { return operation_; }
    /// Bytes sent or received before the failure (sendall, recv_exact); 0 elsewhere.
    std::size_t bytes_transferred() const noexcept { return bytes_transferred_; }

private:
    const char* operation_;
    std::size_t bytes_transferred_;
};

} // namespace net

#if NETSOCK_HEADER_ONLY || defined(NETSOCK_IMPLEMENTATION)
#include "impl/error.ipp"
#endif

#endif
