#ifndef NETSOCK_DETAIL_SYS_HPP
#define NETSOCK_DETAIL_SYS_HPP

// The syscall layer: the same functions on every OS, built on the OS layer (detail/os/*.hpp,
// the only code it calls) and the only layer the implementation (impl/*.ipp) and the poller
// backends call. Here and nowhere else:
// - each call's error becomes a std::error_code right after the failing call, before anything
//   else can overwrite errno / WSAGetLastError();
// - EINTR is retried for every call except connect (never re-issued: the connect goes on in
//   the kernel, so wait for writability and read SO_ERROR) and close (never retried);
// - a deadline or a canceller turns a blocking call into "try, wait for readiness, try again"
//   (struct retry), and every wait also watches the canceller's socket (cancel.hpp);
// - every wait is one loop over poll()/WSAPoll() (or epoll_wait/kevent for the pollers) with a
//   steady-clock deadline (waiter), never select(), which cannot watch descriptors above
//   FD_SETSIZE;
// - the test fault hook (detail/fault.hpp) is asked before each call that has a fault point.

#include "../error.hpp"
#include "cancel_state.hpp"
#include "fault.hpp"
#include "platform.hpp"

#include "../events.hpp"
#include "../timeout.hpp"

#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

NETSOCK_BEGIN_NAMESPACE
namespace detail::sys {

using handle = os::handle;
using clock = std::chrono::steady_clock;
using os::nfds_type;
using os::pollfd_type;
using os::socklen_type;

// A point in time after which a blocking call gives up with timed_out (`never()`: no limit),
// and the canceller that can end it sooner with operation_canceled. Made from a net::timeout,
// which has already clamped the value (timeout.hpp).
// - after(t): the time counts from now (one deadline shared by the calls of a composed
//   operation: sendall, recv_exact, connect races);
// - at_first_wait(t): for a single call (send, recv, sendto, recvfrom, ...): the clock is read
//   the first time the time left is asked, i.e. only when the call must wait, so that a
//   transfer whose data is already there costs the system call alone. Each copy starts its own
//   clock: give such a deadline to one sys:: call only.
class deadline {
public:
    static deadline never() noexcept { return deadline(); }
    static deadline after(timeout t) noexcept {
        deadline d = at_first_wait(t);
        d.start();
        return d;
    }
    static deadline at_first_wait(timeout t) noexcept {
        deadline d;
        d.stop_ = t.cancel_state();
        if (!t.is_none()) {
            d.infinite_ = false;
            d.pending_ = true;
            d.span_ = std::chrono::ceil<clock::duration>(t.duration());
        }
        return d;
    }
    bool infinite() const noexcept { return infinite_; }
    // True when nothing can end the call early: it may block in the kernel.
    bool blocks() const noexcept { return infinite_ && stop_ == nullptr; }
    const cancel_state* stop() const noexcept { return stop_; }
    bool cancelled() const noexcept { return stop_ != nullptr && stop_->is_cancelled(); }
    clock::time_point time() const noexcept {
        start();
        return at_;
    }
    // Milliseconds left for poll(): -1 for never, rounded up so poll never returns early.
    int remaining_ms() const noexcept {
        if (infinite_) return -1;
        start();
        const auto left = at_ - clock::now();
        if (left <= clock::duration::zero()) return 0;
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
    }
    bool expired() const noexcept {
        if (infinite_) return false;
        start();
        return clock::now() >= at_;
    }
    // The earlier of two deadlines, with the canceller of either (this one's first).
    deadline earliest(const deadline& o) const noexcept {
        start();
        o.start();
        deadline d = infinite_ || (!o.infinite_ && o.at_ < at_) ? o : *this;
        d.stop_ = stop_ != nullptr ? stop_ : o.stop_;
        return d;
    }

private:
    // Fixes the point in time of an at_first_wait deadline (mutable: asking the time left of a
    // deadline that was not started yet starts it).
    void start() const noexcept {
        if (!pending_) return;
        pending_ = false;
        at_ = clock::now() + span_;
    }

