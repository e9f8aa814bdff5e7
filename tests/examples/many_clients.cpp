// many_clients: a load client for echo servers, on one thread with a net::poller.
//
//   many_clients --port P [--host H] [--clients N] [--rounds R] [--size S] [--timeout SEC]
//                [--quiet]
//
// Opens N connections at once (non-blocking connect), then each connection sends R messages
// of S bytes, one after another, and checks that each comes back byte for byte before it sends
// the next. Every connection has its own pseudo-random byte stream, so a byte delivered to the
// wrong connection, dropped, duplicated or reordered is caught. After the last round it shuts
// down its sending side and expects the server's EOF (no extra bytes). Prints one summary line;
// exit code 0 only if every byte of every connection came back, 1 otherwise (or when --timeout
// passes), 2 for bad arguments. It does not raise its descriptor limit: run it under `ulimit -n`.

#include <net/net.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr const char* usage_text =
    "usage: many_clients --port P [--host H] [--clients N] [--rounds R] [--size S]\n"
    "                    [--timeout SEC] [--quiet]\n"
    "  --host H       numeric IPv4 or IPv6 address of the echo server (default 127.0.0.1)\n"
    "  --port P       its port (required)\n"
    "  --clients N    simultaneous connections (default 100)\n"
    "  --rounds R     messages per connection (default 1)\n"
    "  --size S       bytes per message (default 1024)\n"
    "  --timeout SEC  give up after SEC seconds in all (default 60)\n"
    "  --quiet        no line per failed connection\n";

constexpr std::size_t max_reported_failures = 10;

struct usage_error {
    std::string message;
};

struct options {
    net::address server;
    std::size_t clients = 100;
    std::size_t rounds = 1;
    std::size_t size = 1024;
    std::chrono::seconds timeout{60};
    bool quiet = false;
    bool help = false;
};

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
    std::uint64_t port = 0;
    bool have_port = false;
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
            port = parse_number(arg, value(), 1, 65535);
            have_port = true;
        } else if (arg == "--clients") {
            o.clients = static_cast<std::size_t>(parse_number(arg, value(), 1, 1000000));
        } else if (arg == "--rounds") {
            o.rounds = static_cast<std::size_t>(parse_number(arg, value(), 1, 1000000));
        } else if (arg == "--size") {
            o.size = static_cast<std::size_t>(parse_number(arg, value(), 1, 64 * 1024 * 1024));
        } else if (arg == "--timeout") {
            o.timeout = std::chrono::seconds(parse_number(arg, value(), 1, 86400));
        } else if (arg == "--quiet") {
            o.quiet = true;
        } else {
            throw usage_error{"unknown argument '" + std::string(arg) + "'"};
        }
    }
    if (o.help) return o;
    if (!have_port) throw usage_error{"--port is required"};
    auto a = net::address::try_parse(host, static_cast<std::uint16_t>(port));
    if (!a)
        throw usage_error{"--host: '" + host + "' is not a numeric IP address (" + a.error().message() + ")"};
    o.server = *a;
    return o;
}

// xorshift32: a cheap, deterministic byte stream per connection.
class byte_stream {
public:
    explicit byte_stream(std::uint32_t seed) noexcept : x_(seed == 0 ? 0x9e3779b9u : seed) {}
    unsigned char next() noexcept {
        x_ ^= x_ << 13;
        x_ ^= x_ >> 17;
        x_ ^= x_ << 5;
        return static_cast<unsigned char>(x_ >> 24);
    }

private:
    std::uint32_t x_;
};

enum class state { connecting, echoing, closing, done, failed };

struct client {
    std::size_t id = 0;
    net::socket socket;
    state st = state::connecting;
    byte_stream stream{1};
    std::vector<unsigned char> message; // the current round's bytes
    std::size_t round = 0;
    std::size_t sent = 0;     // of the current message
    std::size_t received = 0; // of the current message, all verified
    std::uint64_t verified = 0;
    net::events watched = net::events::none;
    std::string failure;
};

class load {
public:
    explicit load(const options& opt) : opt_(opt), poller_(1024), chunk_(64 * 1024) {}

    int run() {
        const auto start = clock_type::now();
        const auto deadline = start + opt_.timeout;
        clients_.resize(opt_.clients);
        for (std::size_t i = 0; i < clients_.size(); ++i) start_connect(clients_[i], i);

        while (active_ > 0 && clock_type::now() < deadline) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_type::now());
            for (const net::poll_event& ev :
                 poller_.wait(std::clamp(left, 0ms, std::chrono::milliseconds(1000))))
                handle(*static_cast<client*>(ev.data), ev.what);
        }
        for (auto& c : clients_)
            if (c.st != state::done && c.st != state::failed) fail(c, "timed out (" + where(c) + ")");
        const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();

        std::size_t ok = 0;
        std::uint64_t bytes = 0;
        for (const auto& c : clients_) {
            if (c.st == state::done) ++ok;
            bytes += c.verified;
        }
        const std::uint64_t expected = static_cast<std::uint64_t>(opt_.clients) * opt_.rounds * opt_.size;
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.3f", seconds);
        std::cout << "many_clients: " << ok << " of " << opt_.clients << " clients ok, " << opt_.rounds
                  << " round(s) of " << opt_.size << " bytes, " << bytes << " of " << expected
                  << " bytes echoed and verified in " << secs << " s"
                  << (ok == opt_.clients ? "" : " (FAILED)") << std::endl;
        return ok == opt_.clients && bytes == expected ? 0 : 1;
    }

