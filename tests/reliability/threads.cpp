// Threads (also run under ThreadSanitizer by tools/ci/reliability.sh): one reader and one
// writer thread on the same socket, a thread-per-connection echo server with 16 clients served
// at once, and a shutdown from one thread waking a recv blocked in another. Every thread is
// joined; every wait is bounded; synchronisation uses condition variables, never sleeps.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace reliability;

namespace {

// Sends `size` pattern bytes in chunks of varying size (sendall per chunk).
bool send_pattern(const net::socket& s, std::size_t size) {
    std::vector<unsigned char> chunk(256 * 1024);
    std::size_t at = 0, step = 1;
    while (at < size) {
        const std::size_t n = std::min(size - at, (step++ * 7919) % chunk.size() + 1);
        for (std::size_t i = 0; i < n; ++i) chunk[i] = pattern_byte(at + i);
        if (!net::try_sendall(s, net::buffer(chunk.data(), n), io_timeout)) return false;
        at += n;
    }
    return true;
}

// Receives `size` bytes with recv_exact in chunks of varying size and checks the pattern.
// Returns the offset of the first wrong byte, or `size` (all right), or less on an error.
std::size_t recv_pattern(const net::socket& s, std::size_t size) {
    std::vector<unsigned char> chunk(256 * 1024);
    std::size_t at = 0, step = 1;
    while (at < size) {
        const std::size_t n = std::min(size - at, (step++ * 104729) % chunk.size() + 1);
        if (!net::try_recv_exact(s, net::buffer(chunk.data(), n), io_timeout)) return at;
        const std::size_t bad = first_mismatch(chunk.data(), n, at);
        if (bad != n) return at + bad;
        at += n;
    }
    return at;
}

} // namespace

TEST_CASE("one reader and one writer thread on each end of a connection move 16 MiB each way at once") {
    auto p = connected_pair();
    constexpr std::size_t size = 16 * 1024 * 1024;
    std::atomic<bool> a_sent{false}, b_sent{false};
    std::atomic<std::size_t> a_got{0}, b_got{0};
    // Four threads, two per socket: a writer and a reader share the same net::socket.
    std::thread a_writer([&] { a_sent = send_pattern(p.client, size); });
    std::thread a_reader([&] { a_got = recv_pattern(p.client, size); });
    std::thread b_writer([&] { b_sent = send_pattern(p.server, size); });
    std::thread b_reader([&] { b_got = recv_pattern(p.server, size); });
    a_writer.join();
    a_reader.join();
    b_writer.join();
    b_reader.join();
    CHECK(a_sent.load());
    CHECK(b_sent.load());
    CHECK_MESSAGE(a_got.load() == size, "client stream wrong or short at byte " << a_got.load());
    CHECK_MESSAGE(b_got.load() == size, "server stream wrong or short at byte " << b_got.load());
}

TEST_CASE("a thread-per-connection echo server serves 16 clients at the same time") {
    constexpr int clients = 16;
    auto listener = make_listener();
    const auto at = net::local_address(listener);
    std::atomic<bool> stop{false};
    std::atomic<int> accepted{0};
    std::atomic<int> server_errors{0};

    // The server: an accept loop (timed, so it sees `stop`) handing each connection to a thread.
    std::thread server([&] {
        std::list<std::thread> workers;
        const auto start = steady::now();
        while (!stop.load() && seconds_since(start) < 60.0) {
            auto a = net::try_accept(listener, 100ms);
            if (!a) {
                if (a.error() != std::errc::timed_out) ++server_errors;
                continue;
            }
            ++accepted;
            workers.emplace_back([conn = std::move(a->socket), &server_errors]() mutable {
                char buf[4096];
                for (;;) {
                    auto n = net::try_recv(conn, net::buffer(buf), io_timeout);
                    if (!n) {
                        ++server_errors;
                        break;
                    }
                    if (*n == 0) break;
                    if (!net::try_sendall(conn, net::buffer(buf, *n), io_timeout)) {
                        ++server_errors;
                        break;
                    }
                }
                (void)net::try_shutdown(conn, net::shutdown_type::send);
            });
        }
        for (auto& w : workers) w.join();
    });

    // Each client: connect, one echo, then wait until ALL clients have had their first echo
    // (only a server that serves them concurrently gets there), then 256 KiB more and EOF.
    latch first_echo(clients);
    std::atomic<int> ok{0};
    std::vector<std::string> failures(clients);
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            std::string& failure = failures[static_cast<std::size_t>(i)];
            auto s = net::try_make_socket(net::family::ipv4);
            if (!s || !net::try_connect(*s, at, io_timeout)) {
                failure = "connect failed";
                first_echo.count_down();
                return;
            }
            const std::string hello = "hello from client " + std::to_string(i);
            std::string back(hello.size(), '\0');
            if (!net::try_sendall(*s, net::buffer(hello), io_timeout) ||
                !net::try_recv_exact(*s, net::buffer(back), io_timeout) || back != hello) {
                failure = "first echo failed";
                first_echo.count_down();
                return;
            }
            first_echo.count_down();
            if (!first_echo.wait(io_timeout)) {
                failure = "not every client got its first echo while all were connected";
                return;
            }
            std::thread tx([&] {
                (void)send_pattern(*s, 256 * 1024);
                (void)net::try_shutdown(*s, net::shutdown_type::send);
            });
            const std::size_t got = recv_pattern(*s, 256 * 1024);
            tx.join();
            char extra;
            auto end = net::try_recv(*s, net::buffer(&extra, 1), io_timeout);
            if (got != 256 * 1024) failure = "echo wrong at byte " + std::to_string(got);
            else if (!end || *end != 0) failure = "no EOF after the echo";
            else ++ok;
        });
    }
    for (auto& t : threads) t.join();
    stop = true;
    server.join();
    for (int i = 0; i < clients; ++i)
        CHECK_MESSAGE(failures[static_cast<std::size_t>(i)].empty(),
                      "client " << i << ": " << failures[static_cast<std::size_t>(i)]);
    CHECK(ok.load() == clients);
    CHECK(accepted.load() == clients);
    CHECK(server_errors.load() == 0);
}

TEST_CASE("a shutdown from another thread wakes a thread blocked in recv") {
    auto p = connected_pair();
    std::atomic<int> state{0}; // 1: about to block, 2: returned
    net::result<std::size_t> r = net::detail::fail(std::errc::not_connected);
    std::mutex m;
    std::condition_variable cv;
    std::thread blocked([&] {
        {
            std::lock_guard<std::mutex> lock(m);
            state = 1;
        }
        cv.notify_all();
        char c;
        r = net::try_recv(p.client, net::buffer(&c, 1)); // blocking, no timeout
        state = 2;
    });
    {
        std::unique_lock<std::mutex> lock(m);
        REQUIRE(cv.wait_for(lock, io_timeout, [&] { return state.load() >= 1; }));
    }
    // Whether the thread is already inside recv or not, the shutdown ends it: recv returns 0.
    const auto start = steady::now();
    net::shutdown(p.client, net::shutdown_type::both);
    blocked.join();
    CHECK(seconds_since(start) < 5.0);
    REQUIRE_OK(r);
    CHECK(*r == 0);
}
