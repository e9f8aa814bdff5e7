// Unit tests for net::canceller (<net/cancel.hpp>): a call blocked in one thread is cancelled
// from another (or from a signal handler) over real loopback sockets, returns
// operation_canceled, and leaves its socket usable. Built for every OS and, through
// unit.cancel.poll, with the poll() poller backend too.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#if !defined(_WIN32)
#include <pthread.h>
#include <signal.h>
#endif

namespace {

using namespace std::chrono_literals;
using netsock_test::describe;
using netsock_test::joining_thread;
using netsock_test::seconds_since;

constexpr auto io_timeout = netsock_test::loopback_timeout;

#define CHECK_EC(ec, expected) CHECK_MESSAGE((ec) == (expected), describe(ec))

template <class R> std::error_code error_of(const R& r) { return r ? std::error_code{} : r.error(); }

// ---------------------------------------------------------------------------------------------
// Cancelling a call while it is blocked

#if defined(__linux__)
long this_thread_id() { return static_cast<long>(::syscall(SYS_gettid)); }
// The state letter of a thread of this process ('S': sleeping in the kernel), or 0.
char thread_state(long tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    const auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '\0';
}
#else
long this_thread_id() { return 0; }
char thread_state(long) { return 'S'; }
#endif

// Runs `call` in a thread, waits until that thread sleeps in the kernel (Linux: its state in
// /proc, a bounded check; elsewhere only until it has started, so the cancel may also reach the
// call before it waits, which must give the same result), then cancels `stop` and returns what
// the call returned.
template <class Call> auto cancel_while_blocked(net::canceller& stop, Call&& call) {
    using result_type = decltype(call());
    std::optional<result_type> out;
    std::atomic<long> tid{-1};
    std::atomic<bool> returned{false};
    {
        joining_thread worker([&] {
            tid.store(this_thread_id());
            out.emplace(call());
            returned.store(true);
        });
        const auto start = std::chrono::steady_clock::now();
        while (tid.load() < 0 && seconds_since(start) < 10.0) std::this_thread::yield();
        while (!returned.load() && thread_state(tid.load()) != 'S' && seconds_since(start) < 10.0)
            std::this_thread::yield();
        stop.cancel();
    }
    REQUIRE(out.has_value());
    return std::move(*out);
}

// Fills the send direction of client -> server until a send that may not wait (timeout zero)
// takes nothing; returns the bytes that went.
std::size_t fill(const net::socket& client) {
    net::set_option(client, net::send_buffer_size{4096});
    const std::vector<char> chunk(65536, 'f');
    std::size_t total = 0;
    for (int i = 0; i < 10000; ++i) {
        auto r = net::try_send(client, net::buffer(chunk), 0s);
        if (!r) {
            REQUIRE_MESSAGE(r.error() == std::errc::timed_out, describe(r.error()));
            return total;
        }
        total += *r;
    }
    FAIL("the send buffers never filled");
    return total;
}

// Reads `from` until EOF (the peer shut down sending); returns the bytes read.
std::size_t drain_to_eof(const net::socket& from, std::string* data = nullptr) {
    std::vector<char> buf(65536);
    std::size_t total = 0;
    for (int i = 0; i < 100000; ++i) {
        const std::size_t n = net::recv(from, net::buffer(buf), io_timeout);
        if (n == 0) return total;
        if (data) data->append(buf.data(), n);
        total += n;
    }
    FAIL("no EOF");
    return total;
}

} // namespace

TEST_CASE("a canceller interrupts a blocked recv; the socket stays usable") {
    auto c = netsock_test::connected_pair();
    net::canceller stop;
    char buf[16];
    auto r = cancel_while_blocked(stop, [&] { return net::try_recv(c.server, net::buffer(buf), stop); });
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    CHECK(stop.is_cancelled());

    SUBCASE("the throwing face names the operation") {
        std::string op;
        CHECK_EC(netsock_test::thrown_code([&] { (void)net::recv(c.server, net::buffer(buf), stop); }, &op),
                 std::errc::operation_canceled);
        CHECK(op == "recv");
    }
    SUBCASE("after reset() the same canceller lets calls through") {
        stop.reset();
        CHECK_FALSE(stop.is_cancelled());
        REQUIRE(net::sendall(c.client, net::buffer(std::string_view("after")), io_timeout) == 5);
        auto n = net::try_recv(c.server, net::buffer(buf), {io_timeout, stop});
        REQUIRE_MESSAGE(n, describe(error_of(n)));
        CHECK(std::string(buf, *n) == "after");
    }
    SUBCASE("the connection still carries data both ways") {
        netsock_test::check_delivers(c.client, c.server, "still");
        netsock_test::check_delivers(c.server, c.client, "works");
    }
}

