// Unit tests for resolve.hpp (resolve, create_server, create_connection with Happy Eyeballs)
// and for the timeout overloads and graceful_close of ops.hpp.
//
// Everything stays on loopback with ports picked by the OS; the only fixed ports are the
// deliberate re-binds of a port that this test itself just picked. "localhost" resolves to
// 127.0.0.1 here, maybe also to ::1 elsewhere: nothing below assumes ::1 for "localhost".
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr auto io_timeout = 10s;

template <class R> std::string why(const R& r) { return r ? std::string("ok") : r.error().message(); }

// tests/support/loopback.hpp
using netsock_test::ipv6_loopback_available;
using netsock_test::joining_thread;
using netsock_test::seconds_since;
using netsock_test::thrown_code;

net::address v4(std::uint16_t port) { return net::address::loopback(net::family::ipv4, port); }
net::address v6(std::uint16_t port) { return net::address::loopback(net::family::ipv6, port); }

// A TCP socket bound to `a` that never listens: connecting to it is refused, and nobody else
// can take the port while it lives.
net::socket bound_not_listening(const net::address& a) {
    auto s = net::make_socket(a.family());
    net::bind(s, a);
    return s;
}

// A connected pair through a listener of either family (tests/support/loopback.hpp).
using netsock_test::connect_through;

bool contains(const std::vector<net::address>& list, const net::address& a) {
    return std::find(list.begin(), list.end(), a) != list.end();
}

std::vector<unsigned char> pattern(std::size_t size, unsigned seed) {
    std::vector<unsigned char> v(size);
    for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<unsigned char>((i * 131 + seed) ^ (i >> 9));
    return v;
}

// A socket path in the temp directory that no other run uses.
std::string unique_socket_path() {
    std::random_device rd;
    const auto stamp = static_cast<unsigned long long>(steady::now().time_since_epoch().count());
    char name[64];
    std::snprintf(name, sizeof name, "netsock-%08x-%llx.sock", rd(), stamp % 0xffffffffull);
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = ".";
    return (dir / name).string();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// resolve

TEST_CASE("resolve finds 127.0.0.1 for localhost") {
    auto found = net::resolve("localhost");
    REQUIRE_FALSE(found.empty());
    CHECK(contains(found, v4(0)));
    for (const auto& a : found) {
        CAPTURE(a);
        CHECK(a.is_loopback());
        CHECK(a.port() == 0);
    }
    // No duplicates.
    for (std::size_t i = 0; i < found.size(); ++i)
        for (std::size_t j = i + 1; j < found.size(); ++j) CHECK(found[i] != found[j]);
    auto r = net::try_resolve("localhost", "8080");
    REQUIRE_MESSAGE(r.has_value(), why(r));
    CHECK(contains(*r, v4(8080)));
}

TEST_CASE("resolve turns a numeric IPv4 host and a numeric service into exactly that address") {
    auto found = net::resolve("127.0.0.1", "80");
    REQUIRE(found.size() == 1);
    CHECK(found[0] == net::address::parse("127.0.0.1:80"));
}

TEST_CASE("resolve turns a numeric IPv6 host, bracketed or not, into exactly that address") {
    auto plain = net::resolve("::1", "443");
    REQUIRE(plain.size() == 1);
    CHECK(plain[0] == net::address::parse("[::1]:443"));
    auto bracketed = net::resolve("[::1]");
    REQUIRE(bracketed.size() == 1);
    CHECK(bracketed[0] == net::address::parse("[::1]:0"));
    CHECK(bracketed[0].family() == net::family::ipv6);
}

TEST_CASE("resolving a numeric host returns one address per family requested, quickly") {
    net::resolve_hints only4;
    only4.family = net::family::ipv4;
    net::resolve_hints udp;
    udp.type = net::socket_type::datagram;
    const auto start = steady::now();
    for (int i = 0; i < 50; ++i) {
        auto any = net::resolve("127.0.0.1", "9");
        REQUIRE(any.size() == 1);
        CHECK(any[0] == v4(9));
        auto just4 = net::resolve("127.0.0.1", "9", only4);
        REQUIRE(just4.size() == 1);
        auto datagram = net::resolve("127.0.0.1", "9", udp);
        REQUIRE(datagram.size() == 1);
        auto six = net::resolve("::1", "9");
        REQUIRE(six.size() == 1);
        CHECK(six[0] == v6(9));
    }
    // 200 numeric resolutions: no DNS round trip (or timeout) could be this fast.
    const double took = seconds_since(start);
    CAPTURE(took);
    CHECK(took < 2.0);

    // A numeric IPv4 host asked for as IPv6 is a resolver error, not a silent mapping.
    net::resolve_hints only6;
    only6.family = net::family::ipv6;
    auto mismatch = net::try_resolve("127.0.0.1", "9", only6);
    REQUIRE_FALSE(mismatch.has_value());
    CHECK(mismatch.error().category() == net::resolve_category());
}

TEST_CASE("numeric-looking hosts go through netsock's strict parser, never inet_aton or DNS") {
    // CVE-2021-29921/29923: glibc resolves "012.0.0.1" to 10.0.0.1 and "127.1" to 127.0.0.1
    // while address::parse rejects them. resolve rejects them too, at once, on every OS.
    const char* numeric_looking[] = {"012.0.0.1",  "127.1",      "0x7f.0.0.1", "2130706433",
                                     "0x7f000001", "127.0.0.01", "1.2.3.4.",   "127.0.0.1 x",
                                     "[127.1]",    "1..2.3",     "0x.0.0.0",   "4294967296"};
    const auto start = steady::now();
    for (const char* host : numeric_looking) {
        CAPTURE(std::string(host));
        const auto r = net::try_resolve(host, "80");
        if (r.has_value()) {
            FAIL_CHECK("resolved to " << r->front().to_string());
            continue;
        }
        CHECK(r.error() == std::errc::invalid_argument);
        CHECK(r.error().category() == net::netsock_category());
    }
    CHECK(seconds_since(start) < 2.0); // no DNS round trip
    CHECK(net::try_resolve("012.0.0.1").error() == net::errc::ipv4_leading_zero);
    CHECK(net::try_resolve("fe80::1%lo:8080").error() == net::errc::invalid_zone);
    CHECK(net::try_resolve("1::2::3").error() == net::errc::invalid_ipv6);
    std::string op;
    CHECK(thrown_code([] { (void)net::resolve("127.1"); }, &op) == std::errc::invalid_argument);
    CHECK(op == "resolve");

    // The strict forms still resolve, without DNS, to exactly that address.
    CHECK(net::resolve("127.0.0.1", "80") == std::vector<net::address>{v4(80)});
    CHECK(net::resolve("10.0.0.1", "80") == std::vector<net::address>{net::address::parse("10.0.0.1:80")});
    const auto mapped = net::resolve("::ffff:127.0.0.1", "80");
    REQUIRE(mapped.size() == 1);
    CHECK(mapped[0] == net::address::parse("[::ffff:127.0.0.1]:80"));
}

TEST_CASE("a host with letters beyond hex digits is a name, not a malformed number") {
    // "1.invalid" has a label that is no number: it goes to the resolver, which cannot find it.
    const auto r = net::try_resolve("1.invalid");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().category() != net::netsock_category());
}

