// poller::wake: another thread ends a wait at once (eventfd on Linux, EVFILT_USER on kqueue, a
// socket pair under poll/WSAPoll). Also built with NETSOCK_POLLER_POLL (unit.poller_wake.poll)
// and under ThreadSanitizer (reliability.poller_wake, reliability.poller_wake.poll).

#include "support/loopback.hpp"

#include <net/net.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using netsock_test::seconds_since;

namespace {
using steady = std::chrono::steady_clock;
}

TEST_CASE("a wake before the wait makes the next wait return at once, with nothing ready") {
    net::poller p;
    p.wake();
    const auto start = steady::now();
    auto ready = p.try_wait(); // no timeout, no socket: only the wake can end it
    REQUIRE(ready);
    CHECK(ready->empty());
    CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("wake-ups coalesce: many wakes end one wait, the next one waits its timeout") {
    net::poller p;
    for (int i = 0; i < 10000; ++i) p.wake();
    auto first = p.try_wait(10s);
    REQUIRE(first);
    CHECK(first->empty());
    const auto start = steady::now();
    auto second = p.try_wait(60ms);
    REQUIRE(second);
    CHECK(second->empty());
    CHECK(seconds_since(start) >= 0.05); // drained: the wait really waited
}

TEST_CASE("a wake from another thread ends a wait without a timeout") {
    net::poller p;
    std::atomic<bool> waiting{false};
    std::thread waker([&] {
        // Until the main thread is about to wait (either order ends the wait: a wake before it
        // is remembered); bounded.
        for (int i = 0; i < 1000000 && !waiting.load(); ++i) std::this_thread::yield();
        p.wake();
    });
    waiting.store(true);
    const auto start = steady::now();
    auto ready = p.try_wait();
    waker.join();
    REQUIRE(ready);
    CHECK(ready->empty());
    CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("a wake returns the events that are ready too, and does not hide later ones") {
    net::poller p;
    auto c = netsock_test::connected_pair();
    net::set_nonblocking(c.server);
    int tag = 0;
    p.add(c.server, net::events::readable, &tag);
    REQUIRE(net::sendall(c.client, "x") == 1);
    p.wake();
    // The readable socket comes with (or right after) the wake-up, never lost.
    std::size_t seen = 0;
    for (int i = 0; i < 3 && seen == 0; ++i)
        for (const auto& ev : p.wait(netsock_test::loopback_timeout)) {
            CHECK(ev.data == &tag);
            ++seen;
        }
    CHECK(seen == 1);
    // Still level-triggered after a wake.
    auto again = p.wait(netsock_test::loopback_timeout);
    CHECK(again.size() == 1);
}

TEST_CASE("a wake does not cancel: a wait with a canceller still reports the canceller's cancel") {
    net::poller p;
    net::canceller stop;
    p.wake();
    auto woken = p.try_wait(net::timeout(10s, stop));
    REQUIRE(woken);
    CHECK(woken->empty());
    stop.cancel();
    auto cancelled = p.try_wait(net::timeout(10s, stop));
    REQUIRE_FALSE(cancelled);
    CHECK(cancelled.error() == std::errc::operation_canceled);
}

TEST_CASE("4 threads post 100,000 items through wake(); the poller's thread takes every one") {
    net::poller p;
    std::mutex m;
    std::vector<int> queue;
    constexpr int threads = 4, per_thread = 25000;
    std::atomic<int> running{threads};
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t)
        posters.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                {
                    std::lock_guard<std::mutex> lock(m);
                    queue.push_back(t * per_thread + i);
                }
                p.wake();
            }
            running.fetch_sub(1);
            p.wake();
        });
    std::vector<char> seen(threads * per_thread, 0);
    std::size_t taken = 0, waits = 0, duplicates = 0, out_of_range = 0;
    std::vector<int> batch;
    const auto start = steady::now();
    while (taken < seen.size() && seconds_since(start) < 60.0) {
        auto ready = p.try_wait(1s); // bounded: a lost wake-up would show as a slow test, not a hang
        REQUIRE(ready);
        ++waits;
        {
            std::lock_guard<std::mutex> lock(m);
            batch.swap(queue);
        }
        for (int item : batch) {
            if (item < 0 || static_cast<std::size_t>(item) >= seen.size()) {
                ++out_of_range;
                continue;
            }
            duplicates += seen[static_cast<std::size_t>(item)];
            seen[static_cast<std::size_t>(item)] = 1;
        }
        taken += batch.size();
        batch.clear();
    }
    for (auto& th : posters) th.join();
    CHECK(taken == seen.size());
    CHECK(duplicates == 0);
    CHECK(out_of_range == 0);
    CHECK(running.load() == 0);
    MESSAGE(taken << " items in " << waits << " waits (" << std::string(net::poller::backend_name()) << ")");
}

TEST_CASE("a moved-from poller fails a wait without a timeout rather than hang") {
    net::poller a;
    net::poller b(std::move(a));
    auto r = a.try_wait(); // NOLINT(bugprone-use-after-move): the documented moved-from state
    CHECK_FALSE(r);
    a.wake(); // a no-op
}

TEST_CASE("a moved poller keeps its wake-up") {
    net::poller a;
    net::poller b(std::move(a));
    b.wake();
    auto ready = b.try_wait(10s);
    REQUIRE(ready);
    CHECK(ready->empty());
    auto made = net::poller::try_create();
    REQUIRE(made);
    net::poller c = std::move(*made);
    c.wake();
    const auto start = steady::now();
    REQUIRE(c.try_wait(10s));
    CHECK(seconds_since(start) < 5.0);
}
