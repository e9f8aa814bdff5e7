#ifndef NETSOCK_DETAIL_THROW_HPP
#define NETSOCK_DETAIL_THROW_HPP

#include "../config.hpp"
#include "../error.hpp"

#include <cstddef>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
class address;

namespace detail {

// The one place that throws. Under -fno-exceptions (or NETSOCK_NO_EXCEPTIONS) it calls
// NETSOCK_THROW_HOOK(ec, operation) if the user defined it, then aborts.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation,
                                           std::size_t bytes_transferred = 0);
// The same naming what the operation used: `subject` is an address text or a quoted input
// (net::error::address()), `hint` advice for what() or null.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation,
                                           std::string_view subject, std::size_t bytes_transferred,
                                           const char* hint);
// The error of an operation on `where`: what() reads "bind 127.0.0.1:8080: Address already in
// use", with a hint for a port below 1024 that bind was not allowed to use. Defined in
// impl/address.ipp, where net::address is complete.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation, const address& where,
                                           std::size_t bytes_transferred = 0);

} // namespace detail
NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "../impl/throw.ipp"
#endif

#endif
