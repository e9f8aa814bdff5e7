#ifndef NETSOCK_IMPL_OPS_IPP
#define NETSOCK_IMPL_OPS_IPP

// Definitions for ops.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. Each try_ function checks its arguments, makes the
// deadline of its timeout and calls the syscall layer (detail/sys.hpp), which does the waiting
// and retrying; each throwing function is its try_ twin plus detail::unwrap.

#include "../ops.hpp"
#include "../detail/sys.hpp"
#include "../options.hpp"

#include <cstddef>
#include <system_error>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

namespace detail {
// Runs `call` with h non-blocking, then restores h's mode: for the timed calls that have no
// per-call "don't wait" flag (accept, connect). On Windows the mode is what set_nonblocking
// remembers (a mode set with ioctlsocket directly is not seen).
template <class Call> auto with_nonblocking(sys::handle h, Call&& call) noexcept -> decltype(call()) {
    std::error_code ec;
    const int was_nonblocking = sys::is_nonblocking(h, ec);
    if (ec) return fail(ec);
    if (was_nonblocking != 1) {
        if (auto e = sys::set_nonblocking(h, true)) return fail(e);
    }
    auto r = call();
    if (was_nonblocking != 1) {
        if (auto e = sys::set_nonblocking(h, false); e && r) return fail(e);
    }
    return r;
}

// Where the OS has no socketpair (Windows): a pair over loopback. For streams the accepted
// peer is checked to be our own connecting socket, as another process may connect first.
inline result<std::pair<socket, socket>> loopback_pair(socket_type t) noexcept {
    const address loop = address::loopback();
    if (t == socket_type::datagram) {
        socket ends[2];
        address names[2];
        for (int i = 0; i < 2; ++i) {
            auto s = try_make_socket(family::ipv4, t);
            if (!s) return fail(s.error());
            if (auto r = try_bind(*s, loop); !r) return fail(r.error());
            auto name = try_local_address(*s);
            if (!name) return fail(name.error());
            ends[i] = std::move(*s);
            names[i] = *name;
        }
        for (int i = 0; i < 2; ++i)
            if (auto r = try_connect(ends[i], names[1 - i]); !r) return fail(r.error());
        return std::pair<socket, socket>(std::move(ends[0]), std::move(ends[1]));
    }
    auto listener = try_make_socket(family::ipv4, t);
    if (!listener) return fail(listener.error());
    if (auto r = try_bind(*listener, loop); !r) return fail(r.error());
    if (auto r = try_listen(*listener, 1); !r) return fail(r.error());
    auto where = try_local_address(*listener);
    if (!where) return fail(where.error());
    auto client = try_make_socket(family::ipv4, t);
    if (!client) return fail(client.error());
    if (auto r = try_connect(*client, *where); !r) return fail(r.error());
    auto mine = try_local_address(*client);
    if (!mine) return fail(mine.error());
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto peer = try_accept(*listener);
        if (!peer) return fail(peer.error());
        if (peer->peer == *mine)
            return std::pair<socket, socket>(std::move(*client), std::move(peer->socket));
    }
    return fail(std::errc::connection_refused);
}
// The native flags and the deadline of a transfer with message_flags `f` (`allowed`: the flags
// this transfer takes); invalid_argument for the others. dontwait is a deadline that has already
// passed (one attempt that never waits, on every OS: Windows has no MSG_DONTWAIT), reported as
// would-block by transfer_error.
inline std::error_code transfer_plan(message_flags f, message_flags allowed, timeout t, int& native,
                                     sys::deadline& until) noexcept {
    const auto bits = static_cast<unsigned>(f);
    if ((bits & ~static_cast<unsigned>(allowed)) != 0 ||
        (has(f, message_flags::peek) && has(f, message_flags::waitall)) ||
        (has(f, message_flags::dontwait) && has(f, message_flags::waitall)))
        return make_errc(std::errc::invalid_argument);
    native = has(f, message_flags::peek) ? MSG_PEEK : 0;
    // One sys:: call uses it (waitall goes through try_recv_exact with t itself).
    until =
        sys::deadline::at_first_wait(has(f, message_flags::dontwait) ? timeout(std::chrono::seconds(0)) : t);
    return {};
}
inline std::error_code transfer_error(message_flags f, std::error_code ec) noexcept {
    if (has(f, message_flags::dontwait) && ec == std::errc::timed_out)
        return make_errc(std::errc::operation_would_block);
    return ec;
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

socket make_socket(family f, socket_type t) { return detail::unwrap(try_make_socket(f, t), "make_socket"); }

result<void> try_bind(const socket& s, const address& a) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::prepare_bind(s.native_handle(), a.data()->sa_family)) return detail::fail(ec);
    if (auto ec = detail::sys::bind(s.native_handle(), a.data(), a.size())) return detail::fail(ec);
    return {};
}

