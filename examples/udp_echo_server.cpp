// udp_echo_server: sends every datagram back to its sender.
//
//   udp_echo_server [-H HOST] [-p PORT] [-n N] [-b BYTES] [--batch N] [--threads N] [-v | -q]
//
// Step 3 of the Python socket tutorial's progression: no connections, just recvfrom/sendto.
// Prints "listening on HOST:PORT" first (port 0 picks a free port) and, at the end, how many
// datagrams it echoed; --verbose adds two lines per datagram, --quiet leaves out the summary
// (the "listening on" line stays: it is how a script learns the port). A datagram larger
// than the receive buffer is truncated (the rest is lost); the server says so (--verbose) and
// echoes the part it got. Stops after --max-datagrams datagrams, or at once on Ctrl-C /
// SIGTERM.
//
// Beyond the tutorial:
// - on a wildcard address (0.0.0.0, ::) each reply leaves from the address the client sent
//   to (net::recvmsg with net::receive_packet_info, then net::sendto from m.reply_source()):
//   a host with several addresses answers from the right one, as a client expects;
// - --batch N receives up to N datagrams per system call and echoes them with one
//   (net::recv_batch / net::send_batch: recvmmsg / sendmmsg on Linux), each reply from the
//   address its datagram was sent to, as above;
// - --threads N opens N sockets on the same port (net::reuse_port: the kernel spreads the
//   senders over them) and serves each on its own thread. Those receives wait on a canceller
//   (a poll whenever nothing is queued) rather than block in the kernel, see below.
//
// How it stops at once without costing anything per datagram: the loop is the
// plain one, a blocking recvfrom and a sendto, two system calls per datagram like a loop
// written on the raw API. The receive does not take the canceller of examples/common.hpp:
// with a canceller, netsock never blocks in the kernel (it tries the receive without
// blocking, then poll()s the socket and the canceller together, then receives again), four
// system calls per datagram in ping-pong, and at 64-byte datagrams that made the server 0.75x
// the raw loop in ping-pong and 0.42x with 32 in flight (and quiet, still 0.85x / 0.88x).
// Waiting with net::wait before each receive (poll, then a receive that does not wait) is
// three calls: 0.80x / 0.83x. Instead the signal handler, after cancelling, sends one empty
// datagram to the server's own address (loopback for a wildcard address;
// example::on_stop_signal), which ends the blocked receive; the loop then sees
// stop.is_cancelled() and ends. Only the flag stops the server: an empty datagram from
// anyone else is echoed like any other. A second thread that waits for the canceller and
// then sends that datagram works too, but a second thread makes every recvfrom/sendto of the
// C library dearer (its cancellation-point wrappers are cheap only in a single-threaded
// process: 2.4 % of the server's cycles under perf). What is left to the raw loop (about
// 0.97x / 0.94x, bench/RESULTS.md "UDP echo") is netsock's receive being recvmsg (to report
// truncation) where the raw loop calls recvfrom: the raw loop on recvmsg measures the same.

#include <net/net.hpp>

#include "common.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

using example::usage_error;

constexpr const char* usage_text =
    "usage: udp_echo_server [-H HOST] [-p PORT] [-n N] [-b BYTES] [--batch N] [--threads N] [-v | -q]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -n, --max-datagrams N    echo N datagrams, then exit (default: until Ctrl-C)\n"
    "  -b, --buffer-size BYTES  receive buffer; longer datagrams are truncated (default 65536)\n"
    "  -B, --batch N            receive and echo up to N datagrams per system call\n"
    "                           (recv_batch/send_batch: recvmmsg/sendmmsg on Linux; default 1)\n"
    "  -T, --threads N          N threads, each with its own socket on the same port\n"
    "                           (SO_REUSEPORT: the kernel spreads the senders; default 1)\n"
    "  -v, --verbose            a line for every datagram received and echoed\n"
    "  -q, --quiet              only the \"listening on\" line, no summary at the end\n"
    "  -h, --help               this text\n";

struct options {
    net::address address;
    std::uint64_t max_datagrams = 0; // 0: no limit
    std::size_t buffer_size = 65536; // more than the largest UDP payload (65507 over IPv4)
    std::size_t batch = 1;
    unsigned threads = 1;
    bool verbose = false;
    bool quiet = false;
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: flush each line

void warn(const std::string& line) { std::cerr << "udp_echo_server: " << line << std::endl; }

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) o.help = true;
        else if (a.is("-H", "--host")) host = a.value();
        else if (a.is("-p", "--port")) port = static_cast<std::uint16_t>(a.number(0, 65535));
        else if (a.is("-n", "--max-datagrams")) o.max_datagrams = a.number(1, UINT64_MAX);
        else if (a.is("-b", "--buffer-size")) o.buffer_size = static_cast<std::size_t>(a.number(1, 1 << 20));
        else if (a.is("-B", "--batch")) o.batch = static_cast<std::size_t>(a.number(1, 1024));
        else if (a.is("-T", "--threads")) o.threads = static_cast<unsigned>(a.number(1, 256));
        else if (a.is("-v", "--verbose")) o.verbose = true;
        else if (a.is("-q", "--quiet")) o.quiet = true;
        else a.unknown();
    }
    if (o.verbose && o.quiet) throw usage_error{"--verbose and --quiet exclude each other"};
    o.address = example::listen_address(host, port);
    return o;
}

