#ifndef NETSOCK_TIMEOUT_HPP
#define NETSOCK_TIMEOUT_HPP

#include "config.hpp"

#include <chrono>

NETSOCK_BEGIN_NAMESPACE

class canceller; // cancel.hpp
namespace detail {
struct cancel_state; // detail/cancel_state.hpp
}

/// How long a blocking call may wait, and what may cut the wait short. Every blocking function takes one as
/// its last argument, defaulting to `timeout::none()` (wait as long as it takes), and any
/// `std::chrono::duration` converts to it: `net::recv(s, buf, std::chrono::seconds(2))`, `net::accept(l,
/// 300ms)`. Expiry is reported as `std::errc::timed_out`.
///
/// One rule for every call:
/// - zero or negative (or NaN) means "do not wait": the call is tried once;
/// - longer than about a century means `none()`;
/// - anything else is rounded up to whole nanoseconds, so a wait never ends early.
/// The time is measured on `std::chrono::steady_clock` from the start of the call, and is one
/// deadline for the whole call (all of `sendall`, not each piece).
///
/// A timeout can also carry a `net::canceller` (cancel.hpp): `net::recv(s, buf, stop)` or
/// `net::recv(s, buf, {std::chrono::seconds(5), stop})`. The call then fails with
/// `std::errc::operation_canceled` as soon as `stop.cancel()` is called, from another thread
/// or a signal handler. The canceller must outlive the call.
class timeout {
public:
    /// No time limit (the same as `none()`).
    constexpr timeout() noexcept = default;
    template <class Rep, class Period>
    constexpr timeout(std::chrono::duration<Rep, Period> d) noexcept // NOLINT: implicit by design
        : ns_(clamp(d)) {}
    /// No time limit, but `c.cancel()` ends the wait. (Defined in cancel.hpp.)
    timeout(const net::canceller& c) noexcept; // NOLINT: implicit by design
    /// At most `d`, and `c.cancel()` ends the wait sooner.
    template <class Rep, class Period>
    timeout(std::chrono::duration<Rep, Period> d, const net::canceller& c) noexcept : timeout(c) {
        ns_ = clamp(d);
    }

    /// No time limit: wait as long as it takes.
    static constexpr timeout none() noexcept { return timeout(); }
    /// True when there is no time limit (a canceller may still end the wait).
    constexpr bool is_none() const noexcept { return ns_ == never; }
    /// The time allowed; `std::chrono::nanoseconds::max()` for `none()`.
    constexpr std::chrono::nanoseconds duration() const noexcept { return ns_; }
    /// True when a canceller can end the wait.
    constexpr bool has_canceller() const noexcept { return stop_ != nullptr; }
    /// (Internal) what the syscall layer watches of the canceller, or nullptr.
    constexpr const detail::cancel_state* cancel_state() const noexcept { return stop_; }

private:
    static constexpr std::chrono::nanoseconds never = (std::chrono::nanoseconds::max)();
    template <class Rep, class Period>
    static constexpr std::chrono::nanoseconds clamp(std::chrono::duration<Rep, Period> d) noexcept {
        if (!(d > d.zero())) return std::chrono::nanoseconds::zero(); // also NaN
        if (std::chrono::duration<double>(d).count() > 3.0e9) return never;
        return std::chrono::ceil<std::chrono::nanoseconds>(d);
    }

    std::chrono::nanoseconds ns_ = never;
    const detail::cancel_state* stop_ = nullptr;
};

NETSOCK_END_NAMESPACE

#endif
