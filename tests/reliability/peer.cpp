// Peer misbehaviour over real loopback TCP: a peer that resets mid-transfer (SO_LINGER {on, 0}),
// half-closes, never reads, sends more than asked for, or vanishes before we accept. What must
// hold: the process survives (SIGPIPE is left at its default action here, so a send without
// MSG_NOSIGNAL would kill the test), the errors are the documented ones, partial counts are
// exact, and nothing blocks past its timeout.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support.hpp"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace reliability;

namespace {

constexpr std::size_t one_mib = 1024 * 1024;

// SIGPIPE at its default action (terminate) for the whole test program: the library must never
// raise it. Restored at exit.
struct sigpipe_default {
    struct sigaction saved {};
    sigpipe_default() {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        ::sigaction(SIGPIPE, &dfl, &saved);
    }
    ~sigpipe_default() { ::sigaction(SIGPIPE, &saved, nullptr); }
};
const sigpipe_default sigpipe_guard;

bool is_peer_gone(const std::error_code& ec) {
    return ec == std::errc::connection_reset || ec == std::errc::broken_pipe;
}

// Reads until EOF (or error), returns the bytes.
std::vector<unsigned char> drain(const net::socket& s, std::error_code* error = nullptr) {
    std::vector<unsigned char> all;
    std::vector<unsigned char> chunk(256 * 1024);
    const auto start = steady::now();
    while (seconds_since(start) < 30.0) {
        auto n = net::try_recv(s, net::buffer(chunk), io_timeout);
        if (!n) {
            if (error) *error = n.error();
            break;
        }
        if (*n == 0) break;
        all.insert(all.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    return all;
}

void reset_close(net::socket& s) {
    net::set_option(s, net::linger{true, std::chrono::seconds(0)});
    s.close(); // RST, not FIN
}

} // namespace

TEST_CASE("a peer that resets in the middle of a sendall makes it fail with connection_reset or "
          "broken_pipe, with the partial count, and the process survives") {
    auto p = connected_pair();
    std::atomic<std::size_t> peer_read{0};
    std::thread peer([&] {
        std::vector<unsigned char> first(one_mib);
        if (net::try_recv_exact(p.server, net::buffer(first), io_timeout)) {
            peer_read = first.size();
            if (first_mismatch(first.data(), first.size()) != first.size()) peer_read = 1; // corrupt
        }
        reset_close(p.server);
    });
    const auto data = pattern(64 * one_mib);
    std::size_t sent = 0;
    const auto start = steady::now();
    auto r = net::try_sendall(p.client, net::buffer(data), io_timeout, &sent);
    const double took = seconds_since(start);
    peer.join();
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(is_peer_gone(r.error()), describe(r.error()));
    CHECK(peer_read.load() == one_mib);
    CHECK_MESSAGE(sent >= one_mib,
                  "sendall reported " << sent << " bytes sent, but the peer read " << one_mib);
    CHECK(sent < data.size());
    CHECK(took < 10.0);
    // Later sends fail the same documented way (and never raise SIGPIPE).
    for (int i = 0; i < 3; ++i) {
        auto again = net::try_send(p.client, net::buffer(data.data(), 4096));
        REQUIRE_FALSE(again);
        CHECK_MESSAGE(is_peer_gone(again.error()), describe(again.error()));
    }
    // The throwing form reports the same through net::error.
    bool thrown = false;
    try {
        net::sendall(p.client, net::buffer(data.data(), 4096), 5s);
    } catch (const net::error& e) {
        thrown = true;
        CHECK(is_peer_gone(e.code()));
        CHECK(e.bytes_transferred() == 0);
        CHECK(std::string(e.operation()) == "sendall");
    }
    CHECK(thrown);
}

TEST_CASE("a peer that resets in the middle of a recv_exact makes it fail with connection_reset "
          "or eof, and every byte it reports is one the peer sent") {
    auto p = connected_pair();
    const auto data = pattern(1000);
    net::sendall(p.server, net::buffer(data));
    // The RST follows the data at once: we may or may not read the 1,000 bytes first.
    reset_close(p.server);
    std::vector<unsigned char> got(10000);
    std::size_t received = 0;
    auto r = net::try_recv_exact(p.client, net::buffer(got), io_timeout, &received);
    REQUIRE_FALSE(r);
    CHECK_MESSAGE((r.error() == std::errc::connection_reset || r.error() == net::errc::eof),
                  describe(r.error()));
    CHECK(received <= data.size());
    CHECK(first_mismatch(got.data(), received) == received);
    // Nothing blocks afterwards: recv reports the end (0) or the reset, at once.
    char c;
    auto after = net::try_recv(p.client, net::buffer(&c, 1), 5s);
    CHECK((after ? *after == 0 : after.error() == std::errc::connection_reset));
}

TEST_CASE("a peer that half-closes makes recv return 0 while our sends still reach it") {
    auto p = connected_pair();
    net::shutdown(p.server, net::shutdown_type::send); // the peer's FIN
    char c;
    for (int i = 0; i < 3; ++i) { // EOF is sticky, and never an error
        auto n = net::try_recv(p.client, net::buffer(&c, 1), io_timeout);
        REQUIRE_OK(n);
        CHECK(*n == 0);
    }
    std::size_t received = 99;
    auto exact = net::try_recv_exact(p.client, net::buffer(&c, 1), io_timeout, &received);
    REQUIRE_FALSE(exact);
    CHECK(exact.error() == net::errc::eof);
    CHECK(received == 0);

    // Our direction still works, to the last byte.
    std::vector<unsigned char> got;
    std::thread peer([&] { got = drain(p.server); });
    const auto data = pattern(4 * one_mib);
    CHECK(net::sendall(p.client, net::buffer(data), io_timeout) == data.size());
    net::shutdown(p.client, net::shutdown_type::send);
    peer.join();
    REQUIRE(got.size() == data.size());
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
}

TEST_CASE("sendall to a peer that never reads fails with timed_out after its 500 ms, reporting "
          "exactly how much was sent") {
    auto p = connected_pair();
    const auto big = pattern(64 * one_mib);
    std::size_t sent = 0;
    const auto start = steady::now();
    auto r = net::try_sendall(p.client, net::buffer(big), 500ms, &sent);
    const double took = seconds_since(start);
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error() == std::errc::timed_out, describe(r.error()));
    CHECK(took >= 0.49);
    CHECK_MESSAGE(took < 2.0, "a 500 ms sendall took " << took << " s");
    CHECK(sent > 0);
    CHECK(sent < big.size());

    // The throwing form: net::error{timed_out} carrying the count.
    std::size_t thrown_count = 0;
    bool thrown = false;
    try {
        net::sendall(p.client, net::buffer(big.data() + sent, big.size() - sent), 500ms);
    } catch (const net::error& e) {
        thrown = e.code() == std::errc::timed_out;
        thrown_count = e.bytes_transferred();
    }
    CHECK(thrown);

    // The count is exact: the peer finally reads exactly sent + thrown_count bytes, in order.
    net::shutdown(p.client, net::shutdown_type::send);
    std::error_code error;
    const auto got = drain(p.server, &error);
    CHECK_FALSE(error);
    CHECK(got.size() == sent + thrown_count);
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
}

TEST_CASE("recv_exact consumes exactly the bytes asked for when the peer sends more; the rest "
          "stays readable") {
    auto p = connected_pair();
    const auto data = pattern(100000);
    net::sendall(p.server, net::buffer(data));
    net::shutdown(p.server, net::shutdown_type::send);
    std::vector<unsigned char> got(data.size());
    std::size_t at = 0;
    // Odd sizes, one after another: every call takes exactly its share.
    const std::size_t sizes[] = {10, 1, 7, 4096, 13, 65536, 1, 3};
    for (std::size_t n : sizes) {
        CHECK(net::recv_exact(p.client, net::buffer(got.data() + at, n), io_timeout) == n);
        at += n;
    }
    CHECK(first_mismatch(got.data(), at) == at);
    // The rest is still there, in order, followed by the peer's EOF.
    std::error_code error;
    const auto rest = drain(p.client, &error);
    CHECK_FALSE(error);
    REQUIRE(rest.size() == data.size() - at);
    CHECK(first_mismatch(rest.data(), rest.size(), at) == rest.size());
}

TEST_CASE("a peer that closes in the middle of recv_exact gives eof with the partial count") {
    auto p = connected_pair();
    const auto data = pattern(1234);
    net::sendall(p.server, net::buffer(data));
    p.server.close(); // orderly: FIN after the data
    std::vector<unsigned char> got(10000);
    std::size_t received = 0;
    auto r = net::try_recv_exact(p.client, net::buffer(got), io_timeout, &received);
    REQUIRE_FALSE(r);
    CHECK(r.error() == net::errc::eof);
    CHECK(received == 1234);
    CHECK(first_mismatch(got.data(), received) == received);
    bool thrown = false;
    try {
        net::recv_exact(p.client, net::buffer(got), io_timeout);
    } catch (const net::error& e) {
        thrown = e.code() == net::errc::eof && e.bytes_transferred() == 0;
    }
    CHECK(thrown);
}

TEST_CASE("clients that connect and reset before accept leave the server accepting") {
    auto listener = make_listener();
    const auto at = net::local_address(listener);
    for (int i = 0; i < 20; ++i) {
        auto c = net::make_socket(net::family::ipv4);
        net::connect(c, at, io_timeout);
        reset_close(c);
    }
    auto good = net::make_socket(net::family::ipv4);
    net::connect(good, at, io_timeout);
    net::sendall(good, net::buffer(std::string_view("hello")));
    // Each reset connection is either skipped by the kernel or accepted and then reports the
    // reset (or EOF) on its first read; the good one is reached within bounded steps.
    bool served = false;
    for (int i = 0; i < 25 && !served; ++i) {
        auto a = net::try_accept(listener, 5s);
        REQUIRE_OK(a);
        char buf[5];
        auto n = net::try_recv(a->socket, net::buffer(buf), 5s);
        if (n && *n > 0) {
            CHECK(a->peer == net::local_address(good));
            CHECK(net::recv_exact(a->socket, net::buffer(buf + *n, 5 - *n), 5s) == 5 - *n);
            CHECK(std::string(buf, 5) == "hello");
            served = true;
        } else {
            CHECK_MESSAGE((n ? *n == 0 : n.error() == std::errc::connection_reset),
                          "a reset connection reported " << why(n));
        }
    }
    CHECK(served);
}

TEST_CASE("a timed recv on a connection whose peer resets returns connection_reset promptly") {
    auto p = connected_pair();
    std::thread peer([&] {
        // Waits for our byte (so the recv below is already waiting), then resets.
        char c;
        if (net::try_recv(p.server, net::buffer(&c, 1), io_timeout)) reset_close(p.server);
    });
    net::send(p.client, net::buffer(std::string_view("!")));
    char c;
    const auto start = steady::now();
    auto n = net::try_recv(p.client, net::buffer(&c, 1), io_timeout);
    peer.join();
    REQUIRE_FALSE(n);
    CHECK_MESSAGE(n.error() == std::errc::connection_reset, describe(n.error()));
    CHECK(seconds_since(start) < 5.0);
}
