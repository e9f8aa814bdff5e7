#ifndef NETSOCK_DETAIL_POLLER_KQUEUE_HPP
#define NETSOCK_DETAIL_POLLER_KQUEUE_HPP

// kqueue backend (macOS, BSD), mirroring the epoll backend: level-triggered read/write filters,
// user data in a table indexed by descriptor, one kevent() per wait. Not compiled on the Linux
// CI machine; covered by the macOS job of .github/workflows. Implementation only: included by
// poller_backend.hpp, which states the backend contract.

#include "poller_common.hpp"
#include "poller_queue.hpp"
#include "sys.hpp"

#include <sys/event.h>
#include <sys/time.h>

#include <cstddef>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The element types of queue_state (poller_common.hpp) for kqueue.
struct queue_entry {
    void* data = nullptr;
    events what = events::none;
    bool used = false;
};
// The kernel fills an array of struct kevent: the derived type adds nothing. (A base-specifier
// names a type, so ::kevent here is the struct, not the function.)
struct queue_event : ::kevent {};
static_assert(sizeof(queue_event) == sizeof(struct ::kevent), "queue_event must be a struct kevent");

queue_state::queue_state() noexcept = default;
queue_state::queue_state(queue_state&& o) noexcept
    : fd(o.fd), table(std::move(o.table)), count(o.count), raw(std::move(o.raw)), stop_fd(o.stop_fd),
      stop_id(o.stop_id), wake_fd(o.wake_fd), wake_writer(o.wake_writer) {
    o.fd = -1;
    o.count = 0;
    o.stop_fd = -1;
    o.stop_id = 0;
    o.wake_fd = -1;
    o.wake_writer = -1;
}
queue_state& queue_state::operator=(queue_state&& o) noexcept {
    if (this != &o) {
        if (fd >= 0) sys::close(fd);
        if (stop_fd >= 0) sys::close(stop_fd);
        if (wake_fd >= 0) sys::close(wake_fd);
        if (wake_writer >= 0) sys::close(wake_writer);
        fd = o.fd;
        table = std::move(o.table);
        count = o.count;
        raw = std::move(o.raw);
        stop_fd = o.stop_fd;
        stop_id = o.stop_id;
        wake_fd = o.wake_fd;
        wake_writer = o.wake_writer;
        o.fd = -1;
        o.count = 0;
        o.stop_fd = -1;
        o.stop_id = 0;
        o.wake_fd = -1;
        o.wake_writer = -1;
    }
    return *this;
}
queue_state::~queue_state() {
    if (fd >= 0) sys::close(fd);
    if (stop_fd >= 0) sys::close(stop_fd);
    if (wake_fd >= 0) sys::close(wake_fd);
    if (wake_writer >= 0) sys::close(wake_writer);
}

// poller::wake: an EVFILT_USER event (macOS, FreeBSD, NetBSD 10), EV_CLEAR so that delivering
// it resets it; where there is none, a socket pair's byte (wake_fd readable).
inline constexpr uintptr_t wake_ident = 0;

// The backend code, working on the state a poller keeps.
class kqueue_backend {
public:
    using state = queue_state;
    static constexpr bool wakes_by_pair = false; // EVFILT_USER, or a pair made here

    static std::size_t size(const queue_state& s) noexcept { return s.count; }

    static std::error_code open(queue_state& s, std::size_t max_events) {
        s.fd = ::kqueue();
        if (s.fd < 0) return last_socket_error();
        if (auto ec = sys::set_cloexec(s.fd)) return ec;
        s.raw.resize(max_events == 0 ? 1 : max_events);
        struct ::kevent change;
#if defined(EVFILT_USER)
        EV_SET(&change, wake_ident, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, nullptr);
#else
        int pair[2];
        if (auto ec = sys::socket_pair(SOCK_STREAM, pair)) return ec;
        s.wake_fd = pair[0];
        s.wake_writer = pair[1];
        for (int h : pair)
            if (auto ec = sys::set_nonblocking(h, true)) return ec;
        EV_SET(&change, static_cast<uintptr_t>(s.wake_fd), EVFILT_READ, EV_ADD, 0, 0, nullptr);
#endif
        if (::kevent(s.fd, &change, 1, nullptr, 0, nullptr) != 0) return last_socket_error();
        return {};
    }

