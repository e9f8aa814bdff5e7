// Unit tests for <net/address.hpp>: net::address parsing, formatting, construction,
// classification, comparison, hashing, local (Unix) paths and native sockaddr interop.

#include <doctest/doctest.h>

#include <net/net.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace {

using bytes4 = std::array<std::uint8_t, 4>;
using bytes16 = std::array<std::uint8_t, 16>;

// An interface index no machine has, so it always prints as a number.
constexpr std::uint32_t unused_scope = 3999999999u;

// The text with control bytes escaped, for failure messages.
std::string printable(std::string_view text) {
    std::string out;
    const std::size_t shown = text.size() < 80 ? text.size() : 80;
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (shown < text.size()) out += "...(" + std::to_string(text.size()) + " bytes)";
    return out;
}

// Both faces reject `text` with `expected`: try_parse returns it, parse throws it as net::error.
void check_rejected(std::string_view text, std::errc expected = std::errc::invalid_argument) {
    CAPTURE(printable(text));
    const auto r = net::address::try_parse(text);
    if (r.has_value()) {
        FAIL_CHECK("try_parse accepted it as " << r->to_string());
    } else {
        CHECK(r.error() == expected);
    }
    bool thrown = false;
    try {
        (void)net::address::parse(text);
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == expected);
        CHECK(std::string(e.operation()).find("parse") != std::string::npos);
    }
    CHECK(thrown);
}

// Both faces of the (host, port) overload reject `host` with `expected`.
void check_rejected_host(std::string_view host, std::uint16_t port,
                         std::errc expected = std::errc::invalid_argument) {
    CAPTURE(printable(host));
    const auto r = net::address::try_parse(host, port);
    if (r.has_value()) {
        FAIL_CHECK("try_parse(host, port) accepted it as " << r->to_string());
    } else {
        CHECK(r.error() == expected);
    }
    bool thrown = false;
    try {
        (void)net::address::parse(host, port);
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == expected);
    }
    CHECK(thrown);
}

net::address must_parse(std::string_view text) {
    const auto r = net::address::try_parse(text);
    INFO("parsing " << printable(text));
    REQUIRE(r.has_value());
    return *r;
}

bytes16 v6(std::initializer_list<std::uint8_t> head, std::initializer_list<std::uint8_t> tail = {}) {
    bytes16 b{};
    std::size_t i = 0;
    for (auto x : head) b[i++] = x;
    i = 16 - tail.size();
    for (auto x : tail) b[i++] = x;
    return b;
}

// A varied set of addresses, including some that differ only in one field.
std::vector<net::address> sample_addresses() {
    return {
        net::address(),
        must_parse("0.0.0.0:1"),
        must_parse("1.2.3.4:80"),
        must_parse("1.2.3.4:81"),
        must_parse("1.2.3.5:80"),
        must_parse("127.0.0.1:65535"),
        must_parse("255.255.255.255:0"),
        must_parse("224.0.0.1:5353"),
        must_parse("[::]:0"),
        must_parse("[::1]:443"),
        must_parse("[::1]:444"),
        must_parse("[2001:db8::1]:8080"),
        must_parse("[2001:db8::1:0:0:1]:1"),
        must_parse("[::ffff:1.2.3.4]:80"),
        must_parse("[fe80::1%1]:22"),
        must_parse("[fe80::1%2]:22"),
        net::address::ipv6(v6({0xfe, 0x80}, {1}), 22, unused_scope),
        must_parse("[ff02::1]:5353"),
        net::address::local("/tmp/a.sock"),
        net::address::local("/tmp/b.sock"),
        net::address::local(std::string_view("\0abstract", 9)),
        net::address::loopback(net::family::local),
    };
}

} // namespace

static_assert(std::is_nothrow_default_constructible_v<net::address>);
static_assert(std::is_nothrow_copy_constructible_v<net::address>);
static_assert(std::is_nothrow_copy_assignable_v<net::address>);
static_assert(std::is_same_v<decltype(net::address::try_parse("")), net::result<net::address>>);
static_assert(std::is_same_v<decltype(net::address::try_parse("", 0)), net::result<net::address>>);
static_assert(std::is_same_v<decltype(net::address::try_local("")), net::result<net::address>>);
// A string_view argument, not "": libc++'s string_view(const char*) is not noexcept, and that
// conversion is part of the expression.
static_assert(noexcept(net::address::try_parse(std::string_view())), "try_parse never throws");
static_assert(noexcept(net::address::try_parse(std::string_view(), 0)), "try_parse(host, port) never throws");
static_assert(noexcept(net::address::try_local(std::string_view())), "try_local never throws");
static_assert(noexcept(net::address::try_from_native(nullptr, 0)), "try_from_native never throws");
static_assert(!noexcept(net::address::parse("")), "parse reports errors by throwing");
static_assert(net::address::capacity() >= sizeof(::sockaddr_in6), "room for IPv6");

// ---------------------------------------------------------------------------------------------
// Parsing valid text

TEST_CASE("parse reads an IPv4 address with a port") {
    const auto a = net::address::parse("1.2.3.4:80");
    CHECK(a.family() == net::family::ipv4);
    CHECK(a.port() == 80);
    CHECK(a.v4_bytes() == bytes4{1, 2, 3, 4});
    CHECK(a.host() == "1.2.3.4");
    CHECK(a.to_string() == "1.2.3.4:80");
    CHECK(a.scope_id() == 0);
}

TEST_CASE("parse reads an IPv4 address without a port as port 0") {
    const auto a = net::address::parse("1.2.3.4");
    CHECK(a.family() == net::family::ipv4);
    CHECK(a.port() == 0);
    CHECK(a.v4_bytes() == bytes4{1, 2, 3, 4});
    CHECK(a.to_string() == "1.2.3.4:0");
}

TEST_CASE("parse reads a bracketed IPv6 address with a port") {
    const auto a = net::address::parse("[::1]:443");
    CHECK(a.family() == net::family::ipv6);
    CHECK(a.port() == 443);
    CHECK(a.v6_bytes() == v6({}, {1}));
    CHECK(a.scope_id() == 0);
    CHECK(a.host() == "::1");
    CHECK(a.to_string() == "[::1]:443");
}

TEST_CASE("parse reads a bracketed IPv6 address without a port as port 0") {
    const auto a = net::address::parse("[::1]");
    CHECK(a.family() == net::family::ipv6);
    CHECK(a.port() == 0);
    CHECK(a.v6_bytes() == v6({}, {1}));
}

TEST_CASE("parse reads a bare IPv6 address that cannot end in a port as port 0") {
    const auto a = net::address::parse("::1");
    CHECK(a.family() == net::family::ipv6);
    CHECK(a.port() == 0);
    CHECK(a == net::address::parse("[::1]:0"));

    const auto b = net::address::parse("2001:db8::8:800:200c:417a");
    CHECK(b.family() == net::family::ipv6);
    CHECK(b.v6_bytes() == v6({0x20, 0x01, 0x0d, 0xb8}, {0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a}));
}

TEST_CASE("parse reads an IPv4-mapped IPv6 address") {
    const auto a = net::address::parse("::ffff:1.2.3.4");
    CHECK(a.family() == net::family::ipv6);
    CHECK(a.is_v4_mapped());
    CHECK(a.v6_bytes() == v6({}, {0xff, 0xff, 1, 2, 3, 4}));
    CHECK(a.to_string() == "[::ffff:1.2.3.4]:0");
}

TEST_CASE("parse reads a numeric zone as the scope id") {
    const auto a = net::address::parse("[fe80::1%1]:22");
    CHECK(a.family() == net::family::ipv6);
    CHECK(a.port() == 22);
    CHECK(a.scope_id() == 1);
    CHECK(a.v6_bytes() == v6({0xfe, 0x80}, {1}));

    const auto b = net::address::parse("fe80::1%7");
    CHECK(b.scope_id() == 7);
    CHECK(b.port() == 0);

    const auto c = net::address::parse("[fe80::1%4294967295]:1");
    CHECK(c.scope_id() == 4294967295u);
}

