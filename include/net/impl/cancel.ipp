#ifndef NETSOCK_IMPL_CANCEL_IPP
#define NETSOCK_IMPL_CANCEL_IPP

// Definitions for cancel.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. The canceller is a connected socket pair, both ends
// non-blocking: cancel() sends one byte, so the reading end stays readable (for every poll()
// that watches it) until reset() drains it.

#include "../cancel.hpp"
#include "../detail/sys.hpp"
#include "../ops.hpp"

#include <atomic>
#include <cstdint>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

static_assert(std::atomic<bool>::is_always_lock_free, "cancel() must be async-signal-safe");

namespace detail {
inline std::uint64_t next_canceller_id() noexcept {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}
} // namespace detail

canceller::canceller() {
    if (auto r = open(); !r) detail::throw_error(r.error(), "canceller");
}

result<canceller> canceller::try_create() noexcept {
    canceller c{tag{}};
    if (auto r = c.open(); !r) return detail::fail(r.error());
    return c;
}

result<void> canceller::open() noexcept {
    auto pair = try_socket_pair(socket_type::stream);
    if (!pair) return detail::fail(pair.error());
    for (const socket* s : {&pair->first, &pair->second}) {
        if (auto ec = detail::sys::set_nonblocking(s->native_handle(), true)) return detail::fail(ec);
        // Where the pair is loopback TCP (Windows), the byte of a cancel must not wait for Nagle
        // (a cancel right after a reset() would else arrive late, after reset() drained). The
        // option fails on a Unix socketpair, which needs none.
        (void)detail::sys::set_int_option(s->native_handle(), IPPROTO_TCP, TCP_NODELAY, 1);
    }
    state_.reader = pair->first.release();
    state_.writer = pair->second.release();
    state_.id = detail::next_canceller_id();
    return {};
}

canceller::canceller(canceller&& other) noexcept { *this = std::move(other); }

canceller& canceller::operator=(canceller&& other) noexcept {
    if (this != &other) {
        close();
        state_.cancelled.store(other.state_.is_cancelled(), std::memory_order_release);
        state_.reader = std::exchange(other.state_.reader, invalid_handle);
        state_.writer = std::exchange(other.state_.writer, invalid_handle);
        state_.id = std::exchange(other.state_.id, 0);
    }
    return *this;
}

canceller::~canceller() { close(); }

void canceller::close() noexcept {
    for (native_handle_type* h : {&state_.reader, &state_.writer})
        if (*h != invalid_handle) (void)detail::sys::close(std::exchange(*h, invalid_handle));
}

void canceller::cancel() noexcept {
    // The flag first: a call that sees the byte (or starts later) sees the flag too.
    if (!state_.cancelled.exchange(true, std::memory_order_acq_rel) && state_.writer != invalid_handle)
        detail::sys::wake(state_.writer);
}

void canceller::reset() noexcept {
    if (state_.reader != invalid_handle) detail::sys::drain(state_.reader);
    state_.cancelled.store(false, std::memory_order_release);
}

NETSOCK_END_NAMESPACE

#endif
