#ifndef NETSOCK_TESTS_SUPPORT_LOOPBACK_HPP
#define NETSOCK_TESTS_SUPPORT_LOOPBACK_HPP

// Loopback helpers shared by the tests (tests/unit, tests/reliability):
//
//   auto c = netsock_test::connected_pair();          // c.client <-> c.server over 127.0.0.1
//   auto listener = netsock_test::make_listener();    // 127.0.0.1, port picked by the OS
//   auto d = netsock_test::connect_through(listener); // one more pair through that listener
//   netsock_test::check_delivers(c.client, c.server, "text");
//
// plus the small things many test files need: describe() for an error code in a failure
// message, stopwatches, thrown_code(), ipv6_loopback_available() and a thread that is always
// joined.
//
// Only the public API of <net/net.hpp> is used here (no net::detail, no OS headers), so this
// header works in every build mode the tests have (split headers, single header, compile-once)
// and on every OS (POSIX and Windows/MinGW). Listeners bind port 0 and listen before the
// client connects (the kernel queues the connection), so no fixed ports and no sleeps.

#include <doctest/doctest.h>

#include <net/net.hpp>

#include <chrono>
#include <ostream> // doctest prints std::string and std::error_code through it
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace netsock_test {

/// Generous bound for anything that should be immediate on loopback; only reached on failure.
inline constexpr std::chrono::seconds loopback_timeout{10};

// ---------------------------------------------------------------------------------------------
// Failure messages and stopwatches

/// "category:value (message)", for assertion messages.
inline std::string describe(const std::error_code& ec) {
    return std::string(ec.category().name()) + ":" + std::to_string(ec.value()) + " (" + ec.message() + ")";
}

/// Seconds of std::chrono::steady_clock since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Milliseconds of std::chrono::steady_clock since `start`.
inline double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// The error code of the net::error that `f` throws (and its operation, if `operation` is
/// given); an empty code if it throws nothing.
template <class F> std::error_code thrown_code(F&& f, std::string* operation = nullptr) {
    try {
        f();
    } catch (const net::error& e) {
        if (operation) *operation = e.operation();
        return e.code();
    }
    return {};
}

/// A std::thread that is always joined when it goes out of scope, also when an assertion
/// throws.
class joining_thread {
public:
    template <class F> explicit joining_thread(F&& f) : thread_(std::forward<F>(f)) {}
    joining_thread(const joining_thread&) = delete;
    joining_thread& operator=(const joining_thread&) = delete;
    ~joining_thread() { join(); }
    void join() {
        if (thread_.joinable()) thread_.join();
    }

private:
    std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// Loopback sockets

/// True if this machine can make an IPv6 socket and bind it to [::1] (containers may lack ::1).
inline bool ipv6_loopback_available() {
    auto s = net::try_make_socket(net::family::ipv6);
    if (!s) return false;
    return net::try_bind(*s, net::address::loopback(net::family::ipv6, 0)).has_value();
}

/// A listening TCP socket on the loopback address of `f` (127.0.0.1 or ::1), port picked by
/// the OS; read it back with net::local_address.
inline net::socket make_listener(net::family f = net::family::ipv4, int backlog = net::default_backlog) {
    auto s = net::make_socket(f);
    net::bind(s, net::address::loopback(f, 0));
    net::listen(s, backlog);
    return s;
}

/// Both ends of one TCP connection.
struct connection {
    net::socket client;
    net::socket server;
};

/// A connected pair made through `listener`: a client of the listener's family connects to
/// it, and the listener accepts; each step gives up (throwing net::error) after `timeout`.
inline connection connect_through(const net::socket& listener,
                                  std::chrono::nanoseconds timeout = loopback_timeout) {
    const auto at = net::local_address(listener);
    connection c;
    c.client = net::make_socket(at.family());
    net::connect(c.client, at, timeout);
    c.server = net::accept(listener, timeout).socket;
    return c;
}

/// A connected loopback TCP pair of family `f`, through a listener that is closed again
/// before this returns.
inline connection connected_pair(net::family f = net::family::ipv4,
                                 std::chrono::nanoseconds timeout = loopback_timeout) {
    auto listener = make_listener(f);
    return connect_through(listener, timeout);
}

/// Sends `text` from `from`, and checks that `to` receives exactly it.
inline void check_delivers(const net::socket& from, const net::socket& to, const std::string& text,
                           std::chrono::nanoseconds timeout = loopback_timeout) {
    REQUIRE(net::sendall(from, net::buffer(text), timeout) == text.size());
    std::string got(text.size(), '\0');
    REQUIRE(net::recv_exact(to, net::buffer(got), timeout) == text.size());
    CHECK(got == text);
}

} // namespace netsock_test

#endif
