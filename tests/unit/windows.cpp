// Windows-only defaults and Winsock behaviour (built only for Windows targets; ctest
// unit.windows). <net/net.hpp> comes first, as users are told to include it: it pulls in
// <winsock2.h>, so the <windows.h> after it never drags in the old <winsock.h>.
// Checks where Wine differs from Windows are skipped under Wine only, with the reason printed.
#include <net/net.hpp>

#include <windows.h>

#include "support/loopback.hpp"
#include "support/wine.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <ostream> // doctest prints std::error_code and net::address with operator<<
#include <string>
#include <system_error>

using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

// Generous bound for anything that should be immediate on loopback. A refused connect takes
// about 2 s on Windows (it retries the SYN; 0 ms on Linux and macOS): still far below this.
constexpr auto io_timeout = 10s;

using netsock_test::describe;
using netsock_test::seconds_since;

// A message that a person can read: system text, not a placeholder.
bool readable(const std::string& message) {
    return !message.empty() && message.find("Unknown error") == std::string::npos &&
           message.find('%') == std::string::npos;
}

// GetHandleInformation on a socket handle: is HANDLE_FLAG_INHERIT set?
bool inheritable(const net::socket& s) {
    DWORD flags = 0;
    REQUIRE(::GetHandleInformation(reinterpret_cast<HANDLE>(s.native_handle()), &flags) != 0);
    return (flags & HANDLE_FLAG_INHERIT) != 0;
}

int int_option(const net::socket& s, int level, int name) {
    int value = -1;
    int len = static_cast<int>(sizeof value);
    REQUIRE(::getsockopt(s.native_handle(), level, name, reinterpret_cast<char*>(&value), &len) == 0);
    return value;
}

// A connected pair through a create_server listener on 127.0.0.1, port 0.
netsock_test::connection connected_pair() {
    auto listener = net::create_server(net::address::parse("127.0.0.1:0"));
    return netsock_test::connect_through(listener, io_timeout);
}

} // namespace

TEST_CASE("Winsock error codes compare equal to the portable std::errc conditions") {
    struct row {
        int wsa;
        std::errc condition;
        const char* name;
    };
    const row table[] = {
        {WSAECONNREFUSED, std::errc::connection_refused, "WSAECONNREFUSED"},
        {WSAECONNRESET, std::errc::connection_reset, "WSAECONNRESET"},
        {WSAETIMEDOUT, std::errc::timed_out, "WSAETIMEDOUT"},
        {WSAEADDRINUSE, std::errc::address_in_use, "WSAEADDRINUSE"},
        {WSAEWOULDBLOCK, std::errc::operation_would_block, "WSAEWOULDBLOCK"},
        {WSAEINPROGRESS, std::errc::operation_in_progress, "WSAEINPROGRESS"},
        {WSAENOTSOCK, std::errc::not_a_socket, "WSAENOTSOCK"},
        {WSAEINTR, std::errc::interrupted, "WSAEINTR"},
        {WSAEMSGSIZE, std::errc::message_size, "WSAEMSGSIZE"},
        {WSAEAFNOSUPPORT, std::errc::address_family_not_supported, "WSAEAFNOSUPPORT"},
    };
    for (const auto& r : table) {
        CAPTURE(r.name);
        const std::error_code ec(r.wsa, net::socket_category());
        CHECK(ec == r.condition);
        CHECK(ec.default_error_condition() == std::make_error_condition(r.condition));
        // The system's own text, never strerror's "Unknown error" (strerror knows no WSA codes).
        CHECK_MESSAGE(readable(ec.message()), describe(ec));
    }
    CHECK(net::is_would_block(std::error_code(WSAEWOULDBLOCK, net::socket_category())));
    // And no false matches.
    CHECK(std::error_code(WSAECONNREFUSED, net::socket_category()) != std::errc::connection_reset);
}