    // Thread-safe; one kevent() (or send()), errno kept.
    static void wake(queue_state& s) noexcept {
        if (s.fd < 0) return;
#if defined(EVFILT_USER)
        const int saved = errno;
        struct ::kevent change;
        EV_SET(&change, wake_ident, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
        (void)::kevent(s.fd, &change, 1, nullptr, 0, nullptr);
        errno = saved;
#else
        sys::wake(s.wake_writer);
#endif
    }

    static std::error_code add(queue_state& s, native_handle_type h, events what, void* data) {
        if (h < 0) return poller_error(std::errc::bad_file_descriptor);
        if (known(s, h)) return poller_error(std::errc::file_exists);
        if (auto ec = apply(s, h, events::none, what)) return ec;
        if (static_cast<std::size_t>(h) >= s.table.size()) s.table.resize(static_cast<std::size_t>(h) + 1);
        s.table[static_cast<std::size_t>(h)] = {data, what, true};
        ++s.count;
        return {};
    }
    static std::error_code modify(queue_state& s, native_handle_type h, events what, void* data) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        auto& e = s.table[static_cast<std::size_t>(h)];
        if (auto ec = apply(s, h, e.what, what)) return ec;
        e.what = what;
        e.data = data;
        return {};
    }
    static std::error_code remove(queue_state& s, native_handle_type h) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        auto& e = s.table[static_cast<std::size_t>(h)];
        const events old = e.what;
        e = {};
        --s.count;
        // ENOENT/EBADF: closed before removal; the kernel already dropped the filters.
        if (auto ec = apply(s, h, old, events::none);
            ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::bad_file_descriptor)
            return ec;
        return {};
    }
    static std::error_code wait(queue_state& s, const sys::deadline& until, ready_list& out) {
        out.clear();
        if (until.cancelled()) return sys::canceled();
        if (auto ec = watch_stop(s, until.stop(), [&](int fd, bool add) {
                struct ::kevent change;
                EV_SET(&change, static_cast<uintptr_t>(fd), EVFILT_READ, add ? EV_ADD : EV_DELETE, 0, 0,
                       nullptr);
                if (::kevent(s.fd, &change, 1, nullptr, 0, nullptr) != 0) return last_socket_error();
                return std::error_code{};
            }))
            return ec;
        const int max = static_cast<int>(s.raw.size() < out.capacity() ? s.raw.size() : out.capacity());
        std::error_code ec;
        int n = 0;
        for (sys::waiter w(until);;) {
            const int ms = w.timeout_ms();
            ::timespec ts{};
            ts.tv_sec = ms / 1000;
            ts.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
            n = w.injected() ? -1 : ::kevent(s.fd, nullptr, 0, s.raw.data(), max, ms < 0 ? nullptr : &ts);
            if (w.done(n, ec)) break;
        }
        for (int i = 0; i < n; ++i) {
            const auto& ev = s.raw[static_cast<std::size_t>(i)];
            const auto h = static_cast<native_handle_type>(ev.ident);
#if defined(EVFILT_USER)
            if (ev.filter == EVFILT_USER) continue; // poller::wake (EV_CLEAR reset it)
#else
            if (h == s.wake_fd) {
                sys::drain(h);
                continue;
            }
#endif
            if (h == s.stop_fd) { // the canceller: the sockets' events come again next time
                out.clear();
                return sys::canceled();
            }
            events what = ev.filter == EVFILT_WRITE ? events::writable : events::readable;
            if (ev.flags & EV_EOF) what |= events::hangup;
            if (ev.flags & EV_ERROR) what |= events::error;
            merge(out, h, what, s.table[static_cast<std::size_t>(h)].data);
        }
        return ec;
    }

private:
    static bool known(const queue_state& s, native_handle_type h) noexcept {
        return h >= 0 && static_cast<std::size_t>(h) < s.table.size() &&
               s.table[static_cast<std::size_t>(h)].used;
    }
    // Read and write are separate filters: one kevent() call adds/deletes what changed.
    static std::error_code apply(const queue_state& s, native_handle_type h, events from,
                                 events to) noexcept {
        struct ::kevent changes[2];
        int n = 0;
        auto change = [&](short filter, bool before, bool after) {
            if (before == after) return;
            EV_SET(&changes[n++], static_cast<uintptr_t>(h), filter, after ? EV_ADD : EV_DELETE, 0, 0,
                   nullptr);
        };
        change(EVFILT_READ, has(from, events::readable), has(to, events::readable));
        change(EVFILT_WRITE, has(from, events::writable), has(to, events::writable));
        if (n == 0) return {};
        if (::kevent(s.fd, changes, n, nullptr, 0, nullptr) != 0) return last_socket_error();
        return {};
    }
    // A socket ready for both read and write arrives as two kevents: report it once.
    static void merge(ready_list& out, native_handle_type h, events what, void* data) noexcept {
        for (auto* p = out.begin(); p != out.end(); ++p) {
            if (p->handle == h) {
                const_cast<poll_event*>(p)->what |= what;
                return;
            }
        }
        out.push(h, what, data);
    }
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
