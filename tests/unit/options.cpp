// Unit tests for options.hpp: every typed socket option round-trips through set_option and
// get_option on a real socket of the right kind; bad input and closed sockets are rejected;
// SO_RCVTIMEO/SO_SNDTIMEO expiries are reported as timed_out.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/emulator.hpp"
#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr auto io_timeout = 10s;

using netsock_test::thrown_code;

// The message of a failed result (for assertion messages, which doctest may evaluate even
// when the assertion passes).
template <class R> std::string why(const R& r) { return r ? std::string("ok") : r.error().message(); }

using netsock_test::seconds_since;

net::socket tcp4() { return net::make_socket(net::family::ipv4, net::socket_type::stream); }
net::socket udp4() { return net::make_socket(net::family::ipv4, net::socket_type::datagram); }
net::socket tcp6() { return net::make_socket(net::family::ipv6, net::socket_type::stream); }
net::socket udp6() { return net::make_socket(net::family::ipv6, net::socket_type::datagram); }

// [::1] probe, 127.0.0.1 listeners on port 0 and pairs through them (tests/support/loopback.hpp).
using netsock_test::connect_through;
using netsock_test::ipv6_loopback_available;
using netsock_test::make_listener;

// Sets a bool option to `!initial`, reads it back, then sets it back and reads it again.
template <class Option> void check_bool_round_trip(const net::socket& s) {
    const bool initial = net::get_option<Option>(s).value;
    net::set_option(s, Option{!initial});
    CHECK(net::get_option<Option>(s).value == !initial);
    net::set_option(s, Option{initial});
    CHECK(net::get_option<Option>(s).value == initial);
    // The try_ face agrees.
    auto r = net::try_set_option(s, Option{true});
    REQUIRE_MESSAGE(r.has_value(), why(r));
    auto g = net::try_get_option<Option>(s);
    REQUIRE_MESSAGE(g.has_value(), why(g));
    CHECK(g->value);
    REQUIRE(net::try_set_option(s, Option{false}).has_value());
    CHECK_FALSE(net::try_get_option<Option>(s)->value);
}

// Sets an int option to each of `values` and reads each one back unchanged.
template <class Option> void check_int_round_trip(const net::socket& s, std::vector<int> values) {
    for (int v : values) {
        CAPTURE(v);
        auto r = net::try_set_option(s, Option{v});
        REQUIRE_MESSAGE(r.has_value(), why(r));
        CHECK(net::get_option<Option>(s).value == v);
    }
}

// Both faces of set_option reject `o` with `expected`.
template <class Option> void check_set_fails(const net::socket& s, const Option& o, std::errc expected) {
    auto r = net::try_set_option(s, o);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == expected, r.error().message());
    std::string op;
    auto ec = thrown_code([&] { net::set_option(s, o); }, &op);
    CHECK_MESSAGE(ec == expected, ec.message());
    CHECK(op == "set_option");
}

// Both faces of get_option fail with `expected`.
template <class Option> void check_get_fails(const net::socket& s, std::errc expected) {
    auto r = net::try_get_option<Option>(s);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == expected, r.error().message());
    std::string op;
    auto ec = thrown_code([&] { (void)net::get_option<Option>(s); }, &op);
    CHECK_MESSAGE(ec == expected, ec.message());
    CHECK(op == "get_option");
}