TEST_CASE("resolving a name that does not exist fails with a resolver error") {
    const auto start = steady::now();
    auto r = net::try_resolve("nonexistent.invalid");
    const double took = seconds_since(start);
    CAPTURE(took);
    CHECK(took < 10.0);
    REQUIRE_FALSE(r.has_value());
    const auto ec = r.error();
    CAPTURE(ec.value());
    CAPTURE(ec.message());
    CHECK(ec.category() == net::resolve_category());
    const bool not_found = ec == net::resolve_errc::host_not_found;
    const bool no_dns = ec == net::resolve_errc::try_again;
    CHECK((not_found || no_dns));
    if (no_dns) MESSAGE("the resolver answered try_again (no DNS in this sandbox?)");
    CHECK_FALSE(ec.message().empty());
    CHECK(ec.message() != "Success");
    CHECK(ec.message().find("Unknown error") == std::string::npos);
    CHECK(ec.default_error_condition().category() == net::resolve_condition_category());

    std::string op;
    auto thrown = thrown_code([] { (void)net::resolve("nonexistent.invalid"); }, &op);
    CHECK(thrown.category() == net::resolve_category());
    CHECK(op == "resolve");
}

TEST_CASE("an unknown service name fails with service_not_found") {
    auto r = net::try_resolve("127.0.0.1", "no-such-service-netsock");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().category() == net::resolve_category());
    CHECK_MESSAGE(r.error() == net::resolve_errc::service_not_found, r.error().message());
    CHECK(r.error() != net::resolve_errc::host_not_found);
    CHECK(thrown_code([] { (void)net::resolve("127.0.0.1", "no-such-service-netsock"); }) ==
          net::resolve_errc::service_not_found);
}

TEST_CASE("a known service name resolves to its port") {
    auto found = net::resolve("127.0.0.1", "http");
    REQUIRE(found.size() == 1);
    CHECK(found[0] == v4(80));
}

TEST_CASE("a numeric service above 65535 is rejected, never wrapped around") {
    for (const std::string service : {"65536", "70000", "99999999999"}) {
        CAPTURE(service);
        auto r = net::try_resolve("127.0.0.1", service);
        CHECK_MESSAGE(!r.has_value(), "resolved to " << (r ? (*r)[0].to_string() : std::string()));
        if (!r) {
            CHECK((r.error() == net::resolve_errc::service_not_found ||
                   r.error() == std::errc::invalid_argument));
        }
    }
    auto edge = net::resolve("127.0.0.1", "65535");
    REQUIRE(edge.size() == 1);
    CHECK(edge[0].port() == 65535);
}