    mutable clock::time_point at_{};
    clock::duration span_{};
    bool infinite_ = true;
    mutable bool pending_ = false;
    const cancel_state* stop_ = nullptr;
};

inline std::error_code timed_out() noexcept { return make_errc(std::errc::timed_out); }
inline std::error_code canceled() noexcept { return make_errc(std::errc::operation_canceled); }

inline bool is_in_progress(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_in_progress(ec.value());
}
inline bool is_would_block(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_would_block(ec.value());
}
inline bool is_interrupted(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_interrupted(ec.value());
}

// ---------------------------------------------------------------------------------------------
// Waiting

// The rules of every wait (sys::wait, sys::poll_until, the connect race and the poller
// backends), which call their poll(), WSAPoll(), epoll_wait() or kevent() like this:
//     for (sys::waiter w(until);;) {
//         const int n = w.injected() ? -1 : ::epoll_wait(fd, events, max, w.timeout_ms());
//         if (w.done(n, ec)) return n; // the number ready, 0 on expiry, or -1 with ec set
//     }
// EINTR and early wake-ups (clock granularity) wait again for the time left; under a signal
// storm even a zero timeout can fail with EINTR, so the deadline ends that too. injected()
// asks the test fault hook (fault::call::poll) whether to fail the call instead of making it.
class waiter {
public:
    explicit waiter(const deadline& until) noexcept : until_(until) {}
    bool injected() noexcept {
        injected_ = fault::next(fault::call::poll).error;
        return injected_ != 0;
    }
    int timeout_ms() const noexcept { return until_.remaining_ms(); }
    // After a call that returned n: true when the wait is over (n is then the result).
    bool done(int& n, std::error_code& ec) const noexcept {
        if (n > 0 || (n == 0 && until_.expired())) {
            ec.clear();
            return true;
        }
        if (n == 0) return false;
        const int e = injected_ != 0 ? injected_ : os::last_error();
        if (!os::is_interrupted(e)) {
            ec = socket_error(e);
            return true;
        }
        if (!until_.expired()) return false;
        ec.clear();
        n = 0;
        return true;
    }

private:
    deadline until_; // a copy: `waiter w(deadline::after(t))` must not dangle
    int injected_ = 0;
};

// One poll()/WSAPoll() call (no loop): what sys::waiter loops over.
using os::poll;

// poll()/WSAPoll() over `n` entries until the deadline: the number ready, 0 on expiry, -1 on
// failure (ec set).
inline int poll_until(pollfd_type* fds, std::size_t n, const deadline& until, std::error_code& ec) noexcept {
    for (waiter w(until);;) {
        int ready = w.injected() ? -1 : os::poll(fds, static_cast<os::nfds_type>(n), w.timeout_ms());
        if (w.done(ready, ec)) return ready;
    }
}

// Waits until `events` (POLLIN/POLLOUT) are ready on h; expiry is timed_out, a cancel
// operation_canceled. Returns the revents seen (a closed descriptor, POLLNVAL, is
// bad_file_descriptor).
inline short wait(handle h, short events, const deadline& until, std::error_code& ec) noexcept {
    pollfd_type p[2]{};
    p[0].fd = h;
    p[0].events = events;
    os::nfds_type count = 1;
    if (const cancel_state* c = until.stop()) {
        if (c->is_cancelled()) {
            ec = canceled();
            return 0;
        }
        p[1].fd = c->reader;
        p[1].events = POLLIN;
        count = 2;
    }
    for (waiter w(until);;) {
        int n = w.injected() ? -1 : os::poll(p, count, w.timeout_ms());
        if (!w.done(n, ec)) continue;
        if (n == 0) ec = timed_out();
        else if (n > 0 && p[1].revents != 0) ec = canceled();
        else if (n > 0 && (p[0].revents & POLLNVAL)) ec = make_errc(std::errc::bad_file_descriptor);
        return n > 0 && !ec ? p[0].revents : 0;
    }
}

// The canceller's two ends (cancel.ipp): one byte makes the reading end readable; drain empties
// it. Both sockets are non-blocking; wake is async-signal-safe on POSIX (one send()).
inline void wake(handle h) noexcept {
    const int saved = os::last_error(); // a signal handler must leave errno as it found it
    const char byte = 1;
    int e = 0;
    for (int i = 0; i < 16; ++i)
        if (os::send_once(h, &byte, 1, 0, -1, e) >= 0 || !os::is_interrupted(e)) break;
    os::set_last_error(saved);
}
inline void drain(handle h) noexcept {
    char sink[64];
    int e = 0;
    for (int i = 0; i < 1024; ++i) {
        const long n = os::recv_once(h, sink, sizeof sink, 0, -1, e);
        if (n <= 0 && !(n < 0 && os::is_interrupted(e))) return;
    }
}

// A poller's wake-up counter (Linux eventfd; os::has_event_handle): signal is
// async-signal-safe, drain resets it.
inline handle open_event(std::error_code& ec) noexcept {
    int e = 0;
    const handle h = os::open_event_handle(e);
    ec = h == os::invalid ? socket_error(e) : std::error_code{};
    return h;
}
inline void signal_event(handle h) noexcept { os::signal_event_handle(h); }
inline void drain_event(handle h) noexcept { os::drain_event_handle(h); }

inline void sleep_ms(int ms) noexcept { os::sleep_ms(ms); }

// net::events <-> poll() bits.
inline short to_poll(events e) noexcept {
    short p = 0;
    if (has(e, events::readable)) p |= POLLIN;
    if (has(e, events::writable)) p |= POLLOUT;
    return p;
}
inline events from_poll(short p) noexcept {
    events e = events::none;
    if (p & POLLIN) e |= events::readable;
    if (p & POLLOUT) e |= events::writable;
    if (p & POLLERR) e |= events::error;
    if (p & POLLHUP) e |= events::hangup;
    return e;
}

// ---------------------------------------------------------------------------------------------
// Options and modes

inline std::error_code setsockopt(handle h, int level, int name, const void* value,
                                  std::size_t size) noexcept {
    if (int e = os::check_option_level(h, level); e != 0) return socket_error(e);
    if (::setsockopt(h, level, name, static_cast<const char*>(value), static_cast<socklen_type>(size)) != 0)
        return last_socket_error();
    return {};
}

inline std::error_code getsockopt(handle h, int level, int name, void* value, std::size_t& size) noexcept {
    if (int e = os::check_option_level(h, level); e != 0) return socket_error(e);
    auto len = static_cast<socklen_type>(size);
    if (::getsockopt(h, level, name, static_cast<char*>(value), &len) != 0) return last_socket_error();
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

// SO_RCVTIMEO / SO_SNDTIMEO (`option`) in milliseconds; 0 when unset or unreadable.
inline long long socket_timeout_ms(handle h, int option) noexcept {
    os::timeout_value v{};
    std::size_t size = sizeof v;
    return sys::getsockopt(h, SOL_SOCKET, option, &v, size) ? 0 : v.to_ms();
}

inline std::error_code set_nonblocking(handle h, bool on) noexcept {
    if (int e = os::set_nonblocking(h, on); e != 0) return socket_error(e);
    return {};
}

// 1 if non-blocking, 0 if blocking, -1 if that failed (ec set). On Windows, which cannot report
// the mode, it is what os::set_nonblocking remembers.
inline int is_nonblocking(handle h, std::error_code& ec) noexcept {
    int e = 0;
    const int r = os::is_nonblocking(h, e);
    ec = e != 0 ? socket_error(e) : std::error_code{};
    return r;
}

// SO_ERROR: the outcome of a non-blocking connect.
inline std::error_code pending_error(handle h) noexcept {
    int value = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_ERROR, value)) return ec;
    return value == 0 ? std::error_code{} : socket_error(value);
}

