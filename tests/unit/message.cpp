// Batches of datagrams, scatter/gather and the ancillary data of messages (message.hpp), over
// real loopback sockets. What an OS lacks must fail with operation_not_supported.

#include "../support/loopback.hpp"
#include "support/emulator.hpp"
#include "support/wine.hpp"

#include <net/net.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using netsock_test::describe;

namespace {

net::socket udp_on(const net::address& a) {
    auto s = net::make_socket(a.family(), net::socket_type::datagram);
    net::bind(s, a);
    return s;
}

// A payload that names its datagram: "<sender>:<index>:" then filler up to `size` bytes.
std::string payload(int sender, std::size_t index, std::size_t size) {
    std::string p = std::to_string(sender) + ":" + std::to_string(index) + ":";
    while (p.size() < size) p.push_back(static_cast<char>('a' + (index + p.size()) % 26));
    p.resize(size > p.size() ? p.size() : size);
    return p;
}

// The error of a failed result for a failure message; "" for a success (doctest also builds
// the message of a passing assertion under -s).
template <class R> std::string why(const R& r) { return r ? std::string() : describe(r.error()); }

// A call this OS lacks: operation_not_supported; an option: no_protocol_option.
bool unsupported(const std::error_code& ec) {
    return ec == std::errc::operation_not_supported || ec == std::errc::no_protocol_option;
}

// Sends `count` datagrams from two senders in turn with send_batch and receives them with
// recv_batch into `slots` at a time; checks every payload byte and sender. The senders go in
// windows small enough for the receive buffer (loopback drops only when it overflows).
void batch_round_trip(std::size_t count, std::size_t slots) {
    auto receiver = udp_on(net::address::loopback());
    const auto to = net::local_address(receiver);
    net::socket senders[2] = {udp_on(net::address::loopback()), udp_on(net::address::loopback())};
    const net::address from[2] = {net::local_address(senders[0]), net::local_address(senders[1])};

    std::vector<std::string> sent(count);
    for (std::size_t i = 0; i < count; ++i) sent[i] = payload(static_cast<int>(i % 2), i, 16 + i % 48);

    std::vector<std::array<char, 128>> storage(slots);
    std::vector<net::datagram> batch(slots);
    for (std::size_t i = 0; i < slots; ++i) batch[i].buffer = net::buffer(storage[i]);

    std::size_t received = 0, calls = 0;
    constexpr std::size_t window = 96;
    for (std::size_t start = 0; start < count; start += window) {
        const std::size_t end = start + window < count ? start + window : count;
        // Each sender's share of this window, in order, with one send_batch loop per sender.
        for (int who = 0; who < 2; ++who) {
            std::vector<net::outgoing_datagram> out;
            for (std::size_t i = start; i < end; ++i)
                if (static_cast<int>(i % 2) == who) out.push_back({net::buffer(sent[i]), &to});
            for (std::size_t done = 0, rounds = 0; done < out.size() && rounds < out.size(); ++rounds) {
                auto r = net::try_send_batch(senders[who], out.data() + done, out.size() - done, 5s);
                REQUIRE_MESSAGE(r, why(r));
                REQUIRE(*r >= 1);
                done += *r;
            }
        }
        // Receive the window: each sender's datagrams arrive in its order.
        std::size_t next[2] = {start + (start % 2 == 0 ? 0 : 1), start + (start % 2 == 0 ? 1 : 0)};
        for (std::size_t got = 0; got < end - start && calls < 4 * count + 8; ++calls) {
            auto r =
                net::try_recv_batch(receiver, batch.data(), batch.size(), netsock_test::loopback_timeout);
            REQUIRE_MESSAGE(r, why(r));
            REQUIRE(*r >= 1);
            REQUIRE(*r <= batch.size());
            for (std::size_t k = 0; k < *r; ++k) {
                const auto& d = batch[k];
                const int who = d.peer == from[0] ? 0 : d.peer == from[1] ? 1 : -1;
                REQUIRE_MESSAGE(who >= 0, d.peer.to_string());
                REQUIRE(next[who] < end);
                CHECK_FALSE(d.truncated);
                REQUIRE(std::string(static_cast<const char*>(d.buffer.data()), d.size) == sent[next[who]]);
                next[who] += 2;
            }
            got += *r;
            received += *r;
        }
    }
    CHECK(received == count);
    MESSAGE(count << " datagrams in " << calls << " recv_batch calls of up to " << slots);
}

} // namespace

