#ifndef NETSOCK_CANCEL_HPP
#define NETSOCK_CANCEL_HPP

// net::canceller: interrupting blocking calls from another thread or a signal handler.

#include "config.hpp"
#include "detail/cancel_state.hpp"
#include "detail/platform.hpp"
#include "result.hpp"
#include "timeout.hpp"

#include <cstdint>

NETSOCK_BEGIN_NAMESPACE

/// Makes blocked calls return `std::errc::operation_canceled`, without closing their sockets.
/// Pass it where a call takes a `net::timeout`, alone or with a time limit:
///
/// ```cpp
/// net::canceller stop;                        // e.g. a global the SIGINT handler can reach
/// extern "C" void on_signal(int) { stop.cancel(); }
/// ...
/// auto [conn, peer] = net::accept(listener, stop);           // until a client or stop
/// auto n = net::try_recv(conn, net::buffer(buf), {30s, stop}); // at most 30 s
/// if (!n && n.error() == std::errc::operation_canceled) ...   // stop.cancel() was called
/// ```
///
/// Every blocking call takes one: accept, connect, send, sendall, recv, recv_exact, sendto,
/// recvfrom, wait, graceful_close, create_connection and `poller::wait`.
///
/// Traps and guarantees:
/// - Cancellation is sticky: after `cancel()`, every call given this canceller fails at once
///   with operation_canceled (before it touches the socket) until `reset()`, so a loop over a
///   busy socket stops too. Any number of threads may wait on one canceller; all wake up.
/// - A cancelled `send`/`recv` has transferred nothing; a cancelled `sendall`/`recv_exact`
///   reports how many bytes moved (`*sent`, `*received`, `net::error::bytes_transferred()`).
///   A cancelled `connect` leaves the socket in an unspecified state, as a timeout does: close it.
/// - A call given a canceller waits with poll() instead of blocking in the kernel, so it works
///   like a call with a timeout: on a non-blocking socket it waits too, and accept and connect
///   switch the socket to non-blocking mode for the duration of the call. That mode belongs to
///   the socket, not the call: a listener accepted from by several threads at once (or
///   processes after fork) should be made non-blocking once (`net::set_nonblocking`) and then
///   given timeouts or cancellers, so that no call switches it under another.
/// - `cancel()` is thread-safe and async-signal-safe on POSIX (one atomic store and one send()
///   to an internal socket pair); on Windows it is safe from any thread, including a console
///   control handler (SetConsoleCtrlHandler).
/// - The canceller must outlive every call it was given, and must not be moved while in use.
///   `reset()` only when no call is using the canceller and no `cancel()` can run (a call
///   between its check and its wait would miss a cancel that reset() drained).
/// - It owns two sockets (a connected pair). `native_handle()` becomes readable on cancel, for
///   your own poll loop.
/// - Name resolution (getaddrinfo in `resolve` and `create_connection(host, port)`) cannot be
///   interrupted: a canceller is checked before and after it.
class canceller {
public:
    /// A canceller that is not cancelled. Throws net::error if the OS gives no sockets.
    NETSOCK_DECL canceller();
    /// Non-throwing construction. Errors: too_many_files_open, ...
    [[nodiscard]] NETSOCK_DECL static result<canceller> try_create() noexcept;
    NETSOCK_DECL canceller(canceller&& other) noexcept;
    NETSOCK_DECL canceller& operator=(canceller&& other) noexcept;
    canceller(const canceller&) = delete;
    canceller& operator=(const canceller&) = delete;
    NETSOCK_DECL ~canceller();

    /// Cancels every call given this canceller, now and until `reset()`. Calling it again does
    /// nothing. Never fails, never blocks.
    NETSOCK_DECL void cancel() noexcept;
    /// True once `cancel()` was called (and `reset()` not since).
    bool is_cancelled() const noexcept { return state_.is_cancelled(); }
    /// Makes the canceller usable again. Only when no `cancel()` can run at the same time.
    NETSOCK_DECL void reset() noexcept;

    /// A handle that is readable while the canceller is cancelled (do not read from it).
    native_handle_type native_handle() const noexcept { return state_.reader; }

private:
    friend class timeout;
    struct tag {};
    explicit canceller(tag) noexcept {}
    [[nodiscard]] NETSOCK_DECL result<void> open() noexcept;
    NETSOCK_DECL void close() noexcept;

    detail::cancel_state state_;
};

inline timeout::timeout(const canceller& c) noexcept : stop_(&c.state_) {}

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/cancel.ipp"
#endif

#endif