TEST_CASE("a numeric zone that is not an interface prints as its number") {
    const auto a = net::address::ipv6(v6({0xfe, 0x80}, {1}), 22, unused_scope);
    CHECK(a.to_string() == "[fe80::1%3999999999]:22");
    CHECK(a.host() == "fe80::1%3999999999");
    CHECK(net::address::parse("[fe80::1%3999999999]:22") == a);
}

TEST_CASE("parse reads a named zone or reports no_such_device") {
    // "lo" is the loopback interface on Linux; elsewhere the name may not exist.
    const auto r = net::address::try_parse("[fe80::1%lo]:22");
    if (r.has_value()) {
        CHECK(r->scope_id() != 0);
        CHECK(r->port() == 22);
        CHECK(r->family() == net::family::ipv6);
        CHECK(net::address::parse(r->to_string()) == *r);
    } else {
        CHECK(r.error() == std::errc::no_such_device);
    }
}

TEST_CASE("parse reports an unknown zone name as no_such_device") {
    check_rejected("[fe80::1%nosuchif0]:22", std::errc::no_such_device);
    check_rejected("fe80::1%nosuchif0", std::errc::no_such_device);
}

TEST_CASE("parse accepts the port range ends 0 and 65535") {
    CHECK(net::address::parse("1.2.3.4:0").port() == 0);
    CHECK(net::address::parse("1.2.3.4:65535").port() == 65535);
    CHECK(net::address::parse("[::1]:65535").port() == 65535);
    CHECK(net::address::parse("[::1]:0").port() == 0);
}

TEST_CASE("parse accepts any valid spelling of an IPv6 address and prints it canonically") {
    CHECK(net::address::parse("[0:0:0:0:0:0:0:1]:80") == net::address::parse("[::1]:80"));
    CHECK(net::address::parse("[::0001]:80") == net::address::parse("[::1]:80"));
    CHECK(net::address::parse("[2001:DB8::A]:1").to_string() == "[2001:db8::a]:1");
    CHECK(net::address::parse("[::]:9").to_string() == "[::]:9");
    CHECK(net::address::parse("[2001:db8:0:0:0:0:0:1]:8080").to_string() == "[2001:db8::1]:8080");
}

TEST_CASE("leading zeros in an IPv4 part are rejected, never read as octal or decimal") {
    // inet_aton reads 010 as 8, inet_pton on some systems as 10: the text is ambiguous.
    for (const char* text : {"01.2.3.4", "010.0.0.1:80", "1.2.3.010", "00.0.0.0", "[::ffff:1.2.03.4]:80"}) {
        check_rejected(text);
        CHECK(net::address::try_parse(text).error() == net::errc::ipv4_leading_zero);
    }
}

// ---------------------------------------------------------------------------------------------
// parse(host, port)

TEST_CASE("parse with a separate port reads IPv4 and IPv6 hosts") {
    const auto a = net::address::parse("10.0.0.1", 8080);
    CHECK(a.family() == net::family::ipv4);
    CHECK(a.port() == 8080);
    CHECK(a.to_string() == "10.0.0.1:8080");

    const auto b = net::address::parse("::1", 443);
    CHECK(b == net::address::parse("[::1]:443"));
    const auto c = net::address::parse("[::1]", 443);
    CHECK(c == b);

    const auto d = net::address::parse("fe80::1%5", 22);
    CHECK(d.scope_id() == 5);
    CHECK(d.port() == 22);
    CHECK(net::address::parse("[fe80::1%5]", 22) == d);

    CHECK(net::address::parse("1.2.3.4", 0).port() == 0);
    CHECK(net::address::parse("1.2.3.4", 65535).port() == 65535);
}

TEST_CASE("parse with a separate port rejects malformed hosts") {
    check_rejected_host("", 80);
    check_rejected_host("1.2.3.4:80", 80);
    check_rejected_host("[1.2.3.4]", 80);
    check_rejected_host("[::1", 80);
    check_rejected_host("::1]", 80);
    check_rejected_host("[", 80);
    check_rejected_host("[]", 80);
    check_rejected_host("[::1]:80", 80);
    check_rejected_host("256.0.0.1", 80);
    check_rejected_host("localhost", 80);
    check_rejected_host("fe80::1%", 80);
    check_rejected_host(std::string_view("1.2.3.4\0", 8), 80);
    check_rejected_host(std::string(10000, '1'), 80);
    check_rejected_host("fe80::1%nosuchif0", 80, std::errc::no_such_device);
}

// ---------------------------------------------------------------------------------------------
// Malformed text: invalid_argument through both faces

TEST_CASE("parse rejects an IPv4 part above 255") {
    check_rejected("256.1.1.1:80");
    check_rejected("1.2.3.256");
    check_rejected("1.2.3.4444:80");
}

TEST_CASE("parse rejects unbalanced brackets") {
    check_rejected("[::1");
    check_rejected("[::1:80");
    check_rejected("::1]");
    check_rejected("::1]:80");
    check_rejected("[[::1]]:80");
}

TEST_CASE("parse rejects a port above 65535") {
    check_rejected("1.2.3.4:99999");
    check_rejected("1.2.3.4:65536");
    check_rejected("[::1]:65536");
    check_rejected("1.2.3.4:4294967376"); // 2^32 + 80 must not wrap to 80
    check_rejected("1.2.3.4:100000000000000000080");
}

TEST_CASE("parse rejects an empty or signed or suffixed port") {
    check_rejected("1.2.3.4:");
    check_rejected("[::1]:");
    check_rejected("1.2.3.4:-1");
    check_rejected("1.2.3.4:+80");
    check_rejected("1.2.3.4:80x");
    check_rejected("1.2.3.4:0x50");
    check_rejected("1.2.3.4: 80");
    check_rejected("1.2.3.4:80 ");
    check_rejected("[::1]:80:90");
    check_rejected("1.2.3.4:80:90");
}

TEST_CASE("parse rejects empty text and a missing host") {
    check_rejected("");
    check_rejected(":80");
    check_rejected("[]:80");
    check_rejected("[]");
    check_rejected(":");
    check_rejected("[");
    check_rejected("]");
}

TEST_CASE("parse rejects an IPv4 address in brackets") {
    check_rejected("[1.2.3.4]:80");
    check_rejected("[1.2.3.4]");
}

TEST_CASE("parse rejects incomplete and overlong IPv4 addresses") {
    check_rejected("1.2.3");
    check_rejected("1.2.3:80");
    check_rejected("1");
    check_rejected("1.2.3.4.5");
    check_rejected("1..3.4");
    check_rejected("1.2.3.4.");
    check_rejected("0x7f.0.0.1");
}

TEST_CASE("parse rejects an empty or malformed zone") {
    check_rejected("fe80::1%");
    check_rejected("[fe80::1%]:22");
    check_rejected("[fe80::1%1%2]:22");
    check_rejected("[fe80::1%a b]:22");
    check_rejected("[fe80::1%4294967296]:22"); // does not fit 32 bits
    check_rejected("1.2.3.4%1:80");            // IPv4 has no zone
    check_rejected("[fe80::1%" + std::string(100, 'x') + "]:22");
}

TEST_CASE("an overlong numeric zone is an error, never a wrapped scope id") {
    for (const char* text : {"fe80::1%99999999999", "fe80::1%18446744073709551617", "fe80::1%00000000001"}) {
        CAPTURE(text);
        const auto r = net::address::try_parse(text);
        if (r.has_value()) {
            FAIL_CHECK("accepted with scope id " << r->scope_id());
        } else {
            const bool expected =
                r.error() == std::errc::invalid_argument || r.error() == std::errc::no_such_device;
            CHECK(expected);
        }
    }
}

