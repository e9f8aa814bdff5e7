#ifndef NETSOCK_DETAIL_POLLER_EPOLL_HPP
#define NETSOCK_DETAIL_POLLER_EPOLL_HPP

// epoll backend (Linux), level-triggered like Python's selectors.EpollSelector. The user data
// lives in a table indexed by descriptor, so epoll_data carries only the fd and a wait needs
// no lookup structure and no allocation. Implementation only: included by poller_backend.hpp, which states
// the backend contract.

#include "poller_common.hpp"
#include "poller_queue.hpp"
#include "sys.hpp"

#include <sys/epoll.h>

#include <cstddef>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The element types of queue_state (poller_common.hpp) for epoll.
struct queue_entry {
    void* data = nullptr;
    bool used = false;
};
// The kernel fills an array of epoll_event: the derived type adds nothing.
struct queue_event : ::epoll_event {};
static_assert(sizeof(queue_event) == sizeof(::epoll_event), "queue_event must be an epoll_event");

queue_state::queue_state() noexcept = default;
queue_state::queue_state(queue_state&& o) noexcept
    : fd(o.fd), table(std::move(o.table)), count(o.count), raw(std::move(o.raw)), stop_fd(o.stop_fd),
      stop_id(o.stop_id), wake_fd(o.wake_fd) {
    o.fd = -1;
    o.count = 0;
    o.stop_fd = -1;
    o.stop_id = 0;
    o.wake_fd = -1;
}
queue_state& queue_state::operator=(queue_state&& o) noexcept {
    if (this != &o) {
        if (fd >= 0) sys::close(fd);
        if (stop_fd >= 0) sys::close(stop_fd);
        if (wake_fd >= 0) sys::close(wake_fd);
        fd = o.fd;
        table = std::move(o.table);
        count = o.count;
        raw = std::move(o.raw);
        stop_fd = o.stop_fd;
        stop_id = o.stop_id;
        wake_fd = o.wake_fd;
        o.fd = -1;
        o.count = 0;
        o.stop_fd = -1;
        o.stop_id = 0;
        o.wake_fd = -1;
    }
    return *this;
}
queue_state::~queue_state() {
    if (fd >= 0) sys::close(fd);
    if (stop_fd >= 0) sys::close(stop_fd);
    if (wake_fd >= 0) sys::close(wake_fd);
}

// The backend code, working on the state a poller keeps.
class epoll_backend {
public:
    using state = queue_state;
    static constexpr bool wakes_by_pair = false; // an eventfd (sys::open_event)

    static std::size_t size(const queue_state& s) noexcept { return s.count; }

    static std::error_code open(queue_state& s, std::size_t max_events) {
        s.fd = ::epoll_create1(EPOLL_CLOEXEC);
        if (s.fd < 0) return last_socket_error();
        s.raw.resize(max_events == 0 ? 1 : max_events);
        std::error_code ec;
        s.wake_fd = sys::open_event(ec);
        if (ec) return ec;
        ::epoll_event ev{};
        ev.data.fd = s.wake_fd;
        ev.events = EPOLLIN;
        if (::epoll_ctl(s.fd, EPOLL_CTL_ADD, s.wake_fd, &ev) != 0) return last_socket_error();
        return {};
    }

    // Thread-safe and async-signal-safe: one write() to the eventfd.
    static void wake(queue_state& s) noexcept {
        if (s.wake_fd >= 0) sys::signal_event(s.wake_fd);
    }

    static std::error_code add(queue_state& s, native_handle_type h, events what, void* data) {
        if (h < 0) return poller_error(std::errc::bad_file_descriptor);
        if (static_cast<std::size_t>(h) < s.table.size() && s.table[static_cast<std::size_t>(h)].used)
            return poller_error(std::errc::file_exists);
        if (auto ec = ctl(s, EPOLL_CTL_ADD, h, what)) return ec;
        if (static_cast<std::size_t>(h) >= s.table.size()) s.table.resize(static_cast<std::size_t>(h) + 1);
        s.table[static_cast<std::size_t>(h)] = {data, true};
        ++s.count;
        return {};
    }
    static std::error_code modify(queue_state& s, native_handle_type h, events what, void* data) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        if (auto ec = ctl(s, EPOLL_CTL_MOD, h, what)) return ec;
        s.table[static_cast<std::size_t>(h)].data = data;
        return {};
    }
    static std::error_code remove(queue_state& s, native_handle_type h) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        s.table[static_cast<std::size_t>(h)] = {};
        --s.count;
        ::epoll_event ev{};
        // ENOENT/EBADF: the descriptor was closed before removal; the kernel already dropped it.
        if (::epoll_ctl(s.fd, EPOLL_CTL_DEL, h, &ev) != 0 && errno != ENOENT && errno != EBADF)
            return last_socket_error();
        return {};
    }

    static std::error_code wait(queue_state& s, const sys::deadline& until, ready_list& out) {
        out.clear();
        if (until.cancelled()) return sys::canceled();
        if (auto ec = watch_stop(s, until.stop(), [&](int fd, bool add) {
                ::epoll_event ev{};
                ev.data.fd = fd;
                ev.events = EPOLLIN;
                if (::epoll_ctl(s.fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev) != 0)
                    return last_socket_error();
                return std::error_code{};
            }))
            return ec;
        const int max = static_cast<int>(s.raw.size() < out.capacity() ? s.raw.size() : out.capacity());
        std::error_code ec;
        int n = 0;
        for (sys::waiter w(until);;) {
            n = w.injected() ? -1 : ::epoll_wait(s.fd, s.raw.data(), max, w.timeout_ms());
            if (w.done(n, ec)) break;
        }
        for (int i = 0; i < n; ++i) {
            const auto& ev = s.raw[static_cast<std::size_t>(i)];
            const int h = ev.data.fd;
            if (h == s.stop_fd) { // the canceller: the sockets' events come again next time
                out.clear();
                return sys::canceled();
            }
            if (h == s.wake_fd) { // poller::wake: reset the counter, report what else came
                sys::drain_event(h);
                continue;
            }
            events what = events::none;
            if (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)) what |= events::readable;
            if (ev.events & EPOLLOUT) what |= events::writable;
            if (ev.events & EPOLLERR) what |= events::error;
            if (ev.events & EPOLLHUP) what |= events::hangup;
            out.push(h, what, s.table[static_cast<std::size_t>(h)].data);
        }
        return ec;
    }

private:
    static bool known(const queue_state& s, native_handle_type h) noexcept {
        return h >= 0 && static_cast<std::size_t>(h) < s.table.size() &&
               s.table[static_cast<std::size_t>(h)].used;
    }
    static std::error_code ctl(const queue_state& s, int op, native_handle_type h, events what) noexcept {
        ::epoll_event ev{};
        ev.data.fd = h;
        if (has(what, events::readable)) ev.events |= EPOLLIN | EPOLLRDHUP;
        if (has(what, events::writable)) ev.events |= EPOLLOUT;
        if (::epoll_ctl(s.fd, op, h, &ev) != 0) return last_socket_error();
        return {};
    }
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