TEST_CASE("recv_batch and send_batch move 1, 64 and 1024 datagrams byte-exact with their senders") {
    SUBCASE("1") { batch_round_trip(1, 1); }
    SUBCASE("64") { batch_round_trip(64, 64); }
    SUBCASE("1024 into batches of 1024") { batch_round_trip(1024, 1024); }
    SUBCASE("1024 into batches of 7") { batch_round_trip(1024, 7); }
}

TEST_CASE("recv_batch takes everything already queued in one call") {
    auto receiver = udp_on(net::address::loopback());
    const auto to = net::local_address(receiver);
    auto sender = udp_on(net::address::loopback());
    for (int i = 0; i < 40; ++i)
        REQUIRE(net::sendto(sender, payload(0, static_cast<std::size_t>(i), 20), to) == 20);
    // Loopback delivers inside sendto: all 40 are queued when the last sendto returns.
    std::array<std::array<char, 64>, 100> storage{};
    std::array<net::datagram, 100> batch;
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].buffer = net::buffer(storage[i]);
    auto r = net::try_recv_batch(receiver, batch, 1s);
    REQUIRE_MESSAGE(r, why(r));
    CHECK(*r == 40);
    // Nothing left: a try-once receive would block.
    CHECK(net::try_recv_batch(receiver, batch, net::timeout(0s)).error() == std::errc::timed_out);
}

TEST_CASE("a datagram larger than its slot is truncated inside a batch, the others intact") {
    auto receiver = udp_on(net::address::loopback());
    const auto to = net::local_address(receiver);
    auto sender = udp_on(net::address::loopback());
    const std::string small1 = payload(0, 1, 10), big = payload(0, 2, 100), small2 = payload(0, 3, 12);
    const net::outgoing_datagram out[3] = {
        {net::buffer(small1), &to}, {net::buffer(big), &to}, {net::buffer(small2), &to}};
    std::size_t sent = 0;
    for (int rounds = 0; sent < 3 && rounds < 3; ++rounds)
        sent += net::send_batch(sender, out + sent, 3 - sent, 5s);
    REQUIRE(sent == 3);

    char storage[3][32];
    net::datagram batch[3];
    for (int i = 0; i < 3; ++i) batch[i].buffer = net::buffer(storage[i]);
    std::size_t got = 0;
    for (int rounds = 0; got < 3 && rounds < 3; ++rounds)
        got += net::recv_batch(receiver, batch + got, 3 - got, netsock_test::loopback_timeout);
    REQUIRE(got == 3);
    CHECK_FALSE(batch[0].truncated);
    CHECK(std::string(storage[0], batch[0].size) == small1);
    CHECK(batch[1].truncated);
    CHECK(batch[1].size == 32);
    CHECK(std::string(storage[1], 32) == big.substr(0, 32));
    CHECK_FALSE(batch[2].truncated);
    CHECK(std::string(storage[2], batch[2].size) == small2);
}

TEST_CASE("send_batch of received datagrams echoes them to their senders") {
    auto server = udp_on(net::address::loopback());
    const auto to = net::local_address(server);
    auto client = udp_on(net::address::loopback());
    for (int i = 0; i < 5; ++i)
        REQUIRE(net::sendto(client, payload(1, static_cast<std::size_t>(i), 30), to) == 30);
    std::array<std::array<char, 64>, 8> storage{};
    std::array<net::datagram, 8> batch;
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].buffer = net::buffer(storage[i]);
    std::size_t got = 0;
    for (int rounds = 0; got < 5 && rounds < 5; ++rounds)
        got +=
            net::recv_batch(server, batch.data() + got, batch.size() - got, netsock_test::loopback_timeout);
    REQUIRE(got == 5);
    std::size_t echoed = 0;
    for (int rounds = 0; echoed < got && rounds < 5; ++rounds)
        echoed += net::send_batch(server, batch.data() + echoed, got - echoed, 5s);
    REQUIRE(echoed == 5);
    char buf[64];
    for (int i = 0; i < 5; ++i) {
        auto r = net::recvfrom(client, net::buffer(buf), netsock_test::loopback_timeout);
        CHECK(r.sender == to);
        CHECK(std::string(buf, r.size) == payload(1, static_cast<std::size_t>(i), 30));
    }
}