// ---------------------------------------------------------------------------------------------
// The retry policy of accept, send, recv, sendto and recvfrom

// What a call does after it failed with OS error `e`:
// - EINTR: try again. On a blocking socket with no deadline but SO_RCVTIMEO/SO_SNDTIMEO
//   (`option`) set, re-issuing the call would restart the kernel's timer, so signals arriving
//   faster than the timeout would block it for ever: on the first EINTR the option is read
//   once and becomes the deadline (counted from that interruption).
// - would-block with a deadline: wait for readiness until it, then try again without
//   blocking; expiry is timed_out. Readiness can be stale, so only the deadline ends this.
// - would-block without one: a blocking socket whose SO_RCVTIMEO/SO_SNDTIMEO expired (POSIX
//   reports that as EAGAIN; netsock reports every timeout as timed_out), or a non-blocking
//   socket (would-block, for the caller).
// - anything else: that error.
// With a deadline, no attempt waits past it (os::send_once and the others, given wait_ms()).
// A canceller works as a deadline that poll() watches: attempts never block, the waits between
// them end on cancel, and a cancelled canceller fails the call before its first attempt.
class retry {
public:
    retry(handle h, short events, int option, const deadline& until) noexcept
        : h_(h), events_(events), option_(option), until_(until) {}

    // operation_canceled before the first attempt if the canceller already fired.
    bool stopped(std::error_code& ec) const noexcept {
        if (!until_.cancelled()) return false;
        ec = canceled();
        return true;
    }

