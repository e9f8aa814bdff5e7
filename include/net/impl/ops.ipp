#ifndef NETSOCK_IMPL_OPS_IPP
#define NETSOCK_IMPL_OPS_IPP

// Definitions for ops.hpp: inline in header-only mode, compiled once with NETSOCK_IMPLEMENTATION
// under NETSOCK_SEPARATE_COMPILATION.

#include "../ops.hpp"
#include "../detail/sys.hpp"

#include <chrono>
#include <cstddef>
#include <system_error>
#include <utility>

namespace net {

namespace detail {
using sys::deadline;

// POSIX reports an SO_RCVTIMEO/SO_SNDTIMEO expiry on a blocking socket as EAGAIN; netsock
// reports every timeout as timed_out (PITFALLS A10). Only when that option (`option`) is set:
// an EAGAIN on a blocking socket without one is no timeout, and is reported as would-block
// (sendall/recv_exact then wait for readiness). Checked on the error path only.
NETSOCK_DECL std::error_code blocking_timeout(sys::handle h, std::error_code ec, int option) noexcept {
    if (!sys::is_would_block(ec)) return ec;
    int err = 0;
    if (os::is_nonblocking(h, err) == 0 && sys::has_socket_timeout(h, option))
        return std::make_error_code(std::errc::timed_out);
    return ec;
}

// After a would-block in a timed loop: the deadline, not the readiness (which can be stale
// again and again), decides when to stop.
NETSOCK_DECL std::error_code timed_out_if(const deadline& until) noexcept {
    if (until.expired()) return std::make_error_code(std::errc::timed_out);
    return {};
}

NETSOCK_DECL result<std::size_t> send_until(const socket& s, const_buffer b, const deadline& until) noexcept {
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

NETSOCK_DECL result<std::size_t> recv_until(const socket& s, mutable_buffer b, const deadline& until) noexcept {
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
NETSOCK_DECL result<std::size_t> sendall_until(const socket& s, const_buffer b, const deadline& until,
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

NETSOCK_DECL result<std::size_t> recv_exact_until(const socket& s, mutable_buffer b, const deadline& until,
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

NETSOCK_DECL result<accept_result> accept_once(sys::handle h, std::error_code& ec) noexcept {
    accept_result r;
    auto sink = r.peer.prepare_native();
    socket conn(sys::accept(h, sink.data, sink.size, ec));
    if (ec) return fail(ec);
    if (r.peer.commit_native()) r.peer = address::any(family::local); // unnamed peer
    r.socket = std::move(conn);
    return r;
}

NETSOCK_DECL result<accept_result> accept_until(const socket& s, const deadline& until) noexcept {
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

NETSOCK_DECL result<void> connect_until(const socket& s, const address& to, const deadline& until) noexcept {
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

NETSOCK_DECL result<std::size_t> sendto_until(const socket& s, const_buffer b, const address& to,
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

NETSOCK_DECL result<recvfrom_result> recvfrom_until(const socket& s, mutable_buffer b,
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

NETSOCK_DECL short to_poll(events e) noexcept {
    short p = 0;
    if (has(e, events::readable)) p |= POLLIN;
    if (has(e, events::writable)) p |= POLLOUT;
    return p;
}
NETSOCK_DECL events from_poll(short p) noexcept {
    events e = events::none;
    if (p & POLLIN) e |= events::readable;
    if (p & POLLOUT) e |= events::writable;
    if (p & POLLERR) e |= events::error;
    if (p & POLLHUP) e |= events::hangup;
    return e;
}

result<accept_result> accept_for(const socket& s, std::chrono::nanoseconds t) noexcept {
    return accept_until(s, deadline::after(t));
}

result<void> connect_for(const socket& s, const address& a, std::chrono::nanoseconds t) noexcept {
    return connect_until(s, a, deadline::after(t));
}

result<std::size_t> send_for(const socket& s, const_buffer b, std::chrono::nanoseconds t) noexcept {
    return send_until(s, b, deadline::after(t));
}

result<std::size_t> sendall_for(const socket& s, const_buffer b, std::chrono::nanoseconds t,
                                std::size_t* sent) noexcept {
    return sendall_until(s, b, deadline::after(t), sent);
}

result<std::size_t> recv_for(const socket& s, mutable_buffer b, std::chrono::nanoseconds t) noexcept {
    return recv_until(s, b, deadline::after(t));
}

result<std::size_t> recv_exact_for(const socket& s, mutable_buffer b, std::chrono::nanoseconds t,
                                   std::size_t* received) noexcept {
    return recv_exact_until(s, b, deadline::after(t), received);
}

result<std::size_t> sendto_for(const socket& s, const_buffer b, const address& to,
                               std::chrono::nanoseconds t) noexcept {
    return sendto_until(s, b, to, deadline::after(t));
}

result<recvfrom_result> recvfrom_for(const socket& s, mutable_buffer b,
                                     std::chrono::nanoseconds t) noexcept {
    return recvfrom_until(s, b, deadline::after(t));
}

result<events> wait_for(const socket& s, events wanted, std::chrono::nanoseconds t) noexcept {
    if (!s) return fail(not_open());
    std::error_code ec;
    short got = sys::wait(s.native_handle(), to_poll(wanted), deadline::after(t), ec);
    if (ec) return fail(ec);
    return from_poll(got);
}

result<void> graceful_close_for(socket& s, std::chrono::nanoseconds t) noexcept {
    if (!s) return fail(not_open());
    const auto until = deadline::after(t);
    std::error_code ec;
    if (auto r = try_shutdown(s, shutdown_type::send); !r) ec = r.error();
    char sink[4096];
    while (!ec) {
        auto n = recv_until(s, buffer(sink), until);
        if (!n) ec = n.error();
        else if (*n == 0) break; // the peer's EOF: all of our data was received
    }
    auto closed = s.try_close();
    if (ec) return fail(ec);
    return closed;
}
} // namespace detail

result<socket> try_make_socket(family f, socket_type t) noexcept {
    std::error_code ec;
    socket s(detail::sys::open(detail::to_native(f), detail::to_native(t), 0, ec));
    if (ec) return detail::fail(ec);
    if (f == family::ipv6) {
        if (auto e = detail::sys::set_int_option(s.native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, 1))
            return detail::fail(e);
    }
    return s;
}

socket make_socket(family f, socket_type t) {
    return detail::unwrap(try_make_socket(f, t), "make_socket");
}

result<void> try_bind(const socket& s, const address& a) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::prepare_bind(s.native_handle(), a.data()->sa_family))
        return detail::fail(ec);
    if (auto ec = detail::sys::bind(s.native_handle(), a.data(), a.size())) return detail::fail(ec);
    return {};
}

void bind(const socket& s, const address& a) { detail::unwrap(try_bind(s, a), "bind"); }

result<void> try_listen(const socket& s, int backlog) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::listen(s.native_handle(), backlog)) return detail::fail(ec);
    return {};
}

void listen(const socket& s, int backlog) {
    detail::unwrap(try_listen(s, backlog), "listen");
}

result<accept_result> try_accept(const socket& s) noexcept {
    return detail::accept_until(s, detail::deadline::never());
}

accept_result accept(const socket& s) { return detail::unwrap(try_accept(s), "accept"); }

result<void> try_connect(const socket& s, const address& a) noexcept {
    return detail::connect_until(s, a, detail::deadline::never());
}

void connect(const socket& s, const address& a) {
    detail::unwrap(try_connect(s, a), "connect");
}

result<std::size_t> try_send(const socket& s, const_buffer b) noexcept {
    return detail::send_until(s, b, detail::deadline::never());
}

std::size_t send(const socket& s, const_buffer b) { return detail::unwrap(try_send(s, b), "send"); }

result<std::size_t> try_sendall(const socket& s, const_buffer b, std::size_t* sent) noexcept {
    return detail::sendall_until(s, b, detail::deadline::never(), sent);
}

std::size_t sendall(const socket& s, const_buffer b) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendall(s, b, &sent), "sendall", &sent);
}

result<std::size_t> try_recv(const socket& s, mutable_buffer b) noexcept {
    return detail::recv_until(s, b, detail::deadline::never());
}

std::size_t recv(const socket& s, mutable_buffer b) { return detail::unwrap(try_recv(s, b), "recv"); }

result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b, std::size_t* received) noexcept {
    return detail::recv_exact_until(s, b, detail::deadline::never(), received);
}

std::size_t recv_exact(const socket& s, mutable_buffer b) {
    std::size_t got = 0;
    return detail::unwrap_transfer(try_recv_exact(s, b, &got), "recv_exact", &got);
}

result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to) noexcept {
    return detail::sendto_until(s, b, to, detail::deadline::never());
}

std::size_t sendto(const socket& s, const_buffer b, const address& to) {
    return detail::unwrap(try_sendto(s, b, to), "sendto");
}

result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b) noexcept {
    return detail::recvfrom_until(s, b, detail::deadline::never());
}

