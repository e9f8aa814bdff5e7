// POSIX-only checks of net::poller: waits that signals interrupt (EINTR: the wait must go on
// with the time left), 5,000 simultaneous connections with descriptors far above FD_SETSIZE
// (1024: FD_SET on a larger descriptor writes past the fd_set), and the exact backend per OS.
// Built twice like poller.cpp: platform backend and NETSOCK_POLLER_POLL.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr auto io_timeout = 10s;

// Failure messages, stopwatch, 127.0.0.1 listeners and pairs (tests/support/loopback.hpp).
using netsock_test::connected_pair;
using netsock_test::describe;
using netsock_test::make_listener;
using netsock_test::ms_since;

// ---------------------------------------------------------------------------------------------
// SIGALRM every `interval`, with a handler installed WITHOUT SA_RESTART, so every blocking call
// in this thread fails with EINTR. Restores the timer and the previous handler on scope exit.
std::atomic<int> alarms{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free counter");
extern "C" void on_alarm(int) { alarms.fetch_add(1, std::memory_order_relaxed); }

class alarm_storm {
public:
    explicit alarm_storm(std::chrono::microseconds interval) {
        alarms.store(0);
        struct sigaction sa {};
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; // no SA_RESTART: interrupted calls fail with EINTR
        REQUIRE(::sigaction(SIGALRM, &sa, &old_action_) == 0);
        itimerval it{};
        it.it_interval.tv_sec = static_cast<time_t>(interval.count() / 1000000);
        it.it_interval.tv_usec = static_cast<suseconds_t>(interval.count() % 1000000);
        it.it_value = it.it_interval;
        REQUIRE(::setitimer(ITIMER_REAL, &it, &old_timer_) == 0);
    }
    alarm_storm(const alarm_storm&) = delete;
    alarm_storm& operator=(const alarm_storm&) = delete;
    ~alarm_storm() {
        itimerval off{};
        ::setitimer(ITIMER_REAL, &off, nullptr);
        ::sigaction(SIGALRM, &old_action_, nullptr);
        ::setitimer(ITIMER_REAL, &old_timer_, nullptr);
    }

private:
    struct sigaction old_action_ {};
    itimerval old_timer_{};
};

// Blocks SIGALRM in the calling thread (for helper threads: the signals must hit the waiter).
void block_alarm_in_this_thread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// ---------------------------------------------------------------------------------------------
// Raises the soft RLIMIT_NOFILE to `wanted` for the scope (if the hard limit allows).
class fd_limit {
public:
    explicit fd_limit(rlim_t wanted) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &old_) == 0);
        if (old_.rlim_cur != RLIM_INFINITY && old_.rlim_cur >= wanted) {
            ok_ = true;
            return;
        }
        if (old_.rlim_cur == RLIM_INFINITY) {
            ok_ = true;
            return;
        }
        if (old_.rlim_max != RLIM_INFINITY && old_.rlim_max < wanted) return;
        rlimit raised = old_;
        raised.rlim_cur = wanted;
        ok_ = ::setrlimit(RLIMIT_NOFILE, &raised) == 0;
        changed_ = ok_;
    }
    fd_limit(const fd_limit&) = delete;
    fd_limit& operator=(const fd_limit&) = delete;
    ~fd_limit() {
        if (changed_) ::setrlimit(RLIMIT_NOFILE, &old_);
    }
    bool ok() const noexcept { return ok_; }
    rlim_t soft() const noexcept { return old_.rlim_cur; }
    rlim_t hard() const noexcept { return old_.rlim_max; }

private:
    rlimit old_{};
    bool ok_ = false;
    bool changed_ = false;
};

} // namespace

