#ifndef NETSOCK_IMPL_POLLER_IPP
#define NETSOCK_IMPL_POLLER_IPP

// Definitions for poller.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. The backend in use
// (detail/poller_backend.hpp) works on the state net::poller holds, passed by reference where
// the backend object used to be `this`: no allocation, no indirection.

#include "../poller.hpp"
#include "../detail/poller_backend.hpp"
#include "../detail/poller_common.hpp"
#include "../detail/sys.hpp"
#include "../result.hpp"
#include "../socket.hpp"

#include <cstddef>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {

void ready_list::forget(native_handle_type h) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
        if (items_[i].handle == h) items_[i].handle = invalid_handle;
}
void ready_list::update(native_handle_type h, void* data) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
        if (items_[i].handle == h) items_[i].data = data;
}

inline result<void> poller_result(std::error_code ec) noexcept {
    if (ec) return fail(ec);
    return {};
}

} // namespace detail

std::size_t poller::ready_events::size() const noexcept {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it) ++n;
    return n;
}

poller::poller(std::size_t max_events) : ready_(max_events) {
    if (auto ec = detail::poller_backend::open(state_, max_events)) detail::throw_error(ec, "poller");
}

result<poller> poller::try_create(std::size_t max_events) noexcept {
    poller p(tag{}, max_events);
    if (auto ec = detail::poller_backend::open(p.state_, max_events)) return detail::fail(ec);
    return p;
}

result<void> poller::try_add(const socket& s, events what, void* data) noexcept {
    if (!s) return detail::fail(detail::not_open());
    return detail::poller_result(detail::poller_backend::add(state_, s.native_handle(), what, data));
}

void poller::add(const socket& s, events what, void* data) {
    detail::unwrap(try_add(s, what, data), "poller::add");
}

result<void> poller::try_modify(const socket& s, events what, void* data) noexcept {
    if (!s) return detail::fail(detail::not_open());
    auto r = detail::poller_result(detail::poller_backend::modify(state_, s.native_handle(), what, data));
    if (r) ready_.update(s.native_handle(), data);
    return r;
}

void poller::modify(const socket& s, events what, void* data) {
    detail::unwrap(try_modify(s, what, data), "poller::modify");
}

result<void> poller::try_remove(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    ready_.forget(s.native_handle());
    return detail::poller_result(detail::poller_backend::remove(state_, s.native_handle()));
}

void poller::remove(const socket& s) { detail::unwrap(try_remove(s), "poller::remove"); }

result<poller::ready_events> poller::try_wait(timeout t) noexcept {
    // Nothing watched and no timeout: nothing could ever end the wait (one thread owns the
    // poller), so report it instead of hanging.
    if (t.is_none() && !t.has_canceller() && detail::poller_backend::size(state_) == 0)
        return detail::fail(std::errc::invalid_argument);
    if (auto ec = detail::poller_backend::wait(state_, detail::sys::deadline::after(t), ready_))
        return detail::fail(ec);
    return ready_events(&ready_);
}

poller::ready_events poller::wait(timeout t) { return detail::unwrap(try_wait(t), "poller::wait"); }

std::size_t poller::size() const noexcept { return detail::poller_backend::size(state_); }

poller::poller(tag, std::size_t max_events) : ready_(max_events) {}

NETSOCK_END_NAMESPACE

#endif
