#ifndef NETSOCK_IMPL_SOCKET_IPP
#define NETSOCK_IMPL_SOCKET_IPP

// Definitions for socket.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION.

#include "../socket.hpp"
#include "../detail/platform.hpp"
#include "../result.hpp"

NETSOCK_BEGIN_NAMESPACE

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
    if (auto ec = detail::sys::close(release())) return detail::fail(ec);
    return {};
}

void socket::close() { detail::unwrap(try_close(), "close"); }

void socket::reset() noexcept {
    if (is_open()) (void)detail::sys::close(release());
}

NETSOCK_END_NAMESPACE

#endif
