// The try_ API in a program built without exceptions (-fno-exceptions; /EHs-c- on MSVC), over
// loopback. doctest needs exceptions, so this is a plain program: each check prints what failed,
// and the exit status is the verdict.
#include <net/net.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string_view>
#include <system_error>
#include <utility>

#if !defined(NETSOCK_NO_EXCEPTIONS)
#error "netsock did not detect that exceptions are off (NETSOCK_NO_EXCEPTIONS is not defined)"
#endif
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "tests/modes/no_exceptions.cpp must be compiled with exceptions disabled"
#endif

namespace {

int checks = 0;
int failures = 0;

void check(bool ok, const char* what, int line) {
    ++checks;
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "no_exceptions.cpp:%d: check failed: %s\n", line, what);
    }
}
#define CHECK(...) check(static_cast<bool>(__VA_ARGS__), #__VA_ARGS__, __LINE__)

// The code of a failed result, or a default (success) code when the result holds a value.
template <class R> std::error_code error_of(const R& r) { return r ? std::error_code() : r.error(); }

// REQUIRE-like: stop the current test on a failed result (printing its error).
#define TRY_OK(var, ...)                                                                                     \
    auto var = (__VA_ARGS__);                                                                                \
    check(var.has_value(), #__VA_ARGS__, __LINE__);                                                          \
    if (!var) {                                                                                              \
        std::fprintf(stderr, "  error: %s\n", var.error().message().c_str());                                \
        return;                                                                                              \
    }

using namespace std::chrono_literals;

const net::address loopback4 = net::address::loopback(net::family::ipv4, 0);

void tcp_round_trip() {
    TRY_OK(server, net::try_create_server(loopback4));
    TRY_OK(where, net::try_local_address(*server));
    CHECK(where->port() != 0);
    TRY_OK(client, net::try_make_socket(net::family::ipv4, net::socket_type::stream));
    TRY_OK(connected, net::try_connect(*client, *where, 5s));
    TRY_OK(accepted, net::try_accept(*server, 5s));
    net::socket conn = std::move(accepted->socket);
    CHECK(accepted->peer.is_loopback());

    TRY_OK(sent, net::try_sendall(*client, net::buffer(std::string_view("ping")), 5s));
    CHECK(*sent == 4);
    char got[4] = {};
    TRY_OK(n, net::try_recv_exact(conn, net::buffer(got), 5s));
    CHECK(*n == 4 && std::string_view(got, 4) == "ping");
    TRY_OK(echoed, net::try_sendall(conn, net::buffer(got, *n)));
    char back[8] = {};
    TRY_OK(m, net::try_recv(*client, net::buffer(back), 5s));
    CHECK(std::string_view(back, *m) == "ping");

    // Nothing more to read: a bounded receive expires with timed_out, not an exception.
    auto idle = net::try_recv(*client, net::buffer(back), 50ms);
    CHECK(!idle && idle.error() == std::errc::timed_out);

    // Orderly EOF: recv returns 0; recv_exact reports net::errc::eof and the partial count.
    TRY_OK(shut, net::try_shutdown(*client, net::shutdown_type::send));
    TRY_OK(eof, net::try_recv(conn, net::buffer(got), 5s));
    CHECK(*eof == 0);
    std::size_t partial = 99;
    auto short_read = net::try_recv_exact(conn, net::buffer(got), 5s, &partial);
    CHECK(!short_read && short_read.error() == net::errc::eof);
    CHECK(partial == 0);

    TRY_OK(closed, net::try_graceful_close(conn, 5s));
    CHECK(!conn.is_open());
}

void failures_are_values() {
    // A port with no listener: bind one, note the port, close it.
    net::address refused_at;
    {
        TRY_OK(s, net::try_create_server(loopback4));
        TRY_OK(a, net::try_local_address(*s));
        refused_at = *a;
    }
    TRY_OK(client, net::try_make_socket(net::family::ipv4));
    auto r = net::try_connect(*client, refused_at, 5s);
    CHECK(!r && r.error() == std::errc::connection_refused);

    net::socket closed;
    char buf[4];
    CHECK(error_of(net::try_recv(closed, net::buffer(buf))) == std::errc::bad_file_descriptor);
    CHECK(error_of(net::try_send(closed, net::buffer(buf))) == std::errc::bad_file_descriptor);
    CHECK(error_of(net::try_local_address(closed)) == std::errc::bad_file_descriptor);

    CHECK(error_of(net::address::try_parse("256.1.1.1:80")) == std::errc::invalid_argument);
    CHECK(error_of(net::address::try_parse("[::1")) == std::errc::invalid_argument);
    CHECK(error_of(net::address::try_parse("1.2.3.4:99999")) == std::errc::invalid_argument);
    TRY_OK(parsed, net::address::try_parse("[::1]:443"));
    CHECK(parsed->port() == 443 && parsed->family() == net::family::ipv6);
}

void udp_round_trip() {
    TRY_OK(a, net::try_make_socket(net::family::ipv4, net::socket_type::datagram));
    TRY_OK(b, net::try_make_socket(net::family::ipv4, net::socket_type::datagram));
    TRY_OK(bound, net::try_bind(*b, loopback4));
    TRY_OK(to, net::try_local_address(*b));
    TRY_OK(sent, net::try_sendto(*a, net::buffer(std::string_view("datagram")), *to, 5s));
    CHECK(*sent == 8);
    char small[4] = {};
    TRY_OK(got, net::try_recvfrom(*b, net::buffer(small), 5s));
    CHECK(got->size == 4 && got->truncated);
    CHECK(got->sender.is_loopback());
}

void poller_and_options() {
    TRY_OK(pair, net::try_socket_pair());
    auto& [x, y] = *pair;
    TRY_OK(p, net::poller::try_create());
    int tag = 7;
    TRY_OK(added, p->try_add(y, net::events::readable, &tag));
    TRY_OK(none, p->try_wait(0ms));
    CHECK(none->empty());
    TRY_OK(sent, net::try_send(x, net::buffer(std::string_view("x"))));
    TRY_OK(ready, p->try_wait(5s));
    std::size_t seen = 0;
    for (const net::poll_event& ev : *ready) {
        ++seen;
        CHECK(ev.data == &tag);
        CHECK(net::has(ev.what, net::events::readable));
    }
    CHECK(seen == 1);
    TRY_OK(removed, p->try_remove(y));
    CHECK(error_of(p->try_remove(y)) == std::errc::no_such_file_or_directory);

    TRY_OK(tcp, net::try_make_socket(net::family::ipv4, net::socket_type::stream));
    TRY_OK(set, net::try_set_option(*tcp, net::no_delay{true}));
    TRY_OK(nd, net::try_get_option<net::no_delay>(*tcp));
    CHECK(nd->value);
}

void result_members() {
    net::result<int> ok = 20;
    net::result<int> bad = net::unexpected<std::error_code>(std::make_error_code(std::errc::timed_out));
    CHECK(ok.has_value() && *ok == 20 && ok.value_or(0) == 20);
    CHECK(!bad.has_value() && bad.value_or(-1) == -1);
    auto doubled = ok.transform([](int v) { return v * 2; });
    CHECK(doubled && *doubled == 40);
    auto chained = ok.and_then([](int v) -> net::result<long> { return static_cast<long>(v) + 1; });
    CHECK(chained && *chained == 21);
    auto recovered = bad.or_else([](std::error_code ec) -> net::result<int> {
        return ec == std::errc::timed_out ? net::result<int>(0) : net::result<int>(net::unexpected(ec));
    });
    CHECK(recovered && *recovered == 0);
    CHECK(!bad.transform([](int v) { return v + 1; }));
}

} // namespace

int main() {
    tcp_round_trip();
    failures_are_values();
    udp_round_trip();
    poller_and_options();
    result_members();
    std::printf("no_exceptions: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