TEST_CASE("cancelling is sticky: calls fail before touching the socket until reset") {
    auto c = netsock_test::connected_pair();
    net::canceller stop;
    REQUIRE(net::sendall(c.client, net::buffer(std::string_view("x")), io_timeout) == 1);
    stop.cancel();
    stop.cancel(); // twice is the same as once
    char buf[4];
    // Data is waiting, but a cancelled call must not take it: a loop over a busy socket stops.
    CHECK_EC(error_of(net::try_recv(c.server, net::buffer(buf), stop)), std::errc::operation_canceled);
    CHECK_EC(error_of(net::try_recv(c.server, net::buffer(buf), {io_timeout, stop})),
             std::errc::operation_canceled);
    CHECK_EC(error_of(net::try_send(c.client, net::buffer(std::string_view("y")), stop)),
             std::errc::operation_canceled);
    CHECK_EC(error_of(net::try_wait(c.server, net::events::readable, stop)), std::errc::operation_canceled);
    auto n = net::try_recv(c.server, net::buffer(buf), io_timeout); // without it: the byte is there
    REQUIRE_MESSAGE(n, describe(error_of(n)));
    CHECK(*n == 1);
}

TEST_CASE("a canceller with a time limit still times out") {
    auto c = netsock_test::connected_pair();
    net::canceller stop;
    char buf[4];
    CHECK_EC(error_of(net::try_recv(c.server, net::buffer(buf), {30ms, stop})), std::errc::timed_out);
    CHECK_FALSE(stop.is_cancelled());
}

TEST_CASE("a canceller interrupts a blocked accept; the listener still accepts") {
    auto listener = netsock_test::make_listener();
    net::canceller stop;
    auto r = cancel_while_blocked(stop, [&] { return net::try_accept(listener, stop); });
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    stop.reset();
    // The listener is blocking again (its mode was switched for the call only): a plain accept
    // of a pending client returns that client.
    const auto at = net::local_address(listener);
    auto client = net::make_socket(at.family());
    net::connect(client, at, io_timeout);
    auto [conn, peer] = net::accept(listener);
    CHECK(peer == net::local_address(client));
    netsock_test::check_delivers(client, conn, "accepted");
}

TEST_CASE("a cancelled send has sent nothing") {
    auto c = netsock_test::connected_pair();
    net::canceller stop;
    const std::size_t before = fill(c.client);
    const std::vector<char> more(65536, 'm');
    auto r = cancel_while_blocked(stop, [&] { return net::try_send(c.client, net::buffer(more), stop); });
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    net::shutdown(c.client, net::shutdown_type::send);
    CHECK(drain_to_eof(c.server) == before);
}

