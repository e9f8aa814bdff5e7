#ifndef NETSOCK_DETAIL_POLLER_BACKEND_HPP
#define NETSOCK_DETAIL_POLLER_BACKEND_HPP

// Chooses the poller backend: epoll on Linux, kqueue on macOS/BSD, WSAPoll on Windows, poll()
// elsewhere, or poll() everywhere on POSIX when NETSOCK_POLLER_POLL is defined (so the poll
// backend is tested on Linux too). Implementation only (impl/poller.ipp): the backends include
// the OS poll headers. A backend's functions take the state net::poller keeps
// (poller_common.hpp): `poller_backend::add(state, h, what, data)`.

#include "platform.hpp"
// The portable backends first and unconditionally (single_include inlines each header once).
#include "poller_common.hpp"
#include "poller_poll.hpp"
#include "poller_wsapoll.hpp"

#include <string_view>
#include <type_traits>

#if defined(NETSOCK_OS_WINDOWS)
namespace net::detail {
using poller_backend = wsapoll_backend;
}
#elif defined(NETSOCK_POLLER_POLL)
namespace net::detail {
using poller_backend = poll_backend;
}
#elif defined(NETSOCK_HAS_EPOLL)
#include "poller_epoll.hpp"
namespace net::detail {
using poller_backend = epoll_backend;
}
#elif defined(NETSOCK_HAS_KQUEUE)
#include "poller_kqueue.hpp"
namespace net::detail {
using poller_backend = kqueue_backend;
}
#else
namespace net::detail {
using poller_backend = poll_backend;
}
#endif

namespace net::detail {
// poller_common.hpp chose the state (the layout of net::poller) with the same conditions.
static_assert(std::is_same<poller_backend::state, poller_state>::value,
              "poller_common.hpp and poller_backend.hpp chose different backends");
static_assert(std::string_view(poller_backend::name) == std::string_view(poller_backend_name),
              "poller_common.hpp and poller_backend.hpp chose different backends");
} // namespace net::detail

#endif
