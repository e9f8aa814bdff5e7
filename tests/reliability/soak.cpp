// Soak (Linux): NETSOCK_SOAK_CYCLES (default 100,000) connect/accept/exchange/close cycles over
// loopback leave the process's open descriptor count (entries of /proc/self/fd) exactly where
// it started — checked every 10,000 cycles as well as at the end — and so do the error paths
// (refused and timed-out connects, accept timeouts, a poller, socket pairs, graceful close).
// Prints the figures: cycles, descriptors before/after, seconds, cycles per second.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

using namespace reliability;

namespace {

long soak_cycles() {
    if (const char* v = std::getenv("NETSOCK_SOAK_CYCLES")) {
        char* end = nullptr;
        const long n = std::strtol(v, &end, 10);
        if (end != v && *end == '\0' && n > 0) return n;
    }
    return 100000;
}

} // namespace

TEST_CASE("100,000 connect/accept/close cycles leave the open descriptor count where it started") {
    const long cycles = soak_cycles();
    const int before = open_descriptor_count();
    REQUIRE(before > 0);
    const auto start = steady::now();
    long done = 0;
    std::string failure;
    {
        auto listener = make_listener();
        const auto at = net::local_address(listener);
        const int with_listener = open_descriptor_count();
        CHECK(with_listener == before + 1);
        for (long i = 0; i < cycles && failure.empty(); ++i) {
            auto c = net::try_make_socket(net::family::ipv4);
            if (!c) {
                failure = "make_socket: " + describe(c.error());
                break;
            }
            if (auto r = net::try_connect(*c, at, io_timeout); !r) {
                failure = "connect: " + describe(r.error());
                break;
            }
            auto a = net::try_accept(listener, io_timeout);
            if (!a) {
                failure = "accept: " + describe(a.error());
                break;
            }
            // One byte each way, so both ends really are connected to each other.
            unsigned char byte = static_cast<unsigned char>(i);
            unsigned char back = 0;
            if (!net::try_sendall(*c, net::buffer(&byte, 1), io_timeout) ||
                !net::try_recv_exact(a->socket, net::buffer(&back, 1), io_timeout) || back != byte ||
                !net::try_sendall(a->socket, net::buffer(&back, 1), io_timeout) ||
                !net::try_recv_exact(*c, net::buffer(&byte, 1), io_timeout)) {
                failure = "exchange failed in cycle " + std::to_string(i);
                break;
            }
            // Both close orders: the client first in even cycles, the server first in odd ones.
            if (i % 2 == 0) {
                c->close();
                a->socket.close();
            } else {
                a->socket.close();
                c->close();
            }
            ++done;
            if (done % 10000 == 0) {
                const int now = open_descriptor_count();
                if (now != with_listener)
                    failure = std::to_string(now - with_listener) + " descriptors leaked after " +
                              std::to_string(done) + " cycles";
            }
        }
    }
    const double seconds = seconds_since(start);
    const int after = open_descriptor_count();
    MESSAGE("soak: " << done << " of " << cycles << " cycles in " << seconds << " s ("
                     << static_cast<long>(static_cast<double>(done) / (seconds > 0 ? seconds : 1))
                     << " cycles/s); open descriptors before " << before << ", after " << after);
    std::printf("soak: %ld cycles, %.2f s, descriptors before %d after %d\n", done, seconds, before, after);
    CHECK_MESSAGE(failure.empty(), failure);
    CHECK(done == cycles);
    CHECK(after == before);
}

TEST_CASE("the error paths leak no descriptor either") {
    const int before = open_descriptor_count();
    REQUIRE(before > 0);
    constexpr int rounds = 2000;
    int refused = 0, accept_timeouts = 0, recv_timeouts = 0, graceful = 0, pairs = 0, pollers = 0;
    {
        auto listener = make_listener();
        const auto at = net::local_address(listener);
        auto dead = net::make_socket(net::family::ipv4); // bound, not listening: refuses
        net::bind(dead, net::address::loopback());
        const auto nowhere = net::local_address(dead);
        for (int i = 0; i < rounds; ++i) {
            {
                auto s = net::make_socket(net::family::ipv4);
                auto r = i % 2 ? net::try_connect(s, nowhere) : net::try_connect(s, nowhere, 5s);
                if (!r && r.error() == std::errc::connection_refused) ++refused;
            }
            {
                auto r = net::try_accept(listener, 0ms);
                if (!r && r.error() == std::errc::timed_out) ++accept_timeouts;
            }
            {
                auto pr = net::socket_pair();
                char c;
                auto r = net::try_recv(pr.first, net::buffer(&c, 1), 0ms);
                if (!r && r.error() == std::errc::timed_out) ++recv_timeouts;
                ++pairs;
            }
            {
                auto p = net::poller::try_create();
                if (p) {
                    auto pr = net::socket_pair();
                    p->add(pr.first, net::events::readable);
                    (void)p->wait(0ms);
                    p->remove(pr.first);
                    ++pollers;
                }
            }
            if (i % 10 == 0) {
                auto s = net::create_connection("127.0.0.1", at.port(), 5s);
                auto a = net::accept(listener, io_timeout);
                net::shutdown(s, net::shutdown_type::send);
                if (net::try_graceful_close(a.socket, 5s)) ++graceful;
            }
        }
    }
    const int after = open_descriptor_count();
    CHECK(refused == rounds);
    CHECK(accept_timeouts == rounds);
    CHECK(recv_timeouts == rounds);
    CHECK(pairs == rounds);
    CHECK(pollers == rounds);
    CHECK(graceful == rounds / 10);
    CHECK_MESSAGE(after == before, "open descriptors before " << before << ", after " << after);
}
