// udp_echo_server: sends every datagram back to its sender.
//
//   udp_echo_server [--host H] [--port N] [--max-datagrams N] [--buffer-size BYTES]
//
// Step 3 of the Python socket tutorial's progression: no connections, just recvfrom/sendto.
// Prints "listening on HOST:PORT" first (port 0 picks a free port), then one line per
// datagram. A datagram larger than the receive buffer is truncated (the rest is lost); the
// server says so and echoes the part it got. Stops after --max-datagrams datagrams, or on
// Ctrl-C / SIGTERM.

#include <net/net.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr const char* usage_text =
    "usage: udp_echo_server [--host H] [--port N] [--max-datagrams N] [--buffer-size BYTES]\n"
    "  --host H             numeric IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  --max-datagrams N    echo N datagrams, then exit (default: until Ctrl-C)\n"
    "  --buffer-size BYTES  receive buffer; longer datagrams are truncated (default 65536)\n";

struct usage_error {
    std::string message;
};

struct options {
    net::address address;
    std::uint64_t max_datagrams = 0; // 0: no limit
    std::size_t buffer_size = 65536; // more than the largest UDP payload (65507 over IPv4)
    bool help = false;
};

// Set by SIGINT/SIGTERM; the receive loop polls it between short timeouts.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { stop_requested.store(true); }

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "udp_echo_server: " << line << std::endl; }

std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                           std::uint64_t max) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
        throw usage_error{std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + std::string(text) + "'"};
    return value;
}

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) throw usage_error{std::string(arg) + " needs a value"};
            return argv[++i];
        };
        if (arg == "-h" || arg == "--help") {
            o.help = true;
        } else if (arg == "--host") {
            host = value();
        } else if (arg == "--port") {
            port = static_cast<std::uint16_t>(parse_number(arg, value(), 0, 65535));
        } else if (arg == "--max-datagrams") {
            o.max_datagrams = parse_number(arg, value(), 1, UINT64_MAX);
        } else if (arg == "--buffer-size") {
            o.buffer_size = static_cast<std::size_t>(parse_number(arg, value(), 1, 1 << 20));
        } else {
            throw usage_error{"unknown argument '" + std::string(arg) + "'"};
        }
    }
    auto a = net::address::try_parse(host, port);
    if (!a)
        throw usage_error{"--host: '" + host + "' is not a numeric IP address (" + a.error().message() + ")"};
    o.address = *a;
    return o;
}

int run(const options& opt) {
    auto sock = net::make_socket(opt.address.family(), net::socket_type::datagram);
    net::bind(sock, opt.address);
    say("listening on " + net::local_address(sock).to_string());

    std::vector<char> buf(opt.buffer_size);
    std::uint64_t count = 0;
    while (!stop_requested.load() && (opt.max_datagrams == 0 || count < opt.max_datagrams)) {
        auto got = net::try_recvfrom(sock, net::buffer(buf), 200ms);
        if (!got) {
            const auto ec = got.error();
            if (ec == std::errc::timed_out) continue;
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
    if (stop_requested.load()) say("stopped after " + std::to_string(count) + " datagram(s)");
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
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    try {
        return run(opt);
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
