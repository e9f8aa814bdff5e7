#ifndef NETSOCK_OPS_HPP
#define NETSOCK_OPS_HPP

// The BSD/Python-style free functions. Each operation `f` has a `noexcept` twin `try_f`
// returning `net::result<T>`; `f` calls `try_f` and throws `net::error` on failure.
// Blocking calls have overloads taking a std::chrono timeout; expiry is std::errc::timed_out.

#include "address.hpp"
#include "buffer.hpp"
#include "config.hpp"
#include "detail/sys.hpp"
#include "result.hpp"
#include "socket.hpp"

#include <chrono>
#include <cstddef>
#include <utility>

namespace net {

/// How `shutdown` closes a connection: stop receiving, stop sending (the peer sees EOF), or both.
enum class shutdown_type { receive, send, both };

/// Readiness events for `net::wait` and `net::poller` (a bit set).
enum class events : unsigned {
    none = 0,
    readable = 1, ///< data (or EOF, or a pending connection) to read/accept
    writable = 2, ///< send would not block; a connect finished
    error = 4,    ///< an error is pending on the socket (reported only, never requested)
    hangup = 8,   ///< the peer hung up (reported only, never requested)
};
constexpr events operator|(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr events operator&(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr events& operator|=(events& a, events b) noexcept { return a = a | b; }
/// True if `set` contains any event of `which`.
constexpr bool has(events set, events which) noexcept { return (set & which) != events::none; }

/// What `accept` returns: the connected socket and the peer's address.
/// `auto [conn, peer] = net::accept(listener);`
struct accept_result {
    net::socket socket;
    net::address peer;
};

/// What `recvfrom` returns: bytes received, the sender, and whether the datagram was larger
/// than the buffer (the rest is discarded; the socket stays usable).
struct recvfrom_result {
    std::size_t size = 0;
    net::address sender;
    bool truncated = false;
};

/// The default `listen` backlog (SOMAXCONN).
inline constexpr int default_backlog = SOMAXCONN;

namespace detail {
using sys::deadline;

// POSIX reports an SO_RCVTIMEO/SO_SNDTIMEO expiry on a blocking socket as EAGAIN; netsock
// reports every timeout as timed_out (PITFALLS A10). Only when that option (`option`) is set:
// an EAGAIN on a blocking socket without one is no timeout, and is reported as would-block
// (sendall/recv_exact then wait for readiness). Checked on the error path only.
inline std::error_code blocking_timeout(sys::handle h, std::error_code ec, int option) noexcept {
    if (!sys::is_would_block(ec)) return ec;
    int err = 0;
    if (os::is_nonblocking(h, err) == 0 && sys::has_socket_timeout(h, option))
        return std::make_error_code(std::errc::timed_out);
    return ec;
}

// After a would-block in a timed loop: the deadline, not the readiness (which can be stale
// again and again), decides when to stop.
inline std::error_code timed_out_if(const deadline& until) noexcept {
    if (until.expired()) return std::make_error_code(std::errc::timed_out);
    return {};
}

inline result<std::size_t> send_until(const socket& s, const_buffer b, const deadline& until) noexcept {
    if (!s) return fail(not_open());
    const auto h = s.native_handle();
    std::error_code ec;
    if (until.infinite()) {
        std::size_t n = sys::send(h, b.data(), b.size(), 0, ec);
        if (ec) return fail(blocking_timeout(h, ec, SO_SNDTIMEO));
        return n;
    }
    for (;;) {
        if constexpr (sys::has_dontwait) {
            std::size_t n = sys::send(h, b.data(), b.size(), os::dontwait_flag, ec);
            if (!ec) return n;
            if (!sys::is_would_block(ec)) return fail(ec);
            if (auto late = timed_out_if(until)) return fail(late);
            sys::wait(h, POLLOUT, until, ec);
            if (ec) return fail(ec);
        } else {
            sys::wait(h, POLLOUT, until, ec);
            if (ec) return fail(ec);
            // Windows: no MSG_DONTWAIT; after POLLOUT a bounded send does not stall for long.
            const std::size_t chunk = b.size() < 65536 ? b.size() : 65536;
            std::size_t n = sys::send(h, b.data(), chunk, 0, ec);
            if (!ec) return n;
            if (!sys::is_would_block(ec)) return fail(ec);
            if (auto late = timed_out_if(until)) return fail(late);
        }
    }
}

inline result<std::size_t> recv_until(const socket& s, mutable_buffer b, const deadline& until) noexcept {
    if (!s) return fail(not_open());
    const auto h = s.native_handle();
    std::error_code ec;
    if (until.infinite()) {
        std::size_t n = sys::recv(h, b.data(), b.size(), 0, ec);
        if (ec) return fail(blocking_timeout(h, ec, SO_RCVTIMEO));
        return n;
    }
    for (;;) {
        if constexpr (sys::has_dontwait) {
            std::size_t n = sys::recv(h, b.data(), b.size(), os::dontwait_flag, ec);
            if (!ec) return n;
            if (!sys::is_would_block(ec)) return fail(ec);
            if (auto late = timed_out_if(until)) return fail(late);
            sys::wait(h, POLLIN, until, ec);
            if (ec) return fail(ec);
        } else {
            sys::wait(h, POLLIN, until, ec);
            if (ec) return fail(ec);
            std::size_t n = sys::recv(h, b.data(), b.size(), 0, ec);
            if (!ec) return n;
            if (!sys::is_would_block(ec)) return fail(ec);
            if (auto late = timed_out_if(until)) return fail(late);
        }
    }
}

// sendall/recv_exact also wait on would-block, so they work on non-blocking sockets too.
inline result<std::size_t> sendall_until(const socket& s, const_buffer b, const deadline& until,
                                         std::size_t* transferred) noexcept {
    std::size_t done = 0;
    auto finish = [&](std::error_code ec) -> result<std::size_t> {
        if (transferred) *transferred = done;
        if (ec) return fail(ec);
        return done;
    };
    if (!s) return finish(not_open());
    while (done < b.size()) {
        const_buffer rest(static_cast<const unsigned char*>(b.data()) + done, b.size() - done);
        auto n = send_until(s, rest, until);
        if (n) {
            done += *n;
            continue;
        }
        if (!sys::is_would_block(n.error())) return finish(n.error());
        std::error_code ec;
        sys::wait(s.native_handle(), POLLOUT, until, ec);
        if (ec) return finish(ec);
    }
    return finish({});
}

inline result<std::size_t> recv_exact_until(const socket& s, mutable_buffer b, const deadline& until,
                                            std::size_t* transferred) noexcept {
    std::size_t done = 0;
    auto finish = [&](std::error_code ec) -> result<std::size_t> {
        if (transferred) *transferred = done;
        if (ec) return fail(ec);
        return done;
    };
    if (!s) return finish(not_open());
    while (done < b.size()) {
        mutable_buffer rest(static_cast<unsigned char*>(b.data()) + done, b.size() - done);
        auto n = recv_until(s, rest, until);
        if (n) {
            if (*n == 0) return finish(make_error_code(errc::eof));
            done += *n;
            continue;
        }
        if (!sys::is_would_block(n.error())) return finish(n.error());
        std::error_code ec;
        sys::wait(s.native_handle(), POLLIN, until, ec);
        if (ec) return finish(ec);
    }
    return finish({});
}

inline result<accept_result> accept_once(sys::handle h, std::error_code& ec) noexcept {
    accept_result r;
    auto sink = r.peer.prepare_native();
    socket conn(sys::accept(h, sink.data, sink.size, ec));
    if (ec) return fail(ec);
    if (r.peer.commit_native()) r.peer = address::any(family::local); // unnamed peer
    r.socket = std::move(conn);
    return r;
}

inline result<accept_result> accept_until(const socket& s, const deadline& until) noexcept {
    if (!s) return fail(not_open());
    const auto h = s.native_handle();
    std::error_code ec;
    if (until.infinite()) {
        auto r = accept_once(h, ec);
        if (!r) return fail(blocking_timeout(h, ec, SO_RCVTIMEO));
        return r;
    }
    // With a timeout the listener is made non-blocking for the call: readiness can be stale
    // (another thread took the connection) and a blocking accept would then outlive the
    // deadline. Its mode is restored afterwards (Windows: left blocking).
    int err = 0;
    const int was_nonblocking = os::is_nonblocking(h, err);
    if (was_nonblocking < 0 && err != 0) return fail(socket_error(err));
    if (was_nonblocking != 1) {
        if (auto e = sys::set_nonblocking(h, true)) return fail(e);
    }
    result<accept_result> r = fail(std::errc::timed_out);
    for (;;) {
        r = accept_once(h, ec);
        if (r || !sys::is_would_block(ec)) break;
        if ((ec = timed_out_if(until))) {
            r = fail(ec);
            break;
        }
        sys::wait(h, POLLIN, until, ec);
        if (ec) {
            r = fail(ec);
            break;
        }
    }
    if (was_nonblocking != 1) {
        if (auto e = sys::set_nonblocking(h, false); e && r) return fail(e);
    }
    return r;
}

inline result<void> connect_until(const socket& s, const address& to, const deadline& until) noexcept {
    if (!s) return fail(not_open());
    const auto h = s.native_handle();
    if (until.infinite()) {
        auto ec = sys::connect(h, to.data(), to.size());
        // Never re-issue connect after EINTR: wait for the outcome instead (PITFALLS B5).
        if (ec && sys::is_interrupted(ec)) ec = sys::finish_connect(h, until);
        if (ec) return fail(ec);
        return {};
    }
    // With a timeout: non-blocking connect, wait for writability, read SO_ERROR, restore the
    // blocking mode (PITFALLS A11, B8).
    int err = 0;
    const int was_nonblocking = os::is_nonblocking(h, err);
    if (was_nonblocking < 0 && err != 0) return fail(socket_error(err));
    if (was_nonblocking != 1) {
        if (auto ec = sys::set_nonblocking(h, true)) return fail(ec);
    }
    auto ec = sys::connect(h, to.data(), to.size());
    // A local (Unix) listener with a full backlog makes a non-blocking connect fail with EAGAIN
    // (Linux): nothing was started and no event will say when to retry, so retry briefly.
    while (ec && sys::is_would_block(ec) && !sys::is_in_progress(ec)) {
        if (until.expired()) {
            ec = std::make_error_code(std::errc::timed_out);
            break;
        }
        const int ms = until.remaining_ms();
        os::sleep_ms(ms < 10 ? ms : 10);
        ec = sys::connect(h, to.data(), to.size());
    }
    if (ec && (sys::is_in_progress(ec) || sys::is_interrupted(ec))) ec = sys::finish_connect(h, until);
    if (was_nonblocking != 1) {
        if (auto restore = sys::set_nonblocking(h, false); restore && !ec) ec = restore;
    }
    if (ec) return fail(ec);
    return {};
}

inline result<std::size_t> sendto_until(const socket& s, const_buffer b, const address& to,
                                        const deadline& until) noexcept {
    if (!s) return fail(not_open());
    const auto h = s.native_handle();
    std::error_code ec;
    for (;;) {
        if (!until.infinite()) {
            sys::wait(h, POLLOUT, until, ec);
            if (ec) return fail(ec);
        }
        const int flags = until.infinite() ? 0 : os::dontwait_flag; // stale readiness must not block
        std::size_t n = sys::sendto(h, b.data(), b.size(), flags, to.data(), to.size(), ec);
        if (!ec) return n;
        if (until.infinite()) return fail(blocking_timeout(h, ec, SO_SNDTIMEO));
        if (!sys::is_would_block(ec)) return fail(ec);
        if (auto late = timed_out_if(until)) return fail(late);
    }
}

inline result<recvfrom_result> recvfrom_until(const socket& s, mutable_buffer b,
                                              const deadline& until) noexcept {
    if (!s) return fail(not_open());
    const auto h = s.native_handle();
    std::error_code ec;
    for (;;) {
        if (!until.infinite()) {
            sys::wait(h, POLLIN, until, ec);
            if (ec) return fail(ec);
        }
        recvfrom_result r;
        auto sink = r.sender.prepare_native();
        const int flags = until.infinite() ? 0 : os::dontwait_flag; // stale readiness must not block
        r.size = sys::recvfrom(h, b.data(), b.size(), flags, sink.data, sink.size, r.truncated, ec);
        if (!ec) {
            // No sender address (an unnamed local socket): the kernel reports length 0.
            if (r.sender.commit_native()) r.sender = address::any(family::local);
            return r;
        }
        if (until.infinite()) return fail(blocking_timeout(h, ec, SO_RCVTIMEO));
        if (!sys::is_would_block(ec)) return fail(ec);
        if (auto late = timed_out_if(until)) return fail(late);
    }
}

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

template <class Rep, class Period>
deadline after(std::chrono::duration<Rep, Period> timeout) noexcept {
    return deadline::after(timeout);
}
} // namespace detail

// ---------------------------------------------------------------------------------------------
// Creating, binding, listening

/// A new socket of the given family and type. Every socket netsock creates is close-on-exec
/// (non-inheritable on Windows), never raises SIGPIPE, and, for IPv6, has IPV6_V6ONLY set
/// explicitly to true (the same on every OS; `create_server` offers dual stack).
/// Errors: address_family_not_supported, too_many_files_open, ...
inline result<socket> try_make_socket(family f, socket_type t = socket_type::stream) noexcept {
    std::error_code ec;
    socket s(detail::sys::open(detail::to_native(f), detail::to_native(t), 0, ec));
    if (ec) return detail::fail(ec);
    if (f == family::ipv6) {
        if (auto e = detail::sys::set_int_option(s.native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, 1))
            return detail::fail(e);
    }
    return s;
}
/// Throwing form of `try_make_socket`.
inline socket make_socket(family f, socket_type t = socket_type::stream) {
    return detail::unwrap(try_make_socket(f, t), "make_socket");
}

/// Binds to a local address (port 0 picks a free port; read it back with `local_address`).
/// TCP sockets get the listener policy first: SO_REUSEADDR on POSIX (fast restart after
/// TIME_WAIT), SO_EXCLUSIVEADDRUSE on Windows. A second bind to an address that a live listener
/// holds fails with address_in_use on every OS. Errors: address_in_use, address_not_available,
/// permission_denied, ...
inline result<void> try_bind(const socket& s, const address& a) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::prepare_bind(s.native_handle(), a.data()->sa_family))
        return detail::fail(ec);
    if (auto ec = detail::sys::bind(s.native_handle(), a.data(), a.size())) return detail::fail(ec);
    return {};
}
/// Throwing form of `try_bind`.
inline void bind(const socket& s, const address& a) { detail::unwrap(try_bind(s, a), "bind"); }

/// Marks a bound stream socket as accepting connections.
inline result<void> try_listen(const socket& s, int backlog = default_backlog) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::listen(s.native_handle(), backlog)) return detail::fail(ec);
    return {};
}
/// Throwing form of `try_listen`.
inline void listen(const socket& s, int backlog = default_backlog) {
    detail::unwrap(try_listen(s, backlog), "listen");
}

