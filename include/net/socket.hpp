#ifndef NETSOCK_SOCKET_HPP
#define NETSOCK_SOCKET_HPP

#include "config.hpp"
#include "detail/platform.hpp"
#include "result.hpp"

#include <utility>

NETSOCK_BEGIN_NAMESPACE

/// Move-only RAII owner of one OS socket handle; closes it on destruction. Exactly the size of
/// `native_handle_type`. A default-constructed or moved-from socket is not open, and every
/// operation on it fails with `std::errc::bad_file_descriptor`.
///
/// Thread safety: one thread may send while another receives on the same socket (the OS allows
/// it); two threads sending (or two receiving) at once is not supported. Closing a socket from
/// another thread does not cancel a blocked call: use timeouts or `shutdown`.
class socket {
public:
    using native_handle_type = net::native_handle_type;

    /// A socket that is not open.
    constexpr socket() noexcept = default;
    /// Adopts an open OS handle; the socket closes it.
    explicit constexpr socket(native_handle_type handle) noexcept : handle_(handle) {}
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;
    socket(socket&& other) noexcept : handle_(other.release()) {}
    /// Closes the current handle (if any), then takes over `other`'s.
    NETSOCK_DECL socket& operator=(socket&& other) noexcept;
    NETSOCK_DECL ~socket();

    bool is_open() const noexcept { return handle_ != invalid_handle; }
    explicit operator bool() const noexcept { return is_open(); }
    native_handle_type native_handle() const noexcept { return handle_; }
    /// Gives up ownership: returns the handle and leaves this socket not open.
    native_handle_type release() noexcept { return std::exchange(handle_, invalid_handle); }

    /// Closes the handle. The socket is not open afterwards even if the OS reports an error
    /// (the handle is gone either way; close is never retried). Closing a socket that is not
    /// open does nothing, as in Python.
    [[nodiscard]] NETSOCK_DECL result<void> try_close() noexcept;
    /// Throwing form of `try_close`.
    NETSOCK_DECL void close();

private:
    NETSOCK_DECL void reset() noexcept;

    native_handle_type handle_ = invalid_handle;
};

static_assert(sizeof(socket) == sizeof(native_handle_type));

namespace detail {
// The error of every operation on a socket that is not open.
inline std::error_code not_open() noexcept { return detail::make_errc(std::errc::bad_file_descriptor); }
} // namespace detail

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/socket.ipp"
#endif

#endif