// Every option, set and get, on a socket that is not open.
void check_every_option_fails_on(const net::socket& s) {
    constexpr auto bad = std::errc::bad_file_descriptor;
    check_set_fails(s, net::reuse_address{true}, bad);
    check_set_fails(s, net::reuse_port{true}, bad);
    check_set_fails(s, net::no_delay{true}, bad);
    check_set_fails(s, net::keep_alive{true}, bad);
    check_set_fails(s, net::keep_alive_idle{10}, bad);
    check_set_fails(s, net::keep_alive_interval{10}, bad);
    check_set_fails(s, net::keep_alive_count{3}, bad);
    check_set_fails(s, net::linger{true, 1s}, bad);
    check_set_fails(s, net::send_buffer_size{65536}, bad);
    check_set_fails(s, net::receive_buffer_size{65536}, bad);
    check_set_fails(s, net::receive_timeout{1s}, bad);
    check_set_fails(s, net::send_timeout{1s}, bad);
    check_set_fails(s, net::broadcast{true}, bad);
    check_set_fails(s, net::v6_only{true}, bad);
    check_set_fails(s, net::ttl{64}, bad);
    check_set_fails(s, net::unicast_hops{64}, bad);
    check_set_fails(s, net::multicast_ttl{1}, bad);
    check_set_fails(s, net::multicast_loop{1}, bad);
    net::multicast_interface mi;
    mi.interface_address = net::address::loopback();
    check_set_fails(s, mi, bad);
    net::join_group join;
    join.group = net::address::parse("239.1.2.3");
    check_set_fails(s, join, bad);
    net::leave_group leave;
    leave.group = net::address::parse("239.1.2.3");
    check_set_fails(s, leave, bad);
    check_set_fails(s, net::join_source_group{net::address::parse("232.1.2.3"), net::address::loopback()},
                    bad);
    check_set_fails(s, net::leave_source_group{net::address::parse("232.1.2.3"), net::address::loopback()},
                    bad);
    check_set_fails(s, net::multicast_all{false}, bad);
    check_set_fails(s, net::udp_segment{1000}, bad);
    check_set_fails(s, net::udp_gro{true}, bad);

    check_get_fails<net::reuse_address>(s, bad);
    check_get_fails<net::reuse_port>(s, bad);
    check_get_fails<net::no_delay>(s, bad);
    check_get_fails<net::keep_alive>(s, bad);
    check_get_fails<net::keep_alive_idle>(s, bad);
    check_get_fails<net::keep_alive_interval>(s, bad);
    check_get_fails<net::keep_alive_count>(s, bad);
    check_get_fails<net::linger>(s, bad);
    check_get_fails<net::send_buffer_size>(s, bad);
    check_get_fails<net::receive_buffer_size>(s, bad);
    check_get_fails<net::receive_timeout>(s, bad);
    check_get_fails<net::send_timeout>(s, bad);
    check_get_fails<net::broadcast>(s, bad);
    check_get_fails<net::v6_only>(s, bad);
    check_get_fails<net::ttl>(s, bad);
    check_get_fails<net::unicast_hops>(s, bad);
    check_get_fails<net::multicast_ttl>(s, bad);
    check_get_fails<net::multicast_loop>(s, bad);
    check_get_fails<net::multicast_interface>(s, bad);
    check_get_fails<net::multicast_all>(s, bad);
    check_get_fails<net::udp_segment>(s, bad);
    check_get_fails<net::udp_gro>(s, bad);
    check_get_fails<net::socket_error>(s, bad);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Round trips

TEST_CASE("reuse_address round-trips on a TCP socket") {
    auto s = tcp4();
    check_bool_round_trip<net::reuse_address>(s);
}

TEST_CASE("reuse_port round-trips wherever the OS has SO_REUSEPORT") {
    auto s = tcp4();
    auto r = net::try_set_option(s, net::reuse_port{true});
    if (!r) {
        // Only where the OS lacks SO_REUSEPORT (Windows); Linux, macOS and BSD have it.
        CHECK_MESSAGE(r.error() == std::errc::no_protocol_option, r.error().message());
        MESSAGE("skipped: SO_REUSEPORT is not available here: " << r.error().message());
        return;
    }
    CHECK(net::get_option<net::reuse_port>(s).value);
    check_bool_round_trip<net::reuse_port>(s);
}

TEST_CASE("no_delay round-trips on a TCP socket") {
    auto s = tcp4();
    CHECK_FALSE(net::get_option<net::no_delay>(s).value); // Nagle is on by default
    check_bool_round_trip<net::no_delay>(s);
}

TEST_CASE("no_delay round-trips on a connected TCP socket of either side") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    check_bool_round_trip<net::no_delay>(c.client);
    check_bool_round_trip<net::no_delay>(c.server);
}

TEST_CASE("keep_alive round-trips on a TCP socket") {
    auto s = tcp4();
    CHECK_FALSE(net::get_option<net::keep_alive>(s).value);
    check_bool_round_trip<net::keep_alive>(s);
}

