// udp_echo_server: sends every datagram back to its sender.
//
//   udp_echo_server [-H HOST] [-p PORT] [-n N] [-b BYTES]
//
// Step 3 of the Python socket tutorial's progression: no connections, just recvfrom/sendto.
// Prints "listening on HOST:PORT" first (port 0 picks a free port), then one line per
// datagram. A datagram larger than the receive buffer is truncated (the rest is lost); the
// server says so and echoes the part it got. Stops after --max-datagrams datagrams, or at once
// on Ctrl-C / SIGTERM (recvfrom takes the canceller of examples/common.hpp: no periodic wake-up).

#include <net/net.hpp>

#include "common.hpp"

#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

using example::usage_error;

constexpr const char* usage_text =
    "usage: udp_echo_server [-H HOST] [-p PORT] [-n N] [-b BYTES]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -n, --max-datagrams N    echo N datagrams, then exit (default: until Ctrl-C)\n"
    "  -b, --buffer-size BYTES  receive buffer; longer datagrams are truncated (default 65536)\n"
    "  -h, --help               this text\n";

struct options {
    net::address address;
    std::uint64_t max_datagrams = 0; // 0: no limit
    std::size_t buffer_size = 65536; // more than the largest UDP payload (65507 over IPv4)
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "udp_echo_server: " << line << std::endl; }

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) o.help = true;
        else if (a.is("-H", "--host")) host = a.value();
        else if (a.is("-p", "--port")) port = static_cast<std::uint16_t>(a.number(0, 65535));
        else if (a.is("-n", "--max-datagrams")) o.max_datagrams = a.number(1, UINT64_MAX);
        else if (a.is("-b", "--buffer-size")) o.buffer_size = static_cast<std::size_t>(a.number(1, 1 << 20));
        else a.unknown();
    }
    o.address = example::listen_address(host, port);
    return o;
}

int run(const options& opt) {
    net::canceller& stop = example::stop_signal();
    auto sock = net::make_socket(opt.address.family(), net::socket_type::datagram);
    if (example::server_options_for(opt.address).dual_stack) // "::": IPv4 senders too
        net::set_option(sock, net::v6_only{false});
    net::bind(sock, opt.address);
    say("listening on " + net::local_address(sock).to_string());

    std::vector<char> buf(opt.buffer_size);
    std::uint64_t count = 0;
    while (opt.max_datagrams == 0 || count < opt.max_datagrams) {
        auto got = net::try_recvfrom(sock, net::buffer(buf), stop);
        if (!got) {
            const auto ec = got.error();
            if (example::is_stop(ec)) break;
            // An ICMP error for an earlier reply (the client went away) must not stop the server.
            if (ec == std::errc::connection_refused || ec == std::errc::connection_reset) {
                warn("recvfrom: " + ec.message() + " (ignored)");
                continue;
            }
            throw net::error(ec, "recvfrom");
        }
        ++count;
        const auto& [size, sender, truncated] = *got;
        say("datagram from " + sender.to_string() + ": " + std::to_string(size) + " bytes" +
            (truncated ? " (truncated: larger than the " + std::to_string(buf.size()) +
                             "-byte buffer; the rest was discarded)"
                       : ""));
        if (auto sent = net::try_sendto(sock, net::buffer(buf, size), sender); !sent)
            warn("sendto " + sender.to_string() + ": " + sent.error().message());
        else say("echoed " + std::to_string(*sent) + " bytes to " + sender.to_string());
    }
    if (stop.is_cancelled()) say("stopped after " + std::to_string(count) + " datagram(s)");
    else say("echoed " + std::to_string(count) + " datagram(s), exiting");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "udp_echo_server: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    try {
        (void)example::stop_signal(); // Ctrl-C / SIGTERM from here on
        return run(opt);
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
