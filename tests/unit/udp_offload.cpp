// Unit tests for the UDP offload options of options.hpp: udp_segment (GSO: one send leaves as
// several datagrams) and udp_gro (GRO: several datagrams may come as one receive). Linux has
// both (4.18 / 5.0); Windows maps udp_segment to UDP_SEND_MSG_SIZE; elsewhere, or on a kernel
// without them, setting them fails and each test says so and stops.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr auto arrives_within = 5s;
constexpr auto absent_for = 300ms;

using netsock_test::describe;

// The error of a failed result, "ok" otherwise (doctest may build a message even when the
// assertion passes).
template <class R> std::string why(const R& r) { return r ? std::string("ok") : describe(r.error()); }

net::socket udp4() { return net::make_socket(net::family::ipv4, net::socket_type::datagram); }

// A receiver on 127.0.0.1, port picked by the OS.
net::socket receiver() {
    auto s = udp4();
    net::bind(s, net::address::loopback(net::family::ipv4, 0));
    return s;
}

// `n` bytes that differ from one position to the next (so a reordering or a lost piece shows).
std::vector<unsigned char> pattern(std::size_t n) {
    std::vector<unsigned char> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>((i * 7 + i / 251) % 251);
    return v;
}

// Whether the OS refused an offload option because it does not have it (rather than a bug).
bool lacks_option(const std::error_code& ec) {
    return ec == std::errc::no_protocol_option || ec == std::errc::invalid_argument ||
           ec == std::errc::operation_not_supported || ec == std::errc::protocol_not_supported;
}

} // namespace

TEST_CASE("udp_segment round-trips, and is refused with a reason where the OS lacks it") {
    auto s = udp4();
    auto set = net::try_set_option(s, net::udp_segment{1000});
    if (!set) {
        CHECK_MESSAGE(lacks_option(set.error()), describe(set.error()));
        MESSAGE("skipped: no UDP_SEGMENT here: " << describe(set.error()));
        return;
    }
    auto got = net::try_get_option<net::udp_segment>(s);
    REQUIRE_MESSAGE(got.has_value(), why(got));
    CHECK(got->value == 1000);
    net::set_option(s, net::udp_segment{0});
    CHECK(net::get_option<net::udp_segment>(s).value == 0);
    // Negative sizes never reach the OS.
    auto neg = net::try_set_option(s, net::udp_segment{-1});
    REQUIRE_FALSE(neg.has_value());
    CHECK(neg.error() == std::errc::invalid_argument);
}

TEST_CASE("with udp_segment{1000}, one 3000-byte send arrives as three 1000-byte datagrams") {
    auto rx = receiver();
    const auto to = net::local_address(rx);
    auto tx = udp4();
    auto set = net::try_set_option(tx, net::udp_segment{1000});
    if (!set) {
        MESSAGE("skipped: no UDP_SEGMENT here: " << describe(set.error()));
        return;
    }
    const auto data = pattern(3000);
    auto sent = net::try_sendto(tx, net::const_buffer(data.data(), data.size()), to);
    REQUIRE_MESSAGE(sent.has_value(), why(sent));
    CHECK(*sent == 3000);

    std::vector<unsigned char> buf(65536);
    for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        auto r = net::try_recvfrom(rx, net::buffer(buf.data(), buf.size()), arrives_within);
        REQUIRE_MESSAGE(r.has_value(), why(r));
        REQUIRE(r->size == 1000);
        CHECK_FALSE(r->truncated);
        CHECK(std::equal(buf.begin(), buf.begin() + 1000,
                         data.begin() + static_cast<std::ptrdiff_t>(i * 1000)));
    }
    auto extra = net::try_recvfrom(rx, net::buffer(buf.data(), buf.size()), absent_for);
    CHECK_MESSAGE(!extra.has_value(), "a fourth datagram of " << (extra ? extra->size : 0) << " bytes");

    // A send that is not a multiple of the size: the last datagram is shorter; one no larger
    // than the size goes as it is.
    const auto odd = pattern(2500);
    net::sendto(tx, net::const_buffer(odd.data(), odd.size()), to);
    net::sendto(tx, net::const_buffer(odd.data(), 10), to);
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 4; ++i) {
        auto r = net::try_recvfrom(rx, net::buffer(buf.data(), buf.size()), arrives_within);
        REQUIRE_MESSAGE(r.has_value(), why(r));
        sizes.push_back(r->size);
    }
    CHECK(sizes == std::vector<std::size_t>{1000, 1000, 500, 10});
}

TEST_CASE("udp_gro round-trips, and is refused with a reason where the OS lacks it") {
    auto s = udp4();
    auto set = net::try_set_option(s, net::udp_gro{true});
    if (!set) {
        CHECK_MESSAGE(lacks_option(set.error()), describe(set.error()));
        MESSAGE("skipped: no UDP_GRO here: " << describe(set.error()));
        return;
    }
    auto got = net::try_get_option<net::udp_gro>(s);
    REQUIRE_MESSAGE(got.has_value(), why(got));
    CHECK(got->value);
    net::set_option(s, net::udp_gro{false});
    CHECK_FALSE(net::get_option<net::udp_gro>(s).value);
}

TEST_CASE("with udp_gro{true}, a segmented send of 3000 bytes arrives byte-exact, coalesced or not") {
    auto rx = receiver();
    const auto to = net::local_address(rx);
    if (auto set = net::try_set_option(rx, net::udp_gro{true}); !set) {
        MESSAGE("skipped: no UDP_GRO here: " << describe(set.error()));
        return;
    }
    auto tx = udp4();
    // On loopback the kernel coalesces only what a GSO sender handed it as one piece.
    if (auto set = net::try_set_option(tx, net::udp_segment{1000}); !set) {
        MESSAGE("skipped: no UDP_SEGMENT for the sender here: " << describe(set.error()));
        return;
    }
    const auto data = pattern(3000);
    net::sendto(tx, net::const_buffer(data.data(), data.size()), to);

    std::vector<unsigned char> got;
    std::vector<unsigned char> buf(65536);
    int receives = 0;
    while (got.size() < data.size() && receives < 3) { // at most one receive per segment
        auto r = net::try_recvfrom(rx, net::buffer(buf.data(), buf.size()), arrives_within);
        REQUIRE_MESSAGE(r.has_value(), why(r));
        CHECK_FALSE(r->truncated);
        ++receives;
        got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r->size));
    }
    CHECK(got == data);
    MESSAGE("3000 bytes in 1000-byte segments with udp_gro on took "
            << receives << " receive(s)" << std::string(receives == 1 ? " (coalesced)" : ""));
}