#define REQUIRE_OK(expr)                                                                                     \
    do {                                                                                                     \
        const auto& r_ = (expr);                                                                             \
        REQUIRE_MESSAGE(r_.has_value(),                                                                      \
                        #expr " failed: " << (r_ ? std::string("-") : describe(r_.error())));                \
    } while (false)

// ---------------------------------------------------------------------------------------------
// Backend per OS

// At compile time too, so that the macOS cross build (tools/test-cross.sh), which cannot run
// this test, proves that it compiled the kqueue backend.
#if !defined(NETSOCK_POLLER_POLL)
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
static_assert(std::string_view(net::poller::backend_name()) == "kqueue", "kqueue on macOS and BSD");
#elif defined(__linux__)
static_assert(std::string_view(net::poller::backend_name()) == "epoll", "epoll on Linux");
#endif
#endif

TEST_CASE("the poller uses epoll on Linux, kqueue on macOS and the BSDs, and poll when forced") {
    utsname u{};
    REQUIRE(::uname(&u) == 0);
    const std::string os = u.sysname;
    const std::string name = net::poller::backend_name();
    CAPTURE(os);
    CAPTURE(name);
#ifdef NETSOCK_POLLER_POLL
    CHECK(name == "poll");
#else
    if (os == "Linux") {
        CHECK(name == "epoll");
    } else if (os == "Darwin" || os.find("BSD") != std::string::npos || os == "DragonFly") {
        CHECK(name == "kqueue");
    } else {
        MESSAGE("no expectation for " << os << "; backend is " << name);
        CHECK((name == "poll" || name == "epoll" || name == "kqueue"));
    }
#endif
}

// ---------------------------------------------------------------------------------------------
// Signals (EINTR)

TEST_CASE("signals without SA_RESTART neither fail a wait nor end it before its timeout") {
    auto c = connected_pair();
    net::poller p;
    bool watch_something = true;
    SUBCASE("a quiet socket") { watch_something = true; }
    SUBCASE("an empty poller") { watch_something = false; }
    CAPTURE(watch_something);
    if (watch_something) p.add(c.server, net::events::readable);

    alarm_storm storm(10ms);
    const auto start = clock_type::now();
    auto r = p.try_wait(300ms);
    const double elapsed = ms_since(start);
    const int fired = alarms.load();
    REQUIRE_OK(r);
    CHECK(r->empty());
    CHECK_MESSAGE(elapsed >= 300.0, "the wait returned after " << elapsed << " ms");
    CHECK(elapsed < 5000.0);
    CHECK_MESSAGE(fired >= 5, "only " << fired << " SIGALRMs arrived during the wait");

    // The throwing face too.
    const auto start2 = clock_type::now();
    CHECK(p.wait(150ms).empty());
    CHECK(ms_since(start2) >= 150.0);
}

TEST_CASE("a wait interrupted by signals still returns the event that arrives during it") {
    auto c = connected_pair();
    net::poller p;
    p.add(c.server, net::events::readable);

    alarm_storm storm(5ms);
    std::atomic<bool> sent{false};
    std::thread sender([&] {
        block_alarm_in_this_thread(); // the signals must interrupt the waiting thread
        // Send once the waiter has been interrupted a few times (bounded: 5 s at most).
        const auto start = clock_type::now();
        while (alarms.load() < 10 && clock_type::now() - start < 5s) std::this_thread::yield();
        const char byte = 'x';
        sent = net::try_send(c.client, net::buffer(&byte, 1)).has_value();
    });
    const auto start = clock_type::now();
    std::vector<net::poll_event> evs;
    for (int i = 0; i < 100 && evs.empty() && clock_type::now() - start < io_timeout; ++i) {
        auto r = p.try_wait(io_timeout);
        if (!r) {
            FAIL_CHECK("wait failed: " << describe(r.error()));
            break;
        }
        for (const auto& ev : *r) evs.push_back(ev);
    }
    sender.join();
    REQUIRE(sent.load());
    CHECK(alarms.load() >= 10);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].handle == c.server.native_handle());
    CHECK(net::has(evs[0].what, net::events::readable));
}

// ---------------------------------------------------------------------------------------------
// Many connections (descriptors far above FD_SETSIZE = 1024, which select() cannot watch)

