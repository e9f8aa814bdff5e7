// echo_client: sends messages to an echo server and checks that each comes back unchanged.
//
//   echo_client --port N [--host H] [--message TEXT]... [--timeout SECONDS]
//
// Each --message (or, without any, each line read from stdin) is sent with sendall; exactly
// as many bytes are read back with recv_exact and compared. At the end the client closes
// gracefully: shutdown(send) tells the server "no more data", and the client reads until the
// server's EOF before closing, so nothing is lost or reset (a close() with unread data sends
// RST instead of FIN, and the peer may lose what it has not read yet).
// Exit code: 0 on success, 1 on an error or a wrong echo, 2 on bad arguments.

#include <net/net.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

constexpr const char* usage_text =
    "usage: echo_client --port N [--host H] [--message TEXT]... [--timeout SECONDS]\n"
    "  --host H            numeric IPv4 or IPv6 address of the server (default 127.0.0.1)\n"
    "  --port N            port of the server (1-65535; required)\n"
    "  --message TEXT      send TEXT (repeatable); without any, send each line of stdin\n"
    "  --timeout SECONDS   limit for connecting and for each reply (default 5)\n";

struct usage_error {
    std::string message;
};

struct options {
    net::address address;
    std::vector<std::string> messages;
    bool use_stdin = true;
    std::chrono::seconds timeout{5};
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

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
        } else if (arg == "--message") {
            o.messages.emplace_back(value());
            o.use_stdin = false;
        } else if (arg == "--timeout") {
            o.timeout = std::chrono::seconds(parse_number(arg, value(), 1, 86400));
        } else {
            throw usage_error{"unknown argument '" + std::string(arg) + "'"};
        }
    }
    if (o.help) return o;
    if (port == 0) throw usage_error{"--port: the server's port is required (1-65535)"};
    auto a = net::address::try_parse(host, port);
    if (!a)
        throw usage_error{"--host: '" + host + "' is not a numeric IP address (" + a.error().message() + ")"};
    o.address = *a;
    return o;
}

// Sends one message and checks its echo.
void exchange(const net::socket& s, const std::string& message, std::chrono::seconds timeout) {
    net::sendall(s, net::buffer(message), timeout);
    say("sent: " + message);
    std::string reply(message.size(), '\0');
    if (auto r = net::try_recv_exact(s, net::buffer(reply), timeout); !r) {
        if (r.error() == net::errc::eof)
            throw std::runtime_error("the server closed the connection before echoing everything");
        if (r.error() == std::errc::timed_out)
            throw std::runtime_error("no complete reply within " + std::to_string(timeout.count()) + " s");
        throw net::error(r.error(), "recv_exact");
    }
    say("received: " + reply);
    if (reply != message) throw std::runtime_error("the echo differs from what was sent");
}

int run(const options& opt) {
    auto s = net::make_socket(opt.address.family());
    net::connect(s, opt.address, opt.timeout);
    say("connected to " + net::peer_address(s).to_string() + " from " + net::local_address(s).to_string());

    if (opt.use_stdin) {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back(); // CRLF input
            exchange(s, line, opt.timeout);
        }
    } else {
        for (const auto& m : opt.messages) exchange(s, m, opt.timeout);
    }

    // Graceful close: send EOF, then wait for the server's EOF (it has nothing left to send).
    net::shutdown(s, net::shutdown_type::send);
    char extra[256];
    if (auto n = net::try_recv(s, net::buffer(extra), opt.timeout); !n) {
        if (n.error() == std::errc::timed_out)
            throw std::runtime_error("the server did not close the connection within " +
                                     std::to_string(opt.timeout.count()) + " s");
        throw net::error(n.error(), "recv");
    } else if (*n != 0) {
        throw std::runtime_error("the server sent " + std::to_string(*n) + " unexpected bytes");
    }
    s.close();
    say("closed");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "echo_client: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    try {
        return run(opt);
    } catch (const std::exception& e) {
        std::cerr << "echo_client: " << e.what() << std::endl;
        return 1;
    }
}