TEST_CASE("parse rejects text between the bracket and the port") {
    check_rejected("[::1]80");
    check_rejected("[::1]x80");
    check_rejected("[::1] :80");
}

TEST_CASE("parse never resolves names") {
    check_rejected("localhost:80");
    check_rejected("localhost");
    check_rejected("example.com:443");
    check_rejected("[localhost]:80");
}

TEST_CASE("parse rejects surrounding white space") {
    check_rejected(" 1.2.3.4:80");
    check_rejected("1.2.3.4 :80");
    check_rejected("1.2.3.4\n");
    check_rejected(" [::1]:80");
}

TEST_CASE("parse rejects text with an embedded NUL") {
    using namespace std::string_literals;
    check_rejected("1.2.3.4\0:80"s);
    check_rejected("1.2.3.4\0"s);
    check_rejected("1.2.3.4\0garbage"s);
    check_rejected("1.2.3.4:8\0"s);
    check_rejected("::1\0zz"s);
    check_rejected("[::1\0]:80"s);
    check_rejected("\0"s);
    check_rejected("\0001.2.3.4"s);
}

TEST_CASE("parse rejects 10 KB of random bytes") {
    std::mt19937 gen(12345);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 20; ++round) {
        std::string garbage(10 * 1024, '\0');
        for (auto& c : garbage) c = static_cast<char>(byte(gen));
        check_rejected(garbage);
    }
}

TEST_CASE("parse rejects 10 KB of digits and long valid-looking text") {
    check_rejected(std::string(10 * 1024, '7'));
    check_rejected("1.2.3.4:" + std::string(10 * 1024, '0'));
    check_rejected("1.2.3.4:80" + std::string(10 * 1024, ' '));
    check_rejected("[" + std::string(10 * 1024, ':') + "]:80");
    check_rejected(std::string(10 * 1024, '\0'));
}

namespace {
// Text that looks like an address: random IPv4/IPv6 parts, zone, brackets and port, then a
// few random edits. Most results are valid, many are subtly broken.
std::string address_like(std::mt19937& gen) {
    auto upto = [&gen](int n) { return std::uniform_int_distribution<int>(0, n)(gen); };
    const char* hex = "0123456789abcdefABCDEF";
    std::string host;
    const bool v6 = upto(1) == 1;
    if (!v6) {
        for (int i = 0; i < 4; ++i) {
            if (i) host += '.';
            host += std::to_string(upto(9) == 0 ? upto(999) : upto(255));
        }
    } else {
        const int groups = 1 + upto(7);
        const int gap = upto(groups);
        for (int i = 0; i < groups; ++i) {
            if (i == gap) host += "::";
            else if (i) host += ':';
            const int digits = 1 + upto(3);
            for (int d = 0; d < digits; ++d) host += hex[upto(21)];
        }
        if (upto(4) == 0) host = "::ffff:" + std::to_string(upto(255)) + ".1.2." + std::to_string(upto(255));
        switch (upto(5)) {
        case 0: host += "%" + std::to_string(upto(5)); break;
        case 1: host += "%lo"; break;
        case 2: host += "%" + std::to_string(std::uniform_int_distribution<std::uint32_t>()(gen)); break;
        default: break;
        }
    }
    std::string text = host;
    const bool bracket = v6 ? upto(3) != 0 : upto(9) == 0;
    if (bracket) text = "[" + host + "]";
    if (upto(3) != 0 && (bracket || !v6))
        text += ":" + std::to_string(upto(9) == 0 ? upto(99999) : upto(65535));
    const std::string noise = std::string("0123456789abcdef:.[]%-+ x") + '\0';
    for (int edits = upto(3) == 0 ? 1 + upto(2) : 0; edits > 0 && !text.empty(); --edits) {
        const std::size_t at = static_cast<std::size_t>(upto(static_cast<int>(text.size()) - 1));
        const char c = noise[static_cast<std::size_t>(upto(static_cast<int>(noise.size()) - 1))];
        switch (upto(2)) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, c); break;
        default: text[at] = c; break;
        }
    }
    return text;
}
} // namespace

TEST_CASE("random address-like text is either rejected or round-trips") {
    // Property test: whatever parses must print as text that parses back to the same address.
    std::mt19937 gen(2024);
    int accepted = 0;
    const int total = 20000;
    for (int i = 0; i < total; ++i) {
        const std::string text = address_like(gen);
        const auto r = net::address::try_parse(text);
        if (!r.has_value()) {
            if (r.error() != std::errc::invalid_argument && r.error() != std::errc::no_such_device)
                FAIL_CHECK(printable(text) << " failed with " << r.error().message());
            continue;
        }
        ++accepted;
        const auto back = net::address::try_parse(r->to_string());
        if (!back.has_value() || *back != *r)
            FAIL_CHECK(printable(text) << " printed as " << r->to_string() << " does not parse back");
        const auto split = net::address::try_parse(r->host(), r->port());
        if (!split.has_value() || *split != *r)
            FAIL_CHECK(printable(text) << ": host " << r->host() << " and port do not parse back");
    }
    MESSAGE(accepted << " of " << total << " address-like strings parsed");
    CHECK(accepted > total / 10); // the generator does exercise the success path
}

// ---------------------------------------------------------------------------------------------
// Formatting and round trips

TEST_CASE("to_string prints the documented forms") {
    CHECK(net::address::parse("1.2.3.4:80").to_string() == "1.2.3.4:80");
    CHECK(net::address::parse("255.255.255.255:65535").to_string() == "255.255.255.255:65535");
    CHECK(net::address::parse("[::1]:443").to_string() == "[::1]:443");
    CHECK(net::address::parse("[2001:db8::1]:8080").to_string() == "[2001:db8::1]:8080");
    CHECK(net::address::parse("[::ffff:1.2.3.4]:80").to_string() == "[::ffff:1.2.3.4]:80");
}

TEST_CASE("host prints the address without port or brackets") {
    CHECK(net::address::parse("10.20.30.40:5").host() == "10.20.30.40");
    CHECK(net::address::parse("[2001:db8::1]:5").host() == "2001:db8::1");
    CHECK(net::address::local("/tmp/x.sock").host() == "/tmp/x.sock");
}

TEST_CASE("parse of to_string gives back the same address") {
    for (const auto& a : sample_addresses()) {
        if (a.family() == net::family::local) continue; // paths are not parsed
        CAPTURE(a.to_string());
        const auto r = net::address::try_parse(a.to_string());
        REQUIRE(r.has_value());
        CHECK(*r == a);
        CHECK(r->scope_id() == a.scope_id());
    }
}

TEST_CASE("parse of host and port gives back the same address") {
    for (const auto& a : sample_addresses()) {
        if (a.family() == net::family::local) continue;
        CAPTURE(a.to_string());
        const auto r = net::address::try_parse(a.host(), a.port());
        REQUIRE(r.has_value());
        CHECK(*r == a);
    }
}

TEST_CASE("operator<< prints to_string into a stream") {
    std::ostringstream out;
    out << net::address::parse("[::1]:443") << ' ' << net::address::parse("1.2.3.4:80");
    CHECK(out.str() == "[::1]:443 1.2.3.4:80");

    std::wostringstream wout;
    wout << net::address::parse("1.2.3.4:80");
    CHECK(wout.str() == L"1.2.3.4:80");
}

// ---------------------------------------------------------------------------------------------
// Construction

TEST_CASE("a default-constructed address is 0.0.0.0:0") {
    const net::address a;
    CHECK(a.family() == net::family::ipv4);
    CHECK(a.port() == 0);
    CHECK(a.to_string() == "0.0.0.0:0");
    CHECK(a.v4_bytes() == bytes4{});
    CHECK(a.is_any());
    CHECK(a == net::address::any());
    CHECK(a == net::address::parse("0.0.0.0:0"));
    CHECK(a == net::address::ipv4(0u));
}