TEST_CASE("hints.family keeps only addresses of that family") {
    net::resolve_hints only4;
    only4.family = net::family::ipv4;
    auto found = net::resolve("localhost", {}, only4);
    REQUIRE_FALSE(found.empty());
    for (const auto& a : found) CHECK(a.family() == net::family::ipv4);

    net::resolve_hints only6;
    only6.family = net::family::ipv6;
    auto six = net::resolve("::1", "22", only6);
    REQUIRE(six.size() == 1);
    CHECK(six[0] == v6(22));

    auto wrong = net::try_resolve("::1", "22", only4);
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().category() == net::resolve_category());

    // An empty host (loopback for connecting) in each family.
    auto loop4 = net::resolve("", "8080", only4);
    REQUIRE(loop4.size() == 1);
    CHECK(loop4[0] == v4(8080));
    auto loop6 = net::resolve("", "8080", only6);
    REQUIRE(loop6.size() == 1);
    CHECK(loop6[0] == v6(8080));
}

TEST_CASE("hints.passive with an empty host gives the wildcard address") {
    net::resolve_hints passive;
    passive.passive = true;
    auto both = net::resolve("", "8080", passive);
    REQUIRE_FALSE(both.empty());
    for (const auto& a : both) {
        CAPTURE(a);
        CHECK(a.is_any());
        CHECK(a.port() == 8080);
    }
    passive.family = net::family::ipv4;
    auto any4 = net::resolve("", "8080", passive);
    REQUIRE(any4.size() == 1);
    CHECK(any4[0] == net::address::any(net::family::ipv4, 8080));
    passive.family = net::family::ipv6;
    auto any6 = net::resolve("", "8080", passive);
    REQUIRE(any6.size() == 1);
    CHECK(any6[0] == net::address::any(net::family::ipv6, 8080));

    // Without passive, an empty host means loopback.
    net::resolve_hints active;
    for (const auto& a : net::resolve("", "8080", active)) {
        CAPTURE(a);
        CHECK(a.is_loopback());
    }
}

TEST_CASE("resolve rejects an embedded NUL or a huge input with invalid_argument") {
    using namespace std::string_view_literals;
    const std::string huge_host(2000, 'a');
    const std::string huge_service(300, '8');
    const std::vector<std::pair<std::string_view, std::string_view>> bad = {
        {"local\0host"sv, "80"sv},
        {"127.0.0.1\0evil.example"sv, ""sv},
        {"127.0.0.1"sv, "8\0"
                        "0"sv},
        {huge_host, "80"sv},
        {"127.0.0.1"sv, huge_service},
    };
    for (const auto& input : bad) {
        const std::string_view host = input.first;
        const std::string_view service = input.second;
        CAPTURE(host.size());
        CAPTURE(service.size());
        auto r = net::try_resolve(host, service);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(r.error() == std::errc::invalid_argument, r.error().message());
        auto ec = thrown_code([&] { (void)net::resolve(host, service); });
        CHECK(ec == std::errc::invalid_argument);
    }
}

// ---------------------------------------------------------------------------------------------
// create_server

TEST_CASE("create_server binds and listens on the port the OS picks for port 0") {
    auto server = net::create_server(net::address::parse("127.0.0.1:0"));
    const auto where = net::local_address(server);
    CHECK(where.host() == "127.0.0.1");
    CHECK(where.port() != 0);
    // It already listens: a client connects and is accepted.
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, where, io_timeout);
    auto accepted = net::accept(server, io_timeout);
    CHECK(accepted.peer == net::local_address(client));
    CHECK(net::peer_address(client) == where);

    auto r = net::try_create_server(v4(0));
    REQUIRE_MESSAGE(r.has_value(), why(r));
    CHECK(net::local_address(*r).port() != 0);
    CHECK(net::local_address(*r).port() != where.port());
}

TEST_CASE("a second create_server on a live port fails with address_in_use") {
    auto first = net::create_server(v4(0));
    const auto where = net::local_address(first);
    auto second = net::try_create_server(where);
    REQUIRE_FALSE(second.has_value());
    CHECK_MESSAGE(second.error() == std::errc::address_in_use, second.error().message());
    std::string op;
    CHECK(thrown_code([&] { (void)net::create_server(where); }, &op) == std::errc::address_in_use);
    CHECK(op == "create_server");
    // Only one side asking for reuse_port is not enough either.
    net::server_options reuse;
    reuse.reuse_port = true;
    auto third = net::try_create_server(where, reuse);
    REQUIRE_FALSE(third.has_value());
    CHECK((third.error() == std::errc::address_in_use || third.error() == std::errc::no_protocol_option));
}

