// echo_server: a blocking TCP echo server that serves one client after another.
//
//   echo_server [-H HOST] [-p PORT] [-n N] [-i SECONDS]
//
// Step 1 of the Python socket tutorial's progression: socket, bind, listen, accept, then
// recv/sendall until the client closes. It prints "listening on HOST:PORT" first (port 0 picks
// a free port), then one line per connection. It stops cleanly after --max-clients clients, or
// at once on Ctrl-C / SIGTERM: every blocking call takes the canceller the signal handler
// cancels (examples/common.hpp), so a client that never reads cannot hold it up.
// One client at a time: the others wait in the listen queue; --idle-timeout keeps a silent
// client from holding the server for ever.

#include <net/net.hpp>

#include "common.hpp"

#include <chrono>
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
using example::usage_error;

constexpr const char* usage_text =
    "usage: echo_server [-H HOST] [-p PORT] [-n N] [-i SECONDS]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -n, --max-clients N      serve N clients, then exit (default: until Ctrl-C)\n"
    "  -i, --idle-timeout SEC   close a client silent for SEC seconds (default 60)\n"
    "  -h, --help               this text\n";

struct options {
    net::address address;
    std::uint64_t max_clients = 0; // 0: no limit
    std::chrono::seconds idle_timeout{60};
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "echo_server: " << line << std::endl; }

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) o.help = true;
        else if (a.is("-H", "--host")) host = a.value();
        else if (a.is("-p", "--port")) port = static_cast<std::uint16_t>(a.number(0, 65535));
        else if (a.is("-n", "--max-clients")) o.max_clients = a.number(1, UINT64_MAX);
        else if (a.is("-i", "--idle-timeout")) o.idle_timeout = std::chrono::seconds(a.number(1, 86400));
        else a.unknown();
    }
    o.address = example::listen_address(host, port);
    return o;
}

// Echoes until the client closes its sending side (EOF), then closes the connection.
void serve(net::socket conn, const net::address& peer, const options& opt) {
    net::canceller& stop = example::stop_signal();
    say("connection from " + peer.to_string());
    char buf[4096];
    std::uint64_t echoed = 0;
    std::string outcome = "client closed";
    for (;;) {
        auto n = net::try_recv(conn, net::buffer(buf), {opt.idle_timeout, stop});
        if (!n) {
            if (example::is_stop(n.error())) outcome = "server stopping";
            else if (n.error() == std::errc::timed_out) outcome = "idle timeout";
            else outcome = "recv failed: " + n.error().message();
            break;
        }
        if (*n == 0) break; // orderly EOF: the client has sent everything
        // A client that never reads must not stall the server forever.
        if (auto sent = net::try_sendall(conn, net::buffer(buf, *n), {opt.idle_timeout, stop}); !sent) {
            outcome =
                example::is_stop(sent.error()) ? "server stopping" : "send failed: " + sent.error().message();
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
    net::canceller& stop = example::stop_signal();
    auto listener = net::create_server(opt.address, example::server_options_for(opt.address));
    say("listening on " + net::local_address(listener).to_string());

    std::uint64_t served = 0;
    bool backing_off = false;
    while (opt.max_clients == 0 || served < opt.max_clients) {
        auto accepted = net::try_accept(listener, stop);
        if (!accepted) {
            const auto ec = accepted.error();
            if (example::is_stop(ec)) break;
            if (example::is_resource_exhaustion(ec)) {
                if (!backing_off) warn("accept: " + ec.message() + "; backing off");
                backing_off = true; // one message per episode, not one per retry
                std::this_thread::sleep_for(100ms);
                continue;
            }
            if (ec == std::errc::connection_aborted) continue; // the client gave up first
            throw net::error(ec, "accept");
        }
        backing_off = false;
        serve(std::move(accepted->socket), accepted->peer, opt);
        ++served;
        if (stop.is_cancelled()) break;
    }
    if (stop.is_cancelled()) say("stopped after " + std::to_string(served) + " client(s)");
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
    try {
        (void)example::stop_signal(); // Ctrl-C / SIGTERM from here on
        return run(opt);
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
