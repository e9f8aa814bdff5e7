// lookup: print the addresses a host name and service resolve to, like Python's
// socket.getaddrinfo(host, service). Built in compile-once mode (README "Compile once"): this
// file and print.cpp see netsock's declarations only; netsock_impl.cpp compiles netsock.
//
//   lookup HOST [SERVICE] [-4 | -6] [-u]
//   lookup localhost 8080        ->  [::1]:8080 / 127.0.0.1:8080 (as /etc/hosts says)
//   lookup example.org https     (uses DNS unless HOST is numeric)
// Exit status: 0 found, 1 resolution failed (the reason is printed), 2 bad arguments.
#include <net/net.hpp>

#include "../common.hpp"
#include "print.hpp"

#include <cstdio>
#include <iostream>
#include <string_view>

namespace {

constexpr const char* usage_text = "usage: lookup HOST [SERVICE] [-4 | -6] [-u]\n"
                                   "  HOST          a name or a numeric address\n"
                                   "  SERVICE       a port number or a service name (default: none, port 0)\n"
                                   "  -4, --ipv4    IPv4 addresses only\n"
                                   "  -6, --ipv6    IPv6 addresses only\n"
                                   "  -u, --udp     addresses for datagram sockets (default: stream)\n"
                                   "  -h, --help    this text\n";

using example::usage_error;

struct options {
    std::string_view host, service;
    net::resolve_hints hints;
    bool help = false;
};

options parse_args(int argc, char** argv) {
    options o;
    int positional = 0;
    for (example::args a(argc, argv); a.next();) {
        const std::string_view arg = a.arg();
        if (a.is("-h", "--help")) {
            o.help = true;
        } else if (a.is("-4", "--ipv4")) {
            o.hints.family = net::family::ipv4;
        } else if (a.is("-6", "--ipv6")) {
            o.hints.family = net::family::ipv6;
        } else if (a.is("-u", "--udp")) {
            o.hints.type = net::socket_type::datagram;
        } else if ((!arg.empty() && arg[0] == '-') || positional == 2) {
            a.unknown();
        } else if (positional++ == 0) {
            o.host = arg;
        } else {
            o.service = arg;
        }
    }
    if (!o.help && positional == 0) throw usage_error{"HOST is required"};
    return o;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "lookup: " << e.message << "\n" << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    const std::string_view host = opt.host;

    auto found = net::try_resolve(host, opt.service, opt.hints);
    if (!found) {
        std::fprintf(stderr, "lookup: %.*s: %s\n", static_cast<int>(host.size()), host.data(),
                     found.error().message().c_str());
        return 1;
    }
    lookup::print(*found, stdout);
    return 0;
}
