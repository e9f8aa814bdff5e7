// poller_echo_server: a single-threaded TCP echo server for thousands of connections.
//
//   poller_echo_server [-H HOST] [-p PORT] [-n N] [-c N] [-i SECONDS] [-q]
//
// Step 3 of the Python socket tutorial's progression (the `selectors` version): one thread, one
// net::poller, non-blocking sockets. What a real event loop has to get right, and how:
//   - Readiness is a hint: read and accept until would-block, never assume a full buffer.
//   - Partial writes: every connection has an output buffer. The socket is watched for
//     writable only while that buffer holds bytes, otherwise it would be reported all the time.
//   - Backpressure: a client that sends but does not read would make the buffer grow without
//     limit; once 64 KiB of its echo are pending the server stops reading from it until the
//     client reads (its own sends then block: TCP flow control does the rest). A recv never
//     takes more than the room left, so a connection's buffer never exceeds 64 KiB, and with at
//     most --max-connections connections what the server buffers is bounded too: 64 KiB per
//     connection that does not read, plus one shared 64 KiB receive buffer.
//   - Out of descriptors: accept fails with too_many_files_open and the connection stays
//     queued, so accepting again at once would spin at 100 % CPU. The server
//     stops watching the listener for 100 ms (the poller timeout does the waiting) and retries.
//     Beyond --max-connections a new connection is accepted and closed at once.
//   - Idle connections (--idle-timeout): a sweep, at a quarter of the timeout, closes those
//     that have been silent that long; without the option the wait has no timeout at all.
// Prints "listening on HOST:PORT" first (port 0 picks a free port), then one line per
// connection unless --quiet. Exits after --max-clients clients have come and gone, or on
// Ctrl-C / SIGTERM: the poller's wait takes the canceller the signal handler cancels
// (examples/common.hpp), so the loop waits without a timeout and wakes at once. (A wait with a
// timeout would arm a kernel timer on every call: a few percent of the cost of a request in a
// busy server.)

#include <net/net.hpp>

#include "common.hpp"

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
    "usage: poller_echo_server [-H HOST] [-p PORT] [-n N] [-c N] [-i SECONDS] [-q]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -n, --max-clients N      accept N clients, serve them until they close, then exit\n"
    "                           (default: until Ctrl-C)\n"
    "  -c, --max-connections N  at most N connections at once; more are closed at once\n"
    "                           (default: the descriptor limit minus a reserve)\n"
    "  -i, --idle-timeout SEC   close a connection silent for SEC seconds (default: never)\n"
    "  -q, --quiet              no line per connection\n"
    "  -h, --help               this text\n";

constexpr std::size_t read_chunk = 64 * 1024;          // one recv
constexpr std::size_t max_read_per_event = 256 * 1024; // then let the other connections run
constexpr std::size_t max_pending = 64 * 1024;         // per connection; then stop reading
constexpr int max_accept_per_event = 1024;             // the listener stays readable if more wait
constexpr auto accept_backoff = 100ms;                 // after too_many_files_open

using example::usage_error;

struct options {
    net::address address;
    std::uint64_t max_clients = 0; // 0: no limit
    std::uint64_t max_connections = example::default_max_connections();
    std::chrono::seconds idle_timeout{0}; // 0: never
    bool quiet = false;
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "poller_echo_server: " << line << std::endl; }

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) o.help = true;
        else if (a.is("-H", "--host")) host = a.value();
        else if (a.is("-p", "--port")) port = static_cast<std::uint16_t>(a.number(0, 65535));
        else if (a.is("-n", "--max-clients")) o.max_clients = a.number(1, UINT64_MAX);
        else if (a.is("-c", "--max-connections")) o.max_connections = a.number(1, 10000000);
        else if (a.is("-i", "--idle-timeout")) o.idle_timeout = std::chrono::seconds(a.number(1, 86400));
        else if (a.is("-q", "--quiet")) o.quiet = true;
        else a.unknown();
    }
    o.address = example::listen_address(host, port);
    return o;
}

struct connection {
    net::socket socket;
    net::address peer;
    std::string out; // received, not yet echoed: out[sent_to, size)
    std::size_t sent_to = 0;
    std::uint64_t echoed = 0;
    bool eof = false;                // the client has finished sending
    clock_type::time_point active{}; // the last byte received (for --idle-timeout)
    net::events watched = net::events::readable;

    std::size_t pending() const noexcept { return out.size() - sent_to; }
};

class server {
public:
    explicit server(const options& opt) : opt_(opt), chunk_(read_chunk) {}

