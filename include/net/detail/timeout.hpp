#ifndef NETSOCK_DETAIL_TIMEOUT_HPP
#define NETSOCK_DETAIL_TIMEOUT_HPP

// How a caller's std::chrono timeout crosses into the compiled part of netsock: every timed
// template converts its duration here and calls one non-template function taking nanoseconds,
// so the implementation can be compiled once (NETSOCK_SEPARATE_COMPILATION).

#include <chrono>

namespace net::detail {

// Negative and zero timeouts are zero (poll once). Timeouts longer than about a century (or
// that do not fit in nanoseconds) are nanoseconds::max(), which deadline::after treats as
// "never". Anything else is rounded up, so a wait never ends early.
template <class Rep, class Period>
constexpr std::chrono::nanoseconds to_nanoseconds(std::chrono::duration<Rep, Period> t) noexcept {
    if (!(t > t.zero())) return std::chrono::nanoseconds::zero(); // also NaN
    if (std::chrono::duration<double>(t).count() > 3.0e9) return (std::chrono::nanoseconds::max)();
    return std::chrono::ceil<std::chrono::nanoseconds>(t);
}

} // namespace net::detail

#endif