// ---------------------------------------------------------------------------------------------
// Accepting and connecting

/// Waits for and accepts one connection: `auto [conn, peer] = net::accept(listener);`.
/// The new socket is blocking and close-on-exec whatever the listener's mode. A non-blocking
/// listener with nothing pending fails with operation_would_block. EMFILE is reported as
/// too_many_files_open and never retried (back off before accepting again).
inline result<accept_result> try_accept(const socket& s) noexcept {
    return detail::accept_until(s, detail::deadline::never());
}
/// As `try_accept`, giving up with timed_out after `timeout`.
template <class Rep, class Period>
result<accept_result> try_accept(const socket& s, std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::accept_until(s, detail::after(timeout));
}
/// Throwing form of `try_accept`.
inline accept_result accept(const socket& s) { return detail::unwrap(try_accept(s), "accept"); }
template <class Rep, class Period>
accept_result accept(const socket& s, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_accept(s, timeout), "accept");
}

/// Connects to `a`. EINTR never re-issues connect: netsock waits for the outcome. On a
/// non-blocking socket it fails with operation_in_progress (or would_block on Windows): wait
/// for writability, then check `net::get_option<net::socket_error>`.
/// Errors: connection_refused, timed_out, network_unreachable, ...
inline result<void> try_connect(const socket& s, const address& a) noexcept {
    return detail::connect_until(s, a, detail::deadline::never());
}
/// As `try_connect`, giving up with timed_out after `timeout`; a refusal is reported as
/// connection_refused, never as a timeout. The socket's blocking mode is restored afterwards
/// (on Windows, where the mode cannot be read, it is left blocking). After a timeout the socket
/// is in an unspecified state: close it.
/// ```cpp
/// if (auto r = net::try_connect(sock, addr, std::chrono::seconds(2)); !r)
///     std::puts(r.error().message().c_str());
/// ```
template <class Rep, class Period>
result<void> try_connect(const socket& s, const address& a,
                         std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::connect_until(s, a, detail::after(timeout));
}
/// Throwing form of `try_connect`.
inline void connect(const socket& s, const address& a) {
    detail::unwrap(try_connect(s, a), "connect");
}
template <class Rep, class Period>
void connect(const socket& s, const address& a, std::chrono::duration<Rep, Period> timeout) {
    detail::unwrap(try_connect(s, a, timeout), "connect");
}

