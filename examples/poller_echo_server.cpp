// poller_echo_server: a single-threaded TCP echo server for thousands of connections.
//
//   poller_echo_server [--host H] [--port N] [--max-clients N] [--quiet]
//
// Step 3 of the Python socket tutorial's progression (the `selectors` version): one thread, one
// net::poller, non-blocking sockets. What a real event loop has to get right, and how:
//   - Readiness is a hint: read and accept until would-block, never assume a full buffer.
//   - Partial writes: every connection has an output buffer. The socket is watched for
//     writable only while that buffer holds bytes, otherwise it would be reported all the time.
//   - Backpressure: a client that sends but does not read would make the buffer grow without
//     limit; above 1 MiB of pending output the server stops reading from it until it drains.
//   - Out of descriptors: accept fails with too_many_files_open and the connection stays
//     queued, so accepting again at once would spin at 100 % CPU. The server
//     stops watching the listener for 100 ms (the poller timeout does the waiting) and retries.
// Prints "listening on HOST:PORT" first (port 0 picks a free port), then one line per
// connection unless --quiet. Exits after --max-clients clients have come and gone, or on
// Ctrl-C / SIGTERM: the signal handler writes a byte to a socket pair the poller watches (the
// "self-pipe trick"), so the loop waits without a timeout. (A wait with a timeout would arm a
// kernel timer on every call: a few percent of the cost of a request in a busy server.)

#include <net/net.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr const char* usage_text =
    "usage: poller_echo_server [--host H] [--port N] [--max-clients N] [--quiet]\n"
    "  --host H          numeric IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  --port N          port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  --max-clients N   accept N clients, serve them until they close, then exit\n"
    "                    (default: until Ctrl-C)\n"
    "  --quiet           no line per connection\n";

constexpr std::size_t read_chunk = 64 * 1024;          // one recv
constexpr std::size_t max_read_per_event = 256 * 1024; // then let the other connections run
constexpr std::size_t max_pending = 1024 * 1024;       // stop reading above this (backpressure)
constexpr int max_accept_per_event = 1024;             // the listener stays readable if more wait
constexpr auto accept_backoff = 100ms;                 // after too_many_files_open

struct usage_error {
    std::string message;
};

struct options {
    net::address address;
    std::uint64_t max_clients = 0; // 0: no limit
    bool quiet = false;
    bool help = false;
};

// Set by SIGINT/SIGTERM; the event loop checks it after every wait. The handler also wakes the
// loop: one byte to the writing end of the server's wake-up socket pair.
std::atomic<bool> stop_requested{false};
std::atomic<const net::socket*> wake_writer{nullptr};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");
static_assert(std::atomic<const net::socket*>::is_always_lock_free,
              "the signal handler needs a lock-free pointer");

