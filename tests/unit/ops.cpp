// Unit tests for the free functions of <net/ops.hpp>, over real loopback sockets. Every
// operation is checked in both faces: `f` throws net::error carrying the code and the operation
// name, `try_f` returns the error.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Generous bound for anything that should be immediate on loopback; only reached on failure.
constexpr auto io_timeout = 10s;

using netsock_test::describe;

// The error of a result for a failure message; safe on a success (doctest may build messages of
// passing assertions too, e.g. with --success).
template <class R> std::string why(const R& r) {
    return r.has_value() ? std::string("no error") : describe(r.error());
}

} // namespace

// `ec == expected`, printing the actual code on failure.
#define CHECK_EC(ec, expected) CHECK_MESSAGE(((ec) == (expected)), "the error was " << describe(ec))

// The try_ face: `expr` must fail with `expected`.
#define CHECK_FAILS_WITH(expr, expected)                                                                     \
    do {                                                                                                     \
        const auto& r_ = (expr);                                                                             \
        if (r_.has_value()) {                                                                                \
            FAIL_CHECK(#expr " succeeded; expected it to fail with " #expected);                             \
        } else {                                                                                             \
            CHECK_EC(r_.error(), expected);                                                                  \
        }                                                                                                    \
    } while (false)

// The throwing face: `expr` must throw net::error with `expected` and operation `op`.
#define CHECK_THROWS_NET(expr, expected, op)                                                                 \
    do {                                                                                                     \
        bool thrown_ = false;                                                                                \
        try {                                                                                                \
            static_cast<void>(expr);                                                                         \
        } catch (const net::error& e_) {                                                                     \
            thrown_ = true;                                                                                  \
            CHECK_EC(e_.code(), expected);                                                                   \
            CHECK(std::string(e_.operation()) == std::string(op));                                           \
            /* "op: message", or "op address: message" when it names the address */                          \
            CHECK((std::string(e_.what()).rfind(std::string(op) + ":", 0) == 0 ||                            \
                   std::string(e_.what()).rfind(std::string(op) + " ", 0) == 0));                            \
        }                                                                                                    \
        if (!thrown_) FAIL_CHECK(#expr " did not throw net::error");                                         \
    } while (false)

#define REQUIRE_OK(expr)                                                                                     \
    do {                                                                                                     \
        const auto& r_ = (expr);                                                                             \
        REQUIRE_MESSAGE(r_.has_value(), #expr " failed: " << why(r_));                                       \
    } while (false)

namespace {

// A std::thread that is always joined when it goes out of scope.
using scoped_thread = netsock_test::joining_thread;

using netsock_test::seconds_since;

// A safety net, not a synchronisation: an OS-level timeout on the calls made without a timeout
// argument, so a broken library fails a test instead of hanging it. Every such call in this
// file is expected to return at once.
void hang_guard(const net::socket& s) {
    net::set_option(s, net::receive_timeout{io_timeout});
    net::set_option(s, net::send_timeout{io_timeout});
}

// The loopback helpers of tests/support/loopback.hpp, with the hang guard on every socket.
using netsock_test::connection;

net::socket make_listener(net::family f = net::family::ipv4) {
    auto s = netsock_test::make_listener(f);
    hang_guard(s);
    return s;
}

connection connect_through(const net::socket& listener) {
    auto c = netsock_test::connect_through(listener, io_timeout);
    hang_guard(c.client);
    hang_guard(c.server);
    return c;
}

connection connected_pair(net::family f = net::family::ipv4) {
    auto listener = make_listener(f);
    return connect_through(listener);
}

net::socket make_udp(net::family f = net::family::ipv4) {
    auto s = net::make_socket(f, net::socket_type::datagram);
    hang_guard(s);
    net::bind(s, net::address::loopback(f, 0));
    return s;
}

using netsock_test::check_delivers;

// Pseudo-random bytes (xorshift32), so a shifted, dropped or duplicated chunk shows.
std::vector<unsigned char> pattern(std::size_t size, std::uint32_t seed) {
    std::vector<unsigned char> v(size);
    std::uint32_t x = seed | 1u;
    for (auto& byte : v) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        byte = static_cast<unsigned char>(x >> 24);
    }
    return v;
}

// Index of the first difference, or -1 if equal (sizes included).
long long first_difference(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b) {
    if (a.size() != b.size()) return static_cast<long long>((std::min)(a.size(), b.size()));
    auto m = std::mismatch(a.begin(), a.end(), b.begin());
    return m.first == a.end() ? -1 : static_cast<long long>(m.first - a.begin());
}

// Whether IPv6 loopback is usable here; if not, says why (containers often lack ::1).
bool ipv6_available() {
    auto s = net::try_make_socket(net::family::ipv6);
    if (!s) {
        if (s.error() == std::errc::address_family_not_supported) {
            MESSAGE("skipped: IPv6 sockets are not supported here: " << describe(s.error()));
            return false;
        }
        FAIL("make_socket(ipv6) failed unexpectedly: " << describe(s.error()));
    }
    auto b = net::try_bind(*s, net::address::loopback(net::family::ipv6, 0));
    if (!b) {
        if (b.error() == std::errc::address_not_available ||
            b.error() == std::errc::address_family_not_supported) {
            MESSAGE("skipped: no IPv6 loopback (::1) here: " << describe(b.error()));
            return false;
        }
        FAIL("bind([::1]:0) failed unexpectedly: " << describe(b.error()));
    }
    return true;
}

// Whether local (Unix domain) stream sockets exist here (Windows 10 1803+, not Wine).
bool local_sockets_available() {
    auto s = net::try_make_socket(net::family::local);
    if (!s) {
        if (s.error() == std::errc::address_family_not_supported) {
            MESSAGE("skipped: local (AF_UNIX) sockets are not supported here: " << describe(s.error()));
            return false;
        }
        FAIL("make_socket(local) failed unexpectedly: " << describe(s.error()));
    }
    return true;
}

// A fresh, empty directory under the temporary directory, removed with its content on scope
// exit. Short, so local socket paths fit in sun_path.
class temp_dir {
public:
    temp_dir() {
        std::random_device rd;
        std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^
                            static_cast<std::uint64_t>(clock_type::now().time_since_epoch().count()));
        const fs::path base = fs::temp_directory_path();
        for (int attempt = 0; attempt < 100 && path_.empty(); ++attempt) {
            std::string name = "ns-";
            for (auto n = gen(), i = decltype(n){0}; i < 8; ++i, n >>= 4)
                name += "0123456789abcdef"[n & 0xfu];
            fs::path candidate = base / name;
            std::error_code ec;
            if (fs::create_directory(candidate, ec)) path_ = candidate;
        }
        REQUIRE_MESSAGE(!path_.empty(), "could not create a temporary directory in " << base.string());
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

} // namespace

// ---------------------------------------------------------------------------------------------
// Sockets that are not open

namespace {
void check_every_operation_fails_with_bad_file_descriptor(const net::socket& s) {
    REQUIRE_FALSE(s.is_open());
    constexpr auto bad = std::errc::bad_file_descriptor;
    const auto somewhere = net::address::loopback(net::family::ipv4, 9);
    char data[4] = {'d', 'a', 't', 'a'};
    const auto out = net::buffer(static_cast<const void*>(data), sizeof data);
    const auto in = net::buffer(data);

    CHECK_FAILS_WITH(net::try_bind(s, somewhere), bad);
    CHECK_FAILS_WITH(net::try_listen(s), bad);
    CHECK_FAILS_WITH(net::try_accept(s), bad);
    CHECK_FAILS_WITH(net::try_accept(s, 100ms), bad);
    CHECK_FAILS_WITH(net::try_connect(s, somewhere), bad);
    CHECK_FAILS_WITH(net::try_connect(s, somewhere, 100ms), bad);
    CHECK_FAILS_WITH(net::try_send(s, out), bad);
    CHECK_FAILS_WITH(net::try_send(s, out, 100ms), bad);
    std::size_t moved = 12345;
    CHECK_FAILS_WITH(net::try_sendall(s, out, &moved), bad);
    CHECK(moved == 0);
    moved = 12345;
    CHECK_FAILS_WITH(net::try_sendall(s, out, 100ms, &moved), bad);
    CHECK(moved == 0);
    CHECK_FAILS_WITH(net::try_recv(s, in), bad);
    CHECK_FAILS_WITH(net::try_recv(s, in, 100ms), bad);
    moved = 12345;
    CHECK_FAILS_WITH(net::try_recv_exact(s, in, &moved), bad);
    CHECK(moved == 0);
    moved = 12345;
    CHECK_FAILS_WITH(net::try_recv_exact(s, in, 100ms, &moved), bad);
    CHECK(moved == 0);
    CHECK_FAILS_WITH(net::try_sendto(s, out, somewhere), bad);
    CHECK_FAILS_WITH(net::try_sendto(s, out, somewhere, 100ms), bad);
    CHECK_FAILS_WITH(net::try_recvfrom(s, in), bad);
    CHECK_FAILS_WITH(net::try_recvfrom(s, in, 100ms), bad);
    CHECK_FAILS_WITH(net::try_shutdown(s, net::shutdown_type::receive), bad);
    CHECK_FAILS_WITH(net::try_shutdown(s, net::shutdown_type::send), bad);
    CHECK_FAILS_WITH(net::try_shutdown(s, net::shutdown_type::both), bad);
    CHECK_FAILS_WITH(net::try_local_address(s), bad);
    CHECK_FAILS_WITH(net::try_peer_address(s), bad);
    CHECK_FAILS_WITH(net::try_set_nonblocking(s, true), bad);
    CHECK_FAILS_WITH(net::try_set_nonblocking(s, false), bad);
    CHECK_FAILS_WITH(net::try_wait(s, net::events::readable, 100ms), bad);
    CHECK_FAILS_WITH(net::try_wait(s, net::events::writable, 0ms), bad);

    CHECK_THROWS_NET(net::bind(s, somewhere), bad, "bind");
    CHECK_THROWS_NET(net::listen(s), bad, "listen");
    CHECK_THROWS_NET(net::accept(s), bad, "accept");
    CHECK_THROWS_NET(net::accept(s, 100ms), bad, "accept");
    CHECK_THROWS_NET(net::connect(s, somewhere), bad, "connect");
    CHECK_THROWS_NET(net::connect(s, somewhere, 100ms), bad, "connect");
    CHECK_THROWS_NET(net::send(s, out), bad, "send");
    CHECK_THROWS_NET(net::send(s, out, 100ms), bad, "send");
    CHECK_THROWS_NET(net::sendall(s, out), bad, "sendall");
    CHECK_THROWS_NET(net::sendall(s, out, 100ms), bad, "sendall");
    CHECK_THROWS_NET(net::recv(s, in), bad, "recv");
    CHECK_THROWS_NET(net::recv(s, in, 100ms), bad, "recv");
    CHECK_THROWS_NET(net::recv_exact(s, in), bad, "recv_exact");
    CHECK_THROWS_NET(net::recv_exact(s, in, 100ms), bad, "recv_exact");
    CHECK_THROWS_NET(net::sendto(s, out, somewhere), bad, "sendto");
    CHECK_THROWS_NET(net::sendto(s, out, somewhere, 100ms), bad, "sendto");
    CHECK_THROWS_NET(net::recvfrom(s, in), bad, "recvfrom");
    CHECK_THROWS_NET(net::recvfrom(s, in, 100ms), bad, "recvfrom");
    CHECK_THROWS_NET(net::shutdown(s, net::shutdown_type::both), bad, "shutdown");
    CHECK_THROWS_NET(net::local_address(s), bad, "local_address");
    CHECK_THROWS_NET(net::peer_address(s), bad, "peer_address");
    CHECK_THROWS_NET(net::set_nonblocking(s), bad, "set_nonblocking");
    CHECK_THROWS_NET(net::wait(s, net::events::readable, 100ms), bad, "wait");
    try {
        net::sendall(s, out);
    } catch (const net::error& e) {
        CHECK(e.bytes_transferred() == 0);
    }
    try {
        net::recv_exact(s, in);
    } catch (const net::error& e) {
        CHECK(e.bytes_transferred() == 0);
    }
}
} // namespace

TEST_CASE("every operation on a socket that is not open fails with bad_file_descriptor") {
    SUBCASE("a default-constructed socket") {
        net::socket s;
        check_every_operation_fails_with_bad_file_descriptor(s);
    }
    SUBCASE("a moved-from socket") {
        auto s = net::make_socket(net::family::ipv4);
        net::socket taker(std::move(s));
        check_every_operation_fails_with_bad_file_descriptor(s); // NOLINT(bugprone-use-after-move)
        CHECK(taker.is_open());
    }
    SUBCASE("a moved-from connected socket") {
        auto c = connected_pair();
        net::socket taker;
        taker = std::move(c.client);
        check_every_operation_fails_with_bad_file_descriptor(c.client); // NOLINT(bugprone-use-after-move)
        check_delivers(taker, c.server, "the new owner still works");
    }
    SUBCASE("a closed socket") {
        auto s = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        s.close();
        check_every_operation_fails_with_bad_file_descriptor(s);
    }
}

// ---------------------------------------------------------------------------------------------
// make_socket, bind, listen, connect, accept

TEST_CASE("make_socket makes open sockets of every family and type") {
    for (auto t : {net::socket_type::stream, net::socket_type::datagram}) {
        auto s = net::make_socket(net::family::ipv4, t);
        CHECK(s.is_open());
        auto r = net::try_make_socket(net::family::ipv4, t);
        REQUIRE_OK(r);
        CHECK(r->is_open());
        CHECK(r->native_handle() != s.native_handle());
    }
}

TEST_CASE("binding port 0 picks a port that local_address reports") {
    auto s = net::make_socket(net::family::ipv4);
    REQUIRE_OK(net::try_bind(s, net::address::loopback(net::family::ipv4, 0)));
    auto a = net::try_local_address(s);
    REQUIRE_OK(a);
    CHECK(a->family() == net::family::ipv4);
    CHECK(a->is_loopback());
    CHECK(a->port() != 0);
    CHECK(net::local_address(s) == *a);
    REQUIRE_OK(net::try_listen(s));
    CHECK(net::local_address(s) == *a);
}

TEST_CASE("connecting to a bound port that is not listening is refused") {
    // A bound socket holds the port, so nobody else can be listening there.
    auto target = net::make_socket(net::family::ipv4);
    net::bind(target, net::address::loopback(net::family::ipv4, 0));
    const auto to = net::local_address(target);
    auto client = net::make_socket(net::family::ipv4);

    SUBCASE("try_connect") { CHECK_FAILS_WITH(net::try_connect(client, to), std::errc::connection_refused); }
    SUBCASE("connect") {
        CHECK_THROWS_NET(net::connect(client, to), std::errc::connection_refused, "connect");
    }
    SUBCASE("try_connect with a timeout is refused, not timed out") {
        const auto start = clock_type::now();
        CHECK_FAILS_WITH(net::try_connect(client, to, 5s), std::errc::connection_refused);
        CHECK(seconds_since(start) < 4.5);
    }
    SUBCASE("connect with a timeout is refused, not timed out") {
        const auto start = clock_type::now();
        CHECK_THROWS_NET(net::connect(client, to, 5s), std::errc::connection_refused, "connect");
        CHECK(seconds_since(start) < 4.5);
    }
}

TEST_CASE("a second bind to the address of a live listener fails with address_in_use") {
    auto listener = make_listener();
    const auto where = net::local_address(listener);
    auto second = net::make_socket(net::family::ipv4);
    CHECK_FAILS_WITH(net::try_bind(second, where), std::errc::address_in_use);
    auto third = net::make_socket(net::family::ipv4);
    CHECK_THROWS_NET(net::bind(third, where), std::errc::address_in_use, "bind");
    // The listener is untouched and still accepts.
    auto c = connect_through(listener);
    check_delivers(c.client, c.server, "still the only listener");
}

TEST_CASE("listen on a datagram socket fails with operation_not_supported") {
    auto u = make_udp();
    CHECK_FAILS_WITH(net::try_listen(u), std::errc::operation_not_supported);
    CHECK_THROWS_NET(net::listen(u, 5), std::errc::operation_not_supported, "listen");
}

TEST_CASE("a second bind to a bound UDP port fails with address_in_use") {
    auto first = make_udp();
    auto second = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    CHECK_FAILS_WITH(net::try_bind(second, net::local_address(first)), std::errc::address_in_use);
    CHECK_THROWS_NET(net::bind(second, net::local_address(first)), std::errc::address_in_use, "bind");
}

TEST_CASE("connect on a non-blocking socket reports operation_in_progress and completes in the "
          "background") {
    auto listener = make_listener();
    auto client = net::make_socket(net::family::ipv4);
    net::set_nonblocking(client);
    auto r = net::try_connect(client, net::local_address(listener));
    if (!r) {
        CHECK_MESSAGE((r.error() == std::errc::operation_in_progress || net::is_would_block(r.error())),
                      describe(r.error()));
    }
    auto w = net::try_wait(client, net::events::writable, io_timeout);
    REQUIRE_OK(w);
    CHECK(net::has(*w, net::events::writable));
    auto pending = net::get_option<net::socket_error>(client);
    CHECK_MESSAGE(!pending.value, describe(pending.value));
    auto conn = net::accept(listener, io_timeout).socket;
    CHECK(net::peer_address(client) == net::local_address(listener));
    check_delivers(client, conn, "connected in the background");
}

TEST_CASE("accept returns the peer address equal to the client's local address") {
    auto listener = make_listener();
    const auto listening_at = net::local_address(listener);

    SUBCASE("accept") {
        auto client = net::make_socket(net::family::ipv4);
        net::connect(client, listening_at);
        auto [conn, peer] = net::accept(listener);
        REQUIRE(conn.is_open());
        CHECK(peer == net::local_address(client));
        CHECK(peer.is_loopback());
        CHECK(peer.port() != 0);
        CHECK(net::peer_address(conn) == peer);
        CHECK(net::local_address(conn) == net::peer_address(client));
        CHECK(net::peer_address(client) == listening_at);
        check_delivers(client, conn, "hello server");
        check_delivers(conn, client, "hello client");
    }
    SUBCASE("try_accept") {
        auto client = net::make_socket(net::family::ipv4);
        REQUIRE_OK(net::try_connect(client, listening_at));
        auto r = net::try_accept(listener);
        REQUIRE_OK(r);
        CHECK(r->peer == net::local_address(client));
        auto peer_of_conn = net::try_peer_address(r->socket);
        REQUIRE_OK(peer_of_conn);
        CHECK(*peer_of_conn == r->peer);
        check_delivers(client, r->socket, "hello");
    }
    SUBCASE("accept and try_accept with a timeout") {
        auto first = net::make_socket(net::family::ipv4);
        auto second = net::make_socket(net::family::ipv4);
        net::connect(first, listening_at, io_timeout);
        net::connect(second, listening_at, io_timeout);
        auto a = net::accept(listener, io_timeout);
        auto b = net::try_accept(listener, io_timeout);
        REQUIRE_OK(b);
        CHECK(a.peer == net::local_address(first));
        CHECK(b->peer == net::local_address(second));
        CHECK(a.peer != b->peer);
        check_delivers(first, a.socket, "first");
        check_delivers(second, b->socket, "second");
    }
}

TEST_CASE("local_address and peer_address describe both ends of a connection") {
    auto c = connected_pair();
    auto client_local = net::try_local_address(c.client);
    auto client_peer = net::try_peer_address(c.client);
    auto server_local = net::try_local_address(c.server);
    auto server_peer = net::try_peer_address(c.server);
    REQUIRE_OK(client_local);
    REQUIRE_OK(client_peer);
    REQUIRE_OK(server_local);
    REQUIRE_OK(server_peer);
    CHECK(*client_local == *server_peer);
    CHECK(*client_peer == *server_local);
    CHECK(*client_local != *client_peer);
    CHECK(client_local->host() == "127.0.0.1");
    CHECK(server_local->host() == "127.0.0.1");
}

TEST_CASE("peer_address and shutdown on an unconnected socket fail with not_connected") {
    auto s = net::make_socket(net::family::ipv4);
    net::bind(s, net::address::loopback(net::family::ipv4, 0));
    CHECK_FAILS_WITH(net::try_peer_address(s), std::errc::not_connected);
    CHECK_THROWS_NET(net::peer_address(s), std::errc::not_connected, "peer_address");
    CHECK_FAILS_WITH(net::try_shutdown(s, net::shutdown_type::both), std::errc::not_connected);
    CHECK_THROWS_NET(net::shutdown(s, net::shutdown_type::send), std::errc::not_connected, "shutdown");
}

// ---------------------------------------------------------------------------------------------
// Streams

TEST_CASE("send and recv exchange data in both directions") {
    auto c = connected_pair();
    const std::string hello = "hello, server";
    auto sent = net::try_send(c.client, net::buffer(hello));
    REQUIRE_OK(sent);
    CHECK(*sent == hello.size()); // small sends go out whole on loopback
    std::string got(hello.size(), '\0');
    REQUIRE(net::recv_exact(c.server, net::buffer(got)) == hello.size());
    CHECK(got == hello);

    const std::string reply = "hello, client";
    CHECK(net::send(c.server, net::buffer(reply), io_timeout) == reply.size());
    std::string back(64, '\0');
    std::size_t total = 0;
    for (int i = 0; i < 100 && total < reply.size(); ++i) {
        auto n = net::try_recv(c.client, net::buffer(&back[total], back.size() - total), io_timeout);
        REQUIRE_OK(n);
        REQUIRE(*n != 0);
        total += *n;
    }
    CHECK(back.substr(0, total) == reply);
}

TEST_CASE("empty buffers transfer nothing and return at once") {
    auto c = connected_pair();
    char buf[1];
    const auto start = clock_type::now();
    CHECK(net::sendall(c.client, net::buffer(buf, 0)) == 0);
    CHECK(net::recv_exact(c.server, net::buffer(buf, 0)) == 0);
    std::size_t received = 12345;
    auto r = net::try_recv_exact(c.server, net::buffer(buf, 0), io_timeout, &received);
    REQUIRE_OK(r);
    CHECK(received == 0);
    CHECK(seconds_since(start) < 3.0);
    // Nothing was sent: the peer has nothing to read.
    CHECK_FAILS_WITH(net::try_wait(c.server, net::events::readable, 0ms), std::errc::timed_out);
}

TEST_CASE("timeouts accept any std::chrono duration") {
    auto c = connected_pair();
    char buf[4];
    const auto start = clock_type::now();
    CHECK_FAILS_WITH(net::try_recv(c.client, net::buffer(buf), std::chrono::duration<double>(0.05)),
                     std::errc::timed_out);
    CHECK_FAILS_WITH(net::try_recv(c.client, net::buffer(buf), std::chrono::microseconds(1500)),
                     std::errc::timed_out);
    CHECK_FAILS_WITH(net::try_recv(c.client, net::buffer(buf), -5s), std::errc::timed_out);
    CHECK(seconds_since(start) >= 0.05);
    CHECK(seconds_since(start) < 3.0);
    // A huge timeout neither overflows nor expires: it waits for the data.
    net::sendall(c.server, net::buffer(std::string_view("big")));
    auto r = net::try_recv_exact(c.client, net::buffer(buf, 3), std::chrono::hours::max());
    REQUIRE_OK(r);
    CHECK(std::string(buf, 3) == "big");
    net::sendall(c.server, net::buffer(std::string_view("max")));
    auto w = net::try_wait(c.client, net::events::readable, std::chrono::nanoseconds::max());
    REQUIRE_OK(w);
    auto n = net::try_recv(c.client, net::buffer(buf), std::chrono::seconds::max());
    REQUIRE_OK(n);
    CHECK(*n == 3);
}

TEST_CASE("recv returns 0 at orderly end of stream") {
    auto c = connected_pair();
    const std::string last = "last words";
    net::sendall(c.server, net::buffer(last));

    SUBCASE("the peer shuts down sending") { net::shutdown(c.server, net::shutdown_type::send); }
    SUBCASE("the peer closes") { c.server.close(); }

    std::string got(last.size(), '\0');
    REQUIRE(net::recv_exact(c.client, net::buffer(got), io_timeout) == last.size());
    CHECK(got == last);
    char buf[16];
    auto timed = net::try_recv(c.client, net::buffer(buf), io_timeout);
    REQUIRE_OK(timed);
    REQUIRE(*timed == 0);
    // End of stream stays end of stream, in every face.
    auto r = net::try_recv(c.client, net::buffer(buf));
    REQUIRE_OK(r);
    CHECK(*r == 0);
    CHECK(net::recv(c.client, net::buffer(buf)) == 0);
    CHECK(net::recv(c.client, net::buffer(buf), io_timeout) == 0);
}

TEST_CASE("recv_exact on a stream that ends early fails with eof and reports the partial count") {
    auto c = connected_pair();
    const std::string partial = "only 19 bytes here.";
    REQUIRE(partial.size() == 19);
    net::sendall(c.server, net::buffer(partial));
    net::shutdown(c.server, net::shutdown_type::send);
    std::string got(32, '\0');

    SUBCASE("try_recv_exact") {
        std::size_t received = 12345;
        CHECK_FAILS_WITH(net::try_recv_exact(c.client, net::buffer(got), &received), net::errc::eof);
        CHECK(received == partial.size());
    }
    SUBCASE("try_recv_exact with a timeout") {
        std::size_t received = 12345;
        CHECK_FAILS_WITH(net::try_recv_exact(c.client, net::buffer(got), io_timeout, &received),
                         net::errc::eof);
        CHECK(received == partial.size());
    }
    SUBCASE("recv_exact") {
        CHECK_THROWS_NET(net::recv_exact(c.client, net::buffer(got)), net::errc::eof, "recv_exact");
        try {
            net::recv_exact(c.client, net::buffer(got));
        } catch (const net::error& e) {
            CHECK(e.bytes_transferred() == 0); // the stream already ended: nothing more
        }
    }
    SUBCASE("recv_exact reports the bytes it got in the exception") {
        bool thrown = false;
        try {
            net::recv_exact(c.client, net::buffer(got), io_timeout);
        } catch (const net::error& e) {
            thrown = true;
            CHECK_EC(e.code(), net::errc::eof);
            CHECK(std::string(e.operation()) == "recv_exact");
            CHECK(e.bytes_transferred() == partial.size());
        }
        CHECK(thrown);
    }
    CHECK(got.substr(0, partial.size()) == partial);
}

TEST_CASE("recv_exact with a timeout fails with timed_out and reports the partial count") {
    auto c = connected_pair();
    net::sendall(c.server, net::buffer(std::string_view("abc")));
    char buf[8] = {};
    std::size_t received = 12345;
    const auto start = clock_type::now();
    CHECK_FAILS_WITH(net::try_recv_exact(c.client, net::buffer(buf), 300ms, &received), std::errc::timed_out);
    const double took = seconds_since(start);
    CHECK(took >= 0.3);
    CHECK(took < 3.0);
    CHECK(received == 3);
    CHECK(std::string(buf, 3) == "abc");
}

TEST_CASE("sendall delivers 16 MiB byte for byte through minimal socket buffers") {
    constexpr std::size_t total = 16u << 20;
    int requested = 0;
    bool throwing_face = false;
    SUBCASE("buffers of 1 byte (the OS rounds up to its minimum), throwing sendall") {
        requested = 1;
        throwing_face = true;
    }
    SUBCASE("buffers of 4096 bytes, try_sendall") { requested = 4096; }
    REQUIRE(requested != 0);

    const auto data = pattern(total, 0x2545f491u + static_cast<std::uint32_t>(requested));
    auto listener = net::make_socket(net::family::ipv4);
    net::set_option(listener, net::send_buffer_size{requested});
    net::set_option(listener, net::receive_buffer_size{requested});
    net::bind(listener, net::address::loopback(net::family::ipv4, 0));
    net::listen(listener);
    auto client = net::make_socket(net::family::ipv4);
    net::set_option(client, net::send_buffer_size{requested});
    net::set_option(client, net::receive_buffer_size{requested});
    net::connect(client, net::local_address(listener), io_timeout);
    auto server = net::accept(listener, io_timeout).socket;

    // The options took effect: the buffers are far below the usual defaults (Linux doubles the
    // request and applies a minimum of a few KiB).
    CHECK(net::get_option<net::send_buffer_size>(client).value <= 64 * 1024);
    CHECK(net::get_option<net::receive_buffer_size>(client).value <= 64 * 1024);
    CHECK(net::get_option<net::receive_buffer_size>(server).value <= 64 * 1024);

    std::vector<unsigned char> received;
    std::error_code receive_error;
    int receive_calls = 0;
    {
        scoped_thread receiver([&] {
            received.reserve(total + 1);
            std::vector<unsigned char> chunk(7919); // odd size: never aligned with the sender
            const auto deadline = clock_type::now() + 60s;
            // Bounded: at most one call per byte, and 60 s.
            while (receive_calls < static_cast<int>(total) + 1 && clock_type::now() < deadline) {
                ++receive_calls;
                auto n = net::try_recv(server, net::buffer(chunk), io_timeout);
                if (!n) {
                    receive_error = n.error();
                    return;
                }
                if (*n == 0) return; // EOF: the sender is done
                received.insert(received.end(), chunk.begin(),
                                chunk.begin() + static_cast<std::ptrdiff_t>(*n));
            }
        });
        if (throwing_face) {
            CHECK(net::sendall(client, net::buffer(data), 60s) == total);
        } else {
            std::size_t sent = 0;
            auto r = net::try_sendall(client, net::buffer(data), 60s, &sent);
            CHECK_MESSAGE(r.has_value(), why(r));
            if (r) CHECK(*r == total);
            CHECK(sent == total);
        }
        net::shutdown(client, net::shutdown_type::send);
    } // joins the receiver
    CHECK_MESSAGE(!receive_error, describe(receive_error));
    CHECK(received.size() == total);
    CHECK(first_difference(received, data) == -1);
    CHECK(receive_calls > 1);
}

TEST_CASE("sendall and recv_exact move a large buffer in single calls") {
    constexpr std::size_t total = 4u << 20;
    const auto data = pattern(total, 77u);
    auto c = connected_pair();
    std::vector<unsigned char> got(total);
    std::size_t received = 0;
    std::error_code receive_error;
    {
        scoped_thread receiver([&] {
            auto r = net::try_recv_exact(c.server, net::buffer(got), 60s, &received);
            if (!r) receive_error = r.error();
        });
        CHECK(net::sendall(c.client, net::buffer(data)) == total);
    }
    CHECK_MESSAGE(!receive_error, describe(receive_error));
    CHECK(received == total);
    CHECK(first_difference(got, data) == -1);
}

TEST_CASE("sendall with a timeout to a peer that does not read fails with timed_out and reports "
          "the count") {
    auto listener = net::make_socket(net::family::ipv4);
    net::set_option(listener, net::receive_buffer_size{4096});
    net::bind(listener, net::address::loopback(net::family::ipv4, 0));
    net::listen(listener);
    auto client = net::make_socket(net::family::ipv4);
    net::set_option(client, net::send_buffer_size{4096});
    net::connect(client, net::local_address(listener), io_timeout);
    auto server = net::accept(listener, io_timeout).socket;

    const auto data = pattern(16u << 20, 5u);
    SUBCASE("try_sendall") {
        std::size_t sent = 0;
        const auto start = clock_type::now();
        CHECK_FAILS_WITH(net::try_sendall(client, net::buffer(data), 300ms, &sent), std::errc::timed_out);
        const double took = seconds_since(start);
        CHECK(took >= 0.3);
        CHECK(took < 3.0);
        CHECK(sent > 0);
        CHECK(sent < data.size());
    }
    SUBCASE("sendall") {
        bool thrown = false;
        try {
            net::sendall(client, net::buffer(data), 300ms);
        } catch (const net::error& e) {
            thrown = true;
            CHECK_EC(e.code(), std::errc::timed_out);
            CHECK(std::string(e.operation()) == "sendall");
            CHECK(e.bytes_transferred() > 0);
            CHECK(e.bytes_transferred() < data.size());
        }
        CHECK(thrown);
    }
    SUBCASE("try_send waits at most its timeout once the buffers are full") {
        std::error_code failure;
        const auto start = clock_type::now();
        for (int i = 0; i < 10000 && seconds_since(start) < 20.0; ++i) {
            auto r = net::try_send(client, net::buffer(data, 65536), 200ms);
            if (!r) {
                failure = r.error();
                break;
            }
            REQUIRE(*r > 0);
        }
        CHECK_EC(failure, std::errc::timed_out);
    }
    SUBCASE("send waits at most its timeout once the buffers are full") {
        // Freed space may let a later send take a few more bytes: send until one times out.
        bool thrown = false;
        const auto start = clock_type::now();
        for (int i = 0; i < 10000 && seconds_since(start) < 20.0 && !thrown; ++i) {
            const auto mark = clock_type::now();
            try {
                const std::size_t n = net::send(client, net::buffer(data, 65536), 200ms);
                REQUIRE(n > 0);
            } catch (const net::error& e) {
                thrown = true;
                CHECK_EC(e.code(), std::errc::timed_out);
                CHECK(std::string(e.operation()) == "send");
                CHECK(seconds_since(mark) >= 0.2);
                CHECK(seconds_since(mark) < 3.0);
            }
        }
        CHECK(thrown);
    }
}

namespace {
bool is_closed_peer_error(const std::error_code& ec) {
    return ec == std::errc::broken_pipe || ec == std::errc::connection_reset ||
           ec == std::errc::connection_aborted;
}
} // namespace

TEST_CASE("sendall without a timeout counts what went out before the peer reset") {
    // The peer reads 2 MiB, then resets the connection. Whatever it read was sent, so the count
    // in the error is at least that: one blocking Winsock send of the whole buffer is
    // all-or-error, which is why Windows sends in pieces.
    auto c = connected_pair();
    // A bound on the blocking sends, so that a failure to see the reset cannot hang the test.
    net::set_option(c.client, net::send_timeout{20s});
    const std::size_t read_first = 2u << 20;
    std::error_code peer_error;
    std::thread peer([&] {
        std::vector<unsigned char> sink(read_first);
        auto r = net::try_recv_exact(c.server, net::buffer(sink), io_timeout);
        if (!r) peer_error = r.error();
        (void)net::try_set_option(c.server, net::linger{true, 0s});
        c.server.close(); // linger 0: an RST, at once
    });
    const auto big = pattern(64u << 20, 6u);
    std::size_t sent = 0;
    auto r = net::try_sendall(c.client, net::buffer(big), &sent);
    peer.join();
    REQUIRE_FALSE(peer_error);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(is_closed_peer_error(r.error()), describe(r.error()));
    CHECK(sent >= read_first);
    CHECK(sent < big.size());
}

TEST_CASE("sending to a peer that closed fails with broken_pipe or connection_reset and the "
          "process survives") {
    if (netsock_test::running_under_wine()) {
        MESSAGE("skipped under Wine: a blocking send that waits for buffer room never sees the "
                "peer's reset there (it blocks until SO_SNDTIMEO); Windows fails it with "
                "WSAECONNRESET");
        return;
    }
    auto c = connected_pair();
    c.server.close(); // nothing unread on its side: a FIN, then an RST for our data
    const std::vector<unsigned char> chunk(64 * 1024, 0x5a);
    const auto start = clock_type::now();

    SUBCASE("try_send") {
        std::error_code failure;
        int sends = 0;
        for (; sends < 1000 && seconds_since(start) < 20.0; ++sends) {
            auto r = net::try_send(c.client, net::buffer(chunk), 5s);
            if (!r) {
                failure = r.error();
                break;
            }
        }
        REQUIRE_MESSAGE(failure, "1000 sends of 64 KiB to a closed peer all succeeded");
        CHECK_MESSAGE(is_closed_peer_error(failure), describe(failure));
        // Later sends keep failing the same way, without a signal.
        auto again = net::try_send(c.client, net::buffer(chunk));
        REQUIRE_FALSE(again.has_value());
        CHECK_MESSAGE(is_closed_peer_error(again.error()), describe(again.error()));
    }
    SUBCASE("send") {
        bool thrown = false;
        for (int sends = 0; sends < 1000 && seconds_since(start) < 20.0 && !thrown; ++sends) {
            try {
                net::send(c.client, net::buffer(chunk));
            } catch (const net::error& e) {
                thrown = true;
                CHECK_MESSAGE(is_closed_peer_error(e.code()), describe(e.code()));
                CHECK(std::string(e.operation()) == "send");
            }
        }
        CHECK(thrown);
    }
    SUBCASE("sendall of a large buffer reports the bytes that went out before the error") {
        const auto big = pattern(16u << 20, 3u);
        bool thrown = false;
        try {
            net::sendall(c.client, net::buffer(big));
        } catch (const net::error& e) {
            thrown = true;
            CHECK_MESSAGE(is_closed_peer_error(e.code()), describe(e.code()));
            CHECK(std::string(e.operation()) == "sendall");
            // Some of it may have gone out (POSIX reports partial sends; a blocking Windows
            // send of the whole buffer fails as a whole), never all of it.
            CHECK(e.bytes_transferred() < big.size());
        }
        CHECK(thrown);
        std::size_t sent = 12345;
        auto r = net::try_sendall(c.client, net::buffer(big), &sent);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(is_closed_peer_error(r.error()), describe(r.error()));
        CHECK(sent == 0); // the connection is already known to be gone
    }
    SUBCASE("sendall with a timeout reports the bytes that went out before the error") {
        const auto big = pattern(16u << 20, 4u);
        bool thrown = false;
        try {
            net::sendall(c.client, net::buffer(big), io_timeout);
        } catch (const net::error& e) {
            thrown = true;
            CHECK_MESSAGE(is_closed_peer_error(e.code()), describe(e.code()));
            CHECK(std::string(e.operation()) == "sendall");
            CHECK(e.bytes_transferred() > 0);
            CHECK(e.bytes_transferred() < big.size());
        }
        CHECK(thrown);
    }
    SUBCASE("sendall") {
        bool thrown = false;
        for (int sends = 0; sends < 1000 && seconds_since(start) < 20.0 && !thrown; ++sends) {
            try {
                net::sendall(c.client, net::buffer(chunk), 5s);
            } catch (const net::error& e) {
                thrown = true;
                CHECK_MESSAGE(is_closed_peer_error(e.code()), describe(e.code()));
                CHECK(std::string(e.operation()) == "sendall");
                CHECK(e.bytes_transferred() < chunk.size());
            }
        }
        CHECK(thrown);
    }
}

TEST_CASE("shutdown of sending makes the peer read EOF while the other direction still works") {
    auto c = connected_pair();
    SUBCASE("shutdown") { net::shutdown(c.client, net::shutdown_type::send); }
    SUBCASE("try_shutdown") { REQUIRE_OK(net::try_shutdown(c.client, net::shutdown_type::send)); }

    char buf[8];
    auto eof = net::try_recv(c.server, net::buffer(buf), io_timeout);
    REQUIRE_OK(eof);
    CHECK(*eof == 0);
    check_delivers(c.server, c.client, "the reverse direction still works");
    // The shut-down direction stays shut.
    auto late = net::try_send(c.client, net::buffer(std::string_view("late")));
    REQUIRE_FALSE(late.has_value());
    CHECK_EC(late.error(), std::errc::broken_pipe);
}

TEST_CASE("shutdown of receiving leaves the peer's stream open and sending still works") {
    auto c = connected_pair();
    SUBCASE("shutdown") { net::shutdown(c.client, net::shutdown_type::receive); }
    SUBCASE("try_shutdown") { REQUIRE_OK(net::try_shutdown(c.client, net::shutdown_type::receive)); }
    // The peer sees no EOF: nothing at all arrives.
    char buf[8];
    CHECK_FAILS_WITH(net::try_recv(c.server, net::buffer(buf), 100ms), std::errc::timed_out);
    check_delivers(c.client, c.server, "sending still works");
}

TEST_CASE("shutdown of both directions makes the peer read EOF") {
    auto c = connected_pair();
    net::shutdown(c.client, net::shutdown_type::both);
    char buf[8];
    CHECK(net::recv(c.server, net::buffer(buf), io_timeout) == 0);
    // (What the shut-down side's own recv reports differs by OS: 0 on POSIX, WSAESHUTDOWN on
    // Windows. Not checked.)
}

// ---------------------------------------------------------------------------------------------
// Datagrams

TEST_CASE("sendto and recvfrom make a UDP round trip and report the sender") {
    auto a = make_udp();
    auto b = make_udp();
    const auto a_at = net::local_address(a);
    const auto b_at = net::local_address(b);
    CHECK(a_at.port() != 0);
    CHECK(a_at != b_at);
    char buf[64];

    SUBCASE("throwing face") {
        CHECK(net::sendto(a, net::buffer(std::string_view("ping")), b_at) == 4);
        auto r = net::recvfrom(b, net::buffer(buf), io_timeout);
        CHECK(r.size == 4);
        CHECK(std::string(buf, r.size) == "ping");
        CHECK(r.sender == a_at);
        CHECK_FALSE(r.truncated);
        CHECK(net::sendto(b, net::buffer(std::string_view("pong!")), r.sender, io_timeout) == 5);
        auto back = net::recvfrom(a, net::buffer(buf));
        CHECK(back.size == 5);
        CHECK(std::string(buf, back.size) == "pong!");
        CHECK(back.sender == b_at);
    }
    SUBCASE("try face") {
        auto s = net::try_sendto(a, net::buffer(std::string_view("ping")), b_at, io_timeout);
        REQUIRE_OK(s);
        CHECK(*s == 4);
        auto r = net::try_recvfrom(b, net::buffer(buf));
        REQUIRE_OK(r);
        CHECK(r->size == 4);
        CHECK(std::string(buf, r->size) == "ping");
        CHECK(r->sender == a_at);
        CHECK_FALSE(r->truncated);
        REQUIRE_OK(net::try_sendto(b, net::buffer(std::string_view("pong!")), r->sender));
        auto back = net::try_recvfrom(a, net::buffer(buf), io_timeout);
        REQUIRE_OK(back);
        CHECK(back->size == 5);
        CHECK(back->sender == b_at);
    }
}

TEST_CASE("a datagram larger than the buffer is reported truncated and the next one arrives intact") {
    auto a = make_udp();
    auto b = make_udp();
    const auto a_at = net::local_address(a);
    const auto b_at = net::local_address(b);
    const auto big = pattern(1000, 99u);
    const std::string next = "next datagram";
    const std::string exact = "0123456789abcdef"; // exactly the buffer size: not truncated
    net::sendto(a, net::buffer(big), b_at);
    net::sendto(a, net::buffer(next), b_at);
    net::sendto(a, net::buffer(exact), b_at);
    unsigned char buf[16] = {};

    SUBCASE("try_recvfrom") {
        auto r = net::try_recvfrom(b, net::buffer(buf), io_timeout);
        REQUIRE_OK(r);
        CHECK(r->truncated);
        CHECK(r->size == sizeof buf);
        CHECK(std::equal(buf, buf + sizeof buf, big.begin()));
        CHECK(r->sender == a_at);
        auto n = net::try_recvfrom(b, net::buffer(buf), io_timeout);
        REQUIRE_OK(n);
        CHECK_FALSE(n->truncated);
        CHECK(n->size == next.size());
        CHECK(std::string(reinterpret_cast<const char*>(buf), n->size) == next);
        auto e = net::try_recvfrom(b, net::buffer(buf), io_timeout);
        REQUIRE_OK(e);
        CHECK_FALSE(e->truncated);
        CHECK(e->size == exact.size());
        CHECK(std::string(reinterpret_cast<const char*>(buf), e->size) == exact);
    }
    SUBCASE("recvfrom") {
        auto r = net::recvfrom(b, net::buffer(buf));
        CHECK(r.truncated);
        CHECK(r.size == sizeof buf);
        CHECK(std::equal(buf, buf + sizeof buf, big.begin()));
        auto n = net::recvfrom(b, net::buffer(buf));
        CHECK_FALSE(n.truncated);
        CHECK(n.size == next.size());
        CHECK(std::string(reinterpret_cast<const char*>(buf), n.size) == next);
        auto e = net::recvfrom(b, net::buffer(buf));
        CHECK_FALSE(e.truncated);
        CHECK(e.size == exact.size());
    }
}

TEST_CASE("recvfrom keeps datagram boundaries") {
    auto a = make_udp();
    auto b = make_udp();
    const auto b_at = net::local_address(b);
    for (int i = 1; i <= 5; ++i) {
        const std::string msg(static_cast<std::size_t>(i), static_cast<char>('0' + i));
        net::sendto(a, net::buffer(msg), b_at);
    }
    char buf[64];
    for (int i = 1; i <= 5; ++i) {
        auto r = net::recvfrom(b, net::buffer(buf), io_timeout);
        CHECK(r.size == static_cast<std::size_t>(i));
        CHECK(std::string(buf, r.size) ==
              std::string(static_cast<std::size_t>(i), static_cast<char>('0' + i)));
    }
}

// ---------------------------------------------------------------------------------------------
// Timeouts, waiting and non-blocking mode

TEST_CASE("blocking calls with a timeout fail with timed_out after the timeout") {
    auto c = connected_pair();
    char buf[16];
    const auto start = clock_type::now();
    double at_least = 0;

    SUBCASE("try_recv") {
        CHECK_FAILS_WITH(net::try_recv(c.client, net::buffer(buf), 300ms), std::errc::timed_out);
        at_least = 0.3;
    }
    SUBCASE("recv") {
        CHECK_THROWS_NET(net::recv(c.client, net::buffer(buf), 300ms), std::errc::timed_out, "recv");
        at_least = 0.3;
    }
    SUBCASE("try_accept") {
        auto listener = make_listener();
        const auto mark = clock_type::now();
        CHECK_FAILS_WITH(net::try_accept(listener, 200ms), std::errc::timed_out);
        CHECK(seconds_since(mark) >= 0.2);
        at_least = 0.2;
    }
    SUBCASE("accept") {
        auto listener = make_listener();
        const auto mark = clock_type::now();
        CHECK_THROWS_NET(net::accept(listener, 200ms), std::errc::timed_out, "accept");
        CHECK(seconds_since(mark) >= 0.2);
        at_least = 0.2;
    }
    SUBCASE("try_recvfrom") {
        auto u = make_udp();
        const auto mark = clock_type::now();
        CHECK_FAILS_WITH(net::try_recvfrom(u, net::buffer(buf), 300ms), std::errc::timed_out);
        CHECK(seconds_since(mark) >= 0.3);
        at_least = 0.3;
    }
    SUBCASE("recvfrom") {
        auto u = make_udp();
        const auto mark = clock_type::now();
        CHECK_THROWS_NET(net::recvfrom(u, net::buffer(buf), 300ms), std::errc::timed_out, "recvfrom");
        CHECK(seconds_since(mark) >= 0.3);
        at_least = 0.3;
    }
    SUBCASE("try_wait") {
        CHECK_FAILS_WITH(net::try_wait(c.client, net::events::readable, 200ms), std::errc::timed_out);
        at_least = 0.2;
    }
    SUBCASE("wait") {
        CHECK_THROWS_NET(net::wait(c.client, net::events::readable, 200ms), std::errc::timed_out, "wait");
        at_least = 0.2;
    }
    const double took = seconds_since(start);
    CHECK(took >= at_least);
    CHECK(took < 3.0);
    // A timeout loses nothing: the connection still works.
    check_delivers(c.server, c.client, "after the timeout");
}

TEST_CASE("a zero timeout polls once and fails with timed_out when nothing is ready") {
    auto c = connected_pair();
    char buf[4];
    const auto start = clock_type::now();
    CHECK_FAILS_WITH(net::try_recv(c.client, net::buffer(buf), 0ms), std::errc::timed_out);
    CHECK_FAILS_WITH(net::try_wait(c.client, net::events::readable, 0ms), std::errc::timed_out);
    CHECK(seconds_since(start) < 3.0);
    net::sendall(c.server, net::buffer(std::string_view("x")));
    REQUIRE(net::wait(c.client, net::events::readable, io_timeout) != net::events::none);
    auto r = net::try_recv(c.client, net::buffer(buf), 0ms);
    REQUIRE_OK(r);
    CHECK(*r == 1);
}

TEST_CASE("wait reports writable on a fresh connection and readable once the peer sends") {
    auto c = connected_pair();
    auto w = net::try_wait(c.client, net::events::writable, io_timeout);
    REQUIRE_OK(w);
    CHECK(net::has(*w, net::events::writable));
    CHECK_FALSE(net::has(*w, net::events::readable));
    CHECK_FALSE(net::has(*w, net::events::error | net::events::hangup));
    CHECK_FAILS_WITH(net::try_wait(c.client, net::events::readable, 50ms), std::errc::timed_out);

    net::sendall(c.server, net::buffer(std::string_view("ready")));
    auto r = net::try_wait(c.client, net::events::readable, io_timeout);
    REQUIRE_OK(r);
    CHECK(net::has(*r, net::events::readable));
    auto both = net::wait(c.client, net::events::readable | net::events::writable, io_timeout);
    CHECK(net::has(both, net::events::readable));
    CHECK(net::has(both, net::events::writable));
    char buf[5];
    CHECK(net::recv_exact(c.client, net::buffer(buf)) == 5);
    CHECK_FAILS_WITH(net::try_wait(c.client, net::events::readable, 0ms), std::errc::timed_out);
}

TEST_CASE("wait reports a listener readable when a connection is pending") {
    auto listener = make_listener();
    CHECK_FAILS_WITH(net::try_wait(listener, net::events::readable, 0ms), std::errc::timed_out);
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener));
    auto r = net::try_wait(listener, net::events::readable, io_timeout);
    REQUIRE_OK(r);
    CHECK(net::has(*r, net::events::readable));
}

TEST_CASE("set_nonblocking makes recv, send and accept fail with would-block instead of waiting") {
    SUBCASE("recv") {
        auto c = connected_pair();
        REQUIRE_OK(net::try_set_nonblocking(c.client));
        char buf[8];
        auto r = net::try_recv(c.client, net::buffer(buf));
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(net::is_would_block(r.error()), describe(r.error()));
        bool thrown = false;
        try {
            net::recv(c.client, net::buffer(buf));
        } catch (const net::error& e) {
            thrown = true;
            CHECK_MESSAGE(net::is_would_block(e.code()), describe(e.code()));
            CHECK(std::string(e.operation()) == "recv");
        }
        CHECK(thrown);
        // Data that is there is still received.
        net::sendall(c.server, net::buffer(std::string_view("data")));
        REQUIRE(net::wait(c.client, net::events::readable, io_timeout) != net::events::none);
        CHECK(net::recv(c.client, net::buffer(buf)) == 4);
    }
    SUBCASE("accept") {
        auto listener = make_listener();
        net::set_nonblocking(listener);
        auto r = net::try_accept(listener);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(net::is_would_block(r.error()), describe(r.error()));
        bool thrown = false;
        try {
            (void)net::accept(listener);
        } catch (const net::error& e) {
            thrown = true;
            CHECK_MESSAGE(net::is_would_block(e.code()), describe(e.code()));
            CHECK(std::string(e.operation()) == "accept");
        }
        CHECK(thrown);
    }
    SUBCASE("send once the buffers are full") {
        auto listener = net::make_socket(net::family::ipv4);
        net::set_option(listener, net::receive_buffer_size{4096});
        net::bind(listener, net::address::loopback(net::family::ipv4, 0));
        net::listen(listener);
        auto client = net::make_socket(net::family::ipv4);
        net::set_option(client, net::send_buffer_size{4096});
        net::connect(client, net::local_address(listener), io_timeout);
        auto server = net::accept(listener, io_timeout).socket;
        net::set_nonblocking(client);
        const std::vector<unsigned char> chunk(65536, 1);
        std::error_code failure;
        std::size_t sent = 0;
        const auto start = clock_type::now();
        for (int i = 0; i < 10000 && seconds_since(start) < 20.0; ++i) {
            auto r = net::try_send(client, net::buffer(chunk));
            if (!r) {
                failure = r.error();
                break;
            }
            sent += *r;
        }
        CHECK(sent > 0);
        CHECK_MESSAGE(net::is_would_block(failure), describe(failure));
        CHECK(seconds_since(start) < 3.0);
    }
}

TEST_CASE("sendall and recv_exact also work on non-blocking sockets") {
    auto c = connected_pair();
    net::set_nonblocking(c.client);
    net::set_nonblocking(c.server);
    constexpr std::size_t total = 2u << 20;
    const auto data = pattern(total, 1234u);
    std::vector<unsigned char> got(total);
    std::error_code receive_error;
    {
        scoped_thread receiver([&] {
            auto r = net::try_recv_exact(c.server, net::buffer(got), 60s);
            if (!r) receive_error = r.error();
        });
        auto r = net::try_sendall(c.client, net::buffer(data), 60s);
        CHECK_MESSAGE(r.has_value(), why(r));
    }
    CHECK_MESSAGE(!receive_error, describe(receive_error));
    CHECK(first_difference(got, data) == -1);
}

TEST_CASE("an accepted socket is blocking even when the listener is non-blocking") {
    auto listener = make_listener();
    net::set_nonblocking(listener);
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    REQUIRE(net::has(net::wait(listener, net::events::readable, io_timeout), net::events::readable));
    auto [conn, peer] = net::accept(listener);
    CHECK(peer == net::local_address(client));

    // The sender starts only after accept returned; a non-blocking socket would fail the plain
    // recv with would-block instead of waiting.
    std::error_code send_error;
    {
        scoped_thread sender([&] {
            auto r = net::try_sendall(client, net::buffer(std::string_view("x")), io_timeout);
            if (!r) send_error = r.error();
        });
        char byte = 0;
        auto r = net::try_recv(conn, net::buffer(&byte, 1));
        REQUIRE_MESSAGE(r.has_value(), "a plain recv on the accepted socket failed: " << why(r));
        CHECK(*r == 1);
        CHECK(byte == 'x');
    }
    CHECK_MESSAGE(!send_error, describe(send_error));
}

TEST_CASE("set_nonblocking(false) makes a socket blocking again") {
    auto c = connected_pair();
    net::set_nonblocking(c.client, true);
    net::set_nonblocking(c.client, false);
    REQUIRE_OK(net::try_set_nonblocking(c.client, false));
    std::error_code send_error;
    {
        scoped_thread sender([&] {
            auto r = net::try_sendall(c.server, net::buffer(std::string_view("y")), io_timeout);
            if (!r) send_error = r.error();
        });
        char byte = 0;
        auto r = net::try_recv(c.client, net::buffer(&byte, 1));
        REQUIRE_MESSAGE(r.has_value(), "a plain recv failed: " << why(r));
        CHECK(*r == 1);
        CHECK(byte == 'y');
    }
    CHECK_MESSAGE(!send_error, describe(send_error));
}

TEST_CASE("a connect with a timeout leaves the socket blocking") {
    auto listener = make_listener();
    auto client = net::make_socket(net::family::ipv4);
    REQUIRE_OK(net::try_connect(client, net::local_address(listener), io_timeout));
    auto conn = net::accept(listener, io_timeout).socket;
    std::error_code send_error;
    {
        scoped_thread sender([&] {
            auto r = net::try_sendall(conn, net::buffer(std::string_view("z")), io_timeout);
            if (!r) send_error = r.error();
        });
        char byte = 0;
        auto r = net::try_recv(client, net::buffer(&byte, 1));
        REQUIRE_MESSAGE(r.has_value(), "a plain recv after a timed connect failed: " << why(r));
        CHECK(*r == 1);
    }
    CHECK_MESSAGE(!send_error, describe(send_error));
}

// ---------------------------------------------------------------------------------------------
// socket_pair

TEST_CASE("socket_pair makes a connected stream pair") {
    SUBCASE("socket_pair") {
        auto [a, b] = net::socket_pair();
        REQUIRE(a.is_open());
        REQUIRE(b.is_open());
        check_delivers(a, b, "ping");
        check_delivers(b, a, "pong");
        net::shutdown(a, net::shutdown_type::send);
        char buf[4];
        CHECK(net::recv(b, net::buffer(buf), io_timeout) == 0);
    }
    SUBCASE("try_socket_pair") {
        auto r = net::try_socket_pair(net::socket_type::stream);
        REQUIRE_OK(r);
        check_delivers(r->first, r->second, "ping");
        check_delivers(r->second, r->first, "pong");
        r->first.close();
        char buf[4];
        CHECK(net::recv(r->second, net::buffer(buf), io_timeout) == 0);
    }
}

TEST_CASE("socket_pair makes a connected datagram pair that keeps message boundaries") {
    auto [a, b] = net::socket_pair(net::socket_type::datagram);
    REQUIRE(a.is_open());
    REQUIRE(b.is_open());
    CHECK(net::send(a, net::buffer(std::string_view("one"))) == 3);
    CHECK(net::send(a, net::buffer(std::string_view("three"))) == 5);
    char buf[16];
    CHECK(net::recv(b, net::buffer(buf), io_timeout) == 3);
    CHECK(std::string(buf, 3) == "one");
    CHECK(net::recv(b, net::buffer(buf), io_timeout) == 5);
    CHECK(std::string(buf, 5) == "three");
    CHECK(net::send(b, net::buffer(std::string_view("back"))) == 4);
    CHECK(net::recv(a, net::buffer(buf), io_timeout) == 4);

    auto r = net::try_socket_pair(net::socket_type::datagram);
    REQUIRE_OK(r);
    CHECK(net::send(r->second, net::buffer(std::string_view("x"))) == 1);
    CHECK(net::recv(r->first, net::buffer(buf), io_timeout) == 1);
}

// ---------------------------------------------------------------------------------------------
// IPv6

TEST_CASE("IPv6 loopback sockets connect, accept and echo") {
    if (!ipv6_available()) return;
    auto listener = make_listener(net::family::ipv6);
    const auto at = net::local_address(listener);
    CHECK(at.family() == net::family::ipv6);
    CHECK(at.is_loopback());
    CHECK(at.port() != 0);
    auto client = net::make_socket(net::family::ipv6);
    REQUIRE_OK(net::try_connect(client, at, io_timeout));
    auto r = net::try_accept(listener, io_timeout);
    REQUIRE_OK(r);
    CHECK(r->peer == net::local_address(client));
    CHECK(r->peer.family() == net::family::ipv6);
    CHECK(r->peer.host() == "::1");
    CHECK(net::peer_address(client) == at);
    check_delivers(client, r->socket, "hello over IPv6");
    check_delivers(r->socket, client, "and back");
}

TEST_CASE("IPv6 binding, refusal and UDP behave as with IPv4") {
    if (!ipv6_available()) return;
    SUBCASE("a second bind to a live IPv6 listener fails with address_in_use") {
        auto listener = make_listener(net::family::ipv6);
        auto second = net::make_socket(net::family::ipv6);
        CHECK_FAILS_WITH(net::try_bind(second, net::local_address(listener)), std::errc::address_in_use);
    }
    SUBCASE("connecting to a bound IPv6 port that is not listening is refused") {
        auto target = net::make_socket(net::family::ipv6);
        net::bind(target, net::address::loopback(net::family::ipv6, 0));
        auto client = net::make_socket(net::family::ipv6);
        CHECK_FAILS_WITH(net::try_connect(client, net::local_address(target), 5s),
                         std::errc::connection_refused);
    }
    SUBCASE("sendto and recvfrom over IPv6") {
        auto a = make_udp(net::family::ipv6);
        auto b = make_udp(net::family::ipv6);
        net::sendto(a, net::buffer(std::string_view("v6 ping")), net::local_address(b));
        char buf[32];
        auto r = net::recvfrom(b, net::buffer(buf), io_timeout);
        CHECK(r.size == 7);
        CHECK(r.sender == net::local_address(a));
        CHECK(r.sender.family() == net::family::ipv6);
    }
}

TEST_CASE("an IPv6 socket from make_socket is v6-only: IPv4 clients cannot reach it") {
    if (!ipv6_available()) return;
    auto listener = net::make_socket(net::family::ipv6);
    net::bind(listener, net::address::any(net::family::ipv6, 0));
    net::listen(listener);
    const auto port = net::local_address(listener).port();
    REQUIRE(port != 0);
    CHECK(net::get_option<net::v6_only>(listener).value);

    // Control: the listener is live for IPv6 clients on that port.
    auto v6_client = net::make_socket(net::family::ipv6);
    REQUIRE_OK(net::try_connect(v6_client, net::address::loopback(net::family::ipv6, port), io_timeout));
    // An IPv4 client on the same port is refused: the listener does not take v4-mapped peers.
    auto v4_client = net::make_socket(net::family::ipv4);
    CHECK_FAILS_WITH(net::try_connect(v4_client, net::address::loopback(net::family::ipv4, port), 5s),
                     std::errc::connection_refused);
    auto v4_again = net::make_socket(net::family::ipv4);
    CHECK_THROWS_NET(net::connect(v4_again, net::address::loopback(net::family::ipv4, port)),
                     std::errc::connection_refused, "connect");
    // Exactly one connection is pending: the IPv6 one.
    auto accepted = net::try_accept(listener, io_timeout);
    REQUIRE_OK(accepted);
    CHECK(accepted->peer == net::local_address(v6_client));
    CHECK_FAILS_WITH(net::try_accept(listener, 50ms), std::errc::timed_out);
}

// ---------------------------------------------------------------------------------------------
// Local (Unix domain) stream sockets

TEST_CASE("local stream sockets bind a path, accept, connect and echo") {
    if (!local_sockets_available()) return;
    temp_dir dir;
    const fs::path path = dir.path() / "s";
    const std::string path_text = path.string();
    std::error_code ignored;
    fs::remove(path, ignored);
    const auto where = net::address::local(path_text);

    auto listener = net::make_socket(net::family::local);
    auto bound = net::try_bind(listener, where);
    REQUIRE_MESSAGE(bound.has_value(), "bind(" << path_text << "): " << why(bound));
    CHECK(fs::exists(path));
    net::listen(listener);
    CHECK(net::local_address(listener) == where);
    CHECK(net::local_address(listener).path() == path_text);

    auto client = net::make_socket(net::family::local);
    REQUIRE_OK(net::try_connect(client, where, io_timeout));
    auto [conn, peer] = net::accept(listener, io_timeout);
    CHECK(peer.family() == net::family::local);
    CHECK(peer.path().empty()); // the client did not bind: unnamed
    CHECK(net::peer_address(client) == where);
    check_delivers(client, conn, "hello over a local socket");
    check_delivers(conn, client, "and back");
    net::shutdown(client, net::shutdown_type::send);
    char buf[4];
    CHECK(net::recv(conn, net::buffer(buf), io_timeout) == 0);

    // A second listener on a path that exists fails with address_in_use.
    auto second = net::make_socket(net::family::local);
    CHECK_FAILS_WITH(net::try_bind(second, where), std::errc::address_in_use);

    listener.close();
    fs::remove(path, ignored);
    CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a connect with a timeout to a local listener with a full backlog never reports would-block") {
    // Linux queues at most backlog + 1 local connections; a blocking connect then waits for room,
    // the BSDs refuse. With a timeout the outcome must be success, timed_out (after the timeout)
    // or a real error such as connection_refused; would-block is none of those.
    if (!local_sockets_available()) return;
    temp_dir dir;
    const auto where = net::address::local((dir.path() / "full").string());
    auto listener = net::make_socket(net::family::local);
    net::bind(listener, where);
    net::listen(listener, 1);
    std::vector<net::socket> clients;
    std::error_code failure;
    double failed_after = 0;
    for (int i = 0; i < 256 && !failure; ++i) {
        auto c = net::make_socket(net::family::local);
        const auto start = clock_type::now();
        auto r = net::try_connect(c, where, 200ms);
        if (!r) {
            failure = r.error();
            failed_after = seconds_since(start);
        }
        clients.push_back(std::move(c));
    }
    REQUIRE_MESSAGE(failure, "256 connections to a listener with a backlog of 1 all succeeded");
    CHECK_MESSAGE(!net::is_would_block(failure), "a timed connect failed with " << describe(failure));
    CHECK_MESSAGE((failure == std::errc::timed_out || failure == std::errc::connection_refused),
                  describe(failure));
    if (failure == std::errc::timed_out) {
        CHECK(failed_after >= 0.2);
    }
    CHECK(failed_after < 3.0);
}

TEST_CASE("a local path longer than sun_path fails with filename_too_long and creates no file") {
    if (!local_sockets_available()) return;
    temp_dir dir;
    const std::string prefix = (dir.path() / "").string();
    auto path_of_length = [&](std::size_t length) {
        REQUIRE(length > prefix.size());
        return prefix + std::string(length - prefix.size(), 'p');
    };

    SUBCASE("a path far too long") {
        const std::string too_long = path_of_length(300);
        CHECK_FAILS_WITH(net::address::try_local(too_long), std::errc::filename_too_long);
        CHECK_THROWS_NET(net::address::local(too_long), std::errc::filename_too_long, "address::local");
    }
    SUBCASE("the longest path that fits is used whole, one more byte is refused") {
        // Find the limit (sun_path is 108 bytes on Linux and Windows, 104 on macOS/BSD; one byte
        // goes to the terminating NUL). Bounded scan.
        std::size_t longest = 0;
        for (std::size_t n = 200; n > prefix.size() + 1; --n) {
            if (net::address::try_local(path_of_length(n))) {
                longest = n;
                break;
            }
        }
        REQUIRE_MESSAGE(longest != 0,
                        "no path under " << prefix << " fits; the temporary directory is too long");
        CHECK(longest >= 90);
        CHECK(longest <= 107);
        CHECK_FAILS_WITH(net::address::try_local(path_of_length(longest + 1)), std::errc::filename_too_long);

        const std::string fits = path_of_length(longest);
        auto listener = net::make_socket(net::family::local);
        auto bound = net::try_bind(listener, net::address::local(fits));
        REQUIRE_MESSAGE(bound.has_value(), why(bound));
        net::listen(listener);
        CHECK(fs::exists(fits)); // the exact name, not a truncated one
        CHECK(net::local_address(listener).path() == fits);
        auto client = net::make_socket(net::family::local);
        REQUIRE_OK(net::try_connect(client, net::address::local(fits), io_timeout));
        auto conn = net::accept(listener, io_timeout).socket;
        check_delivers(client, conn, "longest path");
        listener.close();
        std::error_code ignored;
        fs::remove(fits, ignored);
    }
    // Nothing else was created: no truncated name, no stray file.
    CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("recv into an empty buffer is invalid_argument, never a 0 that looks like EOF") {
    auto c = netsock_test::connected_pair();
    char none[1];
    auto r = net::try_recv(c.server, net::buffer(none, 0), io_timeout);
    REQUIRE_FALSE(r);
    CHECK_EC(r.error(), std::errc::invalid_argument);
    std::string op;
    CHECK_EC(netsock_test::thrown_code([&] { (void)net::recv(c.server, net::mutable_buffer()); }, &op),
             std::errc::invalid_argument);
    CHECK(op == "recv");
    netsock_test::check_delivers(c.client, c.server, "unharmed");
}

TEST_CASE("send, sendall and sendto take text directly") {
    auto c = netsock_test::connected_pair();
    const std::string owned = "owned|";
    REQUIRE(net::sendall(c.client, "literal|", io_timeout) == 8); // no NUL
    REQUIRE(net::sendall(c.client, owned) == owned.size());
    REQUIRE(net::sendall(c.client, std::string_view("view|")) == 5);
    std::size_t sent = 0;
    auto r = net::try_sendall(c.client, "try|", io_timeout, &sent);
    REQUIRE(r);
    CHECK(sent == 4);
    std::size_t n = 0;
    while (n < 2) n += net::send(c.client, std::string_view("s|").substr(n), io_timeout);
    auto one = net::try_send(c.client, "!", io_timeout);
    REQUIRE(one);
    CHECK(*one == 1);
    const std::string expected = "literal|owned|view|try|s|!";
    std::string got(expected.size(), '\0');
    REQUIRE(net::recv_exact(c.server, net::buffer(got), io_timeout) == got.size());
    CHECK(got == expected);

    auto a = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(a, net::address::loopback());
    auto b = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    CHECK(net::sendto(b, "dgram", net::local_address(a), io_timeout) == 5);
    auto t = net::try_sendto(b, std::string("second"), net::local_address(a), io_timeout);
    REQUIRE(t);
    char buf[16];
    auto first = net::recvfrom(a, net::buffer(buf), io_timeout);
    CHECK(std::string(buf, first.size) == "dgram");
    auto second = net::recvfrom(a, net::buffer(buf), io_timeout);
    CHECK(std::string(buf, second.size) == "second");
}

TEST_CASE("message flags: peek, dontwait, waitall") {
    auto c = netsock_test::connected_pair();
    char buf[16];
    SUBCASE("dontwait on a blocking socket with nothing to read is would-block at once") {
        auto r = net::try_recv(c.server, net::buffer(buf), net::message_flags::dontwait);
        REQUIRE_FALSE(r);
        CHECK(net::is_would_block(r.error()));
        // ... even with a timeout: dontwait never waits.
        auto t = net::try_recv(c.server, net::buffer(buf), net::message_flags::dontwait, io_timeout);
        REQUIRE_FALSE(t);
        CHECK(net::is_would_block(t.error()));
    }
    SUBCASE("peek leaves the data in the socket") {
        REQUIRE(net::sendall(c.client, "peekaboo", io_timeout) == 8);
        std::size_t seen = 0;
        for (int i = 0; i < 1000 && seen < 8; ++i) // the 8 bytes may arrive in pieces
            seen = net::recv(c.server, net::buffer(buf), net::message_flags::peek, io_timeout);
        CHECK(std::string(buf, seen) == "peekaboo");
        CHECK(net::recv(c.server, net::buffer(buf, 4), net::message_flags::waitall, io_timeout) == 4);
        CHECK(std::string(buf, 4) == "peek");
        const std::size_t n = net::recv(c.server, net::buffer(buf), net::message_flags::dontwait);
        CHECK(std::string(buf, n) == "aboo");
    }
    SUBCASE("waitall fills the buffer across sends, and returns a short count at EOF") {
        netsock_test::joining_thread writer([&] {
            for (const char* piece : {"ab", "cd", "ef"})
                REQUIRE(net::sendall(c.client, piece, io_timeout) == 2);
            net::shutdown(c.client, net::shutdown_type::send);
        });
        CHECK(net::recv(c.server, net::buffer(buf, 4), net::message_flags::waitall, io_timeout) == 4);
        CHECK(std::string(buf, 4) == "abcd");
        writer.join();
        CHECK(net::recv(c.server, net::buffer(buf, 8), net::message_flags::waitall, io_timeout) == 2);
        CHECK(std::string(buf, 2) == "ef");
    }
    SUBCASE("waitall returns what came before a timeout, never drops it") {
        REQUIRE(net::sendall(c.client, "ab", io_timeout) == 2);
        CHECK(net::recv(c.server, net::buffer(buf, 8), net::message_flags::waitall, 50ms) == 2);
        CHECK(std::string(buf, 2) == "ab");
        auto none = net::try_recv(c.server, net::buffer(buf, 8), net::message_flags::waitall, 20ms);
        REQUIRE_FALSE(none);
        CHECK_EC(none.error(), std::errc::timed_out);
    }
    SUBCASE("dontwait send fails with would-block once the buffers are full") {
        net::set_option(c.client, net::send_buffer_size{4096});
        const std::vector<char> chunk(65536, 'x');
        std::error_code failure;
        for (int i = 0; i < 10000 && !failure; ++i) {
            auto r = net::try_send(c.client, net::buffer(chunk), net::message_flags::dontwait);
            if (!r) failure = r.error();
        }
        CHECK_MESSAGE(net::is_would_block(failure), describe(failure));
    }
    SUBCASE("recvfrom peeks a datagram and its sender") {
        auto a = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(a, net::address::loopback());
        auto b = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(b, net::address::loopback());
        net::sendto(b, "once", net::local_address(a), io_timeout);
        auto peeked = net::recvfrom(a, net::buffer(buf), net::message_flags::peek, io_timeout);
        auto taken = net::recvfrom(a, net::buffer(buf), io_timeout);
        CHECK(peeked.size == 4);
        CHECK(taken.size == 4);
        CHECK(peeked.sender == net::local_address(b));
        auto none = net::try_recvfrom(a, net::buffer(buf), net::message_flags::dontwait);
        REQUIRE_FALSE(none);
        CHECK(net::is_would_block(none.error()));
    }
    SUBCASE("invalid combinations are invalid_argument") {
        using net::message_flags;
        CHECK_EC(
            net::try_recv(c.server, net::buffer(buf), message_flags::peek | message_flags::waitall).error(),
            std::errc::invalid_argument);
        CHECK_EC(net::try_send(c.client, net::buffer(buf), message_flags::peek).error(),
                 std::errc::invalid_argument);
        CHECK_EC(net::try_recvfrom(c.server, net::buffer(buf), message_flags::waitall).error(),
                 std::errc::invalid_argument);
    }
}

TEST_CASE("set_timeout is Python's settimeout") {
    auto listener = netsock_test::make_listener();
    SUBCASE("a limit: accept and recv given no timeout of their own end with timed_out") {
        net::set_timeout(listener, 50ms);
        // The kernel keeps it in its own ticks (Linux: jiffies), so it reads back rounded up.
        const auto set = net::get_timeout(listener).duration();
        CHECK(set >= std::chrono::nanoseconds(50ms));
        CHECK(set < std::chrono::nanoseconds(100ms));
        CHECK_EC(net::try_accept(listener).error(), std::errc::timed_out);
        auto c = netsock_test::connect_through(listener);
        net::set_timeout(c.server, 50ms);
        char buf[4];
        CHECK_EC(net::try_recv(c.server, net::buffer(buf)).error(), std::errc::timed_out);
        netsock_test::check_delivers(c.client, c.server, "still fine");
    }
    SUBCASE("zero: non-blocking; none: blocking without a limit") {
        net::set_timeout(listener, 0ms);
        CHECK(net::get_timeout(listener).duration() == std::chrono::nanoseconds(0));
        auto r = net::try_accept(listener);
        REQUIRE_FALSE(r);
        CHECK(net::is_would_block(r.error()));
        net::set_timeout(listener, net::timeout::none());
        CHECK(net::get_timeout(listener).is_none());
    }
    SUBCASE("a canceller cannot be stored in a socket") {
        net::canceller stop;
        CHECK_EC(net::try_set_timeout(listener, stop).error(), std::errc::invalid_argument);
    }
}

TEST_CASE("setsockopt and getsockopt are the raw escape hatch") {
    auto s = net::make_socket(net::family::ipv4);
    net::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1);
    CHECK(net::getsockopt(s, IPPROTO_TCP, TCP_NODELAY) != 0);
    CHECK(net::get_option<net::no_delay>(s).value);
    net::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 0);
    CHECK_FALSE(net::get_option<net::no_delay>(s).value);
    int type = 0;
    CHECK(net::getsockopt(s, SOL_SOCKET, SO_TYPE, &type, sizeof type) == sizeof type);
    CHECK(type == SOCK_STREAM);
    CHECK_FALSE(net::try_setsockopt(s, SOL_SOCKET, -12345, 1));
    net::socket closed;
    CHECK_EC(net::try_getsockopt(closed, SOL_SOCKET, SO_TYPE).error(), std::errc::bad_file_descriptor);
}

TEST_CASE("the errors of bind, connect and sendto name the address") {
    auto listener = netsock_test::make_listener();
    const auto at = net::local_address(listener);
    auto second = net::make_socket(net::family::ipv4);
    bool thrown = false;
    try {
        net::bind(second, at);
    } catch (const net::error& e) {
        thrown = true;
        CHECK_EC(e.code(), std::errc::address_in_use);
        CHECK(std::string(e.what()).rfind("bind " + at.to_string() + ": ", 0) == 0);
        CHECK(std::string(e.address()) == at.to_string());
    }
    CHECK(thrown);
    // A refused connect: a port that was just free (bound, not listening, then closed).
    auto probe = net::make_socket(net::family::ipv4);
    net::bind(probe, net::address::loopback());
    const auto closed = net::local_address(probe);
    probe.close();
    thrown = false;
    try {
        auto c = net::make_socket(net::family::ipv4);
        net::connect(c, closed, io_timeout);
    } catch (const net::error& e) {
        thrown = true;
        CHECK(std::string(e.what()).rfind("connect " + closed.to_string() + ": ", 0) == 0);
    }
    CHECK(thrown);
}
