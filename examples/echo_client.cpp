// echo_client: sends messages to an echo server and checks that each comes back unchanged.
//
//   echo_client -p PORT [-H HOST] [-m TEXT]... [-t SECONDS]
//
// Each --message (or, without any, each line read from stdin, with its newline, as nc sends
// it) is sent with sendall; exactly as many bytes are read back with recv_exact and compared.
// The host may be a name: net::create_connection resolves it and races its addresses (Happy
// Eyeballs), all within --timeout. At the end the client closes gracefully: shutdown(send)
// tells the server "no more data", and the client reads until the server's EOF before closing,
// so nothing is lost or reset (a close() with unread data sends RST instead of FIN, and the
// peer may lose what it has not read yet).
// Exit code: 0 on success, 1 on an error or a wrong echo, 2 on bad arguments.

#include <net/net.hpp>

#include "common.hpp"

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

using example::usage_error;

constexpr const char* usage_text =
    "usage: echo_client -p PORT [-H HOST] [-m TEXT]... [-t SECONDS]\n"
    "  -H, --host HOST        the server: a name or a numeric address (default 127.0.0.1)\n"
    "  -p, --port N           port of the server (1-65535; required)\n"
    "  -m, --message TEXT     send TEXT (repeatable); without any, send each line of stdin\n"
    "                         with its newline\n"
    "  -t, --timeout SECONDS  limit for connecting and for each reply (default 5)\n"
    "  -h, --help             this text\n";

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::vector<std::string> messages;
    bool use_stdin = true;
    std::chrono::seconds timeout{5};
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

// "received: TEXT" without the line end the message carried.
std::string shown(std::string text) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

options parse_args(int argc, char** argv) {
    options o;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) {
            o.help = true;
        } else if (a.is("-H", "--host")) {
            o.host = a.value();
        } else if (a.is("-p", "--port")) {
            o.port = static_cast<std::uint16_t>(a.number(0, 65535));
        } else if (a.is("-m", "--message")) {
            o.messages.emplace_back(a.value());
            o.use_stdin = false;
        } else if (a.is("-t", "--timeout")) {
            o.timeout = std::chrono::seconds(a.number(1, 86400));
        } else {
            a.unknown();
        }
    }
    if (o.help) return o;
    if (o.port == 0) throw usage_error{"--port: the server's port is required (1-65535)"};
    if (o.host.empty()) throw usage_error{"--host: empty"};
    return o;
}

// Sends one message and checks its echo.
void exchange(const net::socket& s, const std::string& message, std::chrono::seconds timeout) {
    net::sendall(s, net::buffer(message), timeout);
    say("sent: " + shown(message));
    std::string reply(message.size(), '\0');
    if (auto r = net::try_recv_exact(s, net::buffer(reply), timeout); !r) {
        if (r.error() == net::errc::eof)
            throw std::runtime_error("the server closed the connection before echoing everything");
        if (r.error() == std::errc::timed_out)
            throw std::runtime_error("no complete reply within " + std::to_string(timeout.count()) + " s");
        throw net::error(r.error(), "recv_exact");
    }
    say("received: " + shown(reply));
    if (reply != message) throw std::runtime_error("the echo differs from what was sent");
}

int run(const options& opt) {
    auto s = net::create_connection(opt.host, opt.port, opt.timeout);
    say("connected to " + net::peer_address(s).to_string() + " from " + net::local_address(s).to_string());

    if (opt.use_stdin) {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!std::cin.eof()) line += '\n'; // the newline getline removed (none after the last line)
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