void bind(const socket& s, const address& a) { detail::unwrap(try_bind(s, a), "bind", a); }

result<void> try_listen(const socket& s, int backlog) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::listen(s.native_handle(), backlog)) return detail::fail(ec);
    return {};
}

void listen(const socket& s, int backlog) { detail::unwrap(try_listen(s, backlog), "listen"); }

result<accept_result> try_accept(const socket& s, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    auto until = detail::sys::deadline::after(t);
    if (until.infinite()) until = until.earliest(detail::sys::accept_deadline(s.native_handle()));
    auto once = [&]() -> result<accept_result> {
        accept_result r;
        auto sink = r.peer.prepare_native();
        std::error_code ec;
        r.socket = socket(detail::sys::accept(s.native_handle(), sink.data, sink.size, until, ec));
        if (ec) return detail::fail(ec);
        if (r.peer.commit_native()) r.peer = address::any(family::local); // an unnamed peer
        return r;
    };
    if (until.blocks()) return once();
    if (until.cancelled()) return detail::fail(detail::sys::canceled());
    return detail::with_nonblocking(s.native_handle(), once);
}

accept_result accept(const socket& s, timeout t) { return detail::unwrap(try_accept(s, t), "accept"); }

result<void> try_connect(const socket& s, const address& a, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    namespace sys = detail::sys;
    const auto h = s.native_handle();
    auto until = sys::deadline::after(t);
    if (until.cancelled()) return detail::fail(sys::canceled());
    if (until.infinite()) { // set_timeout (SO_SNDTIMEO) bounds connect on every OS
        if (const long long ms = sys::socket_timeout_ms(h, SO_SNDTIMEO); ms > 0)
            until = until.earliest(sys::deadline::after(std::chrono::milliseconds(ms)));
    }
    if (until.blocks()) {
        auto ec = sys::connect(h, a.data(), a.size());
        if (ec && sys::is_interrupted(ec)) ec = sys::finish_connect(h, until);
        if (ec) return detail::fail(ec);
        return {};
    }
    return detail::with_nonblocking(h, [&]() -> result<void> {
        auto ec = sys::connect(h, a.data(), a.size());
        // A local (Unix) listener with a full backlog makes a non-blocking connect fail with
        // EAGAIN (Linux): nothing was started and no event will say when to retry, so retry
        // every 10 ms until the deadline.
        while (ec && sys::is_would_block(ec) && !sys::is_in_progress(ec)) {
            if (until.cancelled()) return detail::fail(sys::canceled());
            if (until.expired()) return detail::fail(sys::timed_out());
            const int ms = until.remaining_ms();
            sys::sleep_ms(ms >= 0 && ms < 10 ? ms : 10); // -1: no time limit (a canceller)
            ec = sys::connect(h, a.data(), a.size());
        }
        if (ec && (sys::is_in_progress(ec) || sys::is_interrupted(ec))) ec = sys::finish_connect(h, until);
        if (ec) return detail::fail(ec);
        return {};
    });
}

void connect(const socket& s, const address& a, timeout t) {
    detail::unwrap(try_connect(s, a, t), "connect", a);
}

result<std::size_t> try_send(const socket& s, const_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const std::size_t n = detail::sys::send(s.native_handle(), b.data(), b.size(), 0,
                                            detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t send(const socket& s, const_buffer b, timeout t) {
    return detail::unwrap(try_send(s, b, t), "send");
}

result<std::size_t> try_send(const socket& s, const_buffer b, message_flags f, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    int native = 0;
    detail::sys::deadline until;
    if (auto ec = detail::transfer_plan(f, message_flags::dontwait, t, native, until))
        return detail::fail(ec);
    std::error_code ec;
    const std::size_t n = detail::sys::send(s.native_handle(), b.data(), b.size(), native, until, ec);
    if (ec) return detail::fail(detail::transfer_error(f, ec));
    return n;
}

std::size_t send(const socket& s, const_buffer b, message_flags f, timeout t) {
    return detail::unwrap(try_send(s, b, f, t), "send");
}

// sendall and recv_exact also wait on would-block, so they work on non-blocking sockets too.
result<std::size_t> try_sendall(const socket& s, const_buffer b, timeout t, std::size_t* sent) noexcept {
    std::size_t done = 0;
    std::error_code ec;
    if (!s) ec = detail::not_open();
    const auto until = detail::sys::deadline::after(t);
    const auto* p = static_cast<const unsigned char*>(b.data());
    while (!ec && done < b.size()) {
        done += detail::sys::send(s.native_handle(), p + done, b.size() - done, 0, until, ec);
        if (detail::sys::is_would_block(ec)) detail::sys::wait(s.native_handle(), POLLOUT, until, ec);
    }
    if (sent) *sent = done;
    if (ec) return detail::fail(ec);
    return done;
}

std::size_t sendall(const socket& s, const_buffer b, timeout t) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendall(s, b, t, &sent), "sendall", &sent);
}

