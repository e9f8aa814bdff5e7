#ifndef NETSOCK_POLLER_HPP
#define NETSOCK_POLLER_HPP

// net::poller: many sockets on one thread, in the spirit of Python's `selectors`.

#include "config.hpp"
#include "detail/poller_backend.hpp"
#include "detail/poller_common.hpp"
#include "ops.hpp"
#include "result.hpp"
#include "socket.hpp"

#include <chrono>
#include <cstddef>

namespace net {

/// Waits for readiness on many sockets at once (epoll on Linux, kqueue on macOS/BSD, WSAPoll on
/// Windows, poll() elsewhere or when NETSOCK_POLLER_POLL is defined). Level-triggered: a socket
/// is reported on every wait while it stays ready.
///
/// Readiness contract: an event is a hint, not a promise. A readable socket may still have
/// nothing to read (spurious wake-ups happen), so use non-blocking sockets and read/accept
/// until `net::is_would_block(ec)`. `error` and `hangup` are always reported, even if not
/// requested. Removing a socket inside the event loop drops its still-pending events from the
/// current batch. Close a socket only after removing it.
///
/// ```cpp
/// net::poller p;
/// p.add(listener, net::events::readable);
/// for (;;)
///     for (const net::poll_event& ev : p.wait(std::chrono::seconds(1)))
///         handle(ev.handle, ev.what, ev.data);
/// ```
/// Not thread-safe: use one poller from one thread. No heap allocation per `wait`.
class poller {
public:
    /// The events of one `wait`, valid until the next `wait`: iterate with range-for.
    class ready_events {
    public:
        class iterator {
        public:
            using value_type = poll_event;
            using reference = const poll_event&;
            using pointer = const poll_event*;
            using difference_type = std::ptrdiff_t;
            using iterator_category = std::forward_iterator_tag;
            iterator() = default;
            iterator(const poll_event* p, const poll_event* end) : p_(p), end_(end) { skip(); }
            reference operator*() const noexcept { return *p_; }
            pointer operator->() const noexcept { return p_; }
            iterator& operator++() noexcept {
                ++p_;
                skip();
                return *this;
            }
            iterator operator++(int) noexcept {
                iterator old = *this;
                ++*this;
                return old;
            }
            friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.p_ == b.p_; }
            friend bool operator!=(const iterator& a, const iterator& b) noexcept { return a.p_ != b.p_; }

        private:
            void skip() noexcept { // entries of sockets removed during the loop are blank
                while (p_ != end_ && p_->handle == invalid_handle) ++p_;
            }
            const poll_event* p_ = nullptr;
            const poll_event* end_ = nullptr;
        };
        explicit ready_events(const detail::ready_list* list) noexcept : list_(list) {}
        iterator begin() const noexcept { return {list_->begin(), list_->end()}; }
        iterator end() const noexcept { return {list_->end(), list_->end()}; }
        /// The number of events still to be delivered (removed sockets excluded).
        std::size_t size() const noexcept {
            std::size_t n = 0;
            for (auto it = begin(); it != end(); ++it) ++n;
            return n;
        }
        bool empty() const noexcept { return begin() == end(); }

    private:
        const detail::ready_list* list_;
    };

    /// A poller reporting at most `max_events` sockets per wait (the rest come next time).
    /// Throws net::error if the OS cannot create one (see `try_create`).
    explicit poller(std::size_t max_events = 256) : ready_(max_events) {
        if (auto ec = backend_.open(max_events)) detail::throw_error(ec, "poller");
    }
    /// Non-throwing construction. Errors: too_many_files_open, ...
    static result<poller> try_create(std::size_t max_events = 256) noexcept {
        poller p(tag{}, max_events);
        if (auto ec = p.backend_.open(max_events)) return detail::fail(ec);
        return p;
    }
    poller(poller&&) noexcept = default;
    poller& operator=(poller&&) noexcept = default;
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;

    /// Watches `s` for `what` (readable and/or writable) with user `data` returned in events.
    /// Errors: file_exists if already added, bad_file_descriptor for a closed socket.
    result<void> try_add(const socket& s, events what, void* data = nullptr) noexcept {
        if (!s) return detail::fail(detail::not_open());
        return wrap(backend_.add(s.native_handle(), what, data));
    }
    void add(const socket& s, events what, void* data = nullptr) {
        detail::unwrap(try_add(s, what, data), "poller::add");
    }
    /// Changes the events and data of a watched socket. Errors: no_such_file_or_directory if it
    /// is not watched.
    result<void> try_modify(const socket& s, events what, void* data = nullptr) noexcept {
        if (!s) return detail::fail(detail::not_open());
        auto r = wrap(backend_.modify(s.native_handle(), what, data));
        if (r) ready_.update(s.native_handle(), data);
        return r;
    }
    void modify(const socket& s, events what, void* data = nullptr) {
        detail::unwrap(try_modify(s, what, data), "poller::modify");
    }
    /// Stops watching `s`; its events still pending in the current batch are dropped.
    /// Errors: no_such_file_or_directory if it is not watched.
    result<void> try_remove(const socket& s) noexcept {
        if (!s) return detail::fail(detail::not_open());
        ready_.forget(s.native_handle());
        return wrap(backend_.remove(s.native_handle()));
    }
    void remove(const socket& s) { detail::unwrap(try_remove(s), "poller::remove"); }

    /// Waits until at least one watched socket is ready or `timeout` passes (then the result
    /// is empty: a timeout is not an error). Signals (EINTR) never end the wait early.
    template <class Rep, class Period>
    result<ready_events> try_wait(std::chrono::duration<Rep, Period> timeout) noexcept {
        return wait_until(detail::after(timeout));
    }
    /// Waits with no time limit. Errors: invalid_argument if no socket is watched (the wait
    /// could never end).
    result<ready_events> try_wait() noexcept { return wait_until(detail::deadline::never()); }
    template <class Rep, class Period> ready_events wait(std::chrono::duration<Rep, Period> timeout) {
        return detail::unwrap(try_wait(timeout), "poller::wait");
    }
    ready_events wait() { return detail::unwrap(try_wait(), "poller::wait"); }

    /// The number of watched sockets.
    std::size_t size() const noexcept { return backend_.size(); }
    /// "epoll", "kqueue", "poll" or "wsapoll".
    static constexpr const char* backend_name() noexcept { return detail::poller_backend::name; }

private:
    struct tag {};
    poller(tag, std::size_t max_events) : ready_(max_events) {}
    static result<void> wrap(std::error_code ec) noexcept {
        if (ec) return detail::fail(ec);
        return {};
    }
    result<ready_events> wait_until(const detail::deadline& until) noexcept {
        // Nothing watched and no timeout: nothing could ever end the wait (one thread owns the
        // poller), so report it instead of hanging.
        if (until.infinite() && size() == 0) return detail::fail(std::errc::invalid_argument);
        if (auto ec = backend_.wait(until, ready_)) return detail::fail(ec);
        return ready_events(&ready_);
    }

    detail::poller_backend backend_;
    detail::ready_list ready_;
};

} // namespace net

#endif