// ---------------------------------------------------------------------------------------------
// Streams

/// Sends some of the bytes; returns how many the OS took (possibly fewer than given).
/// Never raises SIGPIPE: a closed peer gives broken_pipe or connection_reset.
inline result<std::size_t> try_send(const socket& s, const_buffer b) noexcept {
    return detail::send_until(s, b, detail::deadline::never());
}
/// As `try_send`, waiting at most `timeout` for room to send.
template <class Rep, class Period>
result<std::size_t> try_send(const socket& s, const_buffer b,
                             std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::send_until(s, b, detail::after(timeout));
}
/// Throwing form of `try_send`.
inline std::size_t send(const socket& s, const_buffer b) { return detail::unwrap(try_send(s, b), "send"); }
template <class Rep, class Period>
std::size_t send(const socket& s, const_buffer b, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_send(s, b, timeout), "send");
}

/// Sends every byte (looping over partial sends; also on non-blocking sockets) and returns the
/// count. On failure, `*sent` (if given) holds how many bytes went out before the error.
inline result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                       std::size_t* sent = nullptr) noexcept {
    return detail::sendall_until(s, b, detail::deadline::never(), sent);
}
/// As `try_sendall`, with one deadline `timeout` from now for the whole buffer.
template <class Rep, class Period>
result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                std::chrono::duration<Rep, Period> timeout,
                                std::size_t* sent = nullptr) noexcept {
    return detail::sendall_until(s, b, detail::after(timeout), sent);
}
/// Throwing form of `try_sendall`; the `net::error` carries `bytes_transferred()`.
inline std::size_t sendall(const socket& s, const_buffer b) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendall(s, b, &sent), "sendall", &sent);
}
template <class Rep, class Period>
std::size_t sendall(const socket& s, const_buffer b, std::chrono::duration<Rep, Period> timeout) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendall(s, b, timeout, &sent), "sendall", &sent);
}

