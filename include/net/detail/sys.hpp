#ifndef NETSOCK_DETAIL_SYS_HPP
#define NETSOCK_DETAIL_SYS_HPP

// The neutral syscall layer: the same functions on every OS, each returning its error as a
// std::error_code captured right after the failing call (PITFALLS A8). EINTR is retried here
// for every call except connect (never re-issued: wait for writability and read SO_ERROR) and
// close (never retried). Waiting is poll()/WSAPoll() with a steady-clock deadline, never select
// (PITFALLS B5, B9).

#include "error_codes.hpp"
#include "fault.hpp"
#include "platform.hpp"

#include <chrono>
#include <climits>
#include <cstddef>
#include <system_error>

namespace net::detail::sys {

using handle = native_handle_type;
using clock = std::chrono::steady_clock;

// MSG_DONTWAIT lets a blocking socket make one non-blocking attempt (POSIX only). Windows waits
// for readiness first instead.
#if defined(NETSOCK_OS_WINDOWS)
inline constexpr bool has_dontwait = false;
#else
inline constexpr bool has_dontwait = true;
#endif

// A point in time after which a blocking call gives up with timed_out; `never()` blocks.
class deadline {
public:
    static deadline never() noexcept { return deadline(); }
    template <class Rep, class Period>
    static deadline after(std::chrono::duration<Rep, Period> timeout) noexcept {
        deadline d;
        d.infinite_ = false;
        const auto now = clock::now();
        if (timeout <= timeout.zero()) {
            d.at_ = now;
        } else if (std::chrono::duration<double>(timeout).count() > 3.0e9) {
            d.infinite_ = true; // about a century: forever, and no overflow below
        } else {
            d.at_ = now + std::chrono::ceil<clock::duration>(timeout);
        }
        return d;
    }
    static deadline at(clock::time_point t) noexcept {
        deadline d;
        d.infinite_ = false;
        d.at_ = t;
        return d;
    }
    bool infinite() const noexcept { return infinite_; }
    clock::time_point time() const noexcept { return at_; }
    // Milliseconds left for poll(): -1 for never, rounded up so poll never returns early.
    int remaining_ms() const noexcept {
        if (infinite_) return -1;
        const auto left = at_ - clock::now();
        if (left <= clock::duration::zero()) return 0;
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
    }
    bool expired() const noexcept { return !infinite_ && clock::now() >= at_; }

private:
    clock::time_point at_{};
    bool infinite_ = true;
};

inline std::error_code errc_code(std::errc e) noexcept { return std::make_error_code(e); }

inline std::error_code start() noexcept {
    if (int e = os::start(); e != 0) return socket_error(e);
    return {};
}

inline handle open(int family, int type, int protocol, std::error_code& ec) noexcept {
    if ((ec = start())) return invalid_handle;
    int e = 0;
    handle h = os::open_socket(family, type, protocol, e);
    if (h == invalid_handle) ec = socket_error(e);
    return h;
}

inline std::error_code close(handle h) noexcept {
    if (int e = os::close_socket(h); e != 0) return socket_error(e);
    return {};
}

inline std::error_code setsockopt(handle h, int level, int name, const void* value,
                                  std::size_t size) noexcept {
#if defined(NETSOCK_OS_WINDOWS)
    if (int e = os::check_option_level(h, level); e != 0) return socket_error(e);
#endif
    if (::setsockopt(h, level, name, static_cast<const char*>(value),
                     static_cast<os::socklen_type>(size)) != 0)
        return last_socket_error();
    return {};
}

inline std::error_code getsockopt(handle h, int level, int name, void* value,
                                  std::size_t& size) noexcept {
#if defined(NETSOCK_OS_WINDOWS)
    if (int e = os::check_option_level(h, level); e != 0) return socket_error(e);
#endif
    auto len = static_cast<os::socklen_type>(size);
    if (::getsockopt(h, level, name, static_cast<char*>(value), &len) != 0)
        return last_socket_error();
    size = static_cast<std::size_t>(len);
    return {};
}

template <class T> std::error_code set_int_option(handle h, int level, int name, T value) noexcept {
    return sys::setsockopt(h, level, name, &value, sizeof value);
}
template <class T> std::error_code get_int_option(handle h, int level, int name, T& value) noexcept {
    std::size_t size = sizeof value;
    value = T{};
    return sys::getsockopt(h, level, name, &value, size);
}

inline std::error_code bind(handle h, const ::sockaddr* sa, std::size_t len) noexcept {
    if (::bind(h, sa, static_cast<os::socklen_type>(len)) != 0) return last_socket_error();
    return {};
}

inline std::error_code listen(handle h, int backlog) noexcept {
    if (::listen(h, backlog) != 0) return last_socket_error();
    return {};
}

inline short wait(handle h, short events, const deadline& until, std::error_code& ec) noexcept;

// True if SO_RCVTIMEO / SO_SNDTIMEO (`option`) is set on h: then a blocking call's EAGAIN is
// that timeout expiring (POSIX); without it an EAGAIN is not a timeout anybody asked for.
inline bool has_socket_timeout(handle h, int option) noexcept {
    os::timeout_value v{};
    auto size = static_cast<os::socklen_type>(sizeof v);
    return ::getsockopt(h, SOL_SOCKET, option, reinterpret_cast<char*>(&v), &size) == 0 && v.to_ms() > 0;
}

// EINTR during a blocking call on a socket with SO_RCVTIMEO/SO_SNDTIMEO: re-issuing the call
// would restart the kernel's timer, so signals arriving faster than the timeout would block it
// forever. On the first EINTR the option is read once and turned into a deadline (counted
// from that first interruption); later attempts wait for readiness until it and then try once
// without blocking. With no socket timeout the call is simply retried.
class interruption {
public:
    explicit interruption(int option) noexcept : option_(option) {}
    // After EINTR: true to try again (with `flags` adjusted), false with ec = timed_out.
    bool resume(handle h, short events, int& flags, std::error_code& ec) noexcept {
        if (!checked_) {
            checked_ = true;
            os::timeout_value v{};
            auto size = static_cast<os::socklen_type>(sizeof v);
            if (::getsockopt(h, SOL_SOCKET, option_, reinterpret_cast<char*>(&v), &size) == 0 &&
                v.to_ms() > 0)
                until_ = deadline::after(std::chrono::milliseconds(v.to_ms()));
        }
        if (until_.infinite()) return true;
        wait(h, events, until_, ec);
        if (ec) return false; // timed_out, or the wait's own error
        flags |= os::dontwait_flag;
        return true;
    }

