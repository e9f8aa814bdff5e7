#ifndef NETSOCK_DETAIL_POLLER_BACKEND_HPP
#define NETSOCK_DETAIL_POLLER_BACKEND_HPP

// The poller backend in use, as detail/platform.hpp chose it (NETSOCK_POLLER_EPOLL, _KQUEUE
// or _POLLFD). Implementation only: included by impl/poller.ipp, never on the public path
// (the backends include the OS's poll headers).
//
// The backend contract. A backend is a class of static functions over the state that
// net::poller holds (poller_common.hpp: queue_state for epoll/kqueue, poll_state for
// poll/WSAPoll), so a poller needs no allocation of its own and no virtual call:
//   using state = <poller_state>;
//   std::error_code open(state&, std::size_t max_events);   // once, at construction
//   std::error_code add(state&, native_handle_type, events, void* data);
//       file_exists if already watched, bad_file_descriptor for an invalid handle
//   std::error_code modify(state&, native_handle_type, events, void* data);
//   std::error_code remove(state&, native_handle_type);
//       both: no_such_file_or_directory if not watched; remove also succeeds for a handle
//       that was closed before it was removed
//   std::error_code wait(state&, const sys::deadline&, ready_list& out);
//       clears `out`, then fills at most out.capacity() events; level-triggered (a socket
//       that stays ready is reported again); expiry is success with no events; EINTR and
//       early wake-ups never end it early (the loop of sys::waiter)
//   std::size_t size(const state&);                           // sockets watched
//   void wake(state&) noexcept;                                // poller::wake: the one call
//       another thread may make; ends a wait in progress or the next one; coalesces
//   static constexpr bool wakes_by_pair;   // true: impl/poller.ipp makes a socket pair after
//       open() and hands it over with adopt_wake_pair(state&, socket, socket) (poll/WSAPoll)
// Rules: one thread uses a poller at a time (no locks); wait() allocates nothing (buffers are
// sized by add/open); add() may grow tables; every OS call goes through detail/sys.hpp so the
// fault hook reaches it.

#include "platform.hpp"
#include "poller_common.hpp"

#if defined(NETSOCK_POLLER_EPOLL)
#include "poller_epoll.hpp"
#elif defined(NETSOCK_POLLER_KQUEUE)
#include "poller_kqueue.hpp"
#else
#include "poller_poll.hpp"
#endif

#include <type_traits>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
#if defined(NETSOCK_POLLER_EPOLL)
using poller_backend = epoll_backend;
#elif defined(NETSOCK_POLLER_KQUEUE)
using poller_backend = kqueue_backend;
#else
using poller_backend = poll_backend;
#endif
static_assert(std::is_same<poller_backend::state, poller_state>::value,
              "the poller backend must work on the state net::poller holds");
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