TEST_CASE("ipv4 from a host-order number") {
    const auto a = net::address::ipv4(0x7f000001u, 80);
    CHECK(a.to_string() == "127.0.0.1:80");
    CHECK(a.v4_bytes() == bytes4{127, 0, 0, 1});
    CHECK(net::address::ipv4(0xC0A80102u).to_string() == "192.168.1.2:0");
    CHECK(net::address::ipv4(0xFFFFFFFFu, 65535).to_string() == "255.255.255.255:65535");
}

TEST_CASE("ipv4 from network-order bytes") {
    const auto a = net::address::ipv4(bytes4{10, 1, 2, 3}, 5);
    CHECK(a.to_string() == "10.1.2.3:5");
    CHECK(a.v4_bytes() == bytes4{10, 1, 2, 3});
    CHECK(a == net::address::ipv4(0x0A010203u, 5));
}

TEST_CASE("ipv6 from bytes, port and scope id") {
    const bytes16 b = v6({0xfe, 0x80}, {0xab, 0xcd});
    const auto a = net::address::ipv6(b, 22, 7);
    CHECK(a.family() == net::family::ipv6);
    CHECK(a.v6_bytes() == b);
    CHECK(a.port() == 22);
    CHECK(a.scope_id() == 7);
    CHECK(net::address::ipv6(b).port() == 0);
    CHECK(net::address::ipv6(b).scope_id() == 0);
    CHECK(net::address::ipv6(v6({0x20, 0x01, 0x0d, 0xb8}, {1}), 8080).to_string() == "[2001:db8::1]:8080");
}

TEST_CASE("loopback gives 127.0.0.1 and ::1 with the port") {
    const auto a = net::address::loopback(net::family::ipv4, 8080);
    CHECK(a.to_string() == "127.0.0.1:8080");
    CHECK(a.is_loopback());
    CHECK(net::address::loopback() == net::address::parse("127.0.0.1:0"));
    const auto b = net::address::loopback(net::family::ipv6, 9);
    CHECK(b.to_string() == "[::1]:9");
    CHECK(b.is_loopback());
}

TEST_CASE("any gives 0.0.0.0 and :: with the port") {
    const auto a = net::address::any(net::family::ipv4, 80);
    CHECK(a.to_string() == "0.0.0.0:80");
    CHECK(a.is_any());
    const auto b = net::address::any(net::family::ipv6, 80);
    CHECK(b.to_string() == "[::]:80");
    CHECK(b.is_any());
    CHECK(b.v6_bytes() == bytes16{});
}

TEST_CASE("loopback and any of the local family are the unnamed local address") {
    const auto a = net::address::loopback(net::family::local);
    const auto b = net::address::any(net::family::local);
    CHECK(a.family() == net::family::local);
    CHECK(b.family() == net::family::local);
    CHECK(a == b);
    CHECK(a.path().empty());
    CHECK(a.to_string().empty());
    CHECK(a.port() == 0);
    CHECK_FALSE(a.is_any());
    CHECK_FALSE(a.is_loopback());
    CHECK(a != net::address::local("/tmp/x.sock"));
}

TEST_CASE("with_port changes only the port") {
    const auto a = net::address::parse("[fe80::1%9]:22");
    const auto b = a.with_port(2222);
    CHECK(b.port() == 2222);
    CHECK(b.scope_id() == 9);
    CHECK(b.v6_bytes() == a.v6_bytes());
    CHECK(a.port() == 22); // the original is unchanged
    CHECK(net::address::parse("1.2.3.4:1").with_port(65535).to_string() == "1.2.3.4:65535");
    CHECK(b.with_port(22) == a);
}

TEST_CASE("with_port leaves a local address unchanged") {
    const auto a = net::address::local("/tmp/x.sock");
    CHECK(a.with_port(80) == a);
    CHECK(a.with_port(80).port() == 0);
}

TEST_CASE("v4_bytes and v6_bytes are zero for other families") {
    CHECK(net::address::parse("[::1]:1").v4_bytes() == bytes4{});
    CHECK(net::address::parse("1.2.3.4:1").v6_bytes() == bytes16{});
    CHECK(net::address::local("/tmp/x").v4_bytes() == bytes4{});
    CHECK(net::address::local("/tmp/x").v6_bytes() == bytes16{});
    CHECK(net::address::parse("1.2.3.4:1").scope_id() == 0);
}

// ---------------------------------------------------------------------------------------------
// Classification

TEST_CASE("is_loopback covers 127/8, ::1 and mapped 127/8") {
    CHECK(net::address::parse("127.0.0.1").is_loopback());
    CHECK(net::address::parse("127.255.255.254").is_loopback());
    CHECK(net::address::parse("::1").is_loopback());
    CHECK(net::address::parse("::ffff:127.0.0.1").is_loopback());
    CHECK_FALSE(net::address::parse("128.0.0.1").is_loopback());
    CHECK_FALSE(net::address::parse("126.255.255.255").is_loopback());
    CHECK_FALSE(net::address::parse("::2").is_loopback());
    CHECK_FALSE(net::address::parse("::").is_loopback());
    CHECK_FALSE(net::address::parse("::ffff:128.0.0.1").is_loopback());
    CHECK_FALSE(net::address::local("/tmp/x").is_loopback());
}

TEST_CASE("is_any is true only for 0.0.0.0 and ::") {
    CHECK(net::address::parse("0.0.0.0:80").is_any());
    CHECK(net::address::parse("[::]:80").is_any());
    CHECK_FALSE(net::address::parse("0.0.0.1").is_any());
    CHECK_FALSE(net::address::parse("::1").is_any());
    CHECK_FALSE(net::address::parse("::ffff:0.0.0.0").is_any());
    CHECK_FALSE(net::address::local("/tmp/x").is_any());
}

TEST_CASE("is_multicast covers 224.0.0.0/4 and ff00::/8") {
    CHECK(net::address::parse("224.0.0.1").is_multicast());
    CHECK(net::address::parse("239.255.255.255").is_multicast());
    CHECK_FALSE(net::address::parse("223.255.255.255").is_multicast());
    CHECK_FALSE(net::address::parse("240.0.0.0").is_multicast());
    CHECK(net::address::parse("ff02::1").is_multicast());
    CHECK(net::address::parse("ff00::").is_multicast());
    CHECK_FALSE(net::address::parse("fe80::1").is_multicast());
    CHECK_FALSE(net::address::parse("::1").is_multicast());
    CHECK_FALSE(net::address::local("/tmp/x").is_multicast());
}

TEST_CASE("is_v4_mapped is true only for ::ffff:a.b.c.d") {
    CHECK(net::address::parse("::ffff:1.2.3.4").is_v4_mapped());
    CHECK(net::address::parse("::ffff:0.0.0.0").is_v4_mapped());
    CHECK_FALSE(net::address::parse("::1.2.3.4").is_v4_mapped()); // IPv4-compatible, not mapped
    CHECK_FALSE(net::address::parse("::fffe:1.2.3.4").is_v4_mapped());
    CHECK_FALSE(net::address::parse("1::ffff:1.2.3.4").is_v4_mapped());
    CHECK_FALSE(net::address::parse("1.2.3.4").is_v4_mapped());
    CHECK_FALSE(net::address::local("/tmp/x").is_v4_mapped());
}

TEST_CASE("unmapped turns a mapped address into IPv4 with the same port") {
    const auto a = net::address::parse("[::ffff:1.2.3.4]:80");
    const auto u = a.unmapped();
    CHECK(u.family() == net::family::ipv4);
    CHECK(u == net::address::parse("1.2.3.4:80"));
    CHECK(u != a);
}

TEST_CASE("unmapped leaves other addresses unchanged") {
    for (const auto& a : sample_addresses()) {
        if (a.is_v4_mapped()) continue;
        CAPTURE(a.to_string());
        CHECK(a.unmapped() == a);
    }
}

// ---------------------------------------------------------------------------------------------
// Equality, ordering, hashing