    // True once a socket timeout turned into a deadline: a would-block after a wake-up is
    // then stale readiness, not the user's non-blocking mode.
    bool engaged() const noexcept { return !until_.infinite(); }

private:
    int option_;
    bool checked_ = false;
    deadline until_;
};

inline handle accept(handle h, ::sockaddr* sa, os::socklen_type* len, std::error_code& ec) noexcept {
    const os::socklen_type capacity = len ? *len : 0;
    interruption intr(SO_RCVTIMEO);
    int unused_flags = 0;
    for (;;) {
        if (len) *len = capacity;
        int e = fault::next(fault::call::accept).error;
        handle c = e != 0 ? invalid_handle : os::accept_socket(h, sa, len, e);
        if (c != invalid_handle) {
            ec.clear();
            return c;
        }
        // EINTR: retry. ECONNABORTED: the client gave up before we accepted; take the next
        // one rather than fail the server (BSD reports it, Linux does not).
        if (os::is_connection_aborted(e)) continue;
        if (os::is_interrupted(e) || (intr.engaged() && os::is_would_block(e))) {
            if (intr.resume(h, POLLIN, unused_flags, ec)) continue;
            return invalid_handle;
        }
        ec = socket_error(e);
        return invalid_handle;
    }
}

// One connect() call; "in progress" (and EINTR) are returned to the caller, which waits.
inline std::error_code connect(handle h, const ::sockaddr* sa, std::size_t len) noexcept {
    const int r = ::connect(h, sa, static_cast<os::socklen_type>(len));
    const int e = r != 0 ? os::last_error() : 0;
    if (const int injected = fault::next(fault::call::connect).error; injected != 0)
        return socket_error(injected);
    return e != 0 ? socket_error(e) : std::error_code{};
}

inline bool is_in_progress(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_in_progress(ec.value());
}
inline bool is_would_block(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_would_block(ec.value());
}
inline bool is_interrupted(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_interrupted(ec.value());
}

inline os::io_length clamp_io(std::size_t n) noexcept {
    if constexpr (sizeof(os::io_length) < sizeof(std::size_t) ||
                  !std::is_unsigned_v<os::io_length>) {
        if (n > static_cast<std::size_t>(INT_MAX)) return static_cast<os::io_length>(INT_MAX);
    }
    return static_cast<os::io_length>(n);
}

// send() with MSG_NOSIGNAL; EINTR retried. Returns the bytes taken.
inline std::size_t send(handle h, const void* data, std::size_t size, int flags,
                        std::error_code& ec) noexcept {
    interruption intr(SO_SNDTIMEO);
    for (;;) {
        const auto f = fault::next(fault::call::send);
        auto n = f.error != 0 ? -1
                              : ::send(h, static_cast<const char*>(data), clamp_io(fault::cap(size, f)),
                                       flags | os::send_flags);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        int e = f.error != 0 ? f.error : os::last_error();
        if (os::is_interrupted(e) || (intr.engaged() && os::is_would_block(e))) {
            if (intr.resume(h, POLLOUT, flags, ec)) continue;
            return 0;
        }
        ec = socket_error(e);
        return 0;
    }
}

inline std::size_t recv(handle h, void* data, std::size_t size, int flags,
                        std::error_code& ec) noexcept {
    interruption intr(SO_RCVTIMEO);
    for (;;) {
        const auto f = fault::next(fault::call::recv);
        auto n = f.error != 0 ? -1 : ::recv(h, static_cast<char*>(data), clamp_io(fault::cap(size, f)), flags);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        int e = f.error != 0 ? f.error : os::last_error();
        if (os::is_interrupted(e) || (intr.engaged() && os::is_would_block(e))) {
            if (intr.resume(h, POLLIN, flags, ec)) continue;
            return 0;
        }
        ec = socket_error(e);
        return 0;
    }
}

inline std::size_t sendto(handle h, const void* data, std::size_t size, int flags,
                          const ::sockaddr* sa, std::size_t len, std::error_code& ec) noexcept {
    interruption intr(SO_SNDTIMEO);
    for (;;) {
        const auto f = fault::next(fault::call::sendto);
        auto n = f.error != 0 ? -1
                              : ::sendto(h, static_cast<const char*>(data), clamp_io(size),
                                         flags | os::send_flags, sa, static_cast<os::socklen_type>(len));
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        int e = f.error != 0 ? f.error : os::last_error();
        if (os::is_interrupted(e) || (intr.engaged() && os::is_would_block(e))) {
            if (intr.resume(h, POLLOUT, flags, ec)) continue;
            return 0;
        }
        ec = socket_error(e);
        return 0;
    }
}

inline std::size_t recvfrom(handle h, void* data, std::size_t size, int flags, ::sockaddr* sa,
                            os::socklen_type* len, bool& truncated, std::error_code& ec) noexcept {
    const os::socklen_type capacity = *len;
    interruption intr(SO_RCVTIMEO);
    for (;;) {
        *len = capacity;
        int e = fault::next(fault::call::recvfrom).error;
        long n = e != 0 ? -1 : os::recv_from(h, data, size, flags, sa, len, truncated, e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (os::is_interrupted(e) || (intr.engaged() && os::is_would_block(e))) {
            if (intr.resume(h, POLLIN, flags, ec)) continue;
            return 0;
        }
        ec = socket_error(e);
        return 0;
    }
}

inline std::error_code shutdown(handle h, int how) noexcept {
    if (::shutdown(h, how) != 0) return last_socket_error();
    return {};
}

inline std::error_code getsockname(handle h, ::sockaddr* sa, os::socklen_type* len) noexcept {
    if (::getsockname(h, sa, len) != 0) {
        auto ec = last_socket_error();
#if defined(NETSOCK_OS_WINDOWS)
        // Not bound yet: Windows fails with WSAEINVAL where POSIX reports the family and a zero
        // address. Answer as POSIX does, so local_address and the options that depend on the
        // family (multicast_ttl, ...) work on fresh sockets everywhere.
        if (ec.value() == WSAEINVAL && os::unbound_name(h, sa, len)) return {};
#endif
        return ec;
    }
    return {};
}
inline std::error_code getpeername(handle h, ::sockaddr* sa, os::socklen_type* len) noexcept {
    if (::getpeername(h, sa, len) != 0) return last_socket_error();
    return {};
}

inline std::error_code set_nonblocking(handle h, bool on) noexcept {
    if (int e = os::set_nonblocking(h, on); e != 0) return socket_error(e);
    return {};
}

// Waits until `events` (POLLIN/POLLOUT) are ready on h, or the deadline passes (timed_out).
// EINTR recomputes the time left from the deadline. Returns the revents seen.
inline short wait(handle h, short events, const deadline& until, std::error_code& ec) noexcept {
    for (;;) {
        os::pollfd_type p{};
        p.fd = h;
        p.events = events;
        const int injected = fault::next(fault::call::poll).error;
        int r = injected != 0 ? -1 : os::poll(&p, 1, until.remaining_ms());
        if (r > 0) {
            if (p.revents & POLLNVAL) {
                ec = errc_code(std::errc::bad_file_descriptor);
                return p.revents;
            }
            ec.clear();
            return p.revents;
        }
        if (r == 0) {
            if (until.expired()) {
                ec = errc_code(std::errc::timed_out);
                return 0;
            }
            continue; // woke a little early (clock granularity): wait for the rest
        }
        int e = injected != 0 ? injected : os::last_error();
        if (os::is_interrupted(e)) {
            // Under a signal storm even poll(0) can fail with EINTR: the deadline ends it.
            if (until.expired()) {
                ec = errc_code(std::errc::timed_out);
                return 0;
            }
            continue;
        }
        ec = socket_error(e);
        return 0;
    }
}

// SO_ERROR: the outcome of a non-blocking connect (PITFALLS A11, B8).
inline std::error_code pending_error(handle h) noexcept {
    int value = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_ERROR, value)) return ec;
    return value == 0 ? std::error_code{} : socket_error(value);
}