private:
    void start_connect(client& c, std::size_t id) {
        c.id = id;
        c.stream = byte_stream(static_cast<std::uint32_t>((id + 1) * 2654435761u));
        ++active_;
        auto s = net::try_make_socket(opt_.server.family());
        if (!s) return fail(c, "socket: " + s.error().message());
        c.socket = std::move(*s);
        if (auto r = net::try_set_nonblocking(c.socket); !r)
            return fail(c, "set_nonblocking: " + r.error().message());
        auto r = net::try_connect(c.socket, opt_.server);
        if (r) return connected(c); // loopback may connect at once
        // In progress (would_block on Windows): writability reports the outcome.
        if (r.error() != std::errc::operation_in_progress && !net::is_would_block(r.error()))
            return fail(c, "connect: " + r.error().message());
        watch(c, net::events::writable);
    }

    void connected(client& c) {
        c.st = state::echoing;
        next_message(c);
        if (c.st == state::echoing) pump(c);
    }

    void next_message(client& c) {
        c.message.resize(opt_.size);
        for (auto& b : c.message) b = c.stream.next();
        c.sent = 0;
        c.received = 0;
    }

    void handle(client& c, net::events what) {
        if (c.st == state::connecting) {
            auto err = net::try_get_option<net::socket_error>(c.socket);
            if (!err) return fail(c, "connect: " + err.error().message());
            if (err->value) return fail(c, "connect: " + err->value.message());
            if (!net::has(what, net::events::writable)) return fail(c, "connect: hung up");
            return connected(c);
        }
        pump(c);
    }

    // Sends and receives whatever the socket allows, then updates what is watched. A finished
    // round starts the next one at once; the loop is bounded, level-triggered readiness returns.
    void pump(client& c) {
        for (int turn = 0; turn < 64; ++turn) {
            if (!send_some(c)) return;
            const std::size_t round = c.round;
            if (!receive_some(c)) return;
            if (c.st != state::echoing || c.round == round) break; // wait for readiness
        }
        net::events want = net::events::readable;
        if (c.st == state::echoing && c.sent < c.message.size()) want |= net::events::writable;
        watch(c, want);
    }

    // Returns false if the connection failed.
    bool send_some(client& c) {
        while (c.st == state::echoing && c.sent < c.message.size()) {
            auto n =
                net::try_send(c.socket, net::buffer(c.message.data() + c.sent, c.message.size() - c.sent));
            if (!n) {
                if (net::is_would_block(n.error())) break;
                fail(c, "send: " + n.error().message() + " (" + where(c) + ")");
                return false;
            }
            c.sent += *n;
        }
        return true;
    }

    // Receives until would-block or the end of a round, verifying every byte. Returns false if
    // the connection failed or is finished.
    bool receive_some(client& c) {
        for (int i = 0; i < 64; ++i) {
            auto n = net::try_recv(c.socket, net::buffer(chunk_));
            if (!n) {
                if (net::is_would_block(n.error())) return true;
                fail(c, "recv: " + n.error().message() + " (" + where(c) + ")");
                return false;
            }
            if (*n == 0) {
                if (c.st == state::closing) {
                    finish(c);
                } else {
                    fail(c, "the server closed the connection early (" + where(c) + ")");
                }
                return false;
            }
            if (c.st == state::closing) {
                fail(c, std::to_string(*n) + " unexpected byte(s) after the last round");
                return false;
            }
            if (c.received + *n > c.sent) {
                fail(c, "received more than was sent (" + where(c) + ")");
                return false;
            }
            for (std::size_t k = 0; k < *n; ++k) {
                if (static_cast<unsigned char>(chunk_[k]) != c.message[c.received + k]) {
                    fail(c, "byte " + std::to_string(c.received + k) + " of round " +
                                std::to_string(c.round + 1) + " differs");
                    return false;
                }
            }
            c.received += *n;
            c.verified += *n;
            if (c.received == c.message.size()) {
                if (++c.round == opt_.rounds) {
                    // Done sending: our EOF tells the server to finish; then wait for its EOF.
                    if (auto r = net::try_shutdown(c.socket, net::shutdown_type::send); !r) {
                        fail(c, "shutdown: " + r.error().message());
                        return false;
                    }
                    c.st = state::closing;
                } else {
                    next_message(c);
                }
                return true;
            }
        }
        return true;
    }

    void watch(client& c, net::events want) {
        if (want == c.watched) return;
        auto r = c.watched == net::events::none ? poller_.try_add(c.socket, want, &c)
                                                : poller_.try_modify(c.socket, want, &c);
        if (!r) return fail(c, "poller: " + r.error().message());
        c.watched = want;
    }

    std::string where(const client& c) const {
        static const char* const names[] = {"connecting", "echoing", "closing", "done", "failed"};
        return std::string(names[static_cast<int>(c.st)]) + ", round " + std::to_string(c.round + 1) + ", " +
               std::to_string(c.sent) + " sent, " + std::to_string(c.received) + " received";
    }

    void finish(client& c) {
        release(c);
        c.st = state::done;
    }

    void fail(client& c, const std::string& why) {
        if (c.st == state::done || c.st == state::failed) return;
        release(c);
        c.st = state::failed;
        c.failure = why;
        if (!opt_.quiet && ++reported_ <= max_reported_failures)
            std::cerr << "many_clients: connection " << c.id << ": " << why << std::endl;
    }

    void release(client& c) {
        if (c.watched != net::events::none) (void)poller_.try_remove(c.socket); // before close
        c.watched = net::events::none;
        (void)c.socket.try_close();
        c.message = {};
        --active_;
    }

    options opt_;
    net::poller poller_;
    std::vector<client> clients_; // sized once: event data points at the elements
    std::vector<char> chunk_;
    std::size_t active_ = 0;
    std::size_t reported_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "many_clients: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    try {
        load l(opt);
        return l.run();
    } catch (const std::exception& e) {
        std::cerr << "many_clients: " << e.what() << std::endl;
        return 1;
    }
}
