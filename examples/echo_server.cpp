// echo_server: a blocking TCP echo server that serves one client after another.
//
//   echo_server [--host H] [--port N] [--max-clients N]
//
// Step 1 of the Python socket tutorial's progression: socket, bind, listen, accept, then
// recv/sendall until the client closes. It prints "listening on HOST:PORT" first (port 0 picks
// a free port), then one line per connection. It stops cleanly after --max-clients clients, or
// on Ctrl-C / SIGTERM: accept and recv use short timeouts so the stop flag is seen.

#include <net/net.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

namespace {

using namespace std::chrono_literals;

constexpr const char* usage_text =
    "usage: echo_server [--host H] [--port N] [--max-clients N]\n"
    "  --host H          numeric IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  --port N          port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  --max-clients N   serve N clients, then exit (default: until Ctrl-C)\n";

struct usage_error {
    std::string message;
};

struct options {
    net::address address;
    std::uint64_t max_clients = 0; // 0: no limit
    bool help = false;
};

// Set by SIGINT/SIGTERM; the loops below poll it between short timeouts.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { stop_requested.store(true); }

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "echo_server: " << line << std::endl; }

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
        } else if (arg == "--max-clients") {
            o.max_clients = parse_number(arg, value(), 1, UINT64_MAX);
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

// Accept failures that mean "out of resources": the pending connection stays queued, so
// accepting again at once would spin at 100 % CPU. Back off instead.
bool is_resource_exhaustion(const std::error_code& ec) {
    return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
           ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

// Echoes until the client closes its sending side (EOF), then closes the connection.
void serve(net::socket conn, const net::address& peer) {
    say("connection from " + peer.to_string());
    char buf[4096];
    std::uint64_t echoed = 0;
    std::string outcome = "client closed";
    for (;;) {
        auto n = net::try_recv(conn, net::buffer(buf), 200ms);
        if (!n) {
            if (n.error() == std::errc::timed_out) {
                if (!stop_requested.load()) continue;
                outcome = "server stopping";
                break;
            }
            outcome = "recv failed: " + n.error().message();
            break;
        }
        if (*n == 0) break; // orderly EOF: the client has sent everything
        // A client that never reads must not stall the server forever.
        if (auto sent = net::try_sendall(conn, net::buffer(buf, *n), 10s); !sent) {
            outcome = "send failed: " + sent.error().message();
            break;
        }
        echoed += *n;
    }
    // Everything we echoed was handed to the OS by sendall; shut down our side so the client
    // reads EOF after the last byte (closing with unread data would send a reset instead), then
    // close.
    (void)net::try_shutdown(conn, net::shutdown_type::send);
    (void)conn.try_close();
    say("connection closed: " + peer.to_string() + ", " + std::to_string(echoed) + " bytes echoed (" +
        outcome + ")");
}

int run(const options& opt) {
    auto listener = net::make_socket(opt.address.family());
    net::bind(listener, opt.address);
    net::listen(listener);
    say("listening on " + net::local_address(listener).to_string());

    std::uint64_t served = 0;
    bool backing_off = false;
    while (!stop_requested.load() && (opt.max_clients == 0 || served < opt.max_clients)) {
        auto accepted = net::try_accept(listener, 200ms);
        if (!accepted) {
            const auto ec = accepted.error();
            if (ec == std::errc::timed_out) continue;
            if (is_resource_exhaustion(ec)) {
                if (!backing_off) warn("accept: " + ec.message() + "; backing off");
                backing_off = true; // one message per episode, not one per retry
                std::this_thread::sleep_for(100ms);
                continue;
            }
            if (ec == std::errc::connection_aborted) continue; // the client gave up first
            throw net::error(ec, "accept");
        }
        backing_off = false;
        serve(std::move(accepted->socket), accepted->peer);
        ++served;
    }
    if (stop_requested.load()) say("stopped after " + std::to_string(served) + " client(s)");
    else say("served " + std::to_string(served) + " client(s), exiting");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "echo_server: " << e.message << '\n' << usage_text;
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