TEST_CASE("a poller reports each of 5,000 connections readable and every byte is read") {
    constexpr std::size_t n = 5000;
    fd_limit limit(2 * n + 200);
    if (!limit.ok()) {
        MESSAGE("skipped: RLIMIT_NOFILE hard limit " << limit.hard() << " is below the " << 2 * n + 200
                                                     << " descriptors this test needs");
        return;
    }
    const auto start = clock_type::now();
    const auto deadline = start + 90s;

    auto listener = make_listener();
    net::set_nonblocking(listener);
    const auto to = net::local_address(listener);
    net::poller p(1024);
    int listener_tag = 0;
    p.add(listener, net::events::readable, &listener_tag);

    std::vector<net::socket> clients;
    std::vector<net::socket> servers;
    clients.reserve(n);
    servers.reserve(n); // no reallocation: event data points at these sockets
    // Connect in steps that never overflow even a small listen backlog; accept through the
    // poller, until would-block on each readable event.
    constexpr std::size_t in_flight = 64;
    for (int round = 0; round < 100000 && servers.size() < n && clock_type::now() < deadline; ++round) {
        while (clients.size() < n && clients.size() - servers.size() < in_flight) {
            clients.push_back(net::make_socket(net::family::ipv4));
            REQUIRE_OK(net::try_connect(clients.back(), to, io_timeout));
        }
        for (const auto& ev : p.wait(io_timeout)) {
            REQUIRE(ev.data == &listener_tag);
            for (int i = 0; i < 10000; ++i) {
                auto a = net::try_accept(listener);
                if (!a) {
                    REQUIRE_MESSAGE(net::is_would_block(a.error()), "accept: " << describe(a.error()));
                    break;
                }
                servers.push_back(std::move(a->socket));
            }
        }
    }
    REQUIRE(servers.size() == n);
    const double connect_ms = ms_since(start);
    CHECK(servers.back().native_handle() > 1024); // far above FD_SETSIZE

    for (auto& s : servers) p.add(s, net::events::readable, &s);
    CHECK(p.size() == n + 1);
    CHECK(p.wait(0ms).empty()); // nothing sent yet: no spurious readiness

    for (std::size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<unsigned char>(i % 251);
        REQUIRE(net::send(clients[i], net::buffer(&byte, 1)) == 1);
    }
    // The clients were connected in order and accepted in order, but the check does not rely
    // on it: each server socket is matched to its client by the peer address.
    std::vector<std::size_t> client_of(n, n);
    {
        std::vector<std::pair<net::address, std::size_t>> by_addr;
        by_addr.reserve(n);
        for (std::size_t i = 0; i < n; ++i) by_addr.emplace_back(net::local_address(clients[i]), i);
        std::sort(by_addr.begin(), by_addr.end());
        for (std::size_t j = 0; j < n; ++j) {
            const auto peer = net::peer_address(servers[j]);
            auto it = std::lower_bound(by_addr.begin(), by_addr.end(), std::make_pair(peer, std::size_t{0}));
            REQUIRE(it != by_addr.end());
            REQUIRE(it->first == peer);
            client_of[j] = it->second;
        }
    }

    const auto read_start = clock_type::now();
    std::vector<bool> seen(n, false);
    std::size_t read = 0, waits = 0, mismatched = 0;
    while (read < n && waits < 100000 && clock_type::now() < deadline) {
        ++waits;
        for (const auto& ev : p.wait(io_timeout)) {
            REQUIRE(ev.data != nullptr);
            REQUIRE(ev.data != &listener_tag);
            auto* s = static_cast<net::socket*>(ev.data);
            REQUIRE(s->native_handle() == ev.handle);
            const auto j = static_cast<std::size_t>(s - servers.data());
            REQUIRE(j < n);
            REQUIRE_FALSE(seen[j]);
            unsigned char byte = 0;
            REQUIRE(net::recv(*s, net::buffer(&byte, 1), io_timeout) == 1);
            if (byte != static_cast<unsigned char>(client_of[j] % 251)) ++mismatched;
            seen[j] = true;
            ++read;
            p.remove(*s);
        }
    }
    const double read_ms = ms_since(read_start);
    MESSAGE(std::string(net::poller::backend_name())
            << ": 5,000 connections set up in " << connect_ms << " ms, all " << read << " bytes read in "
            << waits << " waits, " << read_ms << " ms");
    CHECK(read == n);
    CHECK(mismatched == 0);
    CHECK(p.size() == 1);
    CHECK(p.wait(0ms).empty());
}