recvfrom_result recvfrom(const socket& s, mutable_buffer b) {
    return detail::unwrap(try_recvfrom(s, b), "recvfrom");
}

result<void> try_shutdown(const socket& s, shutdown_type how) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const int h = how == shutdown_type::receive ? detail::os::shut_rd
                  : how == shutdown_type::send  ? detail::os::shut_wr
                                                : detail::os::shut_rdwr;
    if (auto ec = detail::sys::shutdown(s.native_handle(), h)) return detail::fail(ec);
    return {};
}

void shutdown(const socket& s, shutdown_type how) {
    detail::unwrap(try_shutdown(s, how), "shutdown");
}

result<address> try_local_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getsockname(s.native_handle(), sink.data, sink.size))
        return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}

address local_address(const socket& s) {
    return detail::unwrap(try_local_address(s), "local_address");
}

result<address> try_peer_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getpeername(s.native_handle(), sink.data, sink.size))
        return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}

address peer_address(const socket& s) {
    return detail::unwrap(try_peer_address(s), "peer_address");
}

result<void> try_set_nonblocking(const socket& s, bool on) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::set_nonblocking(s.native_handle(), on)) return detail::fail(ec);
    return {};
}

void set_nonblocking(const socket& s, bool on) {
    detail::unwrap(try_set_nonblocking(s, on), "set_nonblocking");
}

result<std::pair<socket, socket>> try_socket_pair(socket_type t) noexcept {
    native_handle_type h[2] = {invalid_handle, invalid_handle};
    if (auto ec = detail::sys::socket_pair(detail::to_native(t), h)) return detail::fail(ec);
    return std::pair<socket, socket>(socket(h[0]), socket(h[1]));
}

std::pair<socket, socket> socket_pair(socket_type t) {
    return detail::unwrap(try_socket_pair(t), "socket_pair");
}

} // namespace net

#endif
