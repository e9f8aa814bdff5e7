// Unit tests for net::socket: the move-only RAII owner of one OS socket handle.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<net::socket>, "net::socket must not be copyable");
static_assert(!std::is_copy_assignable_v<net::socket>, "net::socket must not be copy-assignable");
static_assert(std::is_nothrow_move_constructible_v<net::socket>,
              "net::socket's move constructor must be noexcept (std::vector relies on it)");
static_assert(std::is_nothrow_move_assignable_v<net::socket>,
              "net::socket's move assignment must be noexcept");
static_assert(std::is_nothrow_default_constructible_v<net::socket>);
static_assert(std::is_nothrow_destructible_v<net::socket>);
static_assert(sizeof(net::socket) == sizeof(net::native_handle_type),
              "net::socket must be exactly one native handle");
static_assert(!std::is_convertible_v<net::native_handle_type, net::socket>,
              "adopting a handle must be explicit");
static_assert(!std::is_convertible_v<net::socket, bool>, "operator bool must be explicit");
static_assert(std::is_constructible_v<bool, net::socket>);

constexpr auto io_timeout = 10s;

// 127.0.0.1 listeners on port 0 and the pairs made through them (tests/support/loopback.hpp).
using netsock_test::check_delivers;
using netsock_test::connect_through;
using netsock_test::make_listener;

// Checks that `s`'s peer has closed the connection: recv reports orderly EOF (0 bytes).
void check_sees_eof(const net::socket& s) {
    char byte = 0;
    auto r = net::try_recv(s, net::buffer(&byte, 1), io_timeout);
    REQUIRE_MESSAGE(r.has_value(), "recv failed: " << (r ? std::string() : r.error().message()));
    CHECK_MESSAGE(*r == 0, "expected EOF, received a byte instead");
}

} // namespace

TEST_CASE("a default-constructed socket is not open") {
    net::socket s;
    CHECK_FALSE(s.is_open());
    CHECK_FALSE(static_cast<bool>(s));
    CHECK(s.native_handle() == net::invalid_handle);
    CHECK(s.release() == net::invalid_handle);
}

TEST_CASE("a socket made by make_socket is open and owns a valid handle") {
    auto s = net::make_socket(net::family::ipv4);
    CHECK(s.is_open());
    CHECK(static_cast<bool>(s));
    CHECK(s.native_handle() != net::invalid_handle);
}

TEST_CASE("moving a socket transfers the handle and leaves the source not open") {
    auto a = net::make_socket(net::family::ipv4);
    const auto handle = a.native_handle();
    REQUIRE(handle != net::invalid_handle);

    SUBCASE("move construction") {
        net::socket b(std::move(a));
        CHECK_FALSE(a.is_open()); // NOLINT(bugprone-use-after-move): moved-from state is specified
        CHECK(a.native_handle() == net::invalid_handle);
        CHECK(b.is_open());
        CHECK(b.native_handle() == handle);
    }
    SUBCASE("move assignment into a socket that is not open") {
        net::socket b;
        b = std::move(a);
        CHECK_FALSE(a.is_open()); // NOLINT(bugprone-use-after-move)
        CHECK(a.native_handle() == net::invalid_handle);
        CHECK(b.native_handle() == handle);
    }
    SUBCASE("the moved-to socket still works") {
        auto listener = make_listener();
        auto c = connect_through(listener);
        net::socket moved(std::move(c.client));
        CHECK_FALSE(c.client.is_open()); // NOLINT(bugprone-use-after-move)
        check_delivers(moved, c.server, "moved sockets still talk");
        check_delivers(c.server, moved, "and listen");
    }
}

TEST_CASE("move assignment closes the handle the target owned before") {
    auto listener = make_listener();
    auto old_conn = connect_through(listener);
    auto new_conn = connect_through(listener);
    const auto new_handle = new_conn.client.native_handle();

    old_conn.client = std::move(new_conn.client);

    CHECK(old_conn.client.native_handle() == new_handle);
    CHECK_FALSE(new_conn.client.is_open()); // NOLINT(bugprone-use-after-move)
    // The handle old_conn.client owned before is closed: its peer reads EOF.
    check_sees_eof(old_conn.server);
    // The handle it owns now is the live one.
    check_delivers(old_conn.client, new_conn.server, "the new connection");
}

TEST_CASE("move assignment of a socket to itself keeps it open") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    const auto handle = c.client.native_handle();
    net::socket& alias = c.client;
    c.client = std::move(alias);
    CHECK(c.client.is_open());
    CHECK(c.client.native_handle() == handle);
    check_delivers(c.client, c.server, "still here");
}

TEST_CASE("release gives up ownership without closing the handle") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    const auto handle = c.client.native_handle();

    const auto released = c.client.release();
    CHECK(released == handle);
    CHECK_FALSE(c.client.is_open());
    CHECK(c.client.native_handle() == net::invalid_handle);
    // Destroying the released-from socket does not close the handle...
    { net::socket gone = std::move(c.client); }
    // ...so the connection is still alive once a new owner adopts it.
    net::socket adopted(released);
    check_delivers(adopted, c.server, "released, not closed");
    check_delivers(c.server, adopted, "both ways");
}

