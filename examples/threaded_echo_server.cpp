// threaded_echo_server: a TCP echo server with one thread per connection.
//
//   threaded_echo_server [-H HOST] [-p PORT] [-n N] [-c N] [-i SECONDS]
//
// Step 2 of the Python socket tutorial's progression: the accept loop hands each connection to
// its own std::thread, so a slow client no longer blocks the others. Prints
// "listening on HOST:PORT" first (port 0 picks a free port). After --max-clients connections
// (or at once on Ctrl-C / SIGTERM, which cancel every blocked call through the canceller of
// examples/common.hpp) it stops accepting, waits for the running connections (joins every
// thread) and exits. Bounds: at most --max-connections connections at once (one more is
// accepted and closed at once, so silent clients cannot use up the descriptors), and a
// connection silent for --idle-timeout is closed.

#include <net/net.hpp>

#include "common.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

namespace {

using namespace std::chrono_literals;
using example::usage_error;

constexpr const char* usage_text =
    "usage: threaded_echo_server [-H HOST] [-p PORT] [-n N] [-c N] [-i SECONDS]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -n, --max-clients N      accept N clients, finish serving them, then exit\n"
    "                           (default: until Ctrl-C)\n"
    "  -c, --max-connections N  at most N connections at once; more are closed at once\n"
    "                           (default: the descriptor limit minus a reserve)\n"
    "  -i, --idle-timeout SEC   close a connection silent for SEC seconds (default 60)\n"
    "  -h, --help               this text\n";

struct options {
    net::address address;
    std::uint64_t max_clients = 0; // 0: no limit
    std::uint64_t max_connections = example::default_max_connections();
    std::chrono::seconds idle_timeout{60};
    bool help = false;
};

// Lines from several threads: one lock per line keeps them whole.
std::mutex output_mutex;

void say(const std::string& line) {
    std::lock_guard<std::mutex> lock(output_mutex);
    std::cout << line << std::endl; // endl: flush each line
}

void warn(const std::string& line) {
    std::lock_guard<std::mutex> lock(output_mutex);
    std::cerr << "threaded_echo_server: " << line << std::endl;
}

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) o.help = true;
        else if (a.is("-H", "--host")) host = a.value();
        else if (a.is("-p", "--port")) port = static_cast<std::uint16_t>(a.number(0, 65535));
        else if (a.is("-n", "--max-clients")) o.max_clients = a.number(1, UINT64_MAX);
        else if (a.is("-c", "--max-connections")) o.max_connections = a.number(1, 1000000);
        else if (a.is("-i", "--idle-timeout")) o.idle_timeout = std::chrono::seconds(a.number(1, 86400));
        else a.unknown();
    }
    o.address = example::listen_address(host, port);
    return o;
}

// One connection, on its own thread: echo until EOF, then close. Uses the non-throwing
// try_ functions, so nothing can escape the thread (that would call std::terminate). Every
// call takes the stop canceller: Ctrl-C ends a blocked recv or sendall at once. Data that is
// already there costs one recv (the wait with poll happens only when there is nothing yet).
// `open` turns false just before the socket closes: a connection accepted on the descriptor
// this close frees must not find it still counted against --max-connections.
void serve(net::socket conn, net::address peer, std::chrono::seconds idle, std::atomic<bool>& open) noexcept {
    try {
        net::canceller& stop = example::stop_signal();
        say("connection from " + peer.to_string());
        char buf[64 * 1024]; // a whole 64 KiB client write in one recv
        std::uint64_t echoed = 0;
        std::string outcome = "client closed";
        for (;;) {
            auto n = net::try_recv(conn, net::buffer(buf), {idle, stop});
            if (!n) {
                if (example::is_stop(n.error())) outcome = "server stopping";
                else if (n.error() == std::errc::timed_out) outcome = "idle timeout";
                else outcome = "recv failed: " + n.error().message();
                break;
            }
            if (*n == 0) break; // orderly EOF: the client has sent everything
            if (auto sent = net::try_sendall(conn, net::buffer(buf, *n), {idle, stop}); !sent) {
                outcome = example::is_stop(sent.error()) ? "server stopping"
                                                         : "send failed: " + sent.error().message();
                break;
            }
            echoed += *n;
        }
        (void)net::try_shutdown(conn, net::shutdown_type::send); // the client reads EOF
        open.store(false);
        (void)conn.try_close();
        say("connection closed: " + peer.to_string() + ", " + std::to_string(echoed) + " bytes echoed (" +
            outcome + ")");
    } catch (const std::exception& e) { // std::bad_alloc from the strings, at worst
        warn(e.what());
        open.store(false);
        (void)conn.try_close();
    }
}

// A connection's thread, whether its connection is still open (it counts against
// --max-connections until then) and whether the thread has finished (so the accept loop can
// join it early).
struct worker {
    std::atomic<bool> open{true};
    std::atomic<bool> done{false};
    std::thread thread;
};

// The connections still open: what --max-connections limits (a thread may still be printing
// its last line after its connection, and its descriptor, are gone).
std::size_t open_connections(const std::list<worker>& workers) {
    std::size_t n = 0;
    for (const worker& w : workers) n += w.open.load() ? 1 : 0;
    return n;
}

// Joins the workers that have finished; with `all`, waits for every worker.
void reap(std::list<worker>& workers, bool all) {
    for (auto it = workers.begin(); it != workers.end();) {
        if (all || it->done.load()) {
            if (it->thread.joinable()) it->thread.join();
            it = workers.erase(it);
        } else {
            ++it;
        }
    }
}

int run(const options& opt) {
    net::canceller& stop = example::stop_signal();
    // socket, listener policy, bind, listen; "::" also accepts IPv4 clients
    auto listener = net::create_server(opt.address, example::server_options_for(opt.address));
    say("listening on " + net::local_address(listener).to_string());

    std::list<worker> workers; // std::list: elements never move, so `done` stays put
    std::uint64_t accepted_count = 0;
    bool backing_off = false;
    try {
        while (opt.max_clients == 0 || accepted_count < opt.max_clients) {
            reap(workers, false);
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
            if (open_connections(workers) >= opt.max_connections) {
                reap(workers, false);
                if (open_connections(workers) >= opt.max_connections) { // full: close it at once
                    say("connection refused: " + accepted->peer.to_string() + " (max connections)");
                    continue; // the socket closes here
                }
            }
            ++accepted_count;
            worker& w = workers.emplace_back();
            try {
                w.thread = std::thread([&w, conn = std::move(accepted->socket), peer = accepted->peer,
                                        idle = opt.idle_timeout]() mutable {
                    serve(std::move(conn), peer, idle, w.open);
                    w.done.store(true);
                });
            } catch (const std::system_error& e) { // no thread: the connection is dropped
                workers.pop_back();
                warn(std::string("cannot start a thread: ") + e.what());
            }
        }
    } catch (...) {
        stop.cancel(); // tell the workers to finish, and never leak a thread
        reap(workers, true);
        throw;
    }
    listener.close(); // no new connections while the last ones finish
    reap(workers, true);
    if (stop.is_cancelled()) say("stopped after " + std::to_string(accepted_count) + " client(s)");
    else say("served " + std::to_string(accepted_count) + " client(s), exiting");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "threaded_echo_server: " << e.message << '\n' << usage_text;
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