TEST_CASE("a refused connect fails with connection_refused and a readable message") {
    // A port that is bound but not listening refuses connections.
    auto bound = net::make_socket(net::family::ipv4);
    net::bind(bound, net::address::parse("127.0.0.1:0"));
    const auto target = net::local_address(bound);

    auto s = net::make_socket(net::family::ipv4);
    auto r = net::try_connect(s, target, io_timeout);
    REQUIRE_FALSE(r.has_value());
    const std::error_code ec = r.error();
    CHECK_MESSAGE(ec == std::errc::connection_refused, describe(ec));
    const std::string message = ec.message();
    CAPTURE(message);
    CHECK_MESSAGE(readable(message), describe(ec));

    // The throwing face says the same, prefixed by the operation.
    auto t = net::make_socket(net::family::ipv4);
    try {
        net::connect(t, target, io_timeout);
        FAIL("connect to a port that is not listening succeeded");
    } catch (const net::error& e) {
        const std::string what = e.what();
        CAPTURE(what);
        CHECK(what.rfind("connect " + target.to_string() + ": ", 0) == 0);
        CHECK(readable(what));
    }
}

TEST_CASE("listeners carry SO_EXCLUSIVEADDRUSE, never SO_REUSEADDR, and a second server on the port fails") {
    for (const char* where : {"127.0.0.1:0", "[::1]:0"}) {
        CAPTURE(where);
        auto first = net::try_create_server(net::address::parse(where));
        if (!first && std::string(where).front() == '[') {
            MESSAGE("skipped for " << where << ": no IPv6 loopback here: " << describe(first.error()));
            continue;
        }
        REQUIRE_MESSAGE(first.has_value(), describe(first.error()));
        CHECK(int_option(*first, SOL_SOCKET, SO_EXCLUSIVEADDRUSE) != 0);
        CHECK(int_option(*first, SOL_SOCKET, SO_REUSEADDR) == 0);

        const auto taken = net::local_address(*first);
        auto second = net::try_create_server(taken);
        REQUIRE_FALSE(second.has_value());
        CHECK_MESSAGE(second.error() == std::errc::address_in_use, describe(second.error()));
        // A plain bind of the live address fails the same way.
        auto third = net::make_socket(taken.family());
        auto bound = net::try_bind(third, taken);
        REQUIRE_FALSE(bound.has_value());
        CHECK_MESSAGE(bound.error() == std::errc::address_in_use, describe(bound.error()));
    }
}

TEST_CASE("created and accepted sockets are not inheritable by child processes") {
    // WSA_FLAG_NO_HANDLE_INHERIT at creation; HANDLE_FLAG_INHERIT cleared on accept (accept
    // returns an inheritable handle whatever the listener's flags).
    CHECK_FALSE(inheritable(net::make_socket(net::family::ipv4, net::socket_type::stream)));
    CHECK_FALSE(inheritable(net::make_socket(net::family::ipv4, net::socket_type::datagram)));
    auto v6 = net::try_make_socket(net::family::ipv6, net::socket_type::stream);
    if (v6) CHECK_FALSE(inheritable(*v6));

    auto listener = net::create_server(net::address::parse("127.0.0.1:0"));
    CHECK_FALSE(inheritable(listener));
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    auto accepted = net::accept(listener, io_timeout).socket;
    CHECK_FALSE(inheritable(client));
    CHECK_FALSE(inheritable(accepted));
    // An accepted socket keeps the listener's exclusive use of the address.
    CHECK(int_option(listener, SOL_SOCKET, SO_EXCLUSIVEADDRUSE) != 0);
    CHECK(int_option(accepted, SOL_SOCKET, SO_EXCLUSIVEADDRUSE) != 0);
    // The blocking accept (no timeout) too.
    auto client2 = net::make_socket(net::family::ipv4);
    net::connect(client2, net::local_address(listener), io_timeout);
    auto accepted2 = net::accept(listener).socket;
    CHECK_FALSE(inheritable(accepted2));

    auto pair = net::socket_pair();
    CHECK_FALSE(inheritable(pair.first));
    CHECK_FALSE(inheritable(pair.second));
}