TEST_CASE("addresses differing only by scope id are different") {
    const auto a = net::address::parse("[fe80::1%1]:22");
    const auto b = net::address::parse("[fe80::1%2]:22");
    CHECK(a != b);
    CHECK_FALSE(a == b);
    CHECK((a < b || b < a));
    CHECK(a != net::address::parse("[fe80::1]:22"));
}

TEST_CASE("addresses differing only by port or family are different") {
    CHECK(net::address::parse("1.2.3.4:80") != net::address::parse("1.2.3.4:81"));
    CHECK(net::address::parse("1.2.3.4:80") != net::address::parse("[::ffff:1.2.3.4]:80"));
    CHECK(net::address::parse("0.0.0.0:0") != net::address::parse("[::]:0"));
    CHECK(net::address::any(net::family::ipv4) != net::address::any(net::family::local));
}

TEST_CASE("equal addresses built in different ways compare equal") {
    CHECK(net::address::ipv4(0x01020304u, 80) == net::address::parse("1.2.3.4:80"));
    CHECK(net::address::ipv4(bytes4{1, 2, 3, 4}, 80) == net::address::parse("1.2.3.4", 80));
    CHECK(net::address::ipv6(v6({}, {1}), 443) == net::address::loopback(net::family::ipv6, 443));
    CHECK(net::address::local("/tmp/a.sock") == net::address::local("/tmp/a.sock"));
    CHECK(net::address::local("/tmp/a.sock") != net::address::local("/tmp/a.sockx"));
}

TEST_CASE("ordering is a strict weak order consistent with equality") {
    const auto all = sample_addresses();
    for (const auto& a : all) {
        CAPTURE(a.to_string());
        CHECK_FALSE(a < a);
        CHECK(a <= a);
        CHECK(a >= a);
        CHECK_FALSE(a > a);
        CHECK(a == a);
        for (const auto& b : all) {
            const int relations = (a < b) + (b < a) + (a == b);
            if (relations != 1)
                FAIL_CHECK(a.to_string()
                           << " and " << b.to_string() << ": " << relations << " relations hold");
            if ((a <= b) != !(b < a) || (a > b) != (b < a) || (a >= b) != !(a < b) || (a != b) == (a == b))
                FAIL_CHECK(a.to_string() << " and " << b.to_string() << ": inconsistent operators");
            for (const auto& c : all)
                if (a < b && b < c && !(a < c))
                    FAIL_CHECK("not transitive: " << a.to_string() << " < " << b.to_string() << " < "
                                                  << c.to_string());
        }
    }
}

TEST_CASE("sorting addresses orders them and keeps equal ones adjacent") {
    auto all = sample_addresses();
    auto more = sample_addresses();
    all.insert(all.end(), more.rbegin(), more.rend());
    std::mt19937 gen(7);
    std::shuffle(all.begin(), all.end(), gen);
    std::sort(all.begin(), all.end());
    CHECK(std::is_sorted(all.begin(), all.end()));
    for (std::size_t i = 0; i + 1 < all.size(); ++i) {
        CAPTURE(i);
        CHECK(all[i] <= all[i + 1]);
    }
    const auto unique_end = std::unique(all.begin(), all.end());
    CHECK(static_cast<std::size_t>(unique_end - all.begin()) == sample_addresses().size());
}

TEST_CASE("std::hash is consistent with equality") {
    const auto all = sample_addresses();
    const std::hash<net::address> h;
    for (const auto& a : all) {
        const net::address copy = a;
        CHECK(h(copy) == h(a));
        CHECK(a.hash() == h(a));
    }
    CHECK(h(net::address::parse("[::1]:80")) == h(net::address::parse("[0:0:0:0:0:0:0:1]:80")));
    CHECK(h(net::address::ipv4(0x01020304u, 80)) == h(net::address::parse("1.2.3.4:80")));
    CHECK(h(net::address::local("/tmp/a")) == h(net::address::local("/tmp/a")));
}

TEST_CASE("addresses work as keys of an unordered_set") {
    std::unordered_set<net::address> set;
    for (const auto& a : sample_addresses()) CHECK(set.insert(a).second);
    const std::size_t distinct = set.size();
    CHECK(distinct == sample_addresses().size());
    // Other spellings of members are found and not inserted again.
    CHECK_FALSE(set.insert(net::address::parse("[0:0:0:0:0:0:0:1]:443")).second);
    CHECK_FALSE(set.insert(net::address::ipv4(0x01020304u, 80)).second);
    CHECK_FALSE(set.insert(net::address::local("/tmp/a.sock")).second);
    CHECK(set.count(net::address::parse("[fe80::1%1]:22")) == 1);
    CHECK(set.count(net::address::parse("[fe80::1%3]:22")) == 0);
    CHECK(set.size() == distinct);
}

// ---------------------------------------------------------------------------------------------
// Local (Unix domain) addresses

TEST_CASE("local builds a local-family address from a path") {
    const auto a = net::address::local("/tmp/x.sock");
    CHECK(a.family() == net::family::local);
    CHECK(a.path() == "/tmp/x.sock");
    CHECK(a.to_string() == "/tmp/x.sock");
    CHECK(a.port() == 0);
    CHECK(a.scope_id() == 0);
    CHECK(a.size() <= net::address::capacity());
    CHECK(net::address::try_local("relative.sock")->path() == "relative.sock");
}

TEST_CASE("local rejects an empty path") {
    const auto r = net::address::try_local("");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::invalid_argument);
    bool thrown = false;
    try {
        (void)net::address::local("");
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == std::errc::invalid_argument);
    }
    CHECK(thrown);
}

TEST_CASE("local rejects a path with an embedded NUL") {
    using namespace std::string_literals;
    for (const std::string& path : {"/tmp/a\0b"s, "/tmp/ab\0"s, "a\0"s}) {
        CAPTURE(printable(path));
        const auto r = net::address::try_local(path);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == std::errc::invalid_argument);
        CHECK_THROWS_AS((void)net::address::local(path), net::error);
    }
}

TEST_CASE("local fails with filename_too_long exactly one byte past the limit") {
    // Find the longest path that fits by trying every length; it must be a single step from
    // success to failure, and never a truncation (sun_path is 108 bytes on Linux, 104 on macOS
    // and the BSDs; a silently truncated path names another file, see unix(7)).
    std::size_t first_failure = 0;
    for (std::size_t n = 1; n <= 200; ++n) {
        const std::string path = "/" + std::string(n - 1, 'a');
        const auto r = net::address::try_local(path);
        CAPTURE(n);
        if (r.has_value()) {
            CHECK(first_failure == 0); // no success after a failure
            CHECK(r->path() == path);  // never truncated
            CHECK(r->to_string() == path);
            CHECK(r->size() <= net::address::capacity());
        } else {
            CHECK(r.error() == std::errc::filename_too_long);
            if (first_failure == 0) first_failure = n;
        }
    }
    REQUIRE(first_failure != 0);
    const std::size_t limit = first_failure - 1;
    MESSAGE("longest local path: " << limit << " bytes");
    CHECK(limit >= 91);

    const std::string too_long = "/" + std::string(limit, 'b');
    bool thrown = false;
    try {
        (void)net::address::local(too_long);
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == std::errc::filename_too_long);
    }
    CHECK(thrown);
    CHECK(net::address::local("/" + std::string(limit - 1, 'b')).path().size() == limit);
}

TEST_CASE("an abstract local name prints with a leading @") {
    const std::string name("\0my-service", 11);
    const auto a = net::address::local(name);
    CHECK(a.family() == net::family::local);
    CHECK(a.path() == name);
    CHECK(a.to_string() == "@my-service");
    CHECK(a.to_string().front() == '@');
    CHECK(a != net::address::local("/my-service"));
    CHECK(a != net::address::local("@my-service"));
    CHECK(a == net::address::local(name));
}