// Waits for a connect started on h to finish. On expiry SO_ERROR is still read: WSAPoll before
// Windows 10 2004 never reports a failed connect, so "refused" must not become "timed out".
inline std::error_code finish_connect(handle h, const deadline& until) noexcept {
    std::error_code ec;
    wait(h, POLLOUT, until, ec);
    if (ec && ec != std::errc::timed_out) return ec;
    auto pending = pending_error(h);
    return pending ? pending : ec;
}

// The listener policy, applied when a TCP socket is bound (PITFALLS A13): SO_REUSEADDR on POSIX
// (it only relaxes TIME_WAIT); SO_EXCLUSIVEADDRUSE on Windows unless the user opted into
// SO_REUSEADDR (setting both fails with WSAEINVAL). Either way a second bind to a live
// listener fails with address_in_use.
inline std::error_code prepare_bind(handle h, int family) noexcept {
    if (family != AF_INET && family != AF_INET6) return {};
    int type = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_TYPE, type)) return ec;
    if (type != SOCK_STREAM) return {};
#if defined(NETSOCK_OS_WINDOWS)
    int reuse = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_REUSEADDR, reuse)) return ec;
    if (reuse) return {};
    return set_int_option(h, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
#else
    return set_int_option(h, SOL_SOCKET, SO_REUSEADDR, 1);
#endif
}