TEST_CASE("keep_alive_idle, keep_alive_interval and keep_alive_count round-trip on a TCP socket") {
    if (netsock_test::running_under_wine()) {
        MESSAGE("skipped under Wine: Wine 8 lacks TCP_KEEPALIVE, TCP_KEEPINTVL and TCP_KEEPCNT "
                "(WSAENOPROTOOPT); Windows has them since 10 1709");
        return;
    }
    auto s = tcp4();
    net::set_option(s, net::keep_alive{true});
    check_int_round_trip<net::keep_alive_idle>(s, {37, 1, 7200});
    check_int_round_trip<net::keep_alive_interval>(s, {11, 1, 75});
    check_int_round_trip<net::keep_alive_count>(s, {5, 1, 9});
    // Setting one knob leaves the others alone.
    net::set_option(s, net::keep_alive_idle{42});
    net::set_option(s, net::keep_alive_interval{13});
    net::set_option(s, net::keep_alive_count{4});
    CHECK(net::get_option<net::keep_alive_idle>(s).value == 42);
    CHECK(net::get_option<net::keep_alive_interval>(s).value == 13);
    CHECK(net::get_option<net::keep_alive_count>(s).value == 4);
}

TEST_CASE("linger round-trips enabled with a timeout, and disabled") {
    auto s = tcp4();
    auto initial = net::get_option<net::linger>(s);
    CHECK_FALSE(initial.enabled);

    net::set_option(s, net::linger{true, 7s});
    auto on = net::get_option<net::linger>(s);
    CHECK(on.enabled);
    CHECK(on.timeout == 7s);

    net::set_option(s, net::linger{true, 0s});
    auto abort = net::get_option<net::linger>(s);
    CHECK(abort.enabled);
    CHECK(abort.timeout == 0s);

    net::set_option(s, net::linger{false, 0s});
    auto off = net::get_option<net::linger>(s);
    CHECK_FALSE(off.enabled);
}

TEST_CASE("send_buffer_size and receive_buffer_size are at least the size requested") {
    for (auto type : {net::socket_type::stream, net::socket_type::datagram}) {
        CAPTURE(static_cast<int>(type));
        auto s = net::make_socket(net::family::ipv4, type);
        CHECK(net::get_option<net::send_buffer_size>(s).value > 0);
        CHECK(net::get_option<net::receive_buffer_size>(s).value > 0);
        for (int size : {64 * 1024, 200 * 1000}) {
            CAPTURE(size);
            net::set_option(s, net::send_buffer_size{size});
            net::set_option(s, net::receive_buffer_size{size});
            // The OS may round or double the value (Linux doubles it).
            const int snd = net::get_option<net::send_buffer_size>(s).value;
            const int rcv = net::get_option<net::receive_buffer_size>(s).value;
            CAPTURE(snd);
            CAPTURE(rcv);
            CHECK(snd >= size);
            CHECK(rcv >= size);
            CHECK(snd <= 4 * size); // "at least", not "anything": the value was applied
            CHECK(rcv <= 4 * size);
        }
    }
}

TEST_CASE("receive_timeout and send_timeout round-trip in milliseconds") {
    for (auto type : {net::socket_type::stream, net::socket_type::datagram}) {
        CAPTURE(static_cast<int>(type));
        auto s = net::make_socket(net::family::ipv4, type);
        CHECK(net::get_option<net::receive_timeout>(s).value == 0ms); // 0 = no timeout
        CHECK(net::get_option<net::send_timeout>(s).value == 0ms);

        net::set_option(s, net::receive_timeout{1500ms});
        net::set_option(s, net::send_timeout{1500ms});
        CHECK(net::get_option<net::receive_timeout>(s).value == 1500ms);
        CHECK(net::get_option<net::send_timeout>(s).value == 1500ms);

        // Whole seconds and a fractional duration both arrive in milliseconds.
        net::set_option(s, net::receive_timeout{3s});
        net::set_option(s, net::send_timeout{std::chrono::duration<double>(2.5)});
        CHECK(net::get_option<net::receive_timeout>(s).value == 3000ms);
        CHECK(net::get_option<net::send_timeout>(s).value == 2500ms);

        // Back to "no timeout".
        net::set_option(s, net::receive_timeout{0ms});
        net::set_option(s, net::send_timeout{0ms});
        CHECK(net::get_option<net::receive_timeout>(s).value == 0ms);
        CHECK(net::get_option<net::send_timeout>(s).value == 0ms);
    }
}