TEST_CASE("two servers share a port when both ask for reuse_port") {
    net::server_options reuse;
    reuse.reuse_port = true;
    auto first = net::try_create_server(v4(0), reuse);
    if (!first && first.error() == std::errc::no_protocol_option) {
        MESSAGE("skipped: SO_REUSEPORT is not available here");
        return;
    }
    REQUIRE_MESSAGE(first.has_value(), why(first));
    const auto where = net::local_address(*first);
    auto second = net::try_create_server(where, reuse);
    REQUIRE_MESSAGE(second.has_value(), why(second));
    CHECK(net::local_address(*second) == where);
    CHECK(net::get_option<net::reuse_port>(*second).value);
    // The shared port accepts connections (on one of the two listeners).
    auto client = net::create_connection(std::vector<net::address>{where}, io_timeout);
    CHECK(net::peer_address(client) == where);
}

TEST_CASE("a restarted server rebinds its port at once although the old connection is in TIME_WAIT") {
    auto server = net::create_server(v4(0));
    const auto where = net::local_address(server);
    {
        auto c = connect_through(server);
        // The server side closes first, so the TIME_WAIT (FIN_WAIT) state is on the server's port.
        c.server.close();
        char byte = 0;
        auto eof = net::try_recv(c.client, net::buffer(&byte, 1), io_timeout);
        REQUIRE_MESSAGE(eof.has_value(), why(eof));
        CHECK(*eof == 0);
        c.client.close();
    }
    server.close();
    auto restarted = net::try_create_server(where);
    REQUIRE_MESSAGE(restarted.has_value(), why(restarted));
    CHECK(net::local_address(*restarted) == where);
    // And it works.
    auto c = connect_through(*restarted);
    CHECK(net::peer_address(c.client) == where);
}

TEST_CASE("an IPv6 wildcard server is IPv6-only by default: an IPv4 client is refused") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    auto server = net::create_server(net::address::parse("[::]:0"));
    const std::uint16_t port = net::local_address(server).port();
    CHECK(net::get_option<net::v6_only>(server).value);
    // Because the server is v6-only, 127.0.0.1:port is free; hold it so nobody else answers.
    auto holder = net::make_socket(net::family::ipv4);
    auto bound = net::try_bind(holder, v4(port));
    REQUIRE_MESSAGE(bound.has_value(), "the IPv6 wildcard server also took IPv4: " << why(bound));

    auto client = net::make_socket(net::family::ipv4);
    const auto start = steady::now();
    auto r = net::try_connect(client, v4(port), 5s);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::connection_refused, r.error().message());
    CHECK(seconds_since(start) < 4.0);
    // IPv6 clients are served.
    auto c6 = net::create_connection(std::vector<net::address>{v6(port)}, io_timeout);
    CHECK(net::peer_address(c6) == v6(port));
}

TEST_CASE("a dual_stack IPv6 wildcard server accepts an IPv4 client as a v4-mapped peer") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    net::server_options dual;
    dual.dual_stack = true;
    auto made = net::try_create_server(net::address::parse("[::]:0"), dual);
    if (!made && made.error() == std::errc::operation_not_supported) {
        MESSAGE("skipped: this OS cannot do dual-stack sockets");
        return;
    }
    REQUIRE_MESSAGE(made.has_value(), why(made));
    auto& server = *made;
    CHECK_FALSE(net::get_option<net::v6_only>(server).value);
    const std::uint16_t port = net::local_address(server).port();

    auto client = net::make_socket(net::family::ipv4);
    auto r = net::try_connect(client, v4(port), io_timeout);
    REQUIRE_MESSAGE(r.has_value(), why(r));
    auto accepted = net::accept(server, io_timeout);
    const net::address peer = accepted.peer;
    CAPTURE(peer);
    CHECK(accepted.socket.is_open());
    CHECK(peer.is_v4_mapped());
    CHECK(peer.unmapped().host() == "127.0.0.1");
    CHECK(peer.unmapped() == net::local_address(client));
}

TEST_CASE("a bind that conflicts across families is address_in_use on every OS") {
    // Windows fails it with WSAEACCES ("access denied") as the first socket is exclusive.
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    net::server_options dual;
    dual.dual_stack = true;
    SUBCASE("an IPv4 bind on the port of a dual-stack server") {
        auto made = net::try_create_server(net::address::parse("[::]:0"), dual);
        if (!made && made.error() == std::errc::operation_not_supported) {
            MESSAGE("skipped: this OS cannot do dual-stack sockets");
            return;
        }
        REQUIRE_MESSAGE(made.has_value(), why(made));
        const std::uint16_t port = net::local_address(*made).port();
        auto second = net::try_create_server(net::address::any(net::family::ipv4, port));
        REQUIRE_FALSE(second.has_value());
        CHECK_MESSAGE(second.error() == std::errc::address_in_use, second.error().message());
    }
    SUBCASE("a dual-stack server on the port of an IPv4 server") {
        auto first = net::create_server(net::address::any(net::family::ipv4, 0));
        const std::uint16_t port = net::local_address(first).port();
        auto second = net::try_create_server(net::address::any(net::family::ipv6, port), dual);
        if (!second && second.error() == std::errc::operation_not_supported) {
            MESSAGE("skipped: this OS cannot do dual-stack sockets");
            return;
        }
        REQUIRE_FALSE(second.has_value());
        CHECK_MESSAGE(second.error() == std::errc::address_in_use, second.error().message());
    }
}