/// Receives up to `b.size()` bytes; returns how many arrived. 0 means the peer closed the
/// stream (orderly EOF) — or that `b` was empty.
inline result<std::size_t> try_recv(const socket& s, mutable_buffer b) noexcept {
    return detail::recv_until(s, b, detail::deadline::never());
}
/// As `try_recv`, giving up with timed_out if nothing arrives within `timeout`.
template <class Rep, class Period>
result<std::size_t> try_recv(const socket& s, mutable_buffer b,
                             std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::recv_until(s, b, detail::after(timeout));
}
/// Throwing form of `try_recv`.
inline std::size_t recv(const socket& s, mutable_buffer b) { return detail::unwrap(try_recv(s, b), "recv"); }
template <class Rep, class Period>
std::size_t recv(const socket& s, mutable_buffer b, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_recv(s, b, timeout), "recv");
}

/// Receives exactly `b.size()` bytes. If the stream ends first the error is `net::errc::eof`;
/// `*received` (if given) holds how many bytes arrived before any error.
inline result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                          std::size_t* received = nullptr) noexcept {
    return detail::recv_exact_until(s, b, detail::deadline::never(), received);
}
/// As `try_recv_exact`, with one deadline `timeout` from now for the whole buffer.
template <class Rep, class Period>
result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                   std::chrono::duration<Rep, Period> timeout,
                                   std::size_t* received = nullptr) noexcept {
    return detail::recv_exact_until(s, b, detail::after(timeout), received);
}
/// Throwing form of `try_recv_exact`; the `net::error` carries `bytes_transferred()`.
inline std::size_t recv_exact(const socket& s, mutable_buffer b) {
    std::size_t got = 0;
    return detail::unwrap_transfer(try_recv_exact(s, b, &got), "recv_exact", &got);
}
template <class Rep, class Period>
std::size_t recv_exact(const socket& s, mutable_buffer b, std::chrono::duration<Rep, Period> timeout) {
    std::size_t got = 0;
    return detail::unwrap_transfer(try_recv_exact(s, b, timeout, &got), "recv_exact", &got);
}