    // The wait_ms of the next attempt: -1 when it may block (no deadline, no canceller), else
    // the milliseconds left where the attempt itself waits (os::attempt_waits; 0 with a
    // canceller, which only poll() can watch), 0 where it only must not block (no clock read on
    // that fast path).
    int wait_ms() const noexcept {
        if (until_.blocks()) return -1;
        if constexpr (os::attempt_waits) return until_.stop() != nullptr ? 0 : until_.remaining_ms();
        return 0;
    }

    // After a failed attempt with error e: true to try again, false with ec set.
    bool again(int e, std::error_code& ec) noexcept {
        if (os::is_interrupted(e) && until_.blocks()) {
            if (checked_) return true;
            checked_ = true;
            const long long ms = socket_timeout_ms(h_, option_);
            if (ms <= 0) return true;
            until_ = deadline::after(std::chrono::milliseconds(ms));
            return wait_for_readiness(ec);
        }
        if (os::is_interrupted(e) || (os::is_would_block(e) && !until_.blocks()))
            return wait_for_readiness(ec);
        ec = socket_error(e);
        if (os::is_would_block(e) && !checked_) {
            std::error_code unknown;
            if (is_nonblocking(h_, unknown) == 0 && socket_timeout_ms(h_, option_) > 0) ec = timed_out();
        }
        return false;
    }

private:
    bool wait_for_readiness(std::error_code& ec) noexcept {
        if (until_.cancelled()) {
            ec = canceled();
            return false;
        }
        if (until_.expired()) {
            ec = timed_out();
            return false;
        }
        wait(h_, events_, until_, ec);
        return !ec;
    }

    handle h_;
    short events_;
    int option_;
    deadline until_;
    bool checked_ = false; // SO_RCVTIMEO/SO_SNDTIMEO already read after an EINTR
};

// The length argument of send/recv: Winsock takes an int, so larger requests are clamped.
inline os::io_length clamp_io(std::size_t n) noexcept {
    if constexpr (sizeof(os::io_length) < sizeof(std::size_t) || !std::is_unsigned_v<os::io_length>) {
        if (n > static_cast<std::size_t>(INT_MAX)) return static_cast<os::io_length>(INT_MAX);
    }
    return static_cast<os::io_length>(n);
}

// ---------------------------------------------------------------------------------------------
// Sockets

inline std::error_code start() noexcept {
    if (int e = os::start(); e != 0) return socket_error(e);
    return {};
}

inline handle open(int family, int type, int protocol, std::error_code& ec) noexcept {
    if ((ec = start())) return os::invalid;
    int e = 0;
    handle h = os::open_socket(family, type, protocol, e);
    ec = h == os::invalid ? socket_error(e) : std::error_code{};
    return h;
}

