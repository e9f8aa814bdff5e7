#ifndef NETSOCK_DETAIL_POLLER_COMMON_HPP
#define NETSOCK_DETAIL_POLLER_COMMON_HPP

// What every poller backend shares: the ready-event record and the buffer it fills, and the
// state a backend keeps inside net::poller. This header is on the public path (it gives
// net::poller its layout), so it names no OS poll API: the backends (poller_backend.hpp) are
// included by impl/poller.ipp only, and complete the types declared here for the backend in use.

#include "../config.hpp"
#include "../events.hpp"
#include "../error.hpp"
#include "../socket.hpp"
#include "platform.hpp"

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
// The events of one wait. Entries of sockets removed during the event loop are blanked
// (handle = invalid_handle) and skipped by iteration, so no stale event is ever delivered.
class ready_list {
public:
    explicit ready_list(std::size_t capacity) : items_(capacity == 0 ? 1 : capacity) {}
    std::size_t capacity() const noexcept { return items_.size(); }
    void clear() noexcept { size_ = 0; }
    void push(native_handle_type h, events what, void* data) noexcept {
        items_[size_++] = poll_event{h, what, data};
    }
    bool full() const noexcept { return size_ == items_.size(); }
    NETSOCK_DECL void forget(native_handle_type h) noexcept;
    NETSOCK_DECL void update(native_handle_type h, void* data) noexcept;
    const poll_event* begin() const noexcept { return items_.data(); }
    const poll_event* end() const noexcept { return items_.data() + size_; }

private:
    std::vector<poll_event> items_;
    std::size_t size_ = 0;
};

// The state of the poll() and WSAPoll backends (poller_poll.hpp): the pollfd array is kept
// between waits, so a wait allocates nothing.
struct poll_state {
    std::vector<os::pollfd_type> fds;
    std::vector<void*> data;
    std::vector<std::pair<native_handle_type, std::size_t>> slots; // (handle, slot), by handle
    std::size_t next = 0;                                          // where the next scan starts
    // poller::wake: a byte sent on wake_writer makes wake_reader readable; each wait watches it.
    socket wake_reader;
    socket wake_writer;
};

// The state of the kernel-queue backends (poller_epoll.hpp, poller_kqueue.hpp): the queue's
// descriptor, the user data by descriptor, and the array one wait fills. The two element types
// are completed by the backend in use, whose header also defines the members declared here
// (they close the descriptor). Only impl/poller.ipp creates, moves and destroys this state, so
// user code sees neither <sys/epoll.h> nor <sys/event.h> (a vector of an incomplete type may be
// declared, C++17 [vector.overview]).
// Declared only where a queue backend is in use: its members are defined by that backend.
#if defined(NETSOCK_POLLER_EPOLL) || defined(NETSOCK_POLLER_KQUEUE)
struct queue_entry; // the user data (kqueue: and the watched events) of one descriptor
struct queue_event; // ::epoll_event or struct ::kevent
struct queue_state {
    NETSOCK_DECL queue_state() noexcept;
    NETSOCK_DECL queue_state(queue_state&& o) noexcept;
    NETSOCK_DECL queue_state& operator=(queue_state&& o) noexcept;
    queue_state(const queue_state&) = delete;
    queue_state& operator=(const queue_state&) = delete;
    NETSOCK_DECL ~queue_state();

    int fd = -1;
    std::vector<queue_entry> table;
    std::size_t count = 0;
    std::vector<queue_event> raw;
    // The canceller of the last wait that had one (net::timeout): a duplicate of its socket,
    // owned by the poller and kept in the queue while waits use the same canceller.
    int stop_fd = -1;
    std::uint64_t stop_id = 0;
    // poller::wake: epoll's eventfd (wake_writer -1); kqueue without EVFILT_USER: a socket
    // pair's reading end and writing end; kqueue with EVFILT_USER: neither.
    int wake_fd = -1;
    int wake_writer = -1;
};
#endif

// The state net::poller holds, for the backend detail/platform.hpp chose.
#if defined(NETSOCK_POLLER_EPOLL) || defined(NETSOCK_POLLER_KQUEUE)
using poller_state = queue_state;
#else
using poller_state = poll_state;
#endif

inline std::error_code poller_error(std::errc e) noexcept { return make_errc(e); }
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
