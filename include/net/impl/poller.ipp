#ifndef NETSOCK_IMPL_POLLER_IPP
#define NETSOCK_IMPL_POLLER_IPP

// Definitions for poller.hpp: inline in header-only mode, compiled once with
// NETSOCK_IMPLEMENTATION under NETSOCK_SEPARATE_COMPILATION. The backend in use
// (detail/poller_backend.hpp) works on the state net::poller holds, passed by reference where
// the backend object used to be `this`: no allocation, no indirection.

#include "../poller.hpp"
#include "../detail/poller_backend.hpp"
#include "../detail/poller_common.hpp"
#include "../detail/sys.hpp"
#include "../result.hpp"
#include "../socket.hpp"

#include <chrono>
#include <cstddef>
#include <system_error>

namespace net {

namespace detail {

void ready_list::forget(native_handle_type h) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
        if (items_[i].handle == h) items_[i].handle = invalid_handle;
}
void ready_list::update(native_handle_type h, void* data) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
        if (items_[i].handle == h) items_[i].data = data;
}

// The wait of poller::try_wait, with or without a time limit.
NETSOCK_DECL std::error_code poller_wait_until(poller_state& state, ready_list& ready,
                                               const sys::deadline& until) noexcept {
    // Nothing watched and no timeout: nothing could ever end the wait (one thread owns the
    // poller), so report it instead of hanging.
    if (until.infinite() && poller_backend::size(state) == 0)
        return poller_error(std::errc::invalid_argument);
    return poller_backend::wait(state, until, ready);
}

std::error_code poller_wait_for(poller_state& state, ready_list& ready,
                                std::chrono::nanoseconds timeout) noexcept {
    return poller_wait_until(state, ready, sys::deadline::after(timeout));
}

} // namespace detail

std::size_t poller::ready_events::size() const noexcept {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it) ++n;
    return n;
}

poller::poller(std::size_t max_events) : ready_(max_events) {
    if (auto ec = detail::poller_backend::open(state_, max_events))
        detail::throw_error(ec, "poller");
}

result<poller> poller::try_create(std::size_t max_events) noexcept {
    poller p(tag{}, max_events);
    if (auto ec = detail::poller_backend::open(p.state_, max_events)) return detail::fail(ec);
    return p;
}

result<void> poller::try_add(const socket& s, events what, void* data) noexcept {
    if (!s) return detail::fail(detail::not_open());
    return wrap(detail::poller_backend::add(state_, s.native_handle(), what, data));
}

void poller::add(const socket& s, events what, void* data) {
    detail::unwrap(try_add(s, what, data), "poller::add");
}

result<void> poller::try_modify(const socket& s, events what, void* data) noexcept {
    if (!s) return detail::fail(detail::not_open());
    auto r = wrap(detail::poller_backend::modify(state_, s.native_handle(), what, data));
    if (r) ready_.update(s.native_handle(), data);
    return r;
}

void poller::modify(const socket& s, events what, void* data) {
    detail::unwrap(try_modify(s, what, data), "poller::modify");
}

result<void> poller::try_remove(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    ready_.forget(s.native_handle());
    return wrap(detail::poller_backend::remove(state_, s.native_handle()));
}

void poller::remove(const socket& s) { detail::unwrap(try_remove(s), "poller::remove"); }

result<poller::ready_events> poller::try_wait() noexcept {
    if (auto ec = detail::poller_wait_until(state_, ready_, detail::sys::deadline::never()))
        return detail::fail(ec);
    return ready_events(&ready_);
}

poller::ready_events poller::wait() { return detail::unwrap(try_wait(), "poller::wait"); }

std::size_t poller::size() const noexcept { return detail::poller_backend::size(state_); }

poller::poller(tag, std::size_t max_events) : ready_(max_events) {}

result<void> poller::wrap(std::error_code ec) noexcept {
    if (ec) return detail::fail(ec);
    return {};
}

} // namespace net

#endif