// ---------------------------------------------------------------------------------------------
// Datagrams

/// Sends one datagram to `to`. Errors: message_size if it is too large for the protocol, ...
inline result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to) noexcept {
    return detail::sendto_until(s, b, to, detail::deadline::never());
}
template <class Rep, class Period>
result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to,
                               std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::sendto_until(s, b, to, detail::after(timeout));
}
/// Throwing form of `try_sendto`.
inline std::size_t sendto(const socket& s, const_buffer b, const address& to) {
    return detail::unwrap(try_sendto(s, b, to), "sendto");
}
template <class Rep, class Period>
std::size_t sendto(const socket& s, const_buffer b, const address& to,
                   std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_sendto(s, b, to, timeout), "sendto");
}

/// Receives one datagram: `{size, sender, truncated}`. A datagram larger than `b` fills `b`,
/// the rest is discarded and `truncated` is true, the same on every OS.
inline result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b) noexcept {
    return detail::recvfrom_until(s, b, detail::deadline::never());
}
template <class Rep, class Period>
result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b,
                                     std::chrono::duration<Rep, Period> timeout) noexcept {
    return detail::recvfrom_until(s, b, detail::after(timeout));
}
/// Throwing form of `try_recvfrom`.
inline recvfrom_result recvfrom(const socket& s, mutable_buffer b) {
    return detail::unwrap(try_recvfrom(s, b), "recvfrom");
}
template <class Rep, class Period>
recvfrom_result recvfrom(const socket& s, mutable_buffer b, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_recvfrom(s, b, timeout), "recvfrom");
}