TEST_CASE("dual_stack on an IPv4 address fails with invalid_argument") {
    net::server_options dual;
    dual.dual_stack = true;
    auto r = net::try_create_server(v4(0), dual);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::invalid_argument);
    CHECK(thrown_code([&] { (void)net::create_server(v4(0), dual); }) == std::errc::invalid_argument);
}

TEST_CASE("create_server makes a local server, and remove_existing_path replaces a stale socket file") {
    // A stale socket: a socket file that no one listens on any more (connect is refused).
    if (auto probe = net::try_make_socket(net::family::local); !probe) {
        MESSAGE("skipped: no local (Unix) sockets here: " << probe.error().message());
        return;
    }
    const std::string path = unique_socket_path();
    CAPTURE(path);
    struct remove_at_end {
        std::string path;
        ~remove_at_end() { std::remove(path.c_str()); }
    } cleanup{path};
    const auto where = net::address::local(path);
    {
        auto first = net::create_server(where);
        CHECK(net::local_address(first).path() == path);
    }
    // The listener is gone, its file is not: a plain create_server trips over it.
    std::error_code ec;
    CHECK(std::filesystem::exists(path, ec));
    auto stale = net::try_create_server(where);
    REQUIRE_FALSE(stale.has_value());
    CHECK_MESSAGE(stale.error() == std::errc::address_in_use, stale.error().message());

    net::server_options replace;
    replace.remove_existing_path = true;
    auto server = net::try_create_server(where, replace);
    REQUIRE_MESSAGE(server.has_value(), why(server));
    auto client = net::make_socket(net::family::local);
    net::connect(client, where, io_timeout);
    auto accepted = net::accept(*server, io_timeout);
    CHECK(accepted.socket.is_open());
    const std::string hello = "hello";
    net::sendall(client, net::buffer(hello), io_timeout);
    std::string got(hello.size(), '\0');
    net::recv_exact(accepted.socket, net::buffer(got), io_timeout);
    CHECK(got == hello);
}

TEST_CASE("remove_existing_path leaves a regular file alone and fails with address_in_use") {
    if (auto probe = net::try_make_socket(net::family::local); !probe) {
        MESSAGE("skipped: no local (Unix) sockets here: " << probe.error().message());
        return;
    }
    const std::string path = unique_socket_path();
    CAPTURE(path);
    struct remove_at_end {
        std::string path;
        ~remove_at_end() { std::remove(path.c_str()); }
    } cleanup{path};
    const std::string content = "precious data\n";
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        CHECK(std::fwrite(content.data(), 1, content.size(), f) == content.size());
        CHECK(std::fclose(f) == 0);
    }
    net::server_options replace;
    replace.remove_existing_path = true;
    const auto r = net::try_create_server(net::address::local(path), replace);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::address_in_use, r.error().message());
    // The file is still there, unchanged.
    std::string back(64, '\0');
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f != nullptr);
    back.resize(std::fread(&back[0], 1, back.size(), f));
    CHECK(std::fclose(f) == 0);
    CHECK(back == content);
}

TEST_CASE("remove_existing_path never takes the path of a live listener") {
    if (auto probe = net::try_make_socket(net::family::local); !probe) {
        MESSAGE("skipped: no local (Unix) sockets here: " << probe.error().message());
        return;
    }
    const std::string path = unique_socket_path();
    CAPTURE(path);
    struct remove_at_end {
        std::string path;
        ~remove_at_end() { std::remove(path.c_str()); }
    } cleanup{path};
    const auto where = net::address::local(path);
    auto live = net::create_server(where);
    net::server_options replace;
    replace.remove_existing_path = true;
    const auto r = net::try_create_server(where, replace);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::address_in_use, r.error().message());
    // The live server still owns its path: a client reaches it. (The probe connect of
    // create_server is in its backlog too: accept it first.)
    auto client = net::make_socket(net::family::local);
    net::connect(client, where, io_timeout);
    const std::string hello = "still here";
    net::sendall(client, net::buffer(hello), io_timeout);
    bool reached = false;
    for (int i = 0; i < 2 && !reached; ++i) { // the probe (closed: EOF at once), then the client
        auto accepted = net::accept(live, io_timeout);
        std::string got(hello.size(), '\0');
        const auto r = net::try_recv_exact(accepted.socket, net::buffer(got), io_timeout);
        reached = r.has_value() && got == hello;
    }
    CHECK(reached);
}

// ---------------------------------------------------------------------------------------------
// create_connection