    int run() {
        net::canceller& stop = example::stop_signal();
        // socket, listener policy, bind, listen; "::" also accepts IPv4 clients
        listener_ = net::create_server(opt_.address, example::server_options_for(opt_.address));
        net::set_nonblocking(listener_);
        say("listening on " + net::local_address(listener_).to_string());
        poller_.add(listener_, net::events::readable, &listener_);
        next_sweep_ = clock_type::now() + sweep_interval();

        for (;;) {
            if (!listener_ && connections_.empty()) break; // --max-clients reached, all gone
            // No timeout, except to put the listener back after an accept back-off or for the
            // next idle sweep; the canceller (Ctrl-C) ends the wait in any case.
            auto ready = poller_.try_wait(wait_time(stop));
            if (!ready) {
                if (example::is_stop(ready.error())) break;
                throw net::error(ready.error(), "poller::wait");
            }
            for (const net::poll_event& ev : *ready) {
                if (ev.data == &listener_) accept_some();
                else serve(*static_cast<connection*>(ev.data), ev.what);
            }
            if (!backing_off_ && opt_.idle_timeout.count() == 0) continue; // no timers: no clock read
            const auto now = clock_type::now();
            if (backing_off_ && now >= resume_accept_) {
                backing_off_ = false;
                poller_.add(listener_, net::events::readable, &listener_);
            }
            if (opt_.idle_timeout.count() > 0 && now >= next_sweep_) sweep_idle(now);
        }

        if (stop.is_cancelled()) {
            while (!connections_.empty()) close(*connections_.begin()->second, "server stopping");
            say("stopped after " + std::to_string(accepted_) + " client(s)");
        } else {
            say("served " + std::to_string(accepted_) + " client(s), exiting");
        }
        return 0;
    }

private:
    std::chrono::milliseconds sweep_interval() const {
        const auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(opt_.idle_timeout) / 4;
        return std::max(quarter, std::chrono::milliseconds(100));
    }

    // What the next wait may take: the canceller alone, or with the time to the next timer.
    net::timeout wait_time(const net::canceller& stop) const {
        auto until = clock_type::time_point::max();
        if (backing_off_) until = resume_accept_;
        if (opt_.idle_timeout.count() > 0 && !connections_.empty()) until = std::min(until, next_sweep_);
        if (until == clock_type::time_point::max()) return stop;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock_type::now());
        return {std::max(left, std::chrono::milliseconds(0)), stop};
    }

    // Closes the connections that received nothing for --idle-timeout.
    void sweep_idle(clock_type::time_point now) {
        next_sweep_ = now + sweep_interval();
        for (auto it = connections_.begin(); it != connections_.end();) {
            connection& c = *(it++)->second; // close() erases c: step first
            if (now - c.active >= opt_.idle_timeout) close(c, "idle timeout");
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
                if (example::is_resource_exhaustion(ec)) {
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
            if (connections_.size() >= opt_.max_connections) { // full: close it at once
                if (!opt_.quiet)
                    say("connection refused: " + accepted->peer.to_string() + " (max connections)");
                continue; // the socket closes here
            }
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
        c->active = clock_type::now();
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
    // it; only what the socket does not take is copied into the connection's buffer. A recv
    // never takes more than the room left below max_pending, so a connection never holds more
    // than max_pending bytes: c.out is compacted before it grows and reserved once at that size.
    // A short read means the socket buffer was drained: stopping there saves the recv that
    // would only say would-block (the poller is level-triggered, so bytes or an EOF that
    // arrive meanwhile are reported by the next wait).
    // Returns false if the connection failed (and is gone).
    bool read_some(connection& c) {
        std::size_t total = 0;
        while (total < max_read_per_event && c.pending() < max_pending) {
            const std::size_t room = max_pending - c.pending();
            const std::size_t want = room < chunk_.size() ? room : chunk_.size();
            auto n = net::try_recv(c.socket, net::buffer(chunk_.data(), want));
            if (!n) {
                if (net::is_would_block(n.error())) break; // spurious or drained
                close(c, "recv failed: " + n.error().message());
                return false;
            }
            if (opt_.idle_timeout.count() > 0) c.active = clock_type::now(); // no clock read otherwise
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
            if (sent < *n) {
                if (c.sent_to > 0) { // drop what is already echoed before the buffer grows
                    c.out.erase(0, c.sent_to);
                    c.sent_to = 0;
                }
                if (c.out.capacity() < max_pending) c.out.reserve(max_pending);
                c.out.append(chunk_.data() + sent, *n - sent);
            }
            total += *n;
            if (*n < want) break; // short read: drained for now
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
            // A client that reads is not idle, even while backpressure stops the server reading.
            if (opt_.idle_timeout.count() > 0) c.active = clock_type::now();
        }
        if (c.sent_to == c.out.size()) { // all echoed (read_some compacts a partial rest)
            c.out.clear();
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
    std::unordered_map<connection*, std::unique_ptr<connection>> connections_;
    std::vector<char> chunk_; // one receive buffer shared by all connections
    std::uint64_t accepted_ = 0;
    bool backing_off_ = false; // the listener is out of the poller until resume_accept_
    bool exhausted_ = false;
    clock_type::time_point resume_accept_{};
    clock_type::time_point next_sweep_{};
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
    try {
        (void)example::stop_signal(); // Ctrl-C / SIGTERM from here on
        server s(opt);
        return s.run();
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