// Never retried (see os::close_socket).
inline std::error_code close(handle h) noexcept {
    const int e = os::close_socket(h);
    if (const int injected = fault::next(fault::call::close).error; injected != 0)
        return socket_error(injected);
    return e != 0 ? socket_error(e) : std::error_code{};
}

// A connected pair (POSIX socketpair(AF_UNIX)); operation_not_supported where the OS has none
// (os::has_socketpair is false: ops.ipp then builds one over loopback).
inline std::error_code socket_pair(int type, handle out[2]) noexcept {
    if (int e = os::socket_pair(type, out); e != 0) return socket_error(e);
    return {};
}

// The listener policy of the OS (os::listener_policy), for TCP sockets bound to IP addresses.
inline std::error_code prepare_bind(handle h, int family) noexcept {
    if (family != AF_INET && family != AF_INET6) return {};
    int type = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_TYPE, type)) return ec;
    if (type != SOCK_STREAM) return {};
    if (int e = os::listener_policy(h); e != 0) return socket_error(e);
    return {};
}

inline std::error_code bind(handle h, const ::sockaddr* sa, std::size_t len) noexcept {
    if (int e = os::bind_socket(h, sa, static_cast<socklen_type>(len)); e != 0) return socket_error(e);
    return {};
}

inline std::error_code listen(handle h, int backlog) noexcept {
    if (::listen(h, backlog) != 0) return last_socket_error();
    return {};
}