TEST_CASE("create_connection to 127.0.0.1 or localhost connects to the listener") {
    auto server = net::create_server(v4(0));
    const auto where = net::local_address(server);
    SUBCASE("by number, with a timeout") {
        auto c = net::create_connection("127.0.0.1", where.port(), 5s);
        CHECK(net::peer_address(c) == where);
        CHECK(net::accept(server, io_timeout).peer == net::local_address(c));
    }
    SUBCASE("by name, with a timeout") {
        auto r = net::try_create_connection("localhost", where.port(), 5s);
        REQUIRE_MESSAGE(r.has_value(), why(r));
        CHECK(net::peer_address(*r) == where);
    }
    SUBCASE("without a timeout") {
        auto c = net::create_connection("127.0.0.1", where.port());
        CHECK(net::peer_address(c) == where);
        auto by_name = net::create_connection("localhost", where.port());
        CHECK(net::peer_address(by_name) == where);
    }
    SUBCASE("the connected socket is blocking and usable") {
        auto c = net::create_connection("127.0.0.1", where.port(), 5s);
        auto accepted = net::accept(server, io_timeout);
        // A blocking socket waits for data instead of failing with would_block.
        joining_thread peer(
            [&] { (void)net::try_sendall(accepted.socket, net::buffer(std::string("pong")), io_timeout); });
        std::string got(4, '\0');
        auto n = net::try_recv_exact(c, net::buffer(got));
        REQUIRE_MESSAGE(n.has_value(), why(n));
        CHECK(got == "pong");
    }
}

TEST_CASE("create_connection to a closed port fails with connection_refused well before the timeout") {
    auto holder = bound_not_listening(v4(0));
    const auto port = net::local_address(holder).port();
    const auto start = steady::now();
    auto r = net::try_create_connection("127.0.0.1", port, 10s);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::connection_refused, r.error().message());
    CHECK(took < 5.0);
    std::string op;
    CHECK(thrown_code([&] { (void)net::create_connection("127.0.0.1", port, 10s); }, &op) ==
          std::errc::connection_refused);
    CHECK(op == "create_connection");
}

TEST_CASE("create_connection to a name that does not resolve reports the resolver error") {
    auto r = net::try_create_connection("nonexistent.invalid", 80, 5s);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().category() == net::resolve_category());
}

TEST_CASE("Happy Eyeballs: create_connection falls back from a refusing IPv6 address to IPv4") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    net::socket listener;
    net::socket holder6;
    std::uint16_t port = 0;
    for (int attempt = 0; attempt < 20 && port == 0; ++attempt) {
        auto l = net::create_server(v4(0));
        const auto p = net::local_address(l).port();
        // [::1]:P must refuse: hold it (bound, not listening). If it is taken, try another port.
        auto h = net::make_socket(net::family::ipv6);
        if (!net::try_bind(h, v6(p))) continue;
        listener = std::move(l);
        holder6 = std::move(h);
        port = p;
    }
    REQUIRE_MESSAGE(port != 0, "no port was free on both 127.0.0.1 and [::1]");

    const std::vector<net::address> targets{v6(port), v4(port)};
    const auto start = steady::now();
    auto r = net::try_create_connection(targets, 5s);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_MESSAGE(r.has_value(), why(r));
    const auto winner = net::peer_address(*r);
    MESSAGE("Happy Eyeballs connected to " << winner << " after " << took << " s");
    CHECK(winner == v4(port));
    CHECK(took < 4.0);
    auto accepted = net::accept(listener, io_timeout);
    CHECK(accepted.peer == net::local_address(*r));
}

TEST_CASE("Happy Eyeballs: the first target wins when it answers at once") {
    if (!ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback on this machine");
        return;
    }
    net::socket listener4;
    net::socket listener6;
    std::uint16_t port = 0;
    for (int attempt = 0; attempt < 20 && port == 0; ++attempt) {
        auto l4 = net::create_server(v4(0));
        const auto p = net::local_address(l4).port();
        auto l6 = net::try_create_server(v6(p));
        if (!l6) continue;
        listener4 = std::move(l4);
        listener6 = std::move(*l6);
        port = p;
    }
    REQUIRE_MESSAGE(port != 0, "no port was free on both 127.0.0.1 and [::1]");
    auto c = net::create_connection(std::vector<net::address>{v6(port), v4(port)}, 5s);
    CHECK(net::peer_address(c) == v6(port));
    auto c4 = net::create_connection(std::vector<net::address>{v4(port), v6(port)}, 5s);
    CHECK(net::peer_address(c4) == v4(port));
}

TEST_CASE("create_connection reports connection_refused, not timed_out, when every target refuses") {
    std::vector<net::socket> holders;
    std::vector<net::address> targets;
    holders.push_back(bound_not_listening(v4(0)));
    holders.push_back(bound_not_listening(v4(0)));
    if (ipv6_loopback_available()) holders.push_back(bound_not_listening(v6(0)));
    for (const auto& h : holders) targets.push_back(net::local_address(h));
    std::rotate(targets.begin(), targets.end() - 1, targets.end()); // IPv6 (if any) first

    const auto start = steady::now();
    auto r = net::try_create_connection(targets, 5s);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::connection_refused, r.error().message());
    CHECK(r.error() != std::errc::timed_out);
    CHECK(took < 4.0);
    CHECK(thrown_code([&] { (void)net::create_connection(targets, 5s); }) == std::errc::connection_refused);
}