// A connected pair of sockets. POSIX: socketpair(AF_UNIX). Windows has none: a pair over
// loopback, checking that the accepted peer really is our own connecting socket.
inline std::error_code socket_pair(int type, handle out[2]) noexcept {
    if (auto ec = start()) return ec;
#if defined(NETSOCK_OS_WINDOWS)
    ::sockaddr_in loop{};
    loop.sin_family = AF_INET;
    loop.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto sa = [](::sockaddr_in& a) { return reinterpret_cast<::sockaddr*>(&a); };
    std::error_code ec;
    out[0] = out[1] = invalid_handle;
    auto cleanup = [&](handle extra) {
        if (extra != invalid_handle) os::close_socket(extra);
        for (int i = 0; i < 2; ++i)
            if (out[i] != invalid_handle) os::close_socket(out[i]);
        out[0] = out[1] = invalid_handle;
        return ec;
    };
    if (type == SOCK_DGRAM) {
        ::sockaddr_in names[2];
        for (int i = 0; i < 2; ++i) {
            out[i] = sys::open(AF_INET, SOCK_DGRAM, 0, ec);
            if (ec) return cleanup(invalid_handle);
            if ((ec = sys::bind(out[i], sa(loop), sizeof loop))) return cleanup(invalid_handle);
            os::socklen_type len = sizeof names[i];
            if ((ec = sys::getsockname(out[i], sa(names[i]), &len))) return cleanup(invalid_handle);
        }
        for (int i = 0; i < 2; ++i)
            if ((ec = sys::connect(out[i], sa(names[1 - i]), sizeof names[i]))) return cleanup(invalid_handle);
        return {};
    }
    handle listener = sys::open(AF_INET, SOCK_STREAM, 0, ec);
    if (ec) return cleanup(invalid_handle);
    ::sockaddr_in where{};
    os::socklen_type len = sizeof where;
    if ((ec = sys::prepare_bind(listener, AF_INET)) || (ec = sys::bind(listener, sa(loop), sizeof loop)) ||
        (ec = sys::listen(listener, 1)) || (ec = sys::getsockname(listener, sa(where), &len)))
        return cleanup(listener);
    out[0] = sys::open(AF_INET, SOCK_STREAM, 0, ec);
    if (ec || (ec = sys::connect(out[0], sa(where), sizeof where))) return cleanup(listener);
    ::sockaddr_in mine{};
    len = sizeof mine;
    if ((ec = sys::getsockname(out[0], sa(mine), &len))) return cleanup(listener);
    for (int attempt = 0; attempt < 8; ++attempt) { // someone else may connect first
        ::sockaddr_in peer{};
        len = sizeof peer;
        out[1] = sys::accept(listener, sa(peer), &len, ec);
        if (ec) return cleanup(listener);
        if (peer.sin_port == mine.sin_port && peer.sin_addr.s_addr == mine.sin_addr.s_addr) {
            os::close_socket(listener);
            return {};
        }
        os::close_socket(out[1]);
        out[1] = invalid_handle;
    }
    ec = errc_code(std::errc::connection_refused);
    return cleanup(listener);
#else
    if (int e = os::socket_pair(type, out); e != 0) return socket_error(e);
    return {};
#endif
}


} // namespace net::detail::sys

#endif