TEST_CASE("a cancelled sendall reports exactly what the peer then reads") {
    auto c = netsock_test::connected_pair();
    net::set_option(c.client, net::send_buffer_size{8192});
    net::set_option(c.server, net::receive_buffer_size{8192});
    std::string data(8 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
    net::canceller stop;
    std::size_t sent = 0;
    auto r = cancel_while_blocked(stop,
                                  [&] { return net::try_sendall(c.client, net::buffer(data), stop, &sent); });
    // (cancel_while_blocked cancels once the sender sleeps; nothing was read yet, so the
    // sender stopped with the socket buffers full.)
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    CHECK(sent < data.size());
    net::shutdown(c.client, net::shutdown_type::send);
    std::string received;
    CHECK(drain_to_eof(c.server, &received) == sent);
    CHECK(received == data.substr(0, sent));
}

TEST_CASE("a sendall cancelled while the peer reads reports the bytes moved") {
    auto c = netsock_test::connected_pair();
    std::string data(8 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
    net::canceller stop;
    std::size_t sent = 0;
    std::error_code outcome;
    std::string received;
    {
        joining_thread sender(
            [&] { outcome = error_of(net::try_sendall(c.client, net::buffer(data), stop, &sent)); });
        // Read a part, then cancel the rest.
        std::vector<char> buf(65536);
        while (received.size() < 300000) {
            const std::size_t n = net::recv(c.server, net::buffer(buf), io_timeout);
            REQUIRE(n > 0);
            received.append(buf.data(), n);
        }
        stop.cancel();
    }
    if (!outcome) {
        MESSAGE("the whole buffer went before the cancel; nothing to check");
        return;
    }
    CHECK_EC(outcome, std::errc::operation_canceled);
    net::shutdown(c.client, net::shutdown_type::send);
    drain_to_eof(c.server, &received);
    CHECK(received.size() == sent);
    CHECK(received == data.substr(0, sent));
}

TEST_CASE("a cancelled recv_exact reports the bytes received") {
    auto c = netsock_test::connected_pair();
    REQUIRE(net::sendall(c.client, net::buffer(std::string_view("0123456789")), io_timeout) == 10);
    net::canceller stop;
    std::string buf(100, '\0');
    std::size_t received = 0;
    auto r = cancel_while_blocked(
        stop, [&] { return net::try_recv_exact(c.server, net::buffer(buf), stop, &received); });
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    REQUIRE(received <= 10);
    // What the call did not take is still in the socket: nothing is lost.
    std::string rest(10 - received, '\0');
    if (!rest.empty()) REQUIRE(net::recv_exact(c.server, net::buffer(rest), io_timeout) == rest.size());
    CHECK(buf.substr(0, received) + rest == "0123456789");
}

TEST_CASE("a canceller interrupts recvfrom and wait") {
    net::canceller stop;
    SUBCASE("recvfrom") {
        auto u = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(u, net::address::loopback());
        char buf[64];
        auto r = cancel_while_blocked(stop, [&] { return net::try_recvfrom(u, net::buffer(buf), stop); });
        CHECK_EC(error_of(r), std::errc::operation_canceled);
        // The socket still receives.
        stop.reset();
        auto s = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::sendto(s, net::buffer(std::string_view("dgram")), net::local_address(u), io_timeout);
        auto got = net::try_recvfrom(u, net::buffer(buf), {io_timeout, stop});
        REQUIRE_MESSAGE(got, describe(error_of(got)));
        CHECK(std::string(buf, got->size) == "dgram");
    }
    SUBCASE("wait") {
        auto c = netsock_test::connected_pair();
        auto r =
            cancel_while_blocked(stop, [&] { return net::try_wait(c.server, net::events::readable, stop); });
        CHECK_EC(error_of(r), std::errc::operation_canceled);
    }
}

TEST_CASE("one cancel wakes every thread blocked on the canceller") {
    constexpr int threads = 8;
    std::vector<netsock_test::connection> pairs;
    for (int i = 0; i < threads; ++i) pairs.push_back(netsock_test::connected_pair());
    net::canceller stop;
    std::vector<std::error_code> outcome(threads);
    std::atomic<int> started{0};
    {
        std::vector<std::unique_ptr<joining_thread>> workers;
        for (int i = 0; i < threads; ++i)
            workers.push_back(std::make_unique<joining_thread>([&, i] {
                char buf[8];
                ++started;
                outcome[static_cast<std::size_t>(i)] = error_of(
                    net::try_recv(pairs[static_cast<std::size_t>(i)].server, net::buffer(buf), stop));
            }));
        const auto start = std::chrono::steady_clock::now();
        while (started.load() < threads && seconds_since(start) < 10.0) std::this_thread::yield();
        stop.cancel();
    }
    for (const auto& ec : outcome) CHECK_EC(ec, std::errc::operation_canceled);
}

TEST_CASE("poller::wait ends on cancel, and only with the canceller it was given") {
    auto c = netsock_test::connected_pair();
    net::poller p;
    p.add(c.server, net::events::readable);
    net::canceller stop;
    auto r = cancel_while_blocked(stop, [&] { return p.try_wait(stop); });
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    CHECK_EC(error_of(p.try_wait({io_timeout, stop})), std::errc::operation_canceled); // sticky

    SUBCASE("another canceller, or none, is not woken by the cancelled one") {
        net::canceller other;
        auto w = p.try_wait({20ms, other});
        REQUIRE_MESSAGE(w, describe(error_of(w)));
        CHECK(w->empty());
        auto plain = p.try_wait(20ms);
        REQUIRE_MESSAGE(plain, describe(error_of(plain)));
        CHECK(plain->empty());
        // ... and events still arrive.
        REQUIRE(net::sendall(c.client, net::buffer(std::string_view("e")), io_timeout) == 1);
        auto ready = p.try_wait({io_timeout, other});
        REQUIRE_MESSAGE(ready, describe(error_of(ready)));
        CHECK(ready->size() == 1);
    }
    SUBCASE("after reset the same canceller waits for events again") {
        stop.reset();
        auto w = p.try_wait({20ms, stop});
        REQUIRE_MESSAGE(w, describe(error_of(w)));
        CHECK(w->empty());
        REQUIRE(net::sendall(c.client, net::buffer(std::string_view("e")), io_timeout) == 1);
        auto ready = p.try_wait({io_timeout, stop});
        REQUIRE_MESSAGE(ready, describe(error_of(ready)));
        REQUIRE(ready->size() == 1);
        CHECK((*ready->begin()).handle == c.server.native_handle());
    }
    SUBCASE("a poller with no socket waits for the canceller alone") {
        net::poller empty;
        net::canceller alone;
        auto e = cancel_while_blocked(alone, [&] { return empty.try_wait(alone); });
        CHECK_EC(error_of(e), std::errc::operation_canceled);
    }
    SUBCASE("the throwing face names the operation") {
        std::string op;
        CHECK_EC(netsock_test::thrown_code([&] { (void)p.wait(stop); }, &op), std::errc::operation_canceled);
        CHECK(op == "poller::wait");
    }
}

TEST_CASE("a canceller interrupts connect and create_connection") {
    // A connect that blocks: a listener with backlog 0 whose queue is full drops further SYNs
    // (Linux), so the next connect waits for the kernel's retries.
    auto listener = netsock_test::make_listener(net::family::ipv4, 0);
    const auto at = net::local_address(listener);
    std::vector<net::socket> queued;
    bool blocking = false;
    for (int i = 0; i < 16 && !blocking; ++i) {
        auto s = net::make_socket(net::family::ipv4);
        auto r = net::try_connect(s, at, 200ms);
        if (!r && r.error() == std::errc::timed_out) blocking = true;
        queued.push_back(std::move(s));
    }
    if (!blocking) {
        MESSAGE("skipped: this OS completes or refuses connects to a full backlog");
        return;
    }
    net::canceller stop;
    SUBCASE("connect") {
        auto s = net::make_socket(net::family::ipv4);
        auto r = cancel_while_blocked(stop, [&] { return net::try_connect(s, at, stop); });
        CHECK_EC(error_of(r), std::errc::operation_canceled);
    }
    SUBCASE("create_connection") {
        auto r = cancel_while_blocked(
            stop, [&] { return net::try_create_connection(std::vector<net::address>{at}, stop); });
        CHECK_EC(error_of(r), std::errc::operation_canceled);
    }
}

TEST_CASE("a canceller can be moved before use and made without exceptions") {
    auto made = net::canceller::try_create();
    REQUIRE_MESSAGE(made, describe(error_of(made)));
    net::canceller stop = std::move(*made);
    CHECK(stop.native_handle() != net::invalid_handle);
    CHECK(made->native_handle() == net::invalid_handle);
    auto c = netsock_test::connected_pair();
    char buf[4];
    auto r = cancel_while_blocked(stop, [&] { return net::try_recv(c.server, net::buffer(buf), stop); });
    CHECK_EC(error_of(r), std::errc::operation_canceled);
}

#if defined(__linux__)
namespace {
std::size_t open_descriptors() {
    std::size_t n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d) != nullptr) ++n;
        ::closedir(d);
    }
    return n;
}
} // namespace