TEST_CASE("batch calls: timeouts, cancellation and bad arguments") {
    auto s = udp_on(net::address::loopback());
    char storage[16];
    net::datagram d;
    d.buffer = net::buffer(storage);
    CHECK(net::try_recv_batch(s, &d, 1, 50ms).error() == std::errc::timed_out);
    net::canceller stop;
    stop.cancel();
    CHECK(net::try_recv_batch(s, &d, 1, stop).error() == std::errc::operation_canceled);
    CHECK(net::try_recv_batch(s, &d, 0).error() == std::errc::invalid_argument);
    net::datagram too_long;
    too_long.buffer = net::buffer(storage);
    too_long.size = sizeof storage + 1;
    too_long.peer = net::local_address(s);
    CHECK(net::try_send_batch(s, &too_long, 1).error() == std::errc::invalid_argument);
    net::socket closed;
    CHECK(net::try_recv_batch(closed, &d, 1).error() == std::errc::bad_file_descriptor);
    CHECK(net::try_send_batch(closed, &d, 1).error() == std::errc::bad_file_descriptor);
    std::string op;
    CHECK(netsock_test::thrown_code([&] { (void)net::recv_batch(s, &d, 1, 10ms); }, &op) ==
          std::errc::timed_out);
    CHECK(op == "recv_batch");
}

TEST_CASE("a failing datagram in a batch is reported when a call starts with it") {
    auto receiver = udp_on(net::address::loopback());
    const auto to = net::local_address(receiver);
    auto sender = udp_on(net::address::loopback());
    std::vector<char> huge(70000, 'x'); // larger than any UDP datagram: message_size
    const std::string ok = "fine";
    const net::outgoing_datagram out[3] = {
        {net::buffer(ok), &to}, {net::buffer(huge), &to}, {net::buffer(ok), &to}};
    auto first = net::try_send_batch(sender, out, 3, 5s);
    REQUIRE_MESSAGE(first, why(first));
    CHECK(*first == 1);
    auto second = net::try_send_batch(sender, out + 1, 2, 5s);
    REQUIRE_FALSE(second);
    CHECK(second.error() == std::errc::message_size);
    CHECK(net::send_batch(sender, out + 2, 1, 5s) == 1);
}

TEST_CASE("sendv gathers buffers into one stream write and recvv scatters them") {
    auto c = netsock_test::connected_pair();
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", body = "hello";
    auto n = net::try_sendv(c.client, {net::buffer(head), net::buffer(body)}, 5s);
    REQUIRE_MESSAGE(n, why(n));
    REQUIRE(*n == head.size() + body.size()); // a small write on loopback goes whole
    std::string a(10, '\0'), b(head.size() - 10, '\0'), rest(body.size(), '\0');
    std::size_t got = 0;
    for (int rounds = 0; got < *n && rounds < 100; ++rounds) {
        // Scatter whatever is still missing over the three buffers.
        net::mutable_buffer parts[3] = {net::buffer(a), net::buffer(b), net::buffer(rest)};
        std::size_t skip = got;
        for (auto& p : parts) {
            const std::size_t drop = skip < p.size() ? skip : p.size();
            p += drop;
            skip -= drop;
        }
        auto r = net::try_recvv(c.server, parts, 3, netsock_test::loopback_timeout);
        REQUIRE_MESSAGE(r, why(r));
        REQUIRE(*r > 0);
        got += *r;
    }
    CHECK(a + b == head);
    CHECK(rest == body);
    // All-empty buffers cannot tell EOF from nothing: invalid_argument.
    net::mutable_buffer none[2];
    CHECK(net::try_recvv(c.server, none, 2).error() == std::errc::invalid_argument);
    // EOF is 0.
    net::shutdown(c.client, net::shutdown_type::send);
    char x[4];
    CHECK(net::recvv(c.server, {net::buffer(x)}, netsock_test::loopback_timeout) == 0);
}