// The address at which this host reaches a socket bound to `bound`: the loopback address of
// the same family for a wildcard (0.0.0.0, ::), else the address itself.
net::address reachable(const net::address& bound) {
    return bound.is_any() ? net::address::loopback(bound.family(), bound.port()) : bound;
}

// What the signal handler needs to wake the blocked receive of a single-threaded server: a
// socket of its own and the server's address; with --threads, the canceller the receives
// wait on. Never destroyed: a signal during exit must not find them gone.
struct wake_target {
    net::socket sock;
    net::address server;
};
std::atomic<const wake_target*> wake{nullptr};
std::atomic<net::canceller*> finish{nullptr};

// The hook of the signal handler: cancel `finish` (async-signal-safe) or send one empty
// datagram (one sendto system call, also async-signal-safe; nothing allocated; the socket is
// blocking but has never sent, so it does not wait). Should it fail, the server stops at the
// next datagram it receives.
extern "C" void wake_receiver() {
    const int saved = errno;
    if (net::canceller* c = finish.load()) c->cancel();
    if (const wake_target* w = wake.load()) (void)net::try_sendto(w->sock, net::const_buffer{}, w->server);
    errno = saved;
}

// Lines from several threads: one lock per line keeps them whole.
std::mutex output_mutex;
void say_locked(const std::string& line) {
    std::lock_guard<std::mutex> lock(output_mutex);
    say(line);
}

// The datagrams echoed by every thread, against --max-datagrams.
class tally {
public:
    explicit tally(std::uint64_t max) : max_(max) {}
    // Claims n datagrams; returns how many of them are within the limit.
    std::size_t take(std::size_t n) {
        const std::uint64_t before = count_.fetch_add(n);
        if (max_ == 0 || before + n <= max_) return n;
        return before >= max_ ? 0 : static_cast<std::size_t>(max_ - before);
    }
    bool done() const { return max_ != 0 && count_.load() >= max_; }
    std::uint64_t count() const { return count_.load() < max_ || max_ == 0 ? count_.load() : max_; }

private:
    std::atomic<std::uint64_t> count_{0};
    std::uint64_t max_;
};

// An ICMP error for an earlier reply (the client went away) must not stop the server.
bool ignorable(const std::error_code& ec) {
    return ec == std::errc::connection_refused || ec == std::errc::connection_reset;
}

void report(const options& opt, const net::address& sender, std::size_t size, bool truncated) {
    say_locked("datagram from " + sender.to_string() + ": " + std::to_string(size) + " bytes" +
               (truncated ? " (truncated: larger than the " + std::to_string(opt.buffer_size) +
                                "-byte buffer; the rest was discarded)"
                          : ""));
}

void report_sent(const options& opt, const net::address& to, const net::result<std::size_t>& sent) {
    if (!sent) warn("sendto " + to.to_string() + ": " + sent.error().message());
    else if (opt.verbose) say_locked("echoed " + std::to_string(*sent) + " bytes to " + to.to_string());
}

// How a receive waits: a single-threaded server blocks in the kernel (the signal hook wakes it
// with a datagram, see the top of the file); threads wait on the `finish` canceller.
struct waiting {
    net::timeout until = net::timeout::none();
    net::canceller* finish = nullptr; // with --threads
    const net::canceller* stop = nullptr;
    bool over() const { return stop->is_cancelled() || (finish != nullptr && finish->is_cancelled()); }
};

// One datagram per call. On a wildcard address (0.0.0.0, ::) the reply leaves from the
// address the client sent to (recvmsg with receive_packet_info, then sendto from that source):
// a client of 127.0.0.2 gets its answer from 127.0.0.2, not from the route's address.
void serve_each(const net::socket& sock, const options& opt, tally& t, const waiting& w,
                bool from_destination) {
    std::vector<char> buf(opt.buffer_size);
    while (!t.done() && !w.over()) {
        // A signal before the hook was in place is seen above; after that, the hook's datagram
        // (or the canceller) ends the receive and brings the loop back.
        if (from_destination) {
            auto got = net::try_recvmsg(sock, net::buffer(buf), w.until);
            if (w.over()) break; // the hook's datagram, or one after the signal: not echoed
            if (!got) {
                if (ignorable(got.error())) continue;
                throw net::error(got.error(), "recvmsg");
            }
            if (t.take(1) == 0) break;
            if (opt.verbose) report(opt, got->sender, got->size, got->truncated);
            report_sent(opt, got->sender,
                        net::try_sendto(sock, net::buffer(buf, got->size), got->sender, got->reply_source()));
            continue;
        }
        auto got = net::try_recvfrom(sock, net::buffer(buf), w.until);
        if (w.over()) break;
        if (!got) {
            if (ignorable(got.error())) {
                if (opt.verbose) warn("recvfrom: " + got.error().message() + " (ignored)");
                continue;
            }
            throw net::error(got.error(), "recvfrom");
        }
        if (t.take(1) == 0) break;
        const auto& [size, sender, truncated] = *got;
        if (opt.verbose) report(opt, sender, size, truncated);
        report_sent(opt, sender, net::try_sendto(sock, net::buffer(buf, size), sender));
    }
}

