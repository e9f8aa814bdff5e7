#ifndef NETSOCK_DETAIL_CANCEL_STATE_HPP
#define NETSOCK_DETAIL_CANCEL_STATE_HPP

// What a blocking call needs of a net::canceller (cancel.hpp): the flag to check before each
// attempt and the socket to watch while it waits. net::timeout points to it, so the syscall
// layer (sys.hpp) and the poller backends never need net::canceller itself.

#include "../config.hpp"
#include "platform.hpp"

#include <atomic>
#include <cstdint>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
struct cancel_state {
    std::atomic<bool> cancelled{false};
    native_handle_type reader = invalid_handle; // readable while cancelled
    native_handle_type writer = invalid_handle; // cancel() sends one byte here
    std::uint64_t id = 0;                       // unique per canceller in the process (poller)

    bool is_cancelled() const noexcept { return cancelled.load(std::memory_order_acquire); }
};
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
