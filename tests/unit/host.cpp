// Unit tests for <net/host.hpp>: gethostname, getnameinfo and interfaces, checked against the
// OS's own answers and by binding sockets to the addresses listed. Loopback only: no DNS query
// leaves the machine (numeric flags, or names from the hosts file).
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace {
using netsock_test::describe;
template <class R> std::string why(const R& r) { return r ? std::string("ok") : describe(r.error()); }
} // namespace

TEST_CASE("gethostname is the OS's host name") {
    auto name = net::try_gethostname();
    REQUIRE_MESSAGE(name, why(name));
    CHECK_FALSE(name->empty());
    CHECK(name->find('\0') == std::string::npos);
#if !defined(_WIN32)
    char os[256] = {};
    REQUIRE(::gethostname(os, sizeof os - 1) == 0);
    CHECK(*name == os);
#endif
    CHECK(net::gethostname() == *name);
}

TEST_CASE("getnameinfo with numeric flags gives the address and port as text") {
    const auto a = net::address::parse("127.0.0.1:80");
    auto r = net::try_getnameinfo(a, net::name_flags::numeric_host | net::name_flags::numeric_service);
    REQUIRE_MESSAGE(r, why(r));
    CHECK(r->host == "127.0.0.1");
    CHECK(r->service == "80");
    if (netsock_test::ipv6_loopback_available()) {
        auto v6 = net::getnameinfo(net::address::parse("[::1]:443"),
                                   net::name_flags::numeric_host | net::name_flags::numeric_service);
        CHECK(v6.host == "::1");
        CHECK(v6.service == "443");
    }
}

TEST_CASE("getnameinfo names the loopback address with a name that resolves back to it") {
    auto r = net::try_getnameinfo(net::address::parse("127.0.0.1:0"), net::name_flags::numeric_service);
    REQUIRE_MESSAGE(r, why(r));
    CHECK_FALSE(r->host.empty());
    CHECK(r->service == "0");
    if (r->host == "127.0.0.1") {
        MESSAGE("no name for 127.0.0.1 in this host's resolver: got the numeric text");
        return;
    }
    auto back = net::try_resolve(r->host, "0", {net::family::ipv4});
    REQUIRE_MESSAGE(back, why(back));
    CHECK(std::find(back->begin(), back->end(), net::address::parse("127.0.0.1:0")) != back->end());
}

TEST_CASE("getnameinfo rejects local addresses and names services") {
    CHECK(net::try_getnameinfo(net::address::any(net::family::local)).error() == std::errc::invalid_argument);
    auto r = net::try_getnameinfo(net::address::parse("127.0.0.1:80"), net::name_flags::numeric_host);
    REQUIRE_MESSAGE(r, why(r));
    CHECK((r->service == "http" || r->service == "www" || r->service == "80")); // no /etc/services: "80"
}

TEST_CASE("interfaces lists the loopback interface with 127.0.0.1, and its addresses bind") {
    auto list = net::try_interfaces();
    if (!list && list.error() == std::errc::operation_not_supported) {
        MESSAGE("skipped: no interface list here: " << describe(list.error()));
        return;
    }
    REQUIRE_MESSAGE(list, why(list));
    REQUIRE_FALSE(list->empty());
    const net::interface_info* loop = nullptr;
    for (const auto& i : *list) {
        CAPTURE(i.name);
        CHECK_FALSE(i.name.empty());
        for (const auto& a : i.addresses) {
            CHECK((a.address.family() == net::family::ipv4 || a.address.family() == net::family::ipv6));
            CHECK(a.address.port() == 0);
            CHECK(a.prefix_length <= (a.address.family() == net::family::ipv4 ? 32 : 128));
            if (a.address == net::address::loopback(net::family::ipv4, 0)) loop = &i;
        }
    }
    REQUIRE_MESSAGE(loop != nullptr, "no interface has 127.0.0.1");
    CHECK(net::has(loop->flags, net::interface_flags::loopback));
    CHECK(net::has(loop->flags, net::interface_flags::up));
    CHECK(loop->index != 0);
    for (const auto& a : loop->addresses) {
        if (a.address.family() != net::family::ipv4) continue;
        CHECK(a.prefix_length == 8);
        // An address the OS lists for an interface that is up can be bound.
        auto s = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        auto bound = net::try_bind(s, a.address);
        CHECK_MESSAGE(bound, why(bound));
    }
    // The index is the one link-local scope ids use: an IPv6 address scoped to it parses.
    if (!netsock_test::on_windows()) {
        auto scoped = net::address::try_parse("fe80::1%" + std::to_string(loop->index), 0);
        REQUIRE_MESSAGE(scoped, why(scoped));
        CHECK(scoped->scope_id() == loop->index);
    }
    CHECK(net::interfaces().size() == list->size());
}
