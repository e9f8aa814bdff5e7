// Unit tests for <net/host.hpp>: gethostname, getnameinfo and interfaces, checked against the
// OS's own answers and by binding sockets to the addresses listed. Loopback only, but for one
// bounded reverse lookup of a TEST-NET address (192.0.2.1, RFC 5737) that may ask the
// configured DNS server: it tolerates a resolver that cannot answer, and never waits for it
// more than a few seconds.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#if !defined(_WIN32)
#include <net/if.h>
#include <unistd.h>
#endif

namespace {
using netsock_test::describe;
template <class R> std::string why(const R& r) { return r ? std::string("ok") : describe(r.error()); }

constexpr auto numeric = net::name_flags::numeric_host | net::name_flags::numeric_service;

bool is_link_local(const net::address& a) {
    const auto b = a.v6_bytes();
    return a.family() == net::family::ipv6 && b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

const net::interface_info* with_address(const std::vector<net::interface_info>& list, const net::address& a) {
    for (const auto& i : list)
        for (const auto& x : i.addresses)
            if (x.address == a) return &i;
    return nullptr;
}
} // namespace

TEST_CASE("gethostname is the OS's host name") {
    auto name = net::try_gethostname();
    REQUIRE_MESSAGE(name, why(name));
    CHECK_FALSE(name->empty());
    CHECK(name->find('\0') == std::string::npos);
#if !defined(_WIN32)
    char os[257] = {};
    REQUIRE(::gethostname(os, sizeof os - 1) == 0);
    CHECK(*name == os);
#endif
    CHECK(net::gethostname() == *name);
}

TEST_CASE("getnameinfo with numeric flags gives the address and port as text") {
    const auto a = net::address::parse("127.0.0.1:80");
    auto r = net::try_getnameinfo(a, numeric);
    REQUIRE_MESSAGE(r, why(r));
    CHECK(r->host == "127.0.0.1");
    CHECK(r->service == "80");
    auto high = net::getnameinfo(net::address::parse("10.1.2.3:65535"), numeric);
    CHECK(high.host == "10.1.2.3");
    CHECK(high.service == "65535");
    if (netsock_test::ipv6_loopback_available()) {
        auto v6 = net::getnameinfo(net::address::parse("[::1]:443"), numeric);
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
    CAPTURE(r->host);
    auto back = net::try_resolve(r->host, "0", {net::family::ipv4});
    REQUIRE_MESSAGE(back, why(back));
    CHECK(std::find(back->begin(), back->end(), net::address::parse("127.0.0.1:0")) != back->end());
}

TEST_CASE("getnameinfo rejects local addresses and names services") {
    CHECK(net::try_getnameinfo(net::address::any(net::family::local)).error() == std::errc::invalid_argument);
    auto r = net::try_getnameinfo(net::address::parse("127.0.0.1:80"), net::name_flags::numeric_host);
    REQUIRE_MESSAGE(r, why(r));
    CHECK((r->service == "http" || r->service == "www" || r->service == "80")); // no /etc/services: "80"
    auto udp = net::try_getnameinfo(net::address::parse("127.0.0.1:53"),
                                    net::name_flags::numeric_host | net::name_flags::datagram);
    REQUIRE_MESSAGE(udp, why(udp));
    CHECK((udp->service == "domain" || udp->service == "53"));
}

TEST_CASE("getnameinfo with name_required fails for an address without a name") {
    // 192.0.2.1 (TEST-NET-1) has no name in any hosts file; the PTR lookup may go to the
    // configured DNS server, which may be unreachable: run it on a thread of its own and wait
    // a bounded time (getnameinfo cannot be interrupted; a late answer is dropped).
    const auto a = net::address::parse("192.0.2.1:0");
    auto job = std::make_shared<std::promise<net::result<net::name_info>>>();
    auto found = job->get_future();
    std::thread([job, a] {
        job->set_value(net::try_getnameinfo(a, net::name_flags::name_required));
    }).detach();
    if (found.wait_for(std::chrono::seconds(8)) != std::future_status::ready) {
        MESSAGE("skipped: the resolver did not answer a PTR lookup for 192.0.2.1 within 8 s");
        return;
    }
    auto r = found.get();
    if (r) {
        MESSAGE("skipped: this host's resolver names 192.0.2.1 \"" << r->host << "\"");
        return;
    }
    CAPTURE(describe(r.error()));
    if (r.error() == net::resolve_errc::try_again || r.error() == net::resolve_errc::no_recovery) {
        MESSAGE("skipped: no DNS server answered for 192.0.2.1: " << describe(r.error()));
        return;
    }
    CHECK(r.error() == net::resolve_errc::host_not_found);
    CHECK(r.error().category() == net::resolve_category());
    // The throwing face reports the same code and names the operation.
    bool threw = false;
    try {
        (void)net::getnameinfo(a, net::name_flags::name_required);
    } catch (const net::error& e) {
        threw = true;
        CHECK(e.code() == r.error());
        CHECK(std::string(e.what()).find("getnameinfo") != std::string::npos);
    }
    CHECK(threw);
    // Without name_required the same address is its own numeric text.
    auto text = net::try_getnameinfo(a, net::name_flags::numeric_host);
    REQUIRE_MESSAGE(text, why(text));
    CHECK(text->host == "192.0.2.1");
}

TEST_CASE("interface_address::netmask spells the prefix length as an address") {
    net::interface_address v4{net::address::parse("10.1.2.3", 0), 8};
    CHECK(v4.netmask() == net::address::parse("255.0.0.0", 0));
    v4.prefix_length = 20;
    CHECK(v4.netmask() == net::address::parse("255.255.240.0", 0));
    v4.prefix_length = 32;
    CHECK(v4.netmask() == net::address::parse("255.255.255.255", 0));
    v4.prefix_length = 0;
    CHECK(v4.netmask() == net::address::any(net::family::ipv4));
    v4.prefix_length = -1;
    CHECK(v4.netmask() == net::address::any(net::family::ipv4));
    net::interface_address v6{net::address::parse("fe80::1", 0), 64};
    CHECK(v6.netmask() == net::address::parse("ffff:ffff:ffff:ffff::", 0));
    v6.prefix_length = 128;
    CHECK(v6.netmask().to_string() == "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:0");
    v6.prefix_length = 127;
    CHECK(v6.netmask() == net::address::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 0));
}

TEST_CASE("interfaces lists the loopback interface with 127.0.0.1, and its addresses bind") {
    auto list = net::try_interfaces();
    if (!list && list.error() == std::errc::operation_not_supported) {
        MESSAGE("skipped: no interface list here: " << describe(list.error()));
        return;
    }
    REQUIRE_MESSAGE(list, why(list));
    REQUIRE_FALSE(list->empty());
    for (const auto& i : *list) {
        CAPTURE(i.name);
        CHECK_FALSE(i.name.empty());
        if (!i.addresses.empty()) CHECK(i.index != 0); // Windows: 0 with neither IPv4 nor IPv6 bound
        // Names are unique: one entry per interface, however many addresses it has.
        CHECK(std::count_if(list->begin(), list->end(), [&](const auto& j) { return j.name == i.name; }) ==
              1);
        for (const auto& a : i.addresses) {
            CAPTURE(a.address.to_string());
            CHECK((a.address.family() == net::family::ipv4 || a.address.family() == net::family::ipv6));
            CHECK(a.address.port() == 0);
            CHECK(a.prefix_length <= (a.address.family() == net::family::ipv4 ? 32 : 128));
            // A link-local address is scoped to its interface: the scope id is the index.
            if (is_link_local(a.address)) CHECK(a.address.scope_id() == i.index);
        }
    }
    const net::interface_info* loop = with_address(*list, net::address::loopback(net::family::ipv4, 0));
    REQUIRE_MESSAGE(loop != nullptr, "no interface has 127.0.0.1");
    CAPTURE(loop->name);
    CHECK(net::has(loop->flags, net::interface_flags::loopback));
    CHECK(net::has(loop->flags, net::interface_flags::up));
    CHECK(net::has(loop->flags, net::interface_flags::up | net::interface_flags::loopback));
    for (const auto& a : loop->addresses) {
        if (a.address != net::address::loopback(net::family::ipv4, 0)) continue;
        CHECK(a.prefix_length == 8);
        CHECK(a.netmask() == net::address::parse("255.0.0.0", 0));
    }
    if (netsock_test::ipv6_loopback_available()) {
        const net::interface_info* loop6 = with_address(*list, net::address::loopback(net::family::ipv6, 0));
        if (loop6 == nullptr) MESSAGE("::1 works but no interface lists it");
        else CHECK(net::has(loop6->flags, net::interface_flags::loopback));
    }
#if !defined(_WIN32)
    // The index is the OS's if_nametoindex, and what an IPv6 zone of that name resolves to.
    CHECK(loop->index == ::if_nametoindex(loop->name.c_str()));
    auto scoped = net::address::try_parse("fe80::1%" + loop->name, 0);
    REQUIRE_MESSAGE(scoped, why(scoped));
    CHECK(scoped->scope_id() == loop->index);
#else
    MESSAGE("Windows: the name is the adapter's friendly name, not a zone name: index checked "
            "against the scope ids of link-local addresses only");
#endif
    CHECK(net::interfaces().size() == list->size());
}

TEST_CASE("every IPv4 address of an interface that is up can be bound") {
    auto list = net::try_interfaces();
    if (!list) {
        MESSAGE("skipped: no interface list: " << describe(list.error()));
        return;
    }
    int bound = 0;
    for (const auto& i : *list) {
        if (!net::has(i.flags, net::interface_flags::up)) continue;
        for (const auto& a : i.addresses) {
            if (a.address.family() != net::family::ipv4) continue;
            CAPTURE(i.name);
            CAPTURE(a.address.to_string());
            auto s = net::make_socket(net::family::ipv4, net::socket_type::datagram);
            auto r = net::try_bind(s, a.address);
            CHECK_MESSAGE(r, why(r));
            if (r) {
                ++bound;
                CHECK(net::local_address(s).host() == a.address.host());
            }
        }
    }
    MESSAGE(bound << " IPv4 address(es) of interfaces that are up bound");
    CHECK(bound >= 1); // 127.0.0.1 at least
}