TEST_CASE("abstract local names may hold NUL bytes and use the whole name length") {
    const std::string name("\0a\0b", 4);
    const auto a = net::address::local(name);
    CHECK(a.path() == name);
    CHECK(a != net::address::local(std::string("\0a", 2)));
    CHECK(a.to_string() == std::string("@a\0b", 4));
}

TEST_CASE("abstract local names are limited but never truncated") {
    std::size_t first_failure = 0;
    for (std::size_t n = 2; n <= 200; ++n) {
        const std::string name = std::string(1, '\0') + std::string(n - 1, 'z');
        const auto r = net::address::try_local(name);
        CAPTURE(n);
        if (r.has_value()) {
            CHECK(first_failure == 0);
            CHECK(r->path() == name);
        } else {
            CHECK(r.error() == std::errc::filename_too_long);
            if (first_failure == 0) first_failure = n;
        }
    }
    CHECK(first_failure > 92);
}

TEST_CASE("local addresses compare and hash by path") {
    const auto a = net::address::local("/tmp/a");
    const auto b = net::address::local("/tmp/b");
    CHECK(a < b);
    CHECK(a == net::address::local("/tmp/a"));
    CHECK(std::hash<net::address>{}(a) == std::hash<net::address>{}(net::address::local("/tmp/a")));
    CHECK(net::address::parse("255.255.255.255:65535") < a); // families order before paths
}

// ---------------------------------------------------------------------------------------------
// Native sockaddr interop

TEST_CASE("data and size describe a native sockaddr of the right family") {
    const auto a = net::address::parse("1.2.3.4:80");
    CHECK(a.data()->sa_family == AF_INET);
    CHECK(a.size() == sizeof(::sockaddr_in));
    const auto b = net::address::parse("[::1]:80");
    CHECK(b.data()->sa_family == AF_INET6);
    CHECK(b.size() == sizeof(::sockaddr_in6));
    const auto c = net::address::local("/tmp/x.sock");
    CHECK(c.data()->sa_family == AF_UNIX);
    CHECK(c.size() <= sizeof(::sockaddr_un));
    CHECK(net::address().size() == sizeof(::sockaddr_in));
}

TEST_CASE("try_from_native round-trips every family") {
    for (const auto& a : sample_addresses()) {
        CAPTURE(a.to_string());
        const auto r = net::address::try_from_native(a.data(), a.size());
        REQUIRE(r.has_value());
        CHECK(*r == a);
        CHECK(r->size() == a.size());
        CHECK(r->scope_id() == a.scope_id());
        CHECK(r->to_string() == a.to_string());
        CHECK(net::address::from_native(a.data(), a.size()) == a);
    }
}

TEST_CASE("try_from_native accepts a whole sockaddr_storage and keeps the family's size") {
    for (const auto& a : sample_addresses()) {
        if (a.family() == net::family::local && (a.path().empty() || a.path().front() == '\0'))
            continue; // the length of an abstract or unnamed address is part of its name
        CAPTURE(a.to_string());
        std::array<unsigned char, net::address::capacity()> raw{};
        std::memcpy(raw.data(), a.data(), a.size());
        const auto r = net::address::try_from_native(raw.data(), raw.size());
        REQUIRE(r.has_value());
        CHECK(*r == a);
        CHECK(r->to_string() == a.to_string());
        if (a.family() == net::family::local) CHECK(r->size() <= sizeof(::sockaddr_un));
        else CHECK(r->size() == a.size());
    }
}

TEST_CASE("try_from_native rejects a null pointer and bad sizes") {
    const auto a = net::address::parse("1.2.3.4:80");
    const auto b = net::address::parse("[::1]:80");
    auto expect_invalid = [](const void* sa, std::size_t size) {
        CAPTURE(size);
        const auto r = net::address::try_from_native(sa, size);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == std::errc::invalid_argument);
    };
    expect_invalid(nullptr, 0);
    expect_invalid(nullptr, a.size());
    expect_invalid(a.data(), 0);
    expect_invalid(a.data(), 1);
    expect_invalid(a.data(), a.size() - 1);
    expect_invalid(b.data(), b.size() - 1);
    std::array<unsigned char, net::address::capacity() + 8> big{};
    std::memcpy(big.data(), a.data(), a.size());
    expect_invalid(big.data(), big.size());

    bool thrown = false;
    try {
        (void)net::address::from_native(nullptr, 16);
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == std::errc::invalid_argument);
    }
    CHECK(thrown);
}

TEST_CASE("try_from_native rejects an unknown address family") {
    const std::array<unsigned char, net::address::capacity()> zeros{}; // AF_UNSPEC
    const auto r = net::address::try_from_native(zeros.data(), zeros.size());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::address_family_not_supported);
    CHECK_THROWS_AS((void)net::address::from_native(zeros.data(), zeros.size()), net::error);
}

// ---------------------------------------------------------------------------------------------
// One address text on every OS: netsock's own parser and RFC 5952 formatter. The tables follow
// the test tables of Python's ipaddress (Lib/test/test_ipaddress.py), Go's net/netip
// (netip_test.go) and Rust's std::net (library/core/tests/net/), written anew here.