TEST_CASE("sendv of several buffers on a datagram socket is one datagram") {
    auto receiver = udp_on(net::address::loopback());
    auto sender = udp_on(net::address::loopback());
    net::connect(sender, net::local_address(receiver));
    REQUIRE(net::sendv(sender, {net::buffer("abc"), net::buffer("defg"), net::buffer("")}) == 7);
    char buf[32];
    auto r = net::recvfrom(receiver, net::buffer(buf), netsock_test::loopback_timeout);
    CHECK(std::string(buf, r.size) == "abcdefg");
    CHECK(net::try_recvv(receiver, {net::buffer(buf)}, 30ms).error() == std::errc::timed_out);
}

TEST_CASE("recvmsg reports the destination address, so a server on 0.0.0.0 answers from it") {
    auto server = udp_on(net::address::any());
    const auto port = net::local_address(server).port();
    auto opt = net::try_set_option(server, net::receive_packet_info{true});
    if (!opt && unsupported(opt.error())) {
        MESSAGE("packet info not supported here: " << describe(opt.error()));
        return;
    }
    REQUIRE_MESSAGE(opt, why(opt));
    CHECK(net::get_option<net::receive_packet_info>(server).value);
    auto client = udp_on(net::address::loopback());
    for (const char* host : {"127.0.0.1", "127.0.0.2"}) {
        const auto dest = net::address::parse(host, port);
        auto sent = net::try_sendto(client, "who am i", dest);
        if (!sent && std::string(host) == "127.0.0.2") {
            MESSAGE("127.0.0.2 is not reachable here (" << describe(sent.error()) << "): skipped");
            continue;
        }
        REQUIRE_MESSAGE(sent, why(sent));
        char buf[64];
        auto m = net::try_recvmsg(server, net::buffer(buf), netsock_test::loopback_timeout);
        REQUIRE_MESSAGE(m, why(m));
        CHECK(std::string(buf, m->size) == "who am i");
        CHECK(m->sender == net::local_address(client));
        REQUIRE(m->has_destination);
        CHECK(m->destination.host() == host);
        CHECK(m->interface_index != 0);
        CHECK_FALSE(m->control_truncated);
        // The reply leaves from the address the client wrote to.
        auto back = net::try_sendto(server, net::buffer(buf, m->size), m->sender, m->reply_source(), 5s);
        REQUIRE_MESSAGE(back, why(back));
        auto reply = net::recvfrom(client, net::buffer(buf), netsock_test::loopback_timeout);
        CHECK(std::string(buf, reply.size) == "who am i");
        if (netsock_test::running_under_wine() && reply.sender != dest) {
            // Wine sends from the route's address whatever IP_PKTINFO or bind() say (a socket
            // bound to 127.0.0.2 sends from 127.0.0.1 too); Windows honours WSASendMsg's source.
            MESSAGE("skipped under Wine: the reply came from " << reply.sender.to_string());
            continue;
        }
        CHECK(reply.sender == dest);
    }
}