TEST_CASE("a sub-millisecond timeout rounds up, never down to \"no timeout\"") {
    CHECK(net::receive_timeout{std::chrono::microseconds(1)}.value == 1ms);
    CHECK(net::send_timeout{std::chrono::microseconds(1500)}.value == 2ms);
    CHECK(net::receive_timeout{std::chrono::duration<double>(0.0001)}.value == 1ms);
    CHECK(net::receive_timeout{}.value == 0ms);
}

TEST_CASE("broadcast round-trips on a UDP socket") {
    auto s = udp4();
    CHECK_FALSE(net::get_option<net::broadcast>(s).value);
    check_bool_round_trip<net::broadcast>(s);
}

TEST_CASE("v6_only is true on every IPv6 socket netsock makes and can be set to false") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    SUBCASE("a TCP socket from make_socket") {
        auto s = tcp6();
        CHECK(net::get_option<net::v6_only>(s).value);
        net::set_option(s, net::v6_only{false});
        CHECK_FALSE(net::get_option<net::v6_only>(s).value);
        net::set_option(s, net::v6_only{true});
        CHECK(net::get_option<net::v6_only>(s).value);
    }
    SUBCASE("a UDP socket from make_socket") {
        auto s = udp6();
        CHECK(net::get_option<net::v6_only>(s).value);
        net::set_option(s, net::v6_only{false});
        CHECK_FALSE(net::get_option<net::v6_only>(s).value);
    }
    SUBCASE("a listener from create_server, its accepted socket, and create_connection's socket") {
        auto server = net::create_server(net::address::parse("[::1]:0"));
        CHECK(net::get_option<net::v6_only>(server).value);
        auto client =
            net::create_connection(std::vector<net::address>{net::local_address(server)}, io_timeout);
        CHECK(net::get_option<net::v6_only>(client).value);
        auto accepted = net::accept(server, io_timeout);
        CHECK(net::get_option<net::v6_only>(accepted.socket).value);
    }
    SUBCASE("a wildcard listener from create_server") {
        auto server = net::create_server(net::address::any(net::family::ipv6, 0));
        CHECK(net::get_option<net::v6_only>(server).value);
    }
}

TEST_CASE("v6_only on an IPv4 socket is an error, not a silent no-op") {
    auto s = tcp4();
    auto r = net::try_set_option(s, net::v6_only{true});
    CHECK_FALSE(r.has_value());
    auto g = net::try_get_option<net::v6_only>(s);
    CHECK_FALSE(g.has_value());
}

TEST_CASE("ttl round-trips on IPv4 TCP and UDP sockets") {
    auto t = tcp4();
    auto u = udp4();
    CHECK(net::get_option<net::ttl>(t).value > 0);
    check_int_round_trip<net::ttl>(t, {42, 1, 255});
    check_int_round_trip<net::ttl>(u, {42, 1, 255});
}

TEST_CASE("unicast_hops round-trips on IPv6 TCP and UDP sockets") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    auto t = tcp6();
    auto u = udp6();
    check_int_round_trip<net::unicast_hops>(t, {42, 1, 255});
    check_int_round_trip<net::unicast_hops>(u, {42, 1, 255});
}

TEST_CASE("multicast_ttl round-trips on IPv4 and IPv6 UDP sockets") {
    auto u4 = udp4();
    CHECK(net::get_option<net::multicast_ttl>(u4).value == 1); // the RFC 1112 default
    check_int_round_trip<net::multicast_ttl>(u4, {5, 0, 255, 1});
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped the IPv6 half: no IPv6 loopback on this machine");
        return;
    }
    auto u6 = udp6();
    CHECK(net::get_option<net::multicast_ttl>(u6).value == 1);
    check_int_round_trip<net::multicast_ttl>(u6, {5, 0, 255, 1});
}