result<std::size_t> try_recv(const socket& s, mutable_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (b.size() == 0) return detail::fail(std::errc::invalid_argument); // 0 would read as EOF
    std::error_code ec;
    const std::size_t n = detail::sys::recv(s.native_handle(), b.data(), b.size(), 0,
                                            detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t recv(const socket& s, mutable_buffer b, timeout t) {
    return detail::unwrap(try_recv(s, b, t), "recv");
}

result<std::size_t> try_recv(const socket& s, mutable_buffer b, message_flags f, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (b.size() == 0) return detail::fail(std::errc::invalid_argument);
    int native = 0;
    detail::sys::deadline until;
    const auto allowed = message_flags::peek | message_flags::dontwait | message_flags::waitall;
    if (auto ec = detail::transfer_plan(f, allowed, t, native, until)) return detail::fail(ec);
    if (has(f, message_flags::waitall)) { // recv_exact, with a short count at EOF (MSG_WAITALL)
        std::size_t got = 0;
        auto r = try_recv_exact(s, b, t, &got);
        // What arrived before EOF, a timeout or a cancel is returned, never dropped: the bytes
        // are out of the socket (MSG_WAITALL does the same when interrupted).
        if (!r && got == 0 && r.error() != errc::eof) return detail::fail(r.error());
        return got;
    }
    std::error_code ec;
    const std::size_t n = detail::sys::recv(s.native_handle(), b.data(), b.size(), native, until, ec);
    if (ec) return detail::fail(detail::transfer_error(f, ec));
    return n;
}

std::size_t recv(const socket& s, mutable_buffer b, message_flags f, timeout t) {
    return detail::unwrap(try_recv(s, b, f, t), "recv");
}

result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b, timeout t,
                                   std::size_t* received) noexcept {
    std::size_t done = 0;
    std::error_code ec;
    if (!s) ec = detail::not_open();
    const auto until = detail::sys::deadline::after(t);
    auto* p = static_cast<unsigned char*>(b.data());
    while (!ec && done < b.size()) {
        const std::size_t n = detail::sys::recv(s.native_handle(), p + done, b.size() - done, 0, until, ec);
        if (!ec && n == 0) ec = make_error_code(errc::eof);
        done += n;
        if (detail::sys::is_would_block(ec)) detail::sys::wait(s.native_handle(), POLLIN, until, ec);
    }
    if (received) *received = done;
    if (ec) return detail::fail(ec);
    return done;
}

std::size_t recv_exact(const socket& s, mutable_buffer b, timeout t) {
    std::size_t got = 0;
    return detail::unwrap_transfer(try_recv_exact(s, b, t, &got), "recv_exact", &got);
}

result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const std::size_t n = detail::sys::sendto(s.native_handle(), b.data(), b.size(), 0, to.data(), to.size(),
                                              detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t sendto(const socket& s, const_buffer b, const address& to, timeout t) {
    return detail::unwrap(try_sendto(s, b, to, t), "sendto", to);
}

result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    recvfrom_result r;
    auto sink = r.sender.prepare_native();
    std::error_code ec;
    r.size = detail::sys::recvfrom(s.native_handle(), b.data(), b.size(), 0, sink.data, sink.size,
                                   r.truncated, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    // No sender address (an unnamed local socket): the kernel reports length 0.
    if (r.sender.commit_native()) r.sender = address::any(family::local);
    return r;
}

recvfrom_result recvfrom(const socket& s, mutable_buffer b, timeout t) {
    return detail::unwrap(try_recvfrom(s, b, t), "recvfrom");
}

result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b, message_flags f, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    int native = 0;
    detail::sys::deadline until;
    if (auto ec = detail::transfer_plan(f, message_flags::peek | message_flags::dontwait, t, native, until))
        return detail::fail(ec);
    recvfrom_result r;
    auto sink = r.sender.prepare_native();
    std::error_code ec;
    r.size = detail::sys::recvfrom(s.native_handle(), b.data(), b.size(), native, sink.data, sink.size,
                                   r.truncated, until, ec);
    if (ec) return detail::fail(detail::transfer_error(f, ec));
    if (r.sender.commit_native()) r.sender = address::any(family::local);
    return r;
}

recvfrom_result recvfrom(const socket& s, mutable_buffer b, message_flags f, timeout t) {
    return detail::unwrap(try_recvfrom(s, b, f, t), "recvfrom");
}

result<void> try_shutdown(const socket& s, shutdown_type how) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const int h = how == shutdown_type::receive ? detail::os::shut_rd
                  : how == shutdown_type::send  ? detail::os::shut_wr
                                                : detail::os::shut_rdwr;
    if (auto ec = detail::sys::shutdown(s.native_handle(), h)) return detail::fail(ec);
    return {};
}

