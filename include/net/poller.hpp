#ifndef NETSOCK_POLLER_HPP
#define NETSOCK_POLLER_HPP

// net::poller: many sockets on one thread, in the spirit of Python's `selectors`.

#include "config.hpp"
#include "detail/poller_common.hpp"
#include "events.hpp"
#include "result.hpp"
#include "socket.hpp"
#include "timeout.hpp"

#include <cstddef>
#include <system_error>
// std::forward_iterator_tag comes with <vector> (poller_common.hpp) in every standard library;
// <iterator> itself would add <streambuf> and more to every file (bench/compile_time.sh).

NETSOCK_BEGIN_NAMESPACE

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
/// Not thread-safe: use one poller from one thread (only `wake` may be called from others). No
/// heap allocation per `wait`.
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
        NETSOCK_DECL std::size_t size() const noexcept;
        bool empty() const noexcept { return begin() == end(); }

    private:
        const detail::ready_list* list_;
    };

    /// A poller reporting at most `max_events` sockets per wait (the rest come next time).
    /// Throws net::error if the OS cannot create one (see `try_create`).
    NETSOCK_DECL explicit poller(std::size_t max_events = 256);
    /// Non-throwing construction. Errors: too_many_files_open, ...
    [[nodiscard]] NETSOCK_DECL static result<poller> try_create(std::size_t max_events = 256) noexcept;
    poller(poller&&) noexcept = default;
    poller& operator=(poller&&) noexcept = default;
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;

    /// Watches `s` for `what` (readable and/or writable) with user `data` returned in events.
    /// Errors: file_exists if already added, bad_file_descriptor for a closed socket.
    [[nodiscard]] NETSOCK_DECL result<void> try_add(const socket& s, events what,
                                                    void* data = nullptr) noexcept;
    NETSOCK_DECL void add(const socket& s, events what, void* data = nullptr);
    /// Changes the events and data of a watched socket. Errors: no_such_file_or_directory if it
    /// is not watched.
    [[nodiscard]] NETSOCK_DECL result<void> try_modify(const socket& s, events what,
                                                       void* data = nullptr) noexcept;
    NETSOCK_DECL void modify(const socket& s, events what, void* data = nullptr);
    /// Stops watching `s`; its events still pending in the current batch are dropped.
    /// Errors: no_such_file_or_directory if it is not watched.
    [[nodiscard]] NETSOCK_DECL result<void> try_remove(const socket& s) noexcept;
    NETSOCK_DECL void remove(const socket& s);

    /// Waits until at least one watched socket is ready, `wake()` is called or `t` passes (then
    /// the result is empty: neither is an error). Signals (EINTR) never end the wait early.
    [[nodiscard]] NETSOCK_DECL result<ready_events> try_wait(timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_wait`.
    NETSOCK_DECL ready_events wait(timeout t = timeout::none());

    /// Ends a `wait` in progress on another thread at once (it returns the events ready by
    /// then, possibly none), or, if none is in progress, makes the next `wait` return at once.
    /// Wake-ups coalesce: several before a wait end that one wait. The one member another
    /// thread may call, while this poller exists and is not being moved; async-signal-safe on
    /// Linux (one write to an eventfd) and under poll (one send on a socket pair); kqueue uses
    /// an EVFILT_USER event, WSAPoll a loopback socket pair.
    /// ```cpp
    /// // another thread:  { std::lock_guard l(m); work.push_back(item); } p.wake();
    /// // the poller's:    for (;;) { auto ready = p.wait(); take_work(); handle(ready); }
    /// ```
    NETSOCK_DECL void wake() noexcept;

    /// The number of watched sockets.
    NETSOCK_DECL std::size_t size() const noexcept;
    /// "epoll", "kqueue", "poll" or "wsapoll".
    static constexpr const char* backend_name() noexcept { return NETSOCK_POLLER_NAME; }

private:
    struct tag {};
    NETSOCK_DECL poller(tag, std::size_t max_events);

    // The backend's data (detail/poller_common.hpp); the backend code is in impl/poller.ipp.
    detail::poller_state state_;
    detail::ready_list ready_;
};

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/poller.ipp"
#endif

#endif