TEST_CASE("a UDP socket keeps receiving after sending to a closed port (SIO_UDP_CONNRESET off)") {
    // The ICMP port-unreachable that answers a datagram to a closed port would make the next
    // recvfrom fail with WSAECONNRESET and break a receive loop; see SIO_UDP_CONNRESET in
    // https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls
    auto receiver = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(receiver, net::address::parse("127.0.0.1:0"));
    auto peer = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(peer, net::address::parse("127.0.0.1:0"));

    net::address closed;
    {
        auto gone = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(gone, net::address::parse("127.0.0.1:0"));
        closed = net::local_address(gone);
    } // closed: nothing listens there any more

    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        const std::string text = "datagram " + std::to_string(round);
        REQUIRE(net::sendto(receiver, net::buffer(std::string_view("into the void")), closed) > 0);
        REQUIRE(net::sendto(peer, net::buffer(text), net::local_address(receiver)) == text.size());
        char buf[64];
        auto got = net::try_recvfrom(receiver, net::buffer(buf), io_timeout);
        REQUIRE_MESSAGE(got.has_value(), describe(got.error()));
        CHECK(std::string(buf, got->size) == text);
        CHECK(got->sender == net::local_address(peer));
    }

    if (netsock_test::running_under_wine()) {
        MESSAGE("skipped under Wine "
                << netsock_test::wine_version()
                << ": the control with SIO_UDP_CONNRESET on; Wine's unconnected UDP sockets never "
                   "report ICMP errors (Linux semantics), so the check above passes there "
                   "whatever the library does");
        return;
    }
    // Control, reported only: with SIO_UDP_CONNRESET back on, Windows reports the ICMP error.
    auto control = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(control, net::address::parse("127.0.0.1:0"));
    BOOL on = TRUE;
    DWORD bytes = 0;
    const DWORD sio_udp_connreset = 0x9800000C; // _WSAIOW(IOC_VENDOR, 12), <mstcpip.h>
    ::WSAIoctl(control.native_handle(), sio_udp_connreset, &on, sizeof on, nullptr, 0, &bytes, nullptr,
               nullptr);
    net::sendto(control, net::buffer(std::string_view("into the void")), closed);
    net::sendto(peer, net::buffer(std::string_view("after")), net::local_address(control));
    char buf[64];
    auto got = net::try_recvfrom(control, net::buffer(buf), io_timeout);
    MESSAGE("control: with SIO_UDP_CONNRESET on, the first recvfrom "
            << (got ? std::string("received a datagram") : "failed with " + describe(got.error())));
}

TEST_CASE("SO_RCVTIMEO of 1.5 s waits about 1.5 s and reports timed_out") {
    auto c = connected_pair();
    net::set_option(c.client, net::receive_timeout{1500ms});
    CHECK(net::get_option<net::receive_timeout>(c.client).value == 1500ms);
    // Winsock takes a DWORD of milliseconds, not a timeval (SO_RCVTIMEO in
    // https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options):
    // 1.5 s, not 1 ms or 1500 s.
    CHECK(int_option(c.client, SOL_SOCKET, SO_RCVTIMEO) == 1500);
    char buf[16];
    const auto start = clock_type::now();
    auto r = net::try_recv(c.client, net::buffer(buf));
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, describe(r.error()));
    CHECK(took >= 1.4);
    CHECK(took < 5.0);
}

TEST_CASE("an unbound socket reports the zero address of its family, as on POSIX") {
    // Winsock's getsockname fails with WSAEINVAL before bind; netsock answers as POSIX does,
    // so local_address and the options that depend on the family work on fresh sockets.
    for (auto f : {net::family::ipv4, net::family::ipv6}) {
        for (auto t : {net::socket_type::stream, net::socket_type::datagram}) {
            auto s = net::try_make_socket(f, t);
            if (!s && f == net::family::ipv6) continue; // no IPv6 stack
            REQUIRE_MESSAGE(s.has_value(), describe(s.error()));
            auto a = net::try_local_address(*s);
            REQUIRE_MESSAGE(a.has_value(), describe(a.error()));
            CHECK(a->family() == f);
            CHECK(a->is_any());
            CHECK(a->port() == 0);
        }
    }
    auto u = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    CHECK(net::get_option<net::multicast_ttl>(u).value == 1);
    net::set_option(u, net::multicast_loop{0});
    CHECK(net::get_option<net::multicast_loop>(u).value == 0);
}