// ---------------------------------------------------------------------------------------------
// Connection state

/// Shuts down one or both directions. `shutdown_type::send` sends EOF (FIN) to the peer while
/// still allowing to receive. Errors: not_connected, ...
inline result<void> try_shutdown(const socket& s, shutdown_type how) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const int h = how == shutdown_type::receive ? detail::os::shut_rd
                  : how == shutdown_type::send  ? detail::os::shut_wr
                                                : detail::os::shut_rdwr;
    if (auto ec = detail::sys::shutdown(s.native_handle(), h)) return detail::fail(ec);
    return {};
}
/// Throwing form of `try_shutdown`.
inline void shutdown(const socket& s, shutdown_type how) {
    detail::unwrap(try_shutdown(s, how), "shutdown");
}

/// The address the socket is bound to (e.g. the port picked by binding port 0).
inline result<address> try_local_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getsockname(s.native_handle(), sink.data, sink.size))
        return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}
/// Throwing form of `try_local_address`.
inline address local_address(const socket& s) {
    return detail::unwrap(try_local_address(s), "local_address");
}

/// The address of the connected peer. Errors: not_connected.
inline result<address> try_peer_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getpeername(s.native_handle(), sink.data, sink.size))
        return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}
/// Throwing form of `try_peer_address`.
inline address peer_address(const socket& s) {
    return detail::unwrap(try_peer_address(s), "peer_address");
}