TEST_CASE("the adopting constructor takes ownership and closes the handle on destruction") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    {
        net::socket adopted(c.client.release());
        CHECK(adopted.is_open());
        check_delivers(adopted, c.server, "adopted");
    }
    check_sees_eof(c.server);
}

TEST_CASE("destroying a socket closes its handle") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    { net::socket dying = std::move(c.client); }
    check_sees_eof(c.server);
}

TEST_CASE("close closes the handle and closing again does nothing") {
    auto listener = make_listener();
    auto c = connect_through(listener);

    SUBCASE("throwing close") {
        c.client.close();
        CHECK_FALSE(c.client.is_open());
        CHECK(c.client.native_handle() == net::invalid_handle);
        check_sees_eof(c.server);
        CHECK_NOTHROW(c.client.close());
        CHECK_FALSE(c.client.is_open());
        auto again = c.client.try_close();
        CHECK(again.has_value());
    }
    SUBCASE("try_close") {
        auto r = c.client.try_close();
        CHECK_MESSAGE(r.has_value(), (r ? std::string() : r.error().message()));
        CHECK_FALSE(c.client.is_open());
        check_sees_eof(c.server);
        auto again = c.client.try_close();
        CHECK(again.has_value());
        CHECK_NOTHROW(c.client.close());
    }
    SUBCASE("closing a default-constructed socket does nothing") {
        net::socket never_opened;
        CHECK(never_opened.try_close().has_value());
        CHECK_NOTHROW(never_opened.close());
        CHECK_FALSE(never_opened.is_open());
    }
}

TEST_CASE("a close that the OS reports as failed still leaves the socket not open") {
    // Two owners of one handle (a misuse, on purpose): the second close fails in the OS.
    // Single-threaded, so the handle number is not reused in between.
    auto first = net::make_socket(net::family::ipv4);
    SUBCASE("try_close") {
        {
            net::socket second(first.native_handle());
            REQUIRE(second.try_close().has_value());
        }
        auto r = first.try_close();
        CHECK_FALSE(r.has_value());
        CHECK_FALSE(first.is_open());
        CHECK(first.native_handle() == net::invalid_handle);
        CHECK(first.try_close().has_value()); // now a no-op
    }
    SUBCASE("close") {
        {
            net::socket second(first.native_handle());
            second.close();
        }
        bool thrown = false;
        try {
            first.close();
        } catch (const net::error& e) {
            thrown = true;
            CHECK(std::string(e.operation()) == "close");
            CHECK(e.code());
        }
        CHECK(thrown);
        CHECK_FALSE(first.is_open());
        CHECK_NOTHROW(first.close());
    }
}

TEST_CASE("a closed socket fails further operations with bad_file_descriptor") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    c.client.close();
    char byte = 'x';
    auto r = net::try_send(c.client, net::buffer(&byte, 1));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::bad_file_descriptor);
}

TEST_CASE("a hundred connected sockets in a std::vector survive reallocation") {
    constexpr std::size_t count = 100;
    auto listener = make_listener();
    std::vector<net::socket> clients;
    std::vector<net::socket> servers;
    std::vector<net::native_handle_type> client_handles;
    int reallocations = 0;
    for (std::size_t i = 0; i < count; ++i) {
        auto c = connect_through(listener);
        client_handles.push_back(c.client.native_handle());
        const auto* before = clients.data();
        clients.push_back(std::move(c.client));
        servers.push_back(std::move(c.server));
        if (before != nullptr && clients.data() != before) ++reallocations;
    }
    REQUIRE(clients.size() == count);
    REQUIRE(servers.size() == count);
    CHECK_MESSAGE(reallocations > 0, "the vector never reallocated, so nothing was tested");

    for (std::size_t i = 0; i < count; ++i) {
        CHECK(clients[i].is_open());
        CHECK(servers[i].is_open());
        CHECK(clients[i].native_handle() == client_handles[i]);
    }

    auto message = [](std::size_t i) {
        return "connection #" + std::to_string(i) + " says " +
               std::string(i % 17 + 1, static_cast<char>('a' + i % 26));
    };
    // Every client sends first, then every server echoes: a mix-up of handles shows as a
    // message arriving on the wrong socket.
    for (std::size_t i = 0; i < count; ++i) {
        const auto text = message(i);
        REQUIRE(net::sendall(clients[i], net::buffer(text), io_timeout) == text.size());
    }
    for (std::size_t i = 0; i < count; ++i) {
        const auto text = message(i);
        std::string got(text.size(), '\0');
        REQUIRE(net::recv_exact(servers[i], net::buffer(got), io_timeout) == text.size());
        CHECK(got == text);
        REQUIRE(net::sendall(servers[i], net::buffer(got), io_timeout) == got.size());
    }
    for (std::size_t i = 0; i < count; ++i) {
        const auto text = message(i);
        std::string echo(text.size(), '\0');
        REQUIRE(net::recv_exact(clients[i], net::buffer(echo), io_timeout) == text.size());
        CHECK(echo == text);
    }
    // Nothing extra is waiting anywhere.
    for (std::size_t i = 0; i < count; ++i) {
        auto ready = net::try_wait(servers[i], net::events::readable, 0ms);
        CHECK_FALSE(ready.has_value());
        if (!ready) CHECK(ready.error() == std::errc::timed_out);
    }
}
