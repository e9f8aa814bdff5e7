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
#include "../ops.hpp"
#include "../result.hpp"
#include "../socket.hpp"

#include <cstddef>
#include <system_error>
#include <utility>

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

// The wake-up socket pair of a backend that uses one (poll/WSAPoll): made here, through the
// public socket_pair, which builds a loopback pair on Windows. Both ends non-blocking: a wake
// never waits (a full pair already means "woken"), a drain never blocks.
template <class Backend> std::error_code open_wake(typename Backend::state& s) noexcept {
    if constexpr (Backend::wakes_by_pair) {
        auto pair = try_socket_pair(socket_type::stream);
        if (!pair) return pair.error();
        for (const socket* p : {&pair->first, &pair->second}) {
            if (auto ec = sys::set_nonblocking(p->native_handle(), true)) return ec;
            // A loopback TCP pair (Windows): no Nagle delay for the wake-up byte.
            (void)sys::set_int_option(p->native_handle(), IPPROTO_TCP, TCP_NODELAY, 1);
        }
        Backend::adopt_wake_pair(s, std::move(pair->first), std::move(pair->second));
    } else {
        (void)s;
    }
    return {};
}

inline std::error_code open_poller(poller_state& s, std::size_t max_events) noexcept {
    if (auto ec = poller_backend::open(s, max_events)) return ec;
    return open_wake<poller_backend>(s);
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
    if (auto ec = detail::open_poller(state_, max_events)) detail::throw_error(ec, "poller");
}

result<poller> poller::try_create(std::size_t max_events) noexcept {
    poller p(tag{}, max_events);
    if (auto ec = detail::open_poller(p.state_, max_events)) return detail::fail(ec);
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
    if (auto ec = detail::poller_backend::wait(state_, detail::sys::deadline::after(t), ready_))
        return detail::fail(ec);
    return ready_events(&ready_);
}

poller::ready_events poller::wait(timeout t) { return detail::unwrap(try_wait(t), "poller::wait"); }

std::size_t poller::size() const noexcept { return detail::poller_backend::size(state_); }

void poller::wake() noexcept { detail::poller_backend::wake(state_); }

poller::poller(tag, std::size_t max_events) : ready_(max_events) {}

NETSOCK_END_NAMESPACE

#endif