TEST_CASE("create_connection with an empty target list fails with invalid_argument") {
    const std::vector<net::address> none;
    auto r = net::try_create_connection(none, 5s);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::invalid_argument);
    CHECK(thrown_code([&] { (void)net::create_connection(none, 5s); }) == std::errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Timeouts of the blocking calls (ops.hpp)

TEST_CASE("try_recv with a timeout fails with timed_out when nothing arrives") {
    auto server = net::create_server(v4(0));
    auto c = connect_through(server);
    char buf[16];
    SUBCASE("300 ms") {
        const auto start = steady::now();
        auto r = net::try_recv(c.client, net::buffer(buf), 300ms);
        const double took = seconds_since(start);
        CAPTURE(took);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
        CHECK(took >= 0.300);
        CHECK(took < 3.0);
    }
    SUBCASE("a fractional 1.5 s") {
        const auto start = steady::now();
        auto r = net::try_recv(c.client, net::buffer(buf), std::chrono::duration<double>(1.5));
        const double took = seconds_since(start);
        CAPTURE(took);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
        CHECK(took >= 1.5);
        CHECK(took < 5.0);
    }
    SUBCASE("the throwing face") {
        std::string op;
        CHECK(thrown_code([&] { (void)net::recv(c.client, net::buffer(buf), 300ms); }, &op) ==
              std::errc::timed_out);
        CHECK(op == "recv");
    }
    SUBCASE("data that is already there is returned at once") {
        net::sendall(c.server, net::buffer(std::string("abc")), io_timeout);
        auto r = net::try_recv_exact(c.client, net::buffer(buf, 3), 300ms);
        REQUIRE_MESSAGE(r.has_value(), why(r));
        CHECK(std::string(buf, 3) == "abc");
    }
}

TEST_CASE("try_accept with a timeout fails with timed_out when nobody connects") {
    auto server = net::create_server(v4(0));
    const auto start = steady::now();
    auto r = net::try_accept(server, 300ms);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
    CHECK(took >= 0.300);
    CHECK(took < 3.0);
    CHECK(thrown_code([&] { (void)net::accept(server, 300ms); }) == std::errc::timed_out);
}

TEST_CASE("try_connect with a timeout to a bound but not listening port fails with connection_refused") {
    auto holder = bound_not_listening(v4(0));
    auto s = net::make_socket(net::family::ipv4);
    const auto start = steady::now();
    auto r = net::try_connect(s, net::local_address(holder), 5s);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::connection_refused, r.error().message());
    CHECK(took < 4.0);
}

// ---------------------------------------------------------------------------------------------
// graceful_close

TEST_CASE("graceful_close delivers the whole reply and EOF although request bytes were left unread") {
    constexpr std::size_t request_size = 64 * 1024;
    constexpr std::size_t reply_size = 1024 * 1024;
    const auto request = pattern(request_size, 7);
    const auto reply = pattern(reply_size, 99);

    auto server = net::create_server(v4(0));
    auto client = net::create_connection(std::vector<net::address>{net::local_address(server)}, io_timeout);

    struct outcome {
        std::error_code send_error, reply_error, eof_error;
        std::size_t sent = 0, received = 0;
        bool reply_intact = false, eof = false;
    } out;
    joining_thread peer([&] {
        // The client first sends its whole request, then reads the whole reply, then EOF.
        auto s = net::try_sendall(client, net::buffer(request), 20s, &out.sent);
        if (!s) out.send_error = s.error();
        std::vector<unsigned char> got(reply_size);
        auto r = net::try_recv_exact(client, net::buffer(got), 20s, &out.received);
        if (!r) out.reply_error = r.error();
        out.reply_intact = got == reply;
        char extra = 0;
        auto e = net::try_recv(client, net::buffer(&extra, 1), 20s);
        if (e) out.eof = *e == 0;
        else out.eof_error = e.error();
        (void)client.try_close(); // the server's drain sees our EOF
    });

    auto [conn, from] = net::accept(server, io_timeout);
    std::vector<unsigned char> head(1024);
    net::recv_exact(conn, net::buffer(head), io_timeout);
    CHECK(std::equal(head.begin(), head.end(), request.begin()));
    net::sendall(conn, net::buffer(reply), 20s);
    auto closed = net::try_graceful_close(conn, 5s);
    peer.join();

    CHECK_MESSAGE(closed.has_value(), why(closed));
    CHECK_FALSE(conn.is_open());
    CHECK_MESSAGE(!out.send_error, out.send_error.message());
    CHECK(out.sent == request_size);
    CHECK_MESSAGE(!out.reply_error, out.reply_error.message());
    CHECK(out.received == reply_size);
    CHECK(out.reply_intact);
    CHECK_MESSAGE(!out.eof_error, "instead of EOF: " << out.eof_error.message());
    CHECK(out.eof);
}

