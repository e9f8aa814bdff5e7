#ifndef NETSOCK_DETAIL_POLLER_QUEUE_HPP
#define NETSOCK_DETAIL_POLLER_QUEUE_HPP

// What the kernel-queue backends (poller_epoll.hpp, poller_kqueue.hpp) share: watching the
// canceller of a wait. Implementation only, POSIX only.
//
// A wait given a canceller (net::timeout) must also wake when it is cancelled. The queue holds
// a duplicate of the canceller's socket that the poller owns, added once and kept while waits
// use the same canceller (no extra system call per wait), swapped when another one comes, and
// removed when a wait has none (otherwise a cancelled canceller would wake every later wait).
// Owning the duplicate matters: the queue never holds a descriptor number the poller does not
// own, which could be reused by a socket of the program once the canceller is destroyed.

#include "cancel_state.hpp"
#include "poller_common.hpp"
#include "sys.hpp"

#include <cstdint>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// Makes s watch canceller c (nullptr: none). `ctl(fd, add)` adds fd (readable) to the queue
// or removes it.
template <class Ctl> std::error_code watch_stop(queue_state& s, const cancel_state* c, Ctl&& ctl) {
    const std::uint64_t wanted = c != nullptr ? c->id : 0;
    if (s.stop_id == wanted) return {};
    if (s.stop_fd >= 0) {
        (void)ctl(s.stop_fd, false);
        (void)sys::close(s.stop_fd);
        s.stop_fd = -1;
        s.stop_id = 0;
    }
    if (c == nullptr) return {};
    std::error_code ec;
    const int fd = sys::duplicate(c->reader, ec);
    if (ec) return ec;
    if ((ec = ctl(fd, true))) {
        (void)sys::close(fd);
        return ec;
    }
    s.stop_fd = fd;
    s.stop_id = wanted;
    return {};
}

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
