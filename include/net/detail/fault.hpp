#ifndef NETSOCK_DETAIL_FAULT_HPP
#define NETSOCK_DETAIL_FAULT_HPP

// Fault injection for tests. The calls of sys.hpp that can fail at run time in ways a test
// cannot provoke (and the waits of the poller backends) ask fault::next() first; a test build
// (NETSOCK_FAULT_INJECTION defined) installs a hook that can fail the call with an error value
// or cap its byte count (short writes). In normal builds next() is a constexpr no-op and the
// compiler removes every trace of it. Calls whose failures a test can cause for real (bind,
// listen, setsockopt, ...) have no fault point.
//
// Semantics:
// - send, recv, sendto, recvfrom, accept, poll (every wait: poll, WSAPoll, epoll_wait, kevent):
//   an injected errno/WSA value replaces the call (the call is not made); sys::send_file (a
//   sendfile attempt) asks as send, and a byte cap shortens its count;
// - connect, close: the real call is made first and the injected value replaces its result
//   (as a signal arriving during a blocking connect would; a close is never skipped, so no
//   descriptor leaks);
// - getaddrinfo: an injected EAI_* value replaces the call.

#include "../config.hpp"

#include <cstddef>

#if defined(NETSOCK_FAULT_INJECTION)
#include <atomic>
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail::fault {

enum class call { send, recv, sendto, recvfrom, accept, connect, poll, close, getaddrinfo };

struct injection {
    int error = 0;                                        ///< errno / WSA / EAI value, or 0
    std::size_t max_bytes = static_cast<std::size_t>(-1); ///< cap on the bytes of this call
};

#if defined(NETSOCK_FAULT_INJECTION)
using hook_type = injection (*)(call) noexcept;
inline std::atomic<hook_type>& hook_slot() noexcept {
    static std::atomic<hook_type> slot{nullptr};
    return slot;
}
/// Installs (or with nullptr removes) the process-wide fault hook.
inline void set_hook(hook_type h) noexcept { hook_slot().store(h, std::memory_order_release); }
inline injection next(call c) noexcept {
    hook_type h = hook_slot().load(std::memory_order_acquire);
    return h ? h(c) : injection{};
}
#else
constexpr injection next(call) noexcept { return {}; }
#endif

constexpr std::size_t cap(std::size_t size, const injection& f) noexcept {
    return size < f.max_bytes ? size : f.max_bytes;
}

} // namespace detail::fault
NETSOCK_END_NAMESPACE

#endif