TEST_CASE("graceful_close gives up with timed_out when the peer never finishes, and still closes") {
    auto server = net::create_server(v4(0));
    auto c = connect_through(server);
    const auto start = steady::now();
    auto r = net::try_graceful_close(c.server, 300ms);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
    CHECK(took >= 0.300);
    CHECK(took < 3.0);
    CHECK_FALSE(c.server.is_open());
    // The peer got an orderly EOF.
    char byte = 0;
    auto eof = net::try_recv(c.client, net::buffer(&byte, 1), io_timeout);
    REQUIRE_MESSAGE(eof.has_value(), why(eof));
    CHECK(*eof == 0);
    // On a socket that is not open: bad_file_descriptor, both faces.
    auto again = net::try_graceful_close(c.server, 1s);
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error() == std::errc::bad_file_descriptor);
    CHECK(thrown_code([&] { net::graceful_close(c.server, 1s); }) == std::errc::bad_file_descriptor);
}

TEST_CASE("a plain close with unread request bytes resets the connection (what graceful_close avoids)") {
    if (netsock_test::running_under_wine()) {
        MESSAGE("skipped under Wine: closesocket with unread received data ends the connection "
                "with a FIN there, not the RST that Linux and Windows send");
        return;
    }
    auto server = net::create_server(v4(0));
    auto c = connect_through(server);
    const auto request = pattern(8 * 1024, 3);
    net::sendall(c.client, net::buffer(request), io_timeout);
    std::vector<unsigned char> head(1024);
    net::recv_exact(c.server, net::buffer(head), io_timeout);
    // More request bytes are queued, unread, on the server side.
    auto ready = net::wait(c.server, net::events::readable, 5s);
    REQUIRE(net::has(ready, net::events::readable));
    net::sendall(c.server, net::buffer(std::string("reply")), io_timeout);
    c.server.close(); // unread data: the OS sends RST instead of FIN

    std::error_code ec;
    bool eof = false;
    char buf[4096];
    const auto start = steady::now();
    for (int i = 0; i < 1000 && seconds_since(start) < 10.0; ++i) {
        auto r = net::try_recv(c.client, net::buffer(buf), io_timeout);
        if (!r) {
            ec = r.error();
            break;
        }
        if (*r == 0) {
            eof = true;
            break;
        }
    }
    CHECK_FALSE(eof);
    CHECK_MESSAGE(ec == std::errc::connection_reset, ec.message());
}

TEST_CASE("create_server takes a host name and a port, as Python's create_server((host, port))") {
    SUBCASE("a numeric host") {
        auto s = net::create_server("127.0.0.1", 0);
        const auto at = net::local_address(s);
        CHECK(at.host() == "127.0.0.1");
        CHECK(at.port() != 0);
        auto c = net::create_connection("127.0.0.1", at.port(), 10s);
        auto [conn, peer] = net::accept(s, 10s);
        netsock_test::check_delivers(c, conn, "by host");
    }
    SUBCASE("a name") {
        auto s = net::create_server("localhost", 0);
        CHECK(net::local_address(s).is_loopback());
    }
    SUBCASE("an empty host is 0.0.0.0, as in Python") {
        auto s = net::create_server("", 0);
        CHECK(net::local_address(s).host() == "0.0.0.0");
    }
    SUBCASE("errors name the host and port") {
        auto first = net::create_server("127.0.0.1", 0);
        const auto port = net::local_address(first).port();
        bool thrown = false;
        try {
            (void)net::create_server("127.0.0.1", port);
        } catch (const net::error& e) {
            thrown = true;
            CHECK(e.code() == std::errc::address_in_use);
            CHECK(std::string(e.what()).rfind("create_server 127.0.0.1:" + std::to_string(port) + ": ", 0) ==
                  0);
        }
        CHECK(thrown);
        auto bad = net::try_create_server("no-such-host.invalid", 0);
        REQUIRE_FALSE(bad);
        CHECK(bad.error().category() == net::resolve_category());
    }
}

TEST_CASE("create_connection by name with a time limit resolves on a worker thread and connects") {
    auto listener = netsock_test::make_listener();
    const auto port = net::local_address(listener).port();
    net::canceller stop;
    auto c = net::try_create_connection("localhost", port, {10s, stop});
    REQUIRE_MESSAGE(c, netsock_test::describe(c ? std::error_code{} : c.error()));
    auto [conn, peer] = net::accept(listener, 10s);
    netsock_test::check_delivers(*c, conn, "via a lookup thread");
    stop.cancel();
    auto cancelled = net::try_create_connection("localhost", port, stop);
    REQUIRE_FALSE(cancelled);
    CHECK(cancelled.error() == std::errc::operation_canceled);
}
