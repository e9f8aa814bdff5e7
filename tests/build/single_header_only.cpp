// Built by tests/build/single_header_only.cmake with nothing but -I single_include: the generated
// single header must stand on its own. A socket pair round trip, then exit 0.
#include <net/net.hpp>

#include <cstdio>
#include <string_view>

#if !defined(NETSOCK_VERSION_MAJOR)
#error "the single header does not define the version macros"
#endif

int main() {
    auto pair = net::try_socket_pair();
    if (!pair) {
        std::fprintf(stderr, "socket_pair: %s\n", pair.error().message().c_str());
        return 1;
    }
    auto& [a, b] = *pair;
    char got[4] = {};
    auto sent = net::try_sendall(a, net::buffer(std::string_view("ping")));
    auto received = net::try_recv_exact(b, net::buffer(got));
    if (!sent || !received || std::string_view(got, sizeof got) != "ping") {
        std::fputs("single header: round trip failed\n", stderr);
        return 1;
    }
    std::printf("single header %s: round trip ok\n", NETSOCK_VERSION_STRING);
    return 0;
}