TEST_CASE("IPv6 options on an IPv4 socket fail with no_protocol_option, as on POSIX") {
    // Winsock accepts (and ignores) IPV6_V6ONLY on an unbound IPv4 socket.
    auto s = net::make_socket(net::family::ipv4);
    auto set = net::try_set_option(s, net::v6_only{true});
    REQUIRE_FALSE(set.has_value());
    CHECK_MESSAGE(set.error() == std::errc::no_protocol_option, describe(set.error()));
    auto get = net::try_get_option<net::v6_only>(s);
    REQUIRE_FALSE(get.has_value());
    CHECK_MESSAGE(get.error() == std::errc::no_protocol_option, describe(get.error()));
    // IPv6 sockets are unaffected.
    auto v6 = net::try_make_socket(net::family::ipv6);
    if (v6) {
        CHECK(net::get_option<net::v6_only>(*v6).value);
        net::set_option(*v6, net::v6_only{false});
        CHECK_FALSE(net::get_option<net::v6_only>(*v6).value);
    }
}

TEST_CASE("the Wine detection of the test suite itself works") {
    // Not a library property: makes every "skipped under Wine" message in this suite trustworthy.
    const bool wine = netsock_test::running_under_wine();
    const std::string version = netsock_test::wine_version();
    if (wine) {
        MESSAGE("running under Wine " << version);
        CHECK_FALSE(version.empty());
    } else {
        MESSAGE("running on Windows (not Wine)");
        CHECK(version.empty());
    }
}

TEST_CASE("timed calls keep the mode set_nonblocking gave, though Windows cannot report it") {
    auto listener = netsock_test::make_listener();
    // A bound on every untimed call below: if the mode were lost, accept would block.
    net::set_option(listener, net::receive_timeout{5s});
    net::set_nonblocking(listener);
    auto timed = net::try_accept(listener, 50ms);
    REQUIRE_FALSE(timed.has_value());
    CHECK_MESSAGE(timed.error() == std::errc::timed_out, describe(timed.error()));
    const auto start = clock_type::now();
    auto r = net::try_accept(listener);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(net::is_would_block(r.error()), describe(r.error()));
    CHECK(seconds_since(start) < 2.0);

    // A blocking listener stays blocking, and its receive_timeout now bounds accept.
    net::set_nonblocking(listener, false);
    (void)net::try_accept(listener, 50ms);
    const auto mark = clock_type::now();
    auto bounded = net::try_accept(listener);
    REQUIRE_FALSE(bounded.has_value());
    CHECK_MESSAGE(bounded.error() == std::errc::timed_out, describe(bounded.error()));
    CHECK(seconds_since(mark) >= 4.9);
}

TEST_CASE("a timed receive on a blocking socket leaves it blocking") {
    auto c = connected_pair();
    char byte = 0;
    auto timed = net::try_recv(c.client, net::buffer(&byte, 1), 50ms);
    REQUIRE_FALSE(timed.has_value());
    CHECK_MESSAGE(timed.error() == std::errc::timed_out, describe(timed.error()));
    // Blocking: an untimed receive waits (here for its receive_timeout) instead of failing with
    // would-block at once.
    net::set_option(c.client, net::receive_timeout{300ms});
    const auto start = clock_type::now();
    auto r = net::try_recv(c.client, net::buffer(&byte, 1));
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, describe(r.error()));
    CHECK(seconds_since(start) >= 0.25);
    net::sendall(c.server, net::buffer(std::string("x")));
    CHECK(net::recv(c.client, net::buffer(&byte, 1), io_timeout) == 1);
    CHECK(byte == 'x');
}