TEST_CASE("recv_batch reports each datagram's destination and send_batch replies from it") {
    auto server = udp_on(net::address::any());
    const auto port = net::local_address(server).port();
    auto opt = net::try_set_option(server, net::receive_packet_info{true});
    if (!opt && unsupported(opt.error())) {
        MESSAGE("packet info not supported here: " << describe(opt.error()));
        return;
    }
    REQUIRE_MESSAGE(opt, why(opt));
    auto client = udp_on(net::address::loopback());
    std::vector<std::string> hosts = {"127.0.0.1"};
    if (net::try_sendto(client, "probe", net::address::parse("127.0.0.2", port)))
        hosts.push_back("127.0.0.2");
    else MESSAGE("127.0.0.2 is not reachable here: only 127.0.0.1 checked");
    for (const auto& h : hosts)
        if (h == "127.0.0.1") REQUIRE(net::sendto(client, "probe", net::address::parse(h, port)) == 5);
    // Two datagrams per address, alternating.
    for (int i = 0; i < 2; ++i)
        for (const auto& h : hosts) REQUIRE(net::sendto(client, "to " + h, net::address::parse(h, port)) > 0);
    const std::size_t expected = hosts.size() * 3;
    std::array<std::array<char, 32>, 16> storage{};
    std::array<net::datagram, 16> batch;
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].buffer = net::buffer(storage[i]);
    std::size_t got = 0;
    for (int rounds = 0; got < expected && rounds < 8; ++rounds)
        got +=
            net::recv_batch(server, batch.data() + got, batch.size() - got, netsock_test::loopback_timeout);
    REQUIRE(got == expected);
    for (std::size_t i = 0; i < got; ++i) {
        REQUIRE(batch[i].has_destination);
        const std::string text(storage[i].data(), batch[i].size);
        if (text != "probe") CHECK(text == "to " + batch[i].destination.host());
        CHECK(batch[i].interface_index != 0);
    }
    std::size_t echoed = 0;
    for (int rounds = 0; echoed < got && rounds < 8; ++rounds)
        echoed += net::send_batch(server, batch.data() + echoed, got - echoed, 5s);
    REQUIRE(echoed == got);
    for (std::size_t i = 0; i < got; ++i) {
        char buf[32];
        auto r = net::recvfrom(client, net::buffer(buf), netsock_test::loopback_timeout);
        const std::string text(buf, r.size);
        if (netsock_test::running_under_wine()) continue; // Wine ignores the source (see above)
        // Each echo comes from the address its datagram went to.
        if (text != "probe") CHECK(text == "to " + r.sender.host());
        CHECK(r.sender.port() == port);
    }
}

TEST_CASE("sendto with a source: families must agree, a foreign source fails") {
    auto s = udp_on(net::address::any());
    auto rx = udp_on(net::address::loopback());
    const auto to = net::local_address(rx);
    char buf[8];
    // An unset source: the OS chooses, as plain sendto.
    REQUIRE(net::sendto(s, "any", to, net::source_address{net::address::any(), 0}) == 3);
    CHECK(net::recvfrom(rx, net::buffer(buf), netsock_test::loopback_timeout).size == 3);
    // An IPv6 source for an IPv4 peer would be ignored by the OS: refused.
    CHECK(net::try_sendto(s, "x", to, net::source_address{net::address::parse("::1"), 0}).error() ==
          std::errc::address_family_not_supported);
    CHECK(net::try_sendto(s, "x", to, net::source_address{net::address::local("/tmp/x"), 0}).error() ==
          std::errc::invalid_argument);
    // An IPv4-mapped source for an IPv4 peer is the IPv4 address.
    auto mapped =
        net::try_sendto(s, "map", to, net::source_address{net::address::parse("::ffff:127.0.0.1"), 0});
    REQUIRE_MESSAGE(mapped, why(mapped));
    auto r = net::recvfrom(rx, net::buffer(buf), netsock_test::loopback_timeout);
    CHECK(r.sender.host() == "127.0.0.1");
    // Not an address of this host: the OS refuses (Linux: network unreachable).
    auto foreign = net::try_sendto(s, "x", to, net::source_address{net::address::parse("192.0.2.1"), 0});
    if (!netsock_test::running_under_wine()) CHECK_FALSE(foreign);
    if (!foreign) MESSAGE("foreign source: " << describe(foreign.error()));
}

TEST_CASE("recvmsg on an IPv6 socket reports its destination too") {
    if (!netsock_test::ipv6_loopback_available()) return;
    auto server = udp_on(net::address::any(net::family::ipv6));
    auto opt = net::try_set_option(server, net::receive_packet_info{true});
    if (!opt && unsupported(opt.error())) {
        MESSAGE("IPv6 packet info not supported here: " << describe(opt.error()));
        return;
    }
    REQUIRE_MESSAGE(opt, why(opt));
    auto client = udp_on(net::address::loopback(net::family::ipv6));
    const auto dest = net::address::loopback(net::family::ipv6, net::local_address(server).port());
    REQUIRE(net::sendto(client, "six", dest) == 3);
    char buf[16];
    auto m = net::recvmsg(server, net::buffer(buf), netsock_test::loopback_timeout);
    REQUIRE(m.has_destination);
    CHECK(m.destination.host() == "::1");
    CHECK(net::sendto(server, net::buffer(buf, m.size), m.sender, m.reply_source(), 5s) == 3);
    auto reply = net::recvfrom(client, net::buffer(buf), netsock_test::loopback_timeout);
    CHECK(reply.sender == dest);
}

