#ifndef NETSOCK_TESTS_RELIABILITY_SUPPORT_HPP
#define NETSOCK_TESTS_RELIABILITY_SUPPORT_HPP

// Helpers shared by the reliability tests (tests/reliability/*.cpp): loopback listeners and
// connected pairs on port 0 (those of tests/support/loopback.hpp, with this suite's longer
// timeout), a deterministic byte pattern to detect lost, duplicated or reordered bytes,
// stopwatches, a bounded latch, and the process's open descriptor count. Include after
// <doctest/doctest.h> and <net/net.hpp>.

#include "support/loopback.hpp"

#include <dirent.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <ostream> // doctest prints std::error_code and net::address
#include <string>
#include <system_error>
#include <vector>

namespace reliability {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// Every blocking step of a test is bounded by this (a hang becomes a failure, not a stall).
inline constexpr auto io_timeout = std::chrono::seconds(20);

using netsock_test::describe;

/// The error of a result for a failure message; "ok" for a success.
template <class R> std::string why(const R& r) {
    return r.has_value() ? std::string("ok") : describe(r.error());
}

using netsock_test::seconds_since;

/// Byte i of the test pattern: position-dependent (a lost, duplicated or reordered byte shifts
/// everything after it) and not periodic at any small power of two.
inline unsigned char pattern_byte(std::size_t i) noexcept {
    std::uint32_t x = static_cast<std::uint32_t>(i) * 2654435761u;
    x ^= x >> 15;
    x ^= static_cast<std::uint32_t>(static_cast<std::uint64_t>(i) >> 32) * 40503u;
    return static_cast<unsigned char>(x ^ (x >> 8));
}

inline std::vector<unsigned char> pattern(std::size_t size, std::size_t offset = 0) {
    std::vector<unsigned char> v(size);
    for (std::size_t i = 0; i < size; ++i) v[i] = pattern_byte(offset + i);
    return v;
}

/// The index of the first byte of `got` that differs from the pattern at `offset`, or
/// `got.size()` if all match.
inline std::size_t first_mismatch(const unsigned char* got, std::size_t size, std::size_t offset = 0) {
    for (std::size_t i = 0; i < size; ++i)
        if (got[i] != pattern_byte(offset + i)) return i;
    return size;
}

/// A listening loopback TCP socket of family `f` on a port picked by the OS.
using netsock_test::make_listener;

using tcp_pair = netsock_test::connection;

/// A connected loopback TCP pair (listen first, then connect: no sleeps, no races).
inline tcp_pair connected_pair(net::family f = net::family::ipv4) {
    return netsock_test::connected_pair(f, io_timeout);
}

/// A bounded countdown latch: wait() returns false if the count did not reach zero in time.
class latch {
public:
    explicit latch(int count) : count_(count) {}
    void count_down() {
        std::lock_guard<std::mutex> lock(m_);
        if (--count_ <= 0) cv_.notify_all();
    }
    bool wait(std::chrono::seconds limit) {
        std::unique_lock<std::mutex> lock(m_);
        return cv_.wait_for(lock, limit, [&] { return count_ <= 0; });
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    int count_;
};

/// The number of descriptors open in this process (entries of /proc/self/fd, not counting the
/// directory stream used to read it). -1 if /proc is not available.
inline int open_descriptor_count() {
    DIR* d = ::opendir("/proc/self/fd");
    if (d == nullptr) return -1;
    int n = 0;
    while (const ::dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.') continue;
        ++n;
    }
    ::closedir(d);
    return n - 1; // the DIR's own descriptor
}

} // namespace reliability

#define REQUIRE_OK(expr)                                                                                     \
    do {                                                                                                     \
        const auto& r_ = (expr);                                                                             \
        REQUIRE_MESSAGE(r_.has_value(), #expr " failed: " << ::reliability::why(r_));                        \
    } while (false)
#define CHECK_OK(expr)                                                                                       \
    do {                                                                                                     \
        const auto& r_ = (expr);                                                                             \
        CHECK_MESSAGE(r_.has_value(), #expr " failed: " << ::reliability::why(r_));                          \
    } while (false)

#endif