TEST_CASE("multicast_loop round-trips on IPv4 and IPv6 UDP sockets") {
    auto u4 = udp4();
    CHECK(net::get_option<net::multicast_loop>(u4).value == 1); // on by default
    check_int_round_trip<net::multicast_loop>(u4, {0, 1});
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped the IPv6 half: no IPv6 loopback on this machine");
        return;
    }
    auto u6 = udp6();
    CHECK(net::get_option<net::multicast_loop>(u6).value == 1);
    check_int_round_trip<net::multicast_loop>(u6, {0, 1});
}

// qemu-user (7.2, which runs the s390x and aarch64 tests of tools/test-cross.sh) translates
// neither IP_MULTICAST_IF nor IPV6_MULTICAST_IF: both getsockopt and setsockopt answer
// ENOPROTOOPT for the program it runs, whatever the host kernel supports. Under qemu only, and
// only when the option is refused that way, the test is skipped with that reason.
namespace {
bool qemu_lacks_multicast_interface(const net::socket& s) {
    if (!netsock_test::running_under_qemu()) return false;
    auto r = net::try_get_option<net::multicast_interface>(s);
    if (r || r.error() != std::errc::no_protocol_option) return false;
    MESSAGE("skipped under " << netsock_test::emulator()
                             << ": qemu-user does not translate IP_MULTICAST_IF / "
                                "IPV6_MULTICAST_IF (getsockopt: "
                             << r.error().message() << ")");
    return true;
}
} // namespace

TEST_CASE("multicast_interface selects 127.0.0.1 on an IPv4 UDP socket") {
    auto s = udp4();
    if (qemu_lacks_multicast_interface(s)) return;
    CHECK(net::get_option<net::multicast_interface>(s).interface_address.is_any()); // the default
    net::multicast_interface mi;
    mi.interface_address = net::address::loopback(net::family::ipv4);
    net::set_option(s, mi);
    auto got = net::get_option<net::multicast_interface>(s);
    CHECK(got.interface_address.family() == net::family::ipv4);
    CHECK(got.interface_address.host() == "127.0.0.1");
    // Back to "the default interface".
    mi.interface_address = net::address::any();
    net::set_option(s, mi);
    CHECK(net::get_option<net::multicast_interface>(s).interface_address.is_any());
}

TEST_CASE("multicast_interface on an IPv4 socket needs an IPv4 interface address") {
    auto s = udp4();
    net::multicast_interface mi;
    mi.interface_address = net::address::loopback(net::family::ipv6);
    check_set_fails(s, mi, std::errc::invalid_argument);
}

TEST_CASE("multicast_interface selects an interface index on an IPv6 UDP socket") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    auto s = udp6();
    if (qemu_lacks_multicast_interface(s)) return;
    CHECK(net::get_option<net::multicast_interface>(s).interface_index == 0); // the default

    net::multicast_interface mi;
    mi.interface_index = 0;
    net::set_option(s, mi);
    CHECK(net::get_option<net::multicast_interface>(s).interface_index == 0);

    auto lo = net::address::try_parse("[fe80::1%lo]");
    if (!lo || lo->scope_id() == 0) {
        MESSAGE("skipped the named half: no interface called \"lo\" here"
                << (lo ? std::string() : ": " + lo.error().message()));
        return;
    }
    mi.interface_index = lo->scope_id();
    CAPTURE(mi.interface_index);
    auto r = net::try_set_option(s, mi);
    REQUIRE_MESSAGE(r.has_value(), why(r));
    CHECK(net::get_option<net::multicast_interface>(s).interface_index == lo->scope_id());
}

TEST_CASE("join_group and leave_group on an IPv4 group via 127.0.0.1") {
    auto s = udp4();
    net::bind(s, net::address::any(net::family::ipv4, 0));
    const auto group = net::address::parse("239.255.77.42");
    const auto iface = net::address::loopback(net::family::ipv4);

    net::join_group join;
    join.group = group;
    join.interface_address = iface;
    auto joined = net::try_set_option(s, join);
    if (!joined) {
        // A sandbox without multicast routes may refuse; it must say why with a real error.
        const auto ec = joined.error();
        CHECK(ec);
        CHECK(ec != std::errc::invalid_argument); // our input is valid
        CHECK_FALSE(ec.message().empty());
        MESSAGE("joining " << group << " on " << iface << " failed here (no multicast?): " << ec.message()
                           << " [" << ec.category().name() << ":" << ec.value() << "]");
        CHECK(thrown_code([&] { net::set_option(s, join); }) == ec);
        return;
    }
    // Joining the same group twice on the same interface is refused by the OS.
    CHECK_FALSE(net::try_set_option(s, join).has_value());

    net::leave_group leave;
    leave.group = group;
    leave.interface_address = iface;
    auto left = net::try_set_option(s, leave);
    CHECK_MESSAGE(left.has_value(), why(left));
    // Leaving a group we are no longer in fails.
    auto again = net::try_set_option(s, leave);
    CHECK_FALSE(again.has_value());
    // The throwing face joins too.
    CHECK_NOTHROW(net::set_option(s, join));
    CHECK_NOTHROW(net::set_option(s, leave));
}