/// Switches non-blocking mode on or off. In non-blocking mode send/recv/accept fail with
/// operation_would_block instead of waiting (check with `net::is_would_block(ec)`);
/// sendall/recv_exact still wait, using poll.
inline result<void> try_set_nonblocking(const socket& s, bool on = true) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::set_nonblocking(s.native_handle(), on)) return detail::fail(ec);
    return {};
}
/// Throwing form of `try_set_nonblocking`.
inline void set_nonblocking(const socket& s, bool on = true) {
    detail::unwrap(try_set_nonblocking(s, on), "set_nonblocking");
}

/// Waits until the socket is ready for `wanted` (readable and/or writable) and returns the
/// events seen (which may include error and hangup). Expiry is timed_out.
template <class Rep, class Period>
result<events> try_wait(const socket& s, events wanted, std::chrono::duration<Rep, Period> timeout) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    short got = detail::sys::wait(s.native_handle(), detail::to_poll(wanted), detail::after(timeout), ec);
    if (ec) return detail::fail(ec);
    return detail::from_poll(got);
}
/// Throwing form of `try_wait`.
template <class Rep, class Period>
events wait(const socket& s, events wanted, std::chrono::duration<Rep, Period> timeout) {
    return detail::unwrap(try_wait(s, wanted, timeout), "wait");
}

/// Closes a stream connection so the peer gets every byte and an orderly EOF rather than a
/// reset (PITFALLS B16): shuts down sending, reads and discards whatever the peer still sends
/// until its EOF or the deadline, then closes. `s` is closed afterwards in every case.
/// Errors: timed_out if the peer did not finish within `timeout` (the socket is still closed).
template <class Rep, class Period>
result<void> try_graceful_close(socket& s, std::chrono::duration<Rep, Period> timeout) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const auto until = detail::after(timeout);
    std::error_code ec;
    if (auto r = try_shutdown(s, shutdown_type::send); !r) ec = r.error();
    char sink[4096];
    while (!ec) {
        auto n = detail::recv_until(s, buffer(sink), until);
        if (!n) ec = n.error();
        else if (*n == 0) break; // the peer's EOF: all of our data was received
    }
    auto closed = s.try_close();
    if (ec) return detail::fail(ec);
    return closed;
}
/// Throwing form of `try_graceful_close`.
template <class Rep, class Period> void graceful_close(socket& s, std::chrono::duration<Rep, Period> timeout) {
    detail::unwrap(try_graceful_close(s, timeout), "graceful_close");
}

/// Two sockets connected to each other, e.g. for tests and wake-ups:
/// `auto [a, b] = net::socket_pair();`. POSIX: socketpair(AF_UNIX); Windows: a loopback TCP
/// (or UDP) pair.
inline result<std::pair<socket, socket>> try_socket_pair(socket_type t = socket_type::stream) noexcept {
    native_handle_type h[2] = {invalid_handle, invalid_handle};
    if (auto ec = detail::sys::socket_pair(detail::to_native(t), h)) return detail::fail(ec);
    return std::pair<socket, socket>(socket(h[0]), socket(h[1]));
}
/// Throwing form of `try_socket_pair`.
inline std::pair<socket, socket> socket_pair(socket_type t = socket_type::stream) {
    return detail::unwrap(try_socket_pair(t), "socket_pair");
}

} // namespace net

#endif