// One connect() call; "in progress" and EINTR are returned to the caller, which waits
// (finish_connect): re-issuing connect after EINTR would fail with EALREADY or EISCONN.
inline std::error_code connect(handle h, const ::sockaddr* sa, std::size_t len) noexcept {
    const int r = ::connect(h, sa, static_cast<socklen_type>(len));
    const int e = r != 0 ? os::last_error() : 0;
    if (const int injected = fault::next(fault::call::connect).error; injected != 0)
        return socket_error(injected);
    return e != 0 ? socket_error(e) : std::error_code{};
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

// The deadline of an accept without a timeout: SO_RCVTIMEO where the OS ignores it for accept
// (os::accept_uses_rcvtimeo is false: Windows), so that accept on a blocking socket honours it
// on every OS (on a non-blocking one it does not apply).
inline deadline accept_deadline(handle h) noexcept {
    if constexpr (os::accept_uses_rcvtimeo) return deadline::never();
    int e = 0;
    if (os::is_nonblocking(h, e) != 0) return deadline::never();
    const long long ms = socket_timeout_ms(h, SO_RCVTIMEO);
    return ms > 0 ? deadline::after(std::chrono::milliseconds(ms)) : deadline::never();
}

// accept() of a blocking, close-on-exec (non-inheritable) socket, with the retry policy.
// ECONNABORTED (a client gave up before it was accepted; BSD reports it, Linux does not) takes
// the next connection rather than fail the server.
inline handle accept(handle h, ::sockaddr* sa, socklen_type* len, const deadline& until,
                     std::error_code& ec) noexcept {
    const socklen_type capacity = len ? *len : 0;
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return os::invalid;
    for (;;) {
        if (len) *len = capacity;
        int e = fault::next(fault::call::accept).error;
        handle c = e != 0 ? os::invalid : os::accept_socket(h, sa, len, e);
        if (c != os::invalid) {
            ec.clear();
            return c;
        }
        if (os::is_connection_aborted(e)) continue;
        if (!policy.again(e, ec)) return os::invalid;
    }
}

// send() that never raises SIGPIPE (os::send_once), with the retry policy. Returns the bytes
// the OS took: at most os::send_piece.
inline std::size_t send(handle h, const void* data, std::size_t size, int flags, const deadline& until,
                        std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    if (size > os::send_piece) size = os::send_piece;
    for (;;) {
        const auto f = fault::next(fault::call::send);
        int e = f.error;
        const long n =
            e != 0 ? -1 : os::send_once(h, data, clamp_io(fault::cap(size, f)), flags, policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

inline std::size_t recv(handle h, void* data, std::size_t size, int flags, const deadline& until,
                        std::error_code& ec) noexcept {
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        const auto f = fault::next(fault::call::recv);
        int e = f.error;
        const long n =
            e != 0 ? -1 : os::recv_once(h, data, clamp_io(fault::cap(size, f)), flags, policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

inline std::size_t sendto(handle h, const void* data, std::size_t size, int flags, const ::sockaddr* sa,
                          std::size_t len, const deadline& until, std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        int e = fault::next(fault::call::sendto).error;
        const long n = e != 0 ? -1
                              : os::send_to(h, data, clamp_io(size), flags, sa,
                                            static_cast<socklen_type>(len), policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// A datagram receive that reports truncation the same way on every OS (os::recv_from).
inline std::size_t recvfrom(handle h, void* data, std::size_t size, int flags, ::sockaddr* sa,
                            socklen_type* len, bool& truncated, const deadline& until,
                            std::error_code& ec) noexcept {
    const socklen_type capacity = *len;
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        *len = capacity;
        int e = fault::next(fault::call::recvfrom).error;
        const long n =
            e != 0 ? -1
                   : os::recv_from(h, data, clamp_io(size), flags, sa, len, truncated, policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Messages: scatter/gather, control data and batches (impl/message.ipp)

using os::batch_slot;
using os::control_buffer;
using os::control_fields;
using os::io_vector;
using os::packet_control;

inline io_vector make_io_vector(const void* data, std::size_t size) noexcept {
    return os::make_io_vector(data, size);
}

// Control data, encoded and decoded by the OS layer (its CMSG_* / WSA_CMSG_* rules): see
// os::write_control and os::read_control.
inline long write_control(void* buf, std::size_t capacity, const ::sockaddr* source, unsigned interface_index,
                          int segment, const handle* fds, std::size_t count) noexcept {
    return os::write_control(buf, capacity, source, interface_index, segment, fds, count);
}
inline void read_control(const void* control, std::size_t size, control_fields& out, handle* fds,
                         std::size_t capacity) noexcept {
    os::read_control(control, size, out, fds, capacity);
}
inline std::size_t handle_control_size(std::size_t count) noexcept { return os::handle_control_size(count); }

// sendmsg / WSASendMsg (WSASend with no control data) with the retry policy of send;
// `which` names the call for the fault hook (send for a stream, sendto for a datagram).
inline std::size_t send_message(handle h, const os::io_vector* v, std::size_t n, const ::sockaddr* to,
                                std::size_t to_size, const void* control, std::size_t control_size, int flags,
                                fault::call which, const deadline& until, std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        int e = fault::next(which).error;
        const long r = e != 0 ? -1
                              : os::send_message(h, v, n, to, static_cast<socklen_type>(to_size), control,
                                                 control_size, flags, policy.wait_ms(), e);
        if (r >= 0) {
            ec.clear();
            return static_cast<std::size_t>(r);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// recvmsg / WSARecvMsg (WSARecv when neither address nor control data is wanted) with the
// retry policy of recv. *from_size and *control_size are capacities in, lengths out.
inline std::size_t recv_message(handle h, os::io_vector* v, std::size_t n, ::sockaddr* from,
                                socklen_type* from_size, void* control, std::size_t* control_size,
                                int& msg_flags, int flags, fault::call which, const deadline& until,
                                std::error_code& ec) noexcept {
    const socklen_type name_capacity = from_size != nullptr ? *from_size : 0;
    const std::size_t control_capacity = control_size != nullptr ? *control_size : 0;
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        if (from_size != nullptr) *from_size = name_capacity;
        if (control_size != nullptr) *control_size = control_capacity;
        int e = fault::next(which).error;
        const long r = e != 0 ? -1
                              : os::recv_message(h, v, n, from, from_size, control, control_size, msg_flags,
                                                 flags, policy.wait_ms(), e);
        if (r >= 0) {
            ec.clear();
            return static_cast<std::size_t>(r);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// One attempt at up to n datagrams: recvmmsg/sendmmsg where they exist, else one
// recvmsg/sendmsg (os::has_message_batch). Returns the count, or -1 with e.
inline int batch_attempt(handle h, os::batch_slot* slots, std::size_t n, bool receive, int wait_ms,
                         int& e) noexcept {
    if constexpr (os::has_message_batch) {
        return receive ? os::recv_batch(h, slots, n, wait_ms, e) : os::send_batch(h, slots, n, wait_ms, e);
    } else {
        os::batch_slot& s = slots[0];
        long r = 0;
        if (receive) {
            int flags = 0;
            r = os::recv_message(h, &s.data, 1, s.name, &s.name_size,
                                 s.control_size > 0 ? s.control : nullptr, &s.control_size, flags, 0, wait_ms,
                                 e);
            s.flags = flags;
        } else {
            r = os::send_message(h, &s.data, 1, s.name, s.name_size, s.control, s.control_size, 0, wait_ms,
                                 e);
        }
        if (r < 0) return -1;
        s.size = static_cast<std::size_t>(r);
        return 1;
    }
}

// A batch of datagrams: waits (the retry policy of recvfrom/sendto) for the first, then moves
// as many more as the socket takes or holds without waiting, in chunks of os::batch_chunk.
// Returns how many moved (>= 1), or 0 with ec. An error after the first is left for the next
// call (recvmmsg/sendmmsg report it there; the single-call loop of other OSes drops an ICMP
// error report it meets after the first datagram).
inline std::size_t batch(handle h, os::batch_slot* slots, std::size_t n, bool receive, const deadline& until,
                         std::error_code& ec) noexcept {
    retry policy(h, receive ? POLLIN : POLLOUT, receive ? SO_RCVTIMEO : SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    const std::size_t chunk = os::has_message_batch ? os::batch_chunk : 1;
    std::size_t done = 0, last = 0, want = n < chunk ? n : chunk;
    for (;;) {
        int e = fault::next(receive ? fault::call::recvfrom : fault::call::sendto).error;
        const int r = e != 0 ? -1 : batch_attempt(h, slots, want, receive, policy.wait_ms(), e);
        if (r > 0) {
            done = last = static_cast<std::size_t>(r);
            break;
        }
        if (!policy.again(e, ec)) return 0;
    }
    ec.clear();
    // A short attempt means the socket is empty (or full): no call that would only fail.
    while (last == want && done < n) {
        want = n - done < chunk ? n - done : chunk;
        int e = 0;
        const int r = batch_attempt(h, slots + done, want, receive, 0, e);
        if (r <= 0) break;
        last = static_cast<std::size_t>(r);
        done += last;
    }
    return done;
}

// ---------------------------------------------------------------------------------------------
// A file sent to a socket (impl/file.ipp)

using os::file_handle;
// True where a timed attempt needs a non-blocking socket (POSIX sendfile has no MSG_DONTWAIT):
// file.ipp switches the socket's mode for the duration of a timed or cancellable call.
using os::send_file_needs_nonblocking;

// sendfile / TransmitFile / pread + send (os::send_file_once) with the retry policy of send and
// its fault point (fault::call::send). Returns the bytes sent, 0 at the end of the file; the
// file position is not used. size must not be 0 (macOS and FreeBSD read 0 as "to the end").
inline std::size_t send_file(handle h, file_handle f, std::uint64_t offset, std::size_t size,
                             const deadline& until, std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        const auto injected = fault::next(fault::call::send);
        int e = injected.error;
        const std::size_t n = fault::cap(size, injected);
        const long r = e != 0 ? -1 : os::send_file_once(h, f, offset, n > 0 ? n : 1, policy.wait_ms(), e);
        if (r >= 0) {
            ec.clear();
            return static_cast<std::size_t>(r);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

inline std::error_code shutdown(handle h, int how) noexcept {
    if (::shutdown(h, how) != 0) return last_socket_error();
    return {};
}

// getsockname; on an unbound socket Windows fails where POSIX reports the family and a zero
// address, so the OS layer fills that in (os::unbound_name) and every OS answers alike.
inline std::error_code getsockname(handle h, ::sockaddr* sa, socklen_type* len) noexcept {
    if (::getsockname(h, sa, len) == 0) return {};
    const int e = os::last_error();
    if (os::unbound_name(h, e, sa, len)) return {};
    return socket_error(e);
}

inline std::error_code getpeername(handle h, ::sockaddr* sa, socklen_type* len) noexcept {
    if (::getpeername(h, sa, len) != 0) return last_socket_error();
    return {};
}

// ---------------------------------------------------------------------------------------------
// Names and text

// getaddrinfo's own error code (EAI_*), 0 on success.
inline int getaddrinfo(const char* host, const char* service, const ::addrinfo* hints,
                       ::addrinfo** out) noexcept {
    if (const int injected = fault::next(fault::call::getaddrinfo).error; injected != 0) return injected;
    return ::getaddrinfo(host, service, hints, out);
}
inline void freeaddrinfo(::addrinfo* list) noexcept { ::freeaddrinfo(list); }
inline int last_error() noexcept { return os::last_error(); }
inline std::string error_message(int e) { return os::error_message(e); }
inline std::error_condition error_condition_of(int e) noexcept { return os::error_condition_of(e); }
inline int native_error(std::errc e) noexcept { return os::native_error(e); }
inline const char* resolver_message(int code) noexcept { return os::resolver_message(code); }
using os::eai_nodata;
using os::eai_system;

inline std::error_code set_cloexec(handle h) noexcept {
    if (int e = os::set_cloexec(h); e != 0) return socket_error(e);
    return {};
}

// This host (host.hpp): its name, reverse lookup (getnameinfo's EAI_* code), its interfaces.
// The name needs no Winsock (GetComputerNameExW on Windows); the other two start it.
inline std::error_code host_name(char* out, std::size_t size) noexcept {
    if (int e = os::host_name(out, size); e != 0) return socket_error(e);
    return {};
}
inline int name_info(const ::sockaddr* sa, std::size_t len, char* host, std::size_t host_size, char* service,
                     std::size_t service_size, int flags) noexcept {
    if (start()) return os::eai_system;
    return os::name_info(sa, static_cast<socklen_type>(len), host, host_size, service, service_size, flags);
}
using os::interface_entry;
template <class Visit> std::error_code each_interface(Visit&& visit) {
    if (auto ec = start()) return ec;
    if (int e = os::each_interface(visit); e != 0) return socket_error(e);
    return {};
}

// Runs f(arg) on a new, detached thread (a lookup under a deadline: impl/resolve.ipp).
inline std::error_code start_thread(void (*f)(void*), void* arg) noexcept {
    if (int e = os::start_thread(f, arg); e != 0) return socket_error(e);
    return {};
}

// What is at a file system path, for create_server's remove_existing_path.
enum class path_kind { none, socket, other, unknown };
inline path_kind kind_of_path(const char* path) noexcept {
    switch (os::path_kind(path)) {
    case 0: return path_kind::none;
    case 1: return path_kind::socket;
    case 2: return path_kind::other;
    default: return path_kind::unknown;
    }
}

// A second, close-on-exec handle for the same socket (POSIX; operation_not_supported on Windows).
inline handle duplicate(handle h, std::error_code& ec) noexcept {
    int e = 0;
    const handle d = os::duplicate(h, e);
    ec = d == os::invalid ? socket_error(e) : std::error_code{};
    return d;
}

inline bool pton(int family, const char* text, void* out) noexcept { return os::pton(family, text, out); }
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return os::ntop(family, in, out, size);
}
inline unsigned interface_index(const char* name) noexcept { return os::interface_index(name); }
inline bool interface_name(unsigned index, char (&out)[os::interface_name_size]) noexcept {
    return os::interface_name(index, out);
}

} // namespace detail::sys
NETSOCK_END_NAMESPACE

#endif