TEST_CASE("join_group and leave_group reject an address that is not multicast") {
    auto s = udp4();
    net::join_group join;
    join.group = net::address::parse("127.0.0.1");
    join.interface_address = net::address::loopback();
    check_set_fails(s, join, std::errc::invalid_argument);
    net::leave_group leave;
    leave.group = net::address::parse("10.1.2.3");
    check_set_fails(s, leave, std::errc::invalid_argument);
}

TEST_CASE("socket_error reads connection_refused after a non-blocking connect to a closed port") {
    if (netsock_test::running_under_wine()) {
        MESSAGE("skipped under Wine: Wine's SO_ERROR keeps returning a failed connect's error "
                "after it was read (server/sock.c falls back to the stored connect error); "
                "Windows clears it");
        return;
    }
    // A bound socket that never listens: its port is ours, and a SYN to it is refused.
    auto closed = tcp4();
    net::bind(closed, net::address::loopback(net::family::ipv4, 0));
    const auto target = net::local_address(closed);

    auto s = tcp4();
    CHECK_FALSE(net::get_option<net::socket_error>(s).value); // nothing pending yet
    net::set_nonblocking(s);
    auto r = net::try_connect(s, target);
    REQUIRE_FALSE(r.has_value()); // a non-blocking connect cannot finish at once here
    const auto first = r.error();
    CAPTURE(first.message());
    if (first == std::errc::connection_refused) {
        MESSAGE("the OS reported the refusal from connect() itself; SO_ERROR is then clear");
        CHECK_FALSE(net::get_option<net::socket_error>(s).value);
        return;
    }
    CHECK((first == std::errc::operation_in_progress || net::is_would_block(first)));

    auto ready = net::wait(s, net::events::writable, 5s);
    CHECK(net::has(ready, net::events::writable | net::events::error | net::events::hangup));
    auto err = net::get_option<net::socket_error>(s).value;
    CHECK_MESSAGE(err == std::errc::connection_refused, err.message());
    // Reading SO_ERROR clears it.
    CHECK_FALSE(net::get_option<net::socket_error>(s).value);
}

TEST_CASE("socket_error is clear on a healthy connected socket") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    auto r = net::try_get_option<net::socket_error>(c.client);
    REQUIRE(r.has_value());
    CHECK_FALSE(r->value);
    CHECK_FALSE(net::get_option<net::socket_error>(c.server).value);
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST_CASE("negative sizes and timeouts are rejected with invalid_argument") {
    auto t = tcp4();
    auto u = udp4();
    constexpr auto inval = std::errc::invalid_argument;
    check_set_fails(t, net::send_buffer_size{-1}, inval);
    check_set_fails(t, net::receive_buffer_size{-65536}, inval);
    check_set_fails(t, net::receive_timeout{-1ms}, inval);
    check_set_fails(t, net::send_timeout{-5s}, inval);
    check_set_fails(t, net::receive_timeout{std::chrono::duration<double>(-0.5)}, inval);
    check_set_fails(t, net::keep_alive_idle{-1}, inval);
    check_set_fails(t, net::keep_alive_interval{-1}, inval);
    check_set_fails(t, net::keep_alive_count{-1}, inval);
    check_set_fails(t, net::ttl{-1}, inval);
    check_set_fails(t, net::linger{true, -1s}, inval);
    check_set_fails(t, net::linger{true, std::chrono::seconds(70000)}, inval);
    check_set_fails(u, net::multicast_ttl{-1}, inval);
    check_set_fails(u, net::multicast_loop{-1}, inval);

    // A rejected value leaves the option as it was.
    net::set_option(t, net::receive_timeout{1500ms});
    CHECK_FALSE(net::try_set_option(t, net::receive_timeout{-1ms}).has_value());
    CHECK(net::get_option<net::receive_timeout>(t).value == 1500ms);
}

