// lookup: print the addresses a host name and service resolve to, like Python's
// socket.getaddrinfo(host, service). Built in compile-once mode (README "Compile once"): this
// file and print.cpp see netsock's declarations only; netsock_impl.cpp compiles netsock.
//
//   lookup HOST [SERVICE] [--ipv4 | --ipv6] [--udp]
//   lookup localhost 8080        ->  [::1]:8080 / 127.0.0.1:8080 (as /etc/hosts says)
//   lookup example.org https     (uses DNS unless HOST is numeric)
// Exit status: 0 found, 1 resolution failed (the reason is printed), 2 bad arguments.
#include <net/net.hpp>

#include <cstdio>
#include <string_view>

#include "print.hpp"

namespace {
int usage() {
    std::fputs("usage: lookup HOST [SERVICE] [--ipv4 | --ipv6] [--udp]\n", stderr);
    return 2;
}
} // namespace

int main(int argc, char** argv) {
    std::string_view host, service;
    int positional = 0;
    net::resolve_hints hints;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--ipv4") {
            hints.family = net::family::ipv4;
        } else if (arg == "--ipv6") {
            hints.family = net::family::ipv6;
        } else if (arg == "--udp") {
            hints.type = net::socket_type::datagram;
        } else if (arg.substr(0, 2) == "--" || positional == 2) {
            return usage();
        } else if (positional++ == 0) {
            host = arg;
        } else {
            service = arg;
        }
    }
    if (positional == 0) return usage();

    auto found = net::try_resolve(host, service, hints);
    if (!found) {
        std::fprintf(stderr, "lookup: %.*s: %s\n", static_cast<int>(host.size()), host.data(),
                     found.error().message().c_str());
        return 1;
    }
    lookup::print(*found, stdout);
    return 0;
}
