#ifndef NETSOCK_TESTS_RELIABILITY_FAULT_PLAN_HPP
#define NETSOCK_TESTS_RELIABILITY_FAULT_PLAN_HPP

// A scripted fault plan for netsock's fault-injection hook (include/net/detail/fault.hpp; the
// test must be built with NETSOCK_FAULT_INJECTION). The hook is process-wide, but a plan is
// armed for ONE thread: peer threads in the same test (readers, writers, servers) run on real,
// unfaulted calls, so whatever they observe is the truth about what went over the wire.
//
//   reliability::fault::plan p;
//   p.on(call::send).fail(EINTR, 1000);        // the next 1,000 sends fail with EINTR
//   p.on(call::recv).cap(1);                   // every recv reads at most one byte
//   reliability::fault::armed guard(p);        // this thread only, until scope exit
//
// Counters are atomics so that another thread may watch a plan's progress.

#include <net/net.hpp>
// The hook is an implementation detail: compile-once mode keeps it out of <net/net.hpp> (the
// single header, which has no detail/ files, is header-only in the suite and has it inline).
#if !defined(NETSOCK_DETAIL_FAULT_HPP)
#include <net/detail/fault.hpp>
#endif

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#if !defined(NETSOCK_FAULT_INJECTION)
#error "fault_plan.hpp needs a build with NETSOCK_FAULT_INJECTION defined"
#endif

namespace reliability::fault {

using net::detail::fault::call;
using net::detail::fault::injection;
using clock_type = std::chrono::steady_clock;

inline constexpr std::size_t call_kinds = 9; // send, recv, sendto, recvfrom, accept, connect, poll,
                                             // close, getaddrinfo
inline constexpr std::size_t unlimited_bytes = static_cast<std::size_t>(-1);

/// What happens to one kind of call. Order of evaluation per call: after `stop_at` nothing is
/// injected; else `skip` calls pass; else while `errors` remain (-1: endless) the call fails
/// with `error` (with `alternate`, only every other call: error, real call, error, ...); else,
/// with `error_percent`, a random share of calls fails. Calls that pass are capped at
/// `max_bytes`, or at a random 1..`random_cap` bytes.
class script {
public:
    /// The next `count` calls (after any skipped ones) fail with `error`; -1 = endlessly.
    script& fail(int error, long count = 1) {
        error_ = error;
        errors_.store(count);
        return *this;
    }
    /// Lets `count` calls through before the errors start.
    script& after(long count) {
        skip_.store(count);
        return *this;
    }
    /// Errors only on every other call (the real call runs in between).
    script& alternating() {
        alternate_ = true;
        return *this;
    }
    /// A random `percent` of the calls fail with `error`, or with `other` (half of them) if
    /// given (after the counted errors, if any).
    script& randomly(unsigned percent, int error, int other = 0) {
        random_errors_[0] = error;
        random_errors_[1] = other != 0 ? other : error;
        error_percent_ = percent;
        return *this;
    }
    /// Calls that pass move at most `bytes` bytes (send and recv only).
    script& cap(std::size_t bytes) {
        max_bytes_ = bytes;
        return *this;
    }
    /// Calls that pass move a random 1..`bytes` bytes.
    script& random_cap(std::size_t bytes) {
        random_cap_ = bytes;
        return *this;
    }
    /// Safety valve for tests that must be able to fail without hanging: nothing is injected
    /// once `t` has passed.
    script& until(clock_type::time_point t) {
        stop_at_ = t;
        return *this;
    }

    long calls() const noexcept { return calls_.load(); }
    long injected() const noexcept { return injected_.load(); }

    injection next(std::uint32_t& rng) noexcept {
        calls_.fetch_add(1);
        injection r;
        r.max_bytes = max_bytes_;
        if (random_cap_ != 0) r.max_bytes = 1 + random(rng) % random_cap_;
        if (stop_at_ != clock_type::time_point::max() && clock_type::now() >= stop_at_) return r;
        if (skip_.load() > 0) {
            skip_.fetch_sub(1);
            return r;
        }
        if (const long left = errors_.load(); left != 0) {
            if (alternate_ && (toggle_ ^= 1) == 0) return r;
            if (left > 0) errors_.fetch_sub(1);
            injected_.fetch_add(1);
            r.error = error_;
            return r;
        }
        if (error_percent_ != 0 && random(rng) % 100 < error_percent_) {
            injected_.fetch_add(1);
            r.error = random_errors_[random(rng) & 1u];
        }
        return r;
    }

private:
    static std::uint32_t random(std::uint32_t& x) noexcept { // xorshift32
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return x;
    }

    int error_ = 0;
    std::atomic<long> errors_{0};
    std::atomic<long> skip_{0};
    bool alternate_ = false;
    unsigned toggle_ = 0;
    int random_errors_[2] = {0, 0};
    unsigned error_percent_ = 0;
    std::size_t max_bytes_ = unlimited_bytes;
    std::size_t random_cap_ = 0;
    clock_type::time_point stop_at_ = clock_type::time_point::max();
    std::atomic<long> calls_{0};
    std::atomic<long> injected_{0};
};

/// One script per kind of call.
class plan {
public:
    explicit plan(std::uint32_t seed = 0x2545f491u) noexcept : rng_(seed == 0 ? 1 : seed) {}
    plan(const plan&) = delete;
    plan& operator=(const plan&) = delete;

    script& on(call c) noexcept { return scripts_[static_cast<std::size_t>(c)]; }
    const script& on(call c) const noexcept { return scripts_[static_cast<std::size_t>(c)]; }
    injection next(call c) noexcept { return on(c).next(rng_); }

private:
    std::array<script, call_kinds> scripts_;
    std::uint32_t rng_;
};

/// The plan of the calling thread (none: every call is real).
inline thread_local plan* active_plan = nullptr;

inline injection hook(call c) noexcept { return active_plan != nullptr ? active_plan->next(c) : injection{}; }

/// Arms `p` for the calling thread until the end of the scope.
class armed {
public:
    explicit armed(plan& p) noexcept : previous_(active_plan) {
        net::detail::fault::set_hook(&hook);
        active_plan = &p;
    }
    armed(const armed&) = delete;
    armed& operator=(const armed&) = delete;
    ~armed() { active_plan = previous_; }

private:
    plan* previous_;
};

} // namespace reliability::fault

#endif