TEST_CASE("every option on a socket that is not open fails with bad_file_descriptor") {
    SUBCASE("a default-constructed socket") {
        net::socket s;
        check_every_option_fails_on(s);
    }
    SUBCASE("a closed socket") {
        auto s = tcp4();
        s.close();
        check_every_option_fails_on(s);
    }
    SUBCASE("a moved-from socket") {
        auto s = udp4();
        auto other = std::move(s);
        CHECK(other.is_open());
        check_every_option_fails_on(s); // NOLINT(bugprone-use-after-move): that is the point
    }
}

// ---------------------------------------------------------------------------------------------
// What SO_RCVTIMEO/SO_SNDTIMEO do

TEST_CASE("with receive_timeout set, a blocking try_recv fails with timed_out") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    char buf[16];

    SUBCASE("300 ms") {
        net::set_option(c.client, net::receive_timeout{300ms});
        const auto start = steady::now();
        auto r = net::try_recv(c.client, net::buffer(buf));
        const double took = seconds_since(start);
        CAPTURE(took);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
        CHECK_FALSE(net::is_would_block(r.error()));
        CHECK(took >= 0.290);
        CHECK(took < 3.0);
    }
    SUBCASE("1500 ms") {
        net::set_option(c.client, net::receive_timeout{1500ms});
        const auto start = steady::now();
        auto r = net::try_recv(c.client, net::buffer(buf));
        const double took = seconds_since(start);
        CAPTURE(took);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
        CHECK(took >= 1.45);
        CHECK(took < 5.0);
    }
    SUBCASE("the throwing face, and data that arrives in time is received") {
        net::set_option(c.client, net::receive_timeout{300ms});
        std::string op;
        auto ec = thrown_code([&] { (void)net::recv(c.client, net::buffer(buf)); }, &op);
        CHECK_MESSAGE(ec == std::errc::timed_out, ec.message());
        CHECK(op == "recv");
        // The connection is still usable after the timeout.
        net::sendall(c.server, net::buffer(std::string("ping")), io_timeout);
        std::string got(4, '\0');
        CHECK(net::recv_exact(c.client, net::buffer(got)) == 4);
        CHECK(got == "ping");
    }
}

TEST_CASE("with receive_timeout set, a blocking try_accept fails with timed_out") {
    // Windows ignores SO_RCVTIMEO for accept (it bounds recv only): netsock emulates it.
    auto listener = make_listener();
    net::set_option(listener, net::receive_timeout{300ms});
    const auto start = steady::now();
    auto r = net::try_accept(listener);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
    CHECK(took >= 0.290);
    CHECK(took < 3.0);
}

TEST_CASE("with send_timeout set, a blocking send to a peer that never reads fails with timed_out") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    net::set_option(c.client, net::send_buffer_size{16 * 1024});
    net::set_option(c.server, net::receive_buffer_size{16 * 1024});
    net::set_option(c.client, net::send_timeout{300ms});
    std::vector<unsigned char> chunk(256 * 1024, 0x5a);

    // Each send either takes some bytes or waits 300 ms and fails; bounded in count and time.
    const auto start = steady::now();
    std::error_code ec;
    std::size_t total = 0;
    for (int i = 0; i < 4000 && seconds_since(start) < 30.0; ++i) {
        const auto before = steady::now();
        auto r = net::try_send(c.client, net::buffer(chunk));
        if (!r) {
            ec = r.error();
            const double took = seconds_since(before);
            CAPTURE(took);
            CHECK(took >= 0.290);
            CHECK(took < 3.0);
            break;
        }
        total += *r;
    }
    CAPTURE(total);
    REQUIRE_MESSAGE(ec, "the send buffer never filled up");
    CHECK_MESSAGE(ec == std::errc::timed_out, ec.message());
    CHECK_FALSE(net::is_would_block(ec));
}
