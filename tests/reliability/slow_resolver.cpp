// create_connection(host, port) with a deadline or a canceller returns on time even when name
// resolution hangs: the fault hook (NETSOCK_FAULT_INJECTION) holds getaddrinfo until the test
// lets it go, so the resolver is "slow" without any network.
#include <doctest/doctest.h>

#include <net/net.hpp>
// The hook is an implementation detail: compile-once mode keeps it out of <net/net.hpp> (the
// single header, which has no detail/ files, has it inline).
#if !defined(NETSOCK_DETAIL_FAULT_HPP)
#include <net/detail/fault.hpp>
#endif

#include "support.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

namespace {

using namespace std::chrono_literals;
using net::detail::fault::call;
using net::detail::fault::injection;
using netsock_test::describe;

// The hook: while `hold` is set, a getaddrinfo waits until `release` (at most 20 s).
std::mutex gate_mutex;
std::condition_variable gate;
bool hold = false;
bool released = false;
std::atomic<int> entered{0}, left{0};
std::atomic<std::thread::id> resolver_thread{};

injection slow_getaddrinfo(call c) noexcept {
    if (c != call::getaddrinfo) return {};
    resolver_thread.store(std::this_thread::get_id());
    std::unique_lock<std::mutex> lock(gate_mutex);
    if (hold) {
        ++entered;
        gate.notify_all();
        gate.wait_for(lock, 20s, [] { return released; });
        ++left;
    }
    return {};
}

struct slow_resolver {
    slow_resolver() {
        std::lock_guard<std::mutex> lock(gate_mutex);
        hold = true;
        released = false;
        entered = 0;
        left = 0;
        net::detail::fault::set_hook(&slow_getaddrinfo);
    }
    void wait_entered() {
        std::unique_lock<std::mutex> lock(gate_mutex);
        gate.wait_for(lock, 20s, [] { return entered.load() > 0; });
    }
    // Lets the held lookups finish, and waits (bounded) until they have left the hook.
    ~slow_resolver() {
        {
            std::lock_guard<std::mutex> lock(gate_mutex);
            released = true;
            hold = false;
        }
        gate.notify_all();
        const auto start = std::chrono::steady_clock::now();
        while (left.load() < entered.load() && std::chrono::steady_clock::now() - start < 20s)
            std::this_thread::yield();
        // The abandoned thread may still be between the hook and its return: the hook stays
        // installed (it does nothing once released).
    }
};

} // namespace

TEST_CASE("create_connection by name: the timeout covers a resolver that hangs") {
    auto listener = netsock_test::make_listener();
    const auto port = net::local_address(listener).port();
    slow_resolver slow;
    auto r = net::try_create_connection("localhost", port, 200ms);
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error() == std::errc::timed_out, describe(r ? std::error_code{} : r.error()));
    CHECK(entered.load() == 1);                                  // the lookup was under way ...
    CHECK(resolver_thread.load() != std::this_thread::get_id()); // ... on a thread of its own
}

TEST_CASE("create_connection by name: a canceller ends the wait for a hanging resolver") {
    auto listener = netsock_test::make_listener();
    const auto port = net::local_address(listener).port();
    net::canceller stop;
    slow_resolver slow;
    std::error_code outcome;
    {
        netsock_test::joining_thread caller(
            [&] { outcome = net::try_create_connection("localhost", port, stop).error(); });
        slow.wait_entered();
        stop.cancel();
    }
    CHECK_MESSAGE(outcome == std::errc::operation_canceled, describe(outcome));
}

TEST_CASE("create_connection by name with a limit connects once the resolver answers") {
    auto listener = netsock_test::make_listener();
    const auto port = net::local_address(listener).port();
    net::detail::fault::set_hook(&slow_getaddrinfo); // installed, not holding
    auto r = net::try_create_connection("localhost", port, 10s);
    REQUIRE_MESSAGE(r, describe(r ? std::error_code{} : r.error()));
    CHECK(resolver_thread.load() != std::this_thread::get_id());
    auto plain = net::try_create_connection("localhost", port);
    REQUIRE_MESSAGE(plain, describe(plain ? std::error_code{} : plain.error()));
    CHECK(resolver_thread.load() == std::this_thread::get_id()); // no limit: on the caller's thread
    net::detail::fault::set_hook(nullptr);
}