TEST_CASE("on an IPv6 socket, a reply without packet info and the default source go out") {
    if (!netsock_test::ipv6_loopback_available()) return;
    auto server = udp_on(net::address::loopback(net::family::ipv6));
    auto client = udp_on(net::address::loopback(net::family::ipv6));
    const auto to = net::local_address(server);
    REQUIRE(net::sendto(client, "six", to) == 3);
    char buf[16];
    auto m = net::recvmsg(server, net::buffer(buf), netsock_test::loopback_timeout);
    REQUIRE_FALSE(m.has_destination);
    auto back = net::try_sendto(server, net::buffer(buf, m.size), m.sender, m.reply_source(), 5s);
    REQUIRE_MESSAGE(back, why(back));
    auto dflt = net::try_sendto(server, "dflt", m.sender, net::source_address{}, 5s);
    REQUIRE_MESSAGE(dflt, why(dflt));
    CHECK(net::recvfrom(client, net::buffer(buf), netsock_test::loopback_timeout).size == 3);
    CHECK(net::recvfrom(client, net::buffer(buf), netsock_test::loopback_timeout).size == 4);
    // An IPv4 source to a (non-mapped) IPv6 peer: refused, not sent from somewhere else.
    CHECK(net::try_sendto(server, "x", m.sender, net::source_address{net::address::loopback(), 0}).error() ==
          std::errc::address_family_not_supported);
}

TEST_CASE("a batch slot keeps its packet info beside a timestamp and a hop limit (IPv6)") {
    if (!netsock_test::ipv6_loopback_available()) return;
    auto server = udp_on(net::address::any(net::family::ipv6));
    auto info = net::try_set_option(server, net::receive_packet_info{true});
    auto stamp = net::try_set_option(server, net::receive_timestamp{true});
    auto hops = net::try_set_option(server, net::receive_hop_limit{true});
    if (!info || !stamp || !hops) {
        MESSAGE("not all receive options here: skipped");
        return;
    }
    auto client = udp_on(net::address::loopback(net::family::ipv6));
    const auto to = net::address::loopback(net::family::ipv6, net::local_address(server).port());
    REQUIRE(net::sendto(client, "all", to) == 3);
    char storage[16];
    net::datagram d;
    d.buffer = net::buffer(storage);
    REQUIRE(net::recv_batch(server, &d, 1, netsock_test::loopback_timeout) == 1);
    CHECK_FALSE(d.control_truncated);
    REQUIRE(d.has_destination);
    CHECK(d.destination.host() == "::1");
}

TEST_CASE("recvmsg reports the hop limit and the receive time when asked") {
    auto server = udp_on(net::address::loopback());
    auto client = udp_on(net::address::loopback());
    const auto to = net::local_address(server);
    char buf[16];
    // Nothing asked: nothing reported.
    REQUIRE(net::sendto(client, "plain", to) == 5);
    auto plain = net::recvmsg(server, net::buffer(buf), netsock_test::loopback_timeout);
    CHECK(plain.size == 5);
    CHECK_FALSE(plain.has_destination);
    CHECK(plain.hop_limit == -1);
    CHECK_FALSE(plain.has_timestamp);
    CHECK(plain.segment_size == 0);

    auto hops = net::try_set_option(server, net::receive_hop_limit{true});
    auto stamp = net::try_set_option(server, net::receive_timestamp{true});
    if (netsock_test::running_under_qemu() && (!hops || !stamp)) {
        MESSAGE("skipped under " << netsock_test::emulator()
                                 << ": qemu-user does not translate IP_RECVTTL / SO_TIMESTAMPNS");
        return;
    }
#if defined(_WIN32)
    CHECK(unsupported(hops.error()));
    CHECK(unsupported(stamp.error()));
    return;
#endif
    REQUIRE_MESSAGE(hops, why(hops));
    REQUIRE_MESSAGE(stamp, why(stamp));
    net::set_option(client, net::ttl{7});
    const auto before = std::chrono::system_clock::now();
    REQUIRE(net::sendto(client, "ttl", to) == 3);
    auto m = net::recvmsg(server, net::buffer(buf), netsock_test::loopback_timeout);
    const auto after = std::chrono::system_clock::now();
    CHECK(m.hop_limit == 7);
    REQUIRE(m.has_timestamp);
    // The kernel's clock is the one system_clock reads; allow its coarse granularity.
    CHECK(m.timestamp >= before - 10ms);
    CHECK(m.timestamp <= after + 10ms);
}

