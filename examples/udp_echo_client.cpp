// udp_echo_client: sends datagrams to a UDP echo server and checks each echo.
//
//   udp_echo_client --port N [--host H] [--message TEXT]... [--timeout SECONDS] [--retries N]
//
// UDP may lose a datagram (or its echo), so the client waits at most --timeout seconds for
// each echo and sends the datagram again up to --retries times before giving up. Datagrams
// from other senders, and late echoes of earlier messages, are ignored.
// Exit code: 0 on success, 1 on an error, a lost exchange or a wrong echo, 2 on bad arguments.

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
    "usage: udp_echo_client --port N [--host H] [--message TEXT]... [--timeout SECONDS]\n"
    "                       [--retries N]\n"
    "  --host H            numeric IPv4 or IPv6 address of the server (default 127.0.0.1)\n"
    "  --port N            port of the server (1-65535; required)\n"
    "  --message TEXT      send TEXT as one datagram (repeatable); without any, send each\n"
    "                      line of stdin\n"
    "  --timeout SECONDS   how long to wait for each echo (default 2)\n"
    "  --retries N         how often to resend a datagram whose echo is lost (default 3)\n";

struct usage_error {
    std::string message;
};

struct options {
    net::address address;
    std::vector<std::string> messages;
    bool use_stdin = true;
    std::chrono::seconds timeout{2};
    unsigned retries = 3;
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
        } else if (arg == "--retries") {
            o.retries = static_cast<unsigned>(parse_number(arg, value(), 0, 100));
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
