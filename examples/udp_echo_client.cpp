// udp_echo_client: sends datagrams to a UDP echo server and checks each echo.
//
//   udp_echo_client -p PORT [-H HOST] [-m TEXT]... [-t SECONDS] [-r N]
//
// UDP may lose a datagram (or its echo), so the client waits at most --timeout seconds for
// each echo and sends the datagram again up to --retries times before giving up. Datagrams
// from other senders, and late echoes of earlier messages, are ignored.
// Exit code: 0 on success, 1 on an error, a lost exchange or a wrong echo, 2 on bad arguments.

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
    "usage: udp_echo_client -p PORT [-H HOST] [-m TEXT]... [-t SECONDS] [-r N]\n"
    "  -H, --host HOST        the server: a name or a numeric address (default 127.0.0.1)\n"
    "  -p, --port N           port of the server (1-65535; required)\n"
    "  -m, --message TEXT     send TEXT as one datagram (repeatable); without any, send each\n"
    "                         line of stdin\n"
    "  -t, --timeout SECONDS  how long to wait for each echo (default 2)\n"
    "  -r, --retries N        how often to resend a datagram whose echo is lost (default 3)\n"
    "  -h, --help             this text\n";

struct options {
    net::address address;
    std::vector<std::string> messages;
    bool use_stdin = true;
    std::chrono::seconds timeout{2};
    unsigned retries = 3;
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) {
            o.help = true;
        } else if (a.is("-H", "--host")) {
            host = a.value();
        } else if (a.is("-p", "--port")) {
            port = static_cast<std::uint16_t>(a.number(0, 65535));
        } else if (a.is("-m", "--message")) {
            o.messages.emplace_back(a.value());
            o.use_stdin = false;
        } else if (a.is("-t", "--timeout")) {
            o.timeout = std::chrono::seconds(a.number(1, 86400));
        } else if (a.is("-r", "--retries")) {
            o.retries = static_cast<unsigned>(a.number(0, 100));
        } else {
            a.unknown();
        }
    }
    if (o.help) return o;
    if (port == 0) throw usage_error{"--port: the server's port is required (1-65535)"};
    // A name or a numeric address: the first address the resolver gives for datagrams.
    net::resolve_hints hints;
    hints.type = net::socket_type::datagram;
    auto found = net::try_resolve(host, std::to_string(port), hints);
    if (!found) throw usage_error{"--host: '" + host + "': " + found.error().message()};
    o.address = found->front();
    return o;
}

class client {
public:
    explicit client(const options& opt)
        : opt_(opt), sock_(net::make_socket(opt.address.family(), net::socket_type::datagram)),
          reply_(65536) {}

    // Sends `message` and waits for its echo, resending it after each timeout.
    void exchange(const std::string& message) {
        const unsigned attempts = opt_.retries + 1;
        for (unsigned attempt = 1; attempt <= attempts; ++attempt) {
            net::sendto(sock_, net::buffer(message), opt_.address);
            say(attempt == 1 ? "sent: " + message
                             : "sent again (attempt " + std::to_string(attempt) + " of " +
                                   std::to_string(attempts) + "): " + message);
            if (await_echo(message)) {
                sent_.push_back(message);
                return;
            }
            say("no echo within " + std::to_string(opt_.timeout.count()) + " s");
        }
        throw std::runtime_error("no echo after " + std::to_string(attempts) + " attempt(s)");
    }

private:
    // True when the echo of `message` arrived before the timeout; throws on a wrong echo.
    bool await_echo(const std::string& message) {
        using clock = std::chrono::steady_clock;
        const auto deadline = clock::now() + opt_.timeout;
        for (;;) {
            const auto left = deadline - clock::now();
            if (left <= clock::duration::zero()) return false;
            auto got = net::try_recvfrom(sock_, net::buffer(reply_), left);
            if (!got) {
                if (got.error() == std::errc::timed_out) return false;
                // An ICMP "port unreachable" for an earlier datagram: treat as a loss and retry.
                if (got.error() == std::errc::connection_refused ||
                    got.error() == std::errc::connection_reset)
                    return false;
                throw net::error(got.error(), "recvfrom");
            }
            const std::string text(reply_.data(), got->size);
            if (got->sender.unmapped() != opt_.address.unmapped()) {
                say("ignored a datagram from " + got->sender.to_string());
                continue;
            }
            if (!got->truncated && text == message) {
                say("received: " + text);
                return true;
            }
            if (!got->truncated && is_earlier(text)) {
                say("ignored a late echo: " + text);
                continue;
            }
            say("received: " + text);
            throw std::runtime_error("the echo differs from what was sent (" + std::to_string(got->size) +
                                     " bytes instead of " + std::to_string(message.size()) + ")");
        }
    }

    bool is_earlier(const std::string& text) const {
        for (const auto& m : sent_)
            if (m == text) return true;
        return false;
    }

    const options& opt_;
    net::socket sock_;
    std::vector<char> reply_;       // 64 KiB: any UDP datagram fits
    std::vector<std::string> sent_; // echoed messages, to recognise late duplicates
};

int run(const options& opt) {
    client c(opt);
    say("sending to " + opt.address.to_string());
    if (opt.use_stdin) {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back(); // CRLF input
            c.exchange(line);
        }
    } else {
        for (const auto& m : opt.messages) c.exchange(m);
    }
    say("done");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "udp_echo_client: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    try {
        return run(opt);
    } catch (const std::exception& e) {
        std::cerr << "udp_echo_client: " << e.what() << std::endl;
        return 1;
    }
}
