// Build check of compile-once mode (NETSOCK_SEPARATE_COMPILATION, README "Compile time"):
// app.cpp and peer.cpp see declarations only, tests/support/implementation.cpp compiles the
// implementation once. The program does a loopback round trip through the compiled code
// (create_server, create_connection, sendall, recv_exact with a timeout, poller, options).
// Built by tests/build/CMakeLists.txt (include/) and by single_header_only.cmake (the single
// header), both with the strict warnings.
#if !defined(NETSOCK_SEPARATE_COMPILATION)
#error "build with -DNETSOCK_SEPARATE_COMPILATION"
#endif
#include <net/net.hpp>

#include <chrono>
#include <cstdio>
#include <string_view>

// The point of the mode: a file that includes netsock does not parse its implementation.
#if defined(NETSOCK_IMPLEMENTATION) || defined(NETSOCK_DETAIL_SYS_HPP) ||                                    \
    defined(NETSOCK_DETAIL_FAULT_HPP) || defined(NETSOCK_DETAIL_POLLER_BACKEND_HPP) ||                       \
    defined(NETSOCK_DETAIL_SOCKADDR_HPP)
#error "compile-once mode: an implementation header reached a file that only includes netsock"
#endif
#if NETSOCK_HEADER_ONLY
#error "NETSOCK_HEADER_ONLY must be 0 in compile-once mode"
#endif

net::socket accept_and_echo(const net::socket& server); // peer.cpp

int main() {
    using namespace std::chrono_literals;
    auto server = net::try_create_server(net::address::parse("127.0.0.1:0"));
    if (!server) {
        std::fprintf(stderr, "create_server: %s\n", server.error().message().c_str());
        return 1;
    }
    const auto to = net::local_address(*server);
    auto client = net::create_connection({to}, 5s);
    net::set_option(client, net::no_delay{true});
    if (!net::get_option<net::no_delay>(client).value) {
        std::fputs("separate: no_delay did not stick\n", stderr);
        return 1;
    }
    net::socket conn = accept_and_echo(*server);
    net::sendall(client, net::buffer(std::string_view("ping")));

    net::poller p;
    p.add(conn, net::events::readable);
    const auto ready = p.wait(5s);
    if (ready.size() != 1) {
        std::fputs("separate: the poller did not report the connection\n", stderr);
        return 1;
    }
    char got[4] = {};
    net::recv_exact(conn, net::buffer(got), 5s);
    net::sendall(conn, net::buffer(got));
    char back[4] = {};
    net::recv_exact(client, net::buffer(back), 5s);
    if (std::string_view(back, sizeof back) != "ping") {
        std::fputs("separate: round trip failed\n", stderr);
        return 1;
    }
    std::printf("compile-once mode: round trip ok (%s)\n", to.to_string().c_str());
    return 0;
}
