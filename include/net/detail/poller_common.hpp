#ifndef NETSOCK_DETAIL_POLLER_COMMON_HPP
#define NETSOCK_DETAIL_POLLER_COMMON_HPP

// What every poller backend shares: the ready-event record and the buffer it fills.

#include "../ops.hpp"
#include "platform.hpp"

#include <cstddef>
#include <vector>

namespace net {

/// One ready socket reported by `net::poller::wait`.
struct poll_event {
    native_handle_type handle = invalid_handle; ///< the socket's native handle
    events what = events::none;                 ///< readable / writable / error / hangup
    void* data = nullptr;                       ///< the user data given to add/modify
};

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
    void forget(native_handle_type h) noexcept {
        for (std::size_t i = 0; i < size_; ++i)
            if (items_[i].handle == h) items_[i].handle = invalid_handle;
    }
    void update(native_handle_type h, void* data) noexcept {
        for (std::size_t i = 0; i < size_; ++i)
            if (items_[i].handle == h) items_[i].data = data;
    }
    const poll_event* begin() const noexcept { return items_.data(); }
    const poll_event* end() const noexcept { return items_.data() + size_; }

private:
    std::vector<poll_event> items_;
    std::size_t size_ = 0;
};

inline std::error_code poller_error(std::errc e) noexcept { return std::make_error_code(e); }
} // namespace detail
} // namespace net

#endif
