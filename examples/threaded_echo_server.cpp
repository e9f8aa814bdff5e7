// threaded_echo_server: a TCP echo server with one thread per connection.
//
//   threaded_echo_server [--host H] [--port N] [--max-clients N]
//
// Step 2 of the Python socket tutorial's progression: the accept loop hands each connection to
// its own std::thread, so a slow client no longer blocks the others. Prints
// "listening on HOST:PORT" first (port 0 picks a free port). After --max-clients connections
// (or on Ctrl-C / SIGTERM) it stops accepting, waits for the running connections (joins every
// thread) and exits.

#include <net/net.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
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

constexpr const char* usage_text =
    "usage: threaded_echo_server [--host H] [--port N] [--max-clients N]\n"
    "  --host H          numeric IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  --port N          port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  --max-clients N   accept N clients, finish serving them, then exit\n"
    "                    (default: until Ctrl-C)\n";

struct usage_error {
    std::string message;
};

struct options {
    net::address address;
    std::uint64_t max_clients = 0; // 0: no limit
    bool help = false;
};

// Set by SIGINT/SIGTERM; every loop below polls it between short timeouts.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { stop_requested.store(true); }

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

// One connection, on its own thread: echo until EOF, then close. Uses the non-throwing
// try_ functions, so nothing can escape the thread (that would call std::terminate).
//
// The 200 ms receive timeout (to notice a stop request) is the socket's own SO_RCVTIMEO, so a
// plain blocking recv waits: one syscall per message. try_recv(conn, buf, 200ms) would work too,
// but costs a non-blocking attempt and a poll() before each message that is not there yet.
void serve(net::socket conn, net::address peer) noexcept {
    try {
        say("connection from " + peer.to_string());
        char buf[64 * 1024]; // a whole 64 KiB client write in one recv
        std::uint64_t echoed = 0;
        std::string outcome = "client closed";
        if (auto r = net::try_set_option(conn, net::receive_timeout{200ms}); !r) {
            outcome = "set_option failed: " + r.error().message();
            (void)conn.try_close();
            say("connection closed: " + peer.to_string() + ", 0 bytes echoed (" + outcome + ")");
            return;
        }
        for (;;) {
            auto n = net::try_recv(conn, net::buffer(buf)); // timed_out after 200 ms of silence
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
            if (auto sent = net::try_sendall(conn, net::buffer(buf, *n), 10s); !sent) {
                outcome = "send failed: " + sent.error().message();
                break;
            }
            echoed += *n;
        }
        (void)net::try_shutdown(conn, net::shutdown_type::send); // the client reads EOF
        (void)conn.try_close();
        say("connection closed: " + peer.to_string() + ", " + std::to_string(echoed) + " bytes echoed (" +
            outcome + ")");
    } catch (const std::exception& e) { // std::bad_alloc from the strings, at worst
        warn(e.what());
    }
}

// A connection's thread and whether it has finished (so the accept loop can join it early).
struct worker {
    std::atomic<bool> done{false};
    std::thread thread;
};

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
    auto listener = net::create_server(opt.address); // socket, listener policy, bind, listen
    say("listening on " + net::local_address(listener).to_string());

    std::list<worker> workers; // std::list: elements never move, so `done` stays put
    std::uint64_t accepted_count = 0;
    bool backing_off = false;
    try {
        while (!stop_requested.load() && (opt.max_clients == 0 || accepted_count < opt.max_clients)) {
            reap(workers, false);
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
            ++accepted_count;
            worker& w = workers.emplace_back();
            try {
                w.thread =
                    std::thread([&w, conn = std::move(accepted->socket), peer = accepted->peer]() mutable {
                        serve(std::move(conn), peer);
                        w.done.store(true);
                    });
            } catch (const std::system_error& e) { // no thread: the connection is dropped
                workers.pop_back();
                warn(std::string("cannot start a thread: ") + e.what());
            }
        }
    } catch (...) {
        stop_requested.store(true); // tell the workers to finish, and never leak a thread
        reap(workers, true);
        throw;
    }
    listener.close(); // no new connections while the last ones finish
    reap(workers, true);
    if (stop_requested.load()) say("stopped after " + std::to_string(accepted_count) + " client(s)");
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
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    try {
        return run(opt);
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