TEST_CASE("cancellers and pollers that watched them close every descriptor") {
    const std::size_t before = open_descriptors();
    for (int i = 0; i < 50; ++i) {
        net::canceller a, b;
        net::poller p;
        (void)p.try_wait({0ms, a});
        (void)p.try_wait({0ms, b}); // swaps the watched canceller
        b.cancel();
        CHECK_EC(error_of(p.try_wait(b)), std::errc::operation_canceled);
    }
    CHECK(open_descriptors() == before);
}
#endif

#if !defined(_WIN32)
namespace {
net::canceller* signal_target = nullptr;
extern "C" void cancel_on_signal(int) { signal_target->cancel(); }
} // namespace

TEST_CASE("cancel() from a signal handler interrupts a blocked call") {
    net::canceller stop;
    signal_target = &stop;
    struct sigaction sa {};
    sa.sa_handler = cancel_on_signal;
    sigemptyset(&sa.sa_mask);
    struct sigaction old {};
    REQUIRE(::sigaction(SIGUSR2, &sa, &old) == 0);
    auto c = netsock_test::connected_pair();
    std::error_code outcome;
    std::atomic<bool> started{false};
    {
        joining_thread worker([&] {
            char buf[4];
            started = true;
            outcome = error_of(net::try_recv(c.server, net::buffer(buf), stop));
        });
        const auto start = std::chrono::steady_clock::now();
        while (!started.load() && seconds_since(start) < 10.0) std::this_thread::yield();
        // The handler runs in whichever thread takes the signal; this one here.
        ::raise(SIGUSR2);
    }
    ::sigaction(SIGUSR2, &old, nullptr);
    signal_target = nullptr;
    CHECK_EC(outcome, std::errc::operation_canceled);
}
#endif