void shutdown(const socket& s, shutdown_type how) { detail::unwrap(try_shutdown(s, how), "shutdown"); }

result<address> try_local_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getsockname(s.native_handle(), sink.data, sink.size)) return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}

address local_address(const socket& s) { return detail::unwrap(try_local_address(s), "local_address"); }

result<address> try_peer_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getpeername(s.native_handle(), sink.data, sink.size)) return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}

address peer_address(const socket& s) { return detail::unwrap(try_peer_address(s), "peer_address"); }

result<void> try_set_nonblocking(const socket& s, bool on) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::set_nonblocking(s.native_handle(), on)) return detail::fail(ec);
    return {};
}

void set_nonblocking(const socket& s, bool on) {
    detail::unwrap(try_set_nonblocking(s, on), "set_nonblocking");
}

result<void> try_set_timeout(const socket& s, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (t.has_canceller()) return detail::fail(std::errc::invalid_argument);
    const auto h = s.native_handle();
    const bool zero = !t.is_none() && t.duration() == std::chrono::nanoseconds::zero();
    if (auto ec = detail::sys::set_nonblocking(h, zero)) return detail::fail(ec);
    const auto ms = t.is_none() || zero ? std::chrono::milliseconds(0)
                                        : std::chrono::ceil<std::chrono::milliseconds>(t.duration());
    for (int option : {SO_RCVTIMEO, SO_SNDTIMEO})
        if (auto ec = detail::set_timeout_option(h, option, ms)) return detail::fail(ec);
    return {};
}

void set_timeout(const socket& s, timeout t) { detail::unwrap(try_set_timeout(s, t), "set_timeout"); }

result<timeout> try_get_timeout(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const int nonblocking = detail::sys::is_nonblocking(s.native_handle(), ec);
    if (ec) return detail::fail(ec);
    if (nonblocking == 1) return timeout(std::chrono::seconds(0));
    const long long ms = detail::sys::socket_timeout_ms(s.native_handle(), SO_RCVTIMEO);
    if (ms <= 0) return timeout::none();
    return timeout(std::chrono::milliseconds(ms));
}

timeout get_timeout(const socket& s) { return detail::unwrap(try_get_timeout(s), "get_timeout"); }

result<events> try_wait(const socket& s, events wanted, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const short got = detail::sys::wait(s.native_handle(), detail::sys::to_poll(wanted),
                                        detail::sys::deadline::after(t), ec);
    if (ec) return detail::fail(ec);
    return detail::sys::from_poll(got);
}

events wait(const socket& s, events wanted, timeout t) {
    return detail::unwrap(try_wait(s, wanted, t), "wait");
}

result<void> try_graceful_close(socket& s, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const auto until = detail::sys::deadline::after(t);
    std::error_code ec;
    if (auto r = try_shutdown(s, shutdown_type::send); !r) ec = r.error();
    char sink[4096];
    while (!ec) {
        if (detail::sys::recv(s.native_handle(), sink, sizeof sink, 0, until, ec) == 0 && !ec)
            break; // the peer's EOF: all of our data was received
    }
    auto closed = s.try_close();
    if (ec) return detail::fail(ec);
    return closed;
}

void graceful_close(socket& s, timeout t) { detail::unwrap(try_graceful_close(s, t), "graceful_close"); }

result<std::pair<socket, socket>> try_socket_pair(socket_type t) noexcept {
    if constexpr (!detail::os::has_socketpair) {
        return detail::loopback_pair(t);
    } else {
        native_handle_type h[2] = {invalid_handle, invalid_handle};
        if (auto ec = detail::sys::socket_pair(detail::to_native(t), h)) return detail::fail(ec);
        return std::pair<socket, socket>(socket(h[0]), socket(h[1]));
    }
}

std::pair<socket, socket> socket_pair(socket_type t) {
    return detail::unwrap(try_socket_pair(t), "socket_pair");
}

NETSOCK_END_NAMESPACE

#endif
