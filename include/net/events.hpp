#ifndef NETSOCK_EVENTS_HPP
#define NETSOCK_EVENTS_HPP

// Readiness events: what `net::wait` waits for and what `net::poller` reports.

#include "config.hpp"
#include "detail/platform.hpp"

NETSOCK_BEGIN_NAMESPACE

/// Readiness events for `net::wait` and `net::poller` (a bit set).
enum class events : unsigned {
    none = 0,
    readable = 1, ///< data (or EOF, or a pending connection) to read/accept
    writable = 2, ///< send would not block; a connect finished
    error = 4,    ///< an error is pending on the socket (reported only, never requested)
    hangup = 8,   ///< the peer hung up (reported only, never requested)
};
constexpr events operator|(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr events operator&(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr events& operator|=(events& a, events b) noexcept { return a = a | b; }
/// True if `set` contains any event of `which`.
constexpr bool has(events set, events which) noexcept { return (set & which) != events::none; }

/// One ready socket reported by `net::poller::wait`.
struct poll_event {
    native_handle_type handle = invalid_handle; ///< the socket's native handle
    events what = events::none;                 ///< readable / writable / error / hangup
    void* data = nullptr;                       ///< the user data given to add/modify
};

NETSOCK_END_NAMESPACE

#endif