TEST_CASE("send_segments: one call, datagrams of segment_size at the receiver (UDP GSO)") {
    auto receiver = udp_on(net::address::loopback());
    auto sender = udp_on(net::address::loopback());
    const auto to = net::local_address(receiver);
    std::string data(3000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('A' + i % 23);
    if (netsock_test::running_under_qemu()) {
        MESSAGE(
            "skipped under " << netsock_test::emulator()
                             << ": qemu-user drops the UDP_SEGMENT control message (one 3000-byte datagram)");
        return;
    }
    auto r = net::try_send_segments(sender, net::buffer(data), 1000, &to, 5s);
#if !defined(__linux__)
    CHECK(unsupported(r.error()));
    return;
#endif
    if (!r && (r.error() == std::errc::invalid_argument || r.error() == std::errc::io_error)) {
        MESSAGE("UDP GSO not available in this kernel: " << describe(r.error()));
        return;
    }
    REQUIRE_MESSAGE(r, why(r));
    CHECK(*r == 3000);
    char buf[2048];
    for (int i = 0; i < 3; ++i) {
        auto d = net::recvfrom(receiver, net::buffer(buf), netsock_test::loopback_timeout);
        REQUIRE(d.size == 1000);
        CHECK(std::string(buf, d.size) == data.substr(static_cast<std::size_t>(i) * 1000, 1000));
    }
    CHECK(net::try_send_segments(sender, net::buffer(data), 0, &to).error() == std::errc::invalid_argument);
}

#if defined(__linux__)
TEST_CASE("with UDP_GRO on, recvmsg gets the segments coalesced and their size") {
    auto receiver = udp_on(net::address::loopback());
    if (netsock_test::running_under_qemu()) {
        MESSAGE("skipped under " << netsock_test::emulator()
                                 << ": qemu-user drops UDP_SEGMENT / UDP_GRO control data");
        return;
    }
    if (auto set = net::try_set_option(receiver, net::udp_gro{true}); !set) {
        MESSAGE("UDP GRO not available: " << describe(set.error()));
        return;
    }
    auto sender = udp_on(net::address::loopback());
    const auto to = net::local_address(receiver);
    std::string data(2500, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 19);
    REQUIRE(net::send_segments(sender, net::buffer(data), 1000, &to, 5s) == 2500);
    std::vector<char> buf(65536);
    std::string got;
    std::size_t receives = 0;
    for (; got.size() < data.size() && receives < 3; ++receives) {
        auto m = net::recvmsg(receiver, net::buffer(buf), netsock_test::loopback_timeout);
        got.append(buf.data(), m.size);
        if (m.size > 1000) CHECK(m.segment_size == 1000);
    }
    CHECK(got == data);
    MESSAGE("2500 bytes in " << receives << " receive(s)");
}
#endif

#if defined(_WIN32)
TEST_CASE("descriptor passing is not supported on Windows") {
    auto [a, b] = net::socket_pair();
    const net::native_handle_type h = a.native_handle();
    CHECK(net::max_passed_handles == 0);
    CHECK(net::try_send_handles(a, net::buffer("x"), &h, 1).error() == std::errc::operation_not_supported);
    char c;
    net::socket out[1];
    CHECK(net::try_recv_handles(b, net::buffer(&c, 1), out, 1).error() == std::errc::operation_not_supported);
}
#endif
