#ifndef NETSOCK_IMPL_SOCKET_IPP
#define NETSOCK_IMPL_SOCKET_IPP

// Definitions for socket.hpp: inline in header-only mode, compiled once with
// NETSOCK_IMPLEMENTATION under NETSOCK_SEPARATE_COMPILATION.

#include "../socket.hpp"
#include "../detail/platform.hpp"
#include "../result.hpp"

namespace net {

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        reset();
        handle_ = other.release();
    }
    return *this;
}

socket::~socket() { reset(); }

result<void> socket::try_close() noexcept {
    if (!is_open()) return {};
    if (int e = detail::os::close_socket(release()); e != 0) return detail::fail(detail::socket_error(e));
    return {};
}

void socket::close() { detail::unwrap(try_close(), "close"); }

void socket::reset() noexcept {
    if (is_open()) detail::os::close_socket(release());
}

} // namespace net

#endif