// Up to --batch datagrams per system call: recv_batch waits for one and takes every one
// already queued, send_batch echoes them to their senders (on a wildcard address, each from
// the address its datagram was sent to: recv_batch reports it with receive_packet_info on).
void serve_batches(const net::socket& sock, const options& opt, tally& t, const waiting& w) {
    std::vector<char> storage(opt.batch * opt.buffer_size);
    std::vector<net::datagram> batch(opt.batch);
    for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].buffer = net::buffer(storage.data() + i * opt.buffer_size, opt.buffer_size);
    while (!t.done() && !w.over()) {
        auto got = net::try_recv_batch(sock, batch.data(), batch.size(), w.until);
        if (w.over()) break;
        if (!got) {
            if (ignorable(got.error())) continue;
            throw net::error(got.error(), "recv_batch");
        }
        const std::size_t n = t.take(*got);
        if (opt.verbose)
            for (std::size_t i = 0; i < n; ++i) report(opt, batch[i].peer, batch[i].size, batch[i].truncated);
        for (std::size_t sent = 0, rounds = 0; sent < n && rounds < 2 * n; ++rounds) {
            auto r = net::try_send_batch(sock, batch.data() + sent, n - sent);
            if (!r) { // this datagram failed (e.g. no route back): skip it
                warn("send_batch to " + batch[sent].peer.to_string() + ": " + r.error().message());
                ++sent;
                continue;
            }
            if (opt.verbose)
                for (std::size_t i = sent; i < sent + *r; ++i)
                    say_locked("echoed " + std::to_string(batch[i].size) + " bytes to " +
                               batch[i].peer.to_string());
            sent += *r;
        }
        if (n < *got) break; // --max-datagrams reached
    }
}

void serve(const net::socket& sock, const options& opt, tally& t, const waiting& w, bool from_destination) {
    if (opt.batch > 1) serve_batches(sock, opt, t, w);
    else serve_each(sock, opt, t, w, from_destination);
    if (w.finish != nullptr) w.finish->cancel(); // --max-datagrams reached here: the others stop too
}

net::socket open_socket(const net::address& a, bool shared_port, bool from_destination) {
    auto sock = net::make_socket(a.family(), net::socket_type::datagram);
    if (example::server_options_for(a).dual_stack) // "::": IPv4 senders too
        net::set_option(sock, net::v6_only{false});
    if (shared_port) {
        if (auto r = net::try_set_option(sock, net::reuse_port{true}); !r)
            throw net::error(r.error(), "--threads needs SO_REUSEPORT");
    }
    if (from_destination) net::set_option(sock, net::receive_packet_info{true});
    net::bind(sock, a);
    return sock;
}

int run(const options& opt) {
    net::canceller& stop = example::stop_signal();
    // On a wildcard address, answer from the address each datagram was sent to.
    const bool from_destination = opt.address.is_any();
    std::vector<net::socket> socks;
    socks.push_back(open_socket(opt.address, opt.threads > 1, from_destination));
    const net::address local = net::local_address(socks[0]);
    for (unsigned i = 1; i < opt.threads; ++i) socks.push_back(open_socket(local, true, from_destination));
    say("listening on " + local.to_string());

    tally t(opt.max_datagrams);
    waiting w;
    w.stop = &stop;
    if (opt.threads > 1) {
        // Blocked receives on several sockets of one port cannot all be reached by a datagram
        // (the kernel picks one socket per sender): the threads wait on a canceller instead,
        // which costs a poll() whenever a receive finds nothing queued.
        w.finish = new net::canceller; // never destroyed: the signal hook may use it
        w.until = net::timeout(*w.finish);
        finish.store(w.finish);
    } else {
        wake.store(
            new wake_target{net::make_socket(local.family(), net::socket_type::datagram), reachable(local)});
    }
    example::on_stop_signal(wake_receiver);
    if (stop.is_cancelled() && w.finish != nullptr) w.finish->cancel(); // a signal before the hook

    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> failures(socks.size());
    for (std::size_t i = 1; i < socks.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                serve(socks[i], opt, t, w, from_destination);
            } catch (...) {
                failures[i] = std::current_exception();
                if (w.finish != nullptr) w.finish->cancel();
            }
        });
    try {
        serve(socks[0], opt, t, w, from_destination);
    } catch (...) {
        failures[0] = std::current_exception();
        if (w.finish != nullptr) w.finish->cancel();
    }
    for (auto& th : threads) th.join();
    for (auto& f : failures)
        if (f) std::rethrow_exception(f);

    if (opt.quiet) return 0;
    if (stop.is_cancelled()) say("stopped after " + std::to_string(t.count()) + " datagram(s)");
    else say("echoed " + std::to_string(t.count()) + " datagram(s), exiting");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "udp_echo_server: " << e.message << '\n' << usage_text;
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