extern "C" void on_stop_signal(int) {
    stop_requested.store(true);
    const int saved_errno = errno; // the interrupted code may be about to read it
    if (const net::socket* w = wake_writer.load()) {
        const char byte = 's';
        (void)net::try_send(*w, net::buffer(&byte, 1)); // send() is async-signal-safe
    }
    errno = saved_errno;
}

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "poller_echo_server: " << line << std::endl; }

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
        } else if (arg == "--quiet") {
            o.quiet = true;
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

// Accept failures that mean "out of resources": the pending connection stays queued.
bool is_resource_exhaustion(const std::error_code& ec) {
    return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
           ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

struct connection {
    net::socket socket;
    net::address peer;
    std::string out; // received, not yet echoed: out[sent_to, size)
    std::size_t sent_to = 0;
    std::uint64_t echoed = 0;
    bool eof = false; // the client has finished sending
    net::events watched = net::events::readable;

    std::size_t pending() const noexcept { return out.size() - sent_to; }
};

class server {
public:
    explicit server(const options& opt) : opt_(opt), chunk_(read_chunk) {}

    int run() {
        listener_ = net::create_server(opt_.address); // socket, listener policy, bind, listen
        net::set_nonblocking(listener_);
        say("listening on " + net::local_address(listener_).to_string());
        poller_.add(listener_, net::events::readable, &listener_);

        // The wake-up pair: the signal handler writes to one end, the poller watches the other.
        auto wake = net::socket_pair();
        wake_reader_ = std::move(wake.first);
        wake_writer_ = std::move(wake.second);
        net::set_nonblocking(wake_reader_);
        net::set_nonblocking(wake_writer_); // a handler must never block
        drain_wake(); // nothing to read yet; also sets up what a failing send would touch
        poller_.add(wake_reader_, net::events::readable, &wake_reader_);
        wake_writer.store(&wake_writer_);

        while (!stop_requested.load()) {
            if (!listener_ && connections_.empty()) break; // --max-clients reached, all gone
            // No timeout, except to put the listener back after an accept back-off.
            auto ready =
                backing_off_
                    ? poller_.wait(std::clamp(
                          std::chrono::ceil<std::chrono::milliseconds>(resume_accept_ - clock_type::now()),
                          std::chrono::milliseconds(0), std::chrono::milliseconds(accept_backoff)))
                    : poller_.wait();
            for (const net::poll_event& ev : ready) {
                if (ev.data == &listener_) accept_some();
                else if (ev.data == &wake_reader_) drain_wake();
                else serve(*static_cast<connection*>(ev.data), ev.what);
            }
            if (backing_off_ && clock_type::now() >= resume_accept_) {
                backing_off_ = false;
                poller_.add(listener_, net::events::readable, &listener_);
            }
        }

        wake_writer.store(nullptr);
        if (stop_requested.load()) {
            while (!connections_.empty()) close(*connections_.begin()->second, "server stopping");
            say("stopped after " + std::to_string(accepted_) + " client(s)");
        } else {
            say("served " + std::to_string(accepted_) + " client(s), exiting");
        }
        return 0;
    }

private:
    // Reads the wake-up bytes (the loop then sees stop_requested).
    void drain_wake() {
        char sink[64];
        while (net::try_recv(wake_reader_, net::buffer(sink)).value_or(0) > 0) {
        }
    }

    // The listener is readable: accept until would-block (bounded; level-triggered readiness
    // reports the listener again if more are queued).
    void accept_some() {
        for (int i = 0; i < max_accept_per_event && listener_; ++i) {
            auto accepted = net::try_accept(listener_);
            if (!accepted) {
                const auto ec = accepted.error();
                if (net::is_would_block(ec)) return;
                if (ec == std::errc::connection_aborted) continue; // the client gave up first
                if (is_resource_exhaustion(ec)) {
                    if (!exhausted_) warn("accept: " + ec.message() + "; backing off");
                    exhausted_ = true; // one message per episode, not one per retry
                    poller_.remove(listener_);
                    backing_off_ = true;
                    resume_accept_ = clock_type::now() + accept_backoff;
                    return;
                }
                throw net::error(ec, "accept");
            }
            exhausted_ = false;
            ++accepted_;
            add_connection(std::move(accepted->socket), accepted->peer);
            if (opt_.max_clients != 0 && accepted_ >= opt_.max_clients) {
                poller_.remove(listener_); // remove before close
                listener_.close();
                return;
            }
        }
    }

    void add_connection(net::socket s, const net::address& peer) {
        auto c = std::make_unique<connection>();
        c->socket = std::move(s);
        c->peer = peer;
        if (!opt_.quiet) say("connection from " + peer.to_string());
        // Accepted sockets are blocking (whatever the listener's mode): make them non-blocking.
        if (auto r = net::try_set_nonblocking(c->socket); !r) {
            finish(*c, "set_nonblocking failed: " + r.error().message());
            return;
        }
        if (auto r = poller_.try_add(c->socket, net::events::readable, c.get()); !r) {
            finish(*c, "poller add failed: " + r.error().message());
            return;
        }
        connection* key = c.get();
        connections_.emplace(key, std::move(c));
    }

    // One event for one connection: read what is there, echo what we can, update the watch.
    void serve(connection& c, net::events what) {
        const bool can_read =
            net::has(what, net::events::readable | net::events::hangup | net::events::error);
        if (can_read && !c.eof && c.pending() < max_pending && !read_some(c)) return;
        if (c.pending() > 0 && !write_some(c)) return;
        if (c.eof && c.pending() == 0) {
            // Everything echoed: send our EOF after the last byte, then close (a plain close
            // with unread data would reset the connection).
            (void)net::try_shutdown(c.socket, net::shutdown_type::send);
            close(c, "client closed");
            return;
        }
        // Read while there is room in the buffer; watch writable only while bytes are pending.
        net::events want = net::events::none;
        if (!c.eof && c.pending() < max_pending) want |= net::events::readable;
        if (c.pending() > 0) want |= net::events::writable;
        if (want != c.watched) {
            if (auto r = poller_.try_modify(c.socket, want, &c); !r) {
                close(c, "poller modify failed: " + r.error().message());
                return;
            }
            c.watched = want;
        }
    }

    // Reads until would-block, a short read, EOF, the per-event budget or the backpressure
    // limit. Each chunk is echoed straight from the receive buffer when nothing is queued before
    // it; only what the socket does not take is copied into the connection's buffer.
    // A short read means the socket buffer was drained: stopping there saves the recv that
    // would only say would-block (the poller is level-triggered, so bytes or an EOF that
    // arrive meanwhile are reported by the next wait).
    // Returns false if the connection failed (and is gone).
    bool read_some(connection& c) {
        std::size_t total = 0;
        while (total < max_read_per_event && c.pending() < max_pending) {
            auto n = net::try_recv(c.socket, net::buffer(chunk_));
            if (!n) {
                if (net::is_would_block(n.error())) break; // spurious or drained
                close(c, "recv failed: " + n.error().message());
                return false;
            }
            if (*n == 0) {
                c.eof = true;
                break;
            }
            std::size_t sent = 0;
            if (c.pending() == 0) {
                while (sent < *n) {
                    auto m = net::try_send(c.socket, net::buffer(chunk_.data() + sent, *n - sent));
                    if (!m) {
                        if (net::is_would_block(m.error())) break; // the rest waits in c.out
                        close(c, "send failed: " + m.error().message());
                        return false;
                    }
                    sent += *m;
                }
                c.echoed += sent;
            }
            c.out.append(chunk_.data() + sent, *n - sent);
            total += *n;
            if (*n < chunk_.size()) break; // short read: drained for now
        }
        return true;
    }

    // Sends pending output until would-block. Returns false if the connection failed.
    bool write_some(connection& c) {
        while (c.pending() > 0) {
            auto n = net::try_send(c.socket, net::buffer(c.out.data() + c.sent_to, c.pending()));
            if (!n) {
                if (net::is_would_block(n.error())) break; // the socket buffer is full: wait
                close(c, "send failed: " + n.error().message());
                return false;
            }
            c.sent_to += *n;
            c.echoed += *n;
        }
        if (c.sent_to == c.out.size()) {
            c.out.clear();
            c.sent_to = 0;
        } else if (c.sent_to >= read_chunk && c.sent_to * 2 >= c.out.size()) {
            c.out.erase(0, c.sent_to); // keep the buffer from creeping forward forever
            c.sent_to = 0;
        }
        return true;
    }

    // Stops watching (remove before close, as the poller requires) and forgets the connection.
    void close(connection& c, const std::string& outcome) {
        (void)poller_.try_remove(c.socket);
        auto it = connections_.find(&c);
        finish(c, outcome);
        if (it != connections_.end()) connections_.erase(it); // destroys c
    }

    void finish(connection& c, const std::string& outcome) {
        (void)c.socket.try_close();
        if (!opt_.quiet)
            say("connection closed: " + c.peer.to_string() + ", " + std::to_string(c.echoed) +
                " bytes echoed (" + outcome + ")");
    }

    options opt_;
    net::poller poller_;
    net::socket listener_;
    net::socket wake_reader_, wake_writer_; // the self-pipe: see on_stop_signal
    std::unordered_map<connection*, std::unique_ptr<connection>> connections_;
    std::vector<char> chunk_; // one receive buffer shared by all connections
    std::uint64_t accepted_ = 0;
    bool backing_off_ = false; // the listener is out of the poller until resume_accept_
    bool exhausted_ = false;
    clock_type::time_point resume_accept_{};
};

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "poller_echo_server: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    try {
        server s(opt);
        return s.run();
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