namespace {
struct host_case {
    const char* in;
    const char* out; // the host() text, RFC 5952
};

// Valid in all three (Go allows more than four hex digits per group, Python and Rust do not:
// netsock follows the majority and glibc).
const host_case valid_hosts[] = {
    {"0.0.0.0", "0.0.0.0"},
    {"192.168.140.255", "192.168.140.255"},
    {"255.255.255.255", "255.255.255.255"},
    {"::", "::"},
    {"::1", "::1"},
    {"0:0:0:0:0:0:0:0", "::"},
    {"0:0:0:0:0:0:0:1", "::1"},
    {"0000::0000", "::"},
    {"000::c0a8:0001", "::c0a8:1"},
    {"fd7a:115c:a1e0:ab12:4843:cd96:626b:430b", "fd7a:115c:a1e0:ab12:4843:cd96:626b:430b"},
    {"fd7a:115c::626b:430b", "fd7a:115c::626b:430b"},
    {"fd7a:115c:a1e0:ab12:4843:cd96::", "fd7a:115c:a1e0:ab12:4843:cd96::"},
    {"fd7a:115c:a1e0:ab12:4843:cd96:626b::", "fd7a:115c:a1e0:ab12:4843:cd96:626b:0"},
    {"fd7a:115c:a1e0::4843:cd96:626b:430b", "fd7a:115c:a1e0:0:4843:cd96:626b:430b"},
    {"::ffff:192.168.140.255", "::ffff:192.168.140.255"},
    {"::FFFF:192.0.2.33", "::ffff:192.0.2.33"},
    {"::ffff:c000:0280", "::ffff:192.0.2.128"},
    {"0:0:0:0:0000:ffff:127.1.2.3", "::ffff:127.1.2.3"},
    {"1:2::ffff:192.168.140.255", "1:2::ffff:c0a8:8cff"},
    {"FD9E:1A04:F01D::1", "fd9e:1a04:f01d::1"},
    {"2001:db8::192.168.0.1", "2001:db8::c0a8:1"},
    {"2001:db8:0:0:0:0:c0a8:1", "2001:db8::c0a8:1"},
    {"::192.0.2.33", "::c000:221"},
    {"::1:192.168.0.1", "::1:c0a8:1"},
    {"1:1:1:1:1:1:192.168.0.1", "1:1:1:1:1:1:c0a8:1"},
    {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
    {"2001:db8:122:c000:2:2100:192.0.2.33", "2001:db8:122:c000:2:2100:c000:221"},
    {"1::", "1::"},
    {"1:1::", "1:1::"},
    {"::1:1", "::1:1"},
    {"2a02:6b8::11:11", "2a02:6b8::11:11"},
    {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
    {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
    {"2001:0db8::0001", "2001:db8::1"},
    {"2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
    {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
    {"fe80::1%3999999999", "fe80::1%3999999999"},
};

// Invalid in all three, with the reason netsock gives.
struct bad_case {
    const char* in;
    net::errc why;
};
const bad_case invalid_hosts[] = {
    {"bad", net::errc::invalid_ipv4},
    {"bogus.com", net::errc::not_numeric},
    {"1234", net::errc::invalid_ipv4},
    {"1.2.3.4%eth0", net::errc::invalid_ipv4},
    {".1.2.3", net::errc::invalid_ipv4},
    {"1.2.3.", net::errc::invalid_ipv4},
    {"1..2.3", net::errc::invalid_ipv4},
    {"1.2.3.4.5", net::errc::invalid_ipv4},
    {"0300.0250.0214.0377", net::errc::invalid_ipv4}, // four digits
    {"010.000.015.001", net::errc::ipv4_leading_zero},
    {"000001.00000002.00000003.000000004", net::errc::invalid_ipv4},
    {"0xc0.0xa8.0x8c.0xff", net::errc::invalid_ipv4},
    {"0x10.0.0.1", net::errc::invalid_ipv4},
    {"192.168.12345", net::errc::invalid_ipv4},
    {"127.0.1", net::errc::invalid_ipv4},
    {"192.1234567", net::errc::invalid_ipv4},
    {"127.1", net::errc::invalid_ipv4},
    {"192.168.300.1", net::errc::invalid_ipv4},
    {"257.0.0.0", net::errc::invalid_ipv4},
    {"42.42.42.-0", net::errc::invalid_ipv4},
    {"+1.+2.+3.4", net::errc::invalid_ipv4},
    {"1.2.3.4e0", net::errc::invalid_ipv4},
    {"0000.000.000.000", net::errc::invalid_ipv4},
    {"255.0.0.01", net::errc::ipv4_leading_zero},
    {"255.0.00.0", net::errc::ipv4_leading_zero},
    {"1:2:3:4:5:6:7", net::errc::invalid_ipv6},
    {"1:2:3:4:5:6:7:8:9", net::errc::invalid_ipv6},
    {"1:2:3:4::5:6:7:8", net::errc::invalid_ipv6},
    {"1:1:1:1::1:1:1:1", net::errc::invalid_ipv6},
    {"fe801::1", net::errc::invalid_ipv6},
    {"fe80:tail:scal:e::", net::errc::invalid_ipv6},
    {"fe80::1%", net::errc::invalid_zone},
    {"%eth0", net::errc::invalid_ipv4},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255", net::errc::invalid_ipv6},
    {"ffff::ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255", net::errc::invalid_ipv6},
    {"::ffff:192.168.140.bad", net::errc::invalid_ipv6},
    {"::ffff:1.2.03.4", net::errc::ipv4_leading_zero},
    {"2001:db8::0127.0.0.1", net::errc::invalid_ipv6},
    {"2001:db8::127.0.0.01", net::errc::ipv4_leading_zero},
    {"2001:db8::0x10.0.0.1", net::errc::invalid_ipv6},
    {"fe80::1::1", net::errc::invalid_ipv6},
    {"fe80:1?:1", net::errc::invalid_ipv6},
    {"fe80:", net::errc::invalid_ipv6},
    {":", net::errc::invalid_ipv6},
    {":1", net::errc::invalid_ipv6},
    {"FEDC:9878", net::errc::invalid_ipv6},
    {"9:8:7:6:5:4:3::2:1", net::errc::invalid_ipv6},
    {"::8:7:6:5:4:3:2:1", net::errc::invalid_ipv6},
    {"8:7:6:5:4:3:2:1::", net::errc::invalid_ipv6},
    {"10:9:8:7:6:5:4:3:42.42.42.42", net::errc::invalid_ipv6},
    {"7:6:5:4:3:42.42.42.42", net::errc::invalid_ipv6},
    {"3ffe::1::1", net::errc::invalid_ipv6},
    {"2001::db:::1", net::errc::invalid_ipv6},
    {":::", net::errc::invalid_ipv6},
    {"1:2:::6:7:8", net::errc::invalid_ipv6},
    {":2001:db8::1", net::errc::invalid_ipv6},
    {"2001:db8::1:", net::errc::invalid_ipv6},
    {"::1.2.3.4:", net::errc::invalid_ipv6},
    {"3ffe::1.net", net::errc::invalid_ipv6},
    {"::1.2.3", net::errc::invalid_ipv6},
    {"::1.2.3.4.5", net::errc::invalid_ipv6},
    {"3ffe::goog", net::errc::invalid_ipv6},
    {"3ffe::-1", net::errc::invalid_ipv6},
    {"1.2.3.4::", net::errc::invalid_ipv6},
    {"::00000", net::errc::invalid_ipv6},
    {"02001:db8::", net::errc::invalid_ipv6},
    {"2001:888888::1", net::errc::invalid_ipv6},
    {"1:192.168.0.1::", net::errc::invalid_ipv6},
    {"1:2:3:4:5:127.0.0.1", net::errc::invalid_ipv6},
    {"1:2:3:4:5:6:7:127.0.0.1", net::errc::invalid_ipv6},
    {"::1/24", net::errc::invalid_ipv6},
    {"127.0.0.1/24", net::errc::invalid_ipv4},
};
} // namespace

TEST_CASE("the hosts that Python, Go and Rust accept parse and print per RFC 5952") {
    for (const host_case& c : valid_hosts) {
        CAPTURE(std::string(c.in));
        const auto r = net::address::try_parse(c.in, 7);
        REQUIRE_MESSAGE(r.has_value(), r.error().message());
        CHECK(r->host() == c.out);
        CHECK(r->port() == 7);
        // Round trip, through both forms.
        CHECK(net::address::parse(r->to_string()) == *r);
        CHECK(net::address::parse(r->host(), 7) == *r);
        CHECK(net::address::parse(c.out, 7) == *r);
    }
}

TEST_CASE("the hosts that Python, Go and Rust reject are rejected with a reason") {
    for (const bad_case& c : invalid_hosts) {
        CAPTURE(std::string(c.in));
        const auto r = net::address::try_parse(c.in, 80);
        if (r.has_value()) {
            FAIL_CHECK("accepted as " << r->to_string());
            continue;
        }
        CHECK(r.error() == c.why);
        CHECK(r.error() == std::errc::invalid_argument);
        check_rejected(c.in);
        check_rejected_host(c.in, 80);
    }
}

TEST_CASE("RFC 5952: compress the longest zero run, the first of equal ones, never a lone zero") {
    struct case_ {
        std::array<std::uint16_t, 8> groups;
        const char* text;
    };
    const case_ cases[] = {
        {{0, 0, 0, 0, 0, 0, 0, 0}, "::"},
        {{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
        {{1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
        {{0, 0, 0, 0, 0, 0, 1, 1}, "::1:1"},               // glibc: ::0.1.0.1
        {{0, 0, 0, 0, 0, 0, 0xffff, 0}, "::ffff:0"},       // glibc: ::255.255.0.0
        {{0, 0, 0, 0, 0, 0xffff, 0, 0}, "::ffff:0.0.0.0"}, // IPv4-mapped
        {{0, 0, 0, 0, 0, 0xffff, 0xc000, 0x280}, "::ffff:192.0.2.128"},
        {{0, 0, 0, 0, 0, 0, 0xc000, 0x280}, "::c000:280"}, // IPv4-compatible: hex
        {{0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x280}, "::fffe:c000:280"},
        {{0, 0, 0, 0, 1, 0xffff, 0xc000, 0x280}, "::1:ffff:c000:280"},
        {{0xae, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}, "ae::ffff:102:304"},
        {{8, 9, 10, 11, 12, 13, 14, 15}, "8:9:a:b:c:d:e:f"},
        {{0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888},
         "1111:2222:3333:4444:5555:6666:7777:8888"},
        {{1, 2, 3, 4, 5, 6, 0, 8}, "1:2:3:4:5:6:0:8"},
        {{1, 0, 0, 4, 0, 0, 0, 8}, "1:0:0:4::8"},
        {{1, 0, 0, 4, 5, 0, 0, 8}, "1::4:5:0:0:8"},
        {{0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
        {{0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, "2001:db8:0:1:1:1:1:1"},
        {{0x2001, 0, 0, 1, 0, 0, 0, 1}, "2001:0:0:1::1"},
        {{0, 1, 0, 0, 0, 0, 0, 0}, "0:1::"},
        {{0xabcd, 0xef01, 0, 0, 0, 0, 0, 0x10}, "abcd:ef01::10"},
    };
    for (const case_& c : cases) {
        bytes16 b{};
        for (std::size_t i = 0; i < 8; ++i) {
            b[2 * i] = static_cast<std::uint8_t>(c.groups[i] >> 8);
            b[2 * i + 1] = static_cast<std::uint8_t>(c.groups[i] & 0xff);
        }
        const auto a = net::address::ipv6(b, 443);
        CHECK(a.host() == c.text);
        CHECK(a.to_string() == "[" + std::string(c.text) + "]:443");
        CHECK(net::address::parse(a.to_string()) == a);
    }
}

TEST_CASE("every IPv6 address with few distinct groups prints as text that parses back") {
    // Exhaustive over addresses whose groups are 0, 1 or ffff: every zero-run layout.
    for (std::uint32_t n = 0; n < 6561; ++n) { // 3^8
        bytes16 b{};
        std::uint32_t k = n;
        for (std::size_t i = 0; i < 8; ++i, k /= 3) {
            const std::uint16_t g = k % 3 == 0 ? 0 : k % 3 == 1 ? 1 : 0xffff;
            b[2 * i] = static_cast<std::uint8_t>(g >> 8);
            b[2 * i + 1] = static_cast<std::uint8_t>(g & 0xff);
        }
        const auto a = net::address::ipv6(b, 1);
        const std::string host = a.host();
        const auto back = net::address::try_parse(a.to_string());
        if (!back || *back != a) FAIL_CHECK(host << " does not parse back");
        if (host.find(":::") != std::string::npos || host.find("::") != host.rfind("::"))
            FAIL_CHECK(host << " is not RFC 5952");
    }
}

TEST_CASE("an unbracketed IPv6 address followed by what looks like a port is rejected") {
    for (const char* text : {"::1:80", "fe80::1:1234", "2001:db8::1:443", "1:1:1:1:1:1:1:1:8080",
                             "fe80::1%lo:8080", "fe80::1%2:80", "::ffff:1.2.3.4:80"}) {
        check_rejected(text);
        CHECK(net::address::try_parse(text).error() == net::errc::ipv6_needs_brackets);
    }
    // The same host with a separate port, or in brackets, is fine: there is no ambiguity.
    CHECK(net::address::parse("::1:80", 0).host() == "::1:80");
    CHECK(net::address::parse("[::1:80]").host() == "::1:80");
    CHECK(net::address::parse("[::1]:80").port() == 80);
    // Texts that cannot end in a port still parse as port 0.
    for (const char* text : {"::1", "::", "fe80::1", "1:2:3:4:5:6:7:8", "2001:db8::8:800:200c:417a",
                             "::ffff:1.2.3.4", "fe80::1%7", "1::"}) {
        CAPTURE(std::string(text));
        const auto r = net::address::try_parse(text);
        REQUIRE_MESSAGE(r.has_value(), r.error().message());
        CHECK(r->port() == 0);
    }
}

TEST_CASE("the thrown error of parse says what to write instead") {
    try {
        (void)net::address::parse("::1:80");
        FAIL_CHECK("accepted");
    } catch (const net::error& e) {
        const std::string what = e.what();
        CAPTURE(what);
        CHECK(what.rfind("address::parse \"::1:80\": ", 0) == 0);
        CHECK(what.find("[::1]:80") != std::string::npos);
        CHECK(e.address() == "\"::1:80\"");
    }
}

TEST_CASE("a zone is an interface name or number, never text with a ':' or other separators") {
    check_rejected("fe80::1%lo:garbage");
    CHECK(net::address::try_parse("fe80::1%lo:garbage").error() == net::errc::invalid_zone);
    check_rejected("[fe80::1%lo:garbage]:80");
    check_rejected("[fe80::1%lo:8080]");
    for (const char* zone : {"a b", "a/b", "a%b", "a:b", "a@b", "a[b", "\xc3\xa9"}) {
        const std::string text = std::string("[fe80::1%") + zone + "]:22";
        check_rejected(text);
        CHECK(net::address::try_parse(text).error() == net::errc::invalid_zone);
    }
    check_rejected("[fe80::1%" + std::string(64, 'a') + "]:22");
    // A name of the allowed characters and length is looked up (and here does not exist).
    check_rejected("[fe80::1%no-such_if.0]:22", std::errc::no_such_device);
    CHECK(net::address::try_parse("[fe80::1%no-such_if.0]:22").error() == net::errc::unknown_zone);
    // The bracketed form with a port keeps working.
    const auto r = net::address::try_parse("[fe80::1%1]:8080");
    REQUIRE(r.has_value());
    CHECK(r->port() == 8080);
    CHECK(r->scope_id() == 1);
}

TEST_CASE("parse errors name the reason, and the throwing form echoes the input") {
    struct case_ {
        const char* in;
        net::errc why;
        const char* what;
    };
    const case_ cases[] = {
        {"1.2.3.4:99999", net::errc::port_out_of_range,
         "address::parse \"1.2.3.4:99999\": port out of range"},
        {"1.2.3.4:123456", net::errc::port_out_of_range, nullptr},
        {"1.2.3.4:", net::errc::invalid_port, nullptr},
        {"1.2.3.4:http", net::errc::invalid_port, nullptr},
        {"", net::errc::empty_address, "address::parse \"\": "},
        {":80", net::errc::empty_address, nullptr},
        {"localhost:80", net::errc::not_numeric, nullptr},
        {"[::1", net::errc::bad_brackets, nullptr},
        {"[::1]80", net::errc::bad_brackets, nullptr},
        {"[1.2.3.4]:80", net::errc::bad_brackets, nullptr},
        {"012.0.0.1", net::errc::ipv4_leading_zero, nullptr},
        {"256.1.1.1:80", net::errc::invalid_ipv4, nullptr},
        {"1::2::3", net::errc::invalid_ipv6, nullptr},
    };
    for (const case_& c : cases) {
        CAPTURE(std::string(c.in));
        const auto r = net::address::try_parse(c.in);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == c.why);
        CHECK(r.error() == std::errc::invalid_argument);
        CHECK(r.error().message() == std::error_code(c.why).message());
        try {
            (void)net::address::parse(c.in);
            FAIL_CHECK("accepted");
        } catch (const net::error& e) {
            const std::string what = e.what();
            CAPTURE(what);
            CHECK(e.code() == c.why);
            CHECK(what.rfind("address::parse \"" + std::string(c.in) + "\": ", 0) == 0);
            CHECK(what.find(std::error_code(c.why).message()) != std::string::npos);
            if (c.what) CHECK(what.rfind(c.what, 0) == 0);
            CHECK(e.address() == "\"" + std::string(c.in) + "\"");
        }
    }
    CHECK(net::address::try_parse(std::string(200, '1')).error() == net::errc::address_too_long);
}

TEST_CASE("the echoed input is escaped and shortened") {
    try {
        (void)net::address::parse(std::string("1.2.3.4\n\"\0", 10) + std::string(100, 'x'));
        FAIL_CHECK("accepted");
    } catch (const net::error& e) {
        const std::string what = e.what();
        CAPTURE(what);
        CHECK(what.rfind("address::parse \"1.2.3.4\\x0a\\\"\\x00xxx", 0) == 0);
        CHECK(what.find("(110 bytes)") != std::string::npos);
        for (char c : what) CHECK(static_cast<unsigned char>(c) >= 0x20);
    }
}
