// udp_echo_server: sends every datagram back to its sender.
//
//   udp_echo_server [-H HOST] [-p PORT] [-n N] [-b BYTES] [-v | -q]
//
// Step 3 of the Python socket tutorial's progression: no connections, just recvfrom/sendto.
// Prints "listening on HOST:PORT" first (port 0 picks a free port) and, at the end, how many
// datagrams it echoed; --verbose adds two lines per datagram, --quiet leaves out the summary
// (the "listening on" line stays: it is how a script learns the port). A datagram larger
// than the receive buffer is truncated (the rest is lost); the server says so (--verbose) and
// echoes the part it got. Stops after --max-datagrams datagrams, or at once on Ctrl-C /
// SIGTERM.
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
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

using example::usage_error;

constexpr const char* usage_text =
    "usage: udp_echo_server [-H HOST] [-p PORT] [-n N] [-b BYTES] [-v | -q]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -n, --max-datagrams N    echo N datagrams, then exit (default: until Ctrl-C)\n"
    "  -b, --buffer-size BYTES  receive buffer; longer datagrams are truncated (default 65536)\n"
    "  -v, --verbose            a line for every datagram received and echoed\n"
    "  -q, --quiet              only the \"listening on\" line, no summary at the end\n"
    "  -h, --help               this text\n";

struct options {
    net::address address;
    std::uint64_t max_datagrams = 0; // 0: no limit
    std::size_t buffer_size = 65536; // more than the largest UDP payload (65507 over IPv4)
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

// What the signal handler needs to wake the blocked receive of run(): a socket of its own and
// the server's address. Never destroyed: a signal during exit must not find it gone.
struct wake_target {
    net::socket sock;
    net::address server;
};
std::atomic<const wake_target*> wake{nullptr};

// The hook of the signal handler: one sendto of an empty datagram (one system call, which is
// async-signal-safe; nothing allocated; the socket is blocking but has never sent, so it does
// not wait). Should it fail, the server stops at the next datagram it receives.
extern "C" void wake_receiver() {
    const int saved = errno;
    if (const wake_target* w = wake.load()) (void)net::try_sendto(w->sock, net::const_buffer{}, w->server);
    errno = saved;
}

int run(const options& opt) {
    net::canceller& stop = example::stop_signal();
    auto sock = net::make_socket(opt.address.family(), net::socket_type::datagram);
    if (example::server_options_for(opt.address).dual_stack) // "::": IPv4 senders too
        net::set_option(sock, net::v6_only{false});
    net::bind(sock, opt.address);
    const net::address local = net::local_address(sock);
    say("listening on " + local.to_string());

    std::vector<char> buf(opt.buffer_size);
    std::uint64_t count = 0;
    bool stopped = false;
    wake.store(
        new wake_target{net::make_socket(local.family(), net::socket_type::datagram), reachable(local)});
    example::on_stop_signal(wake_receiver);
    for (;;) {
        if (opt.max_datagrams != 0 && count >= opt.max_datagrams) break;
        // A signal before the hook was in place is seen here; after that, the hook's datagram
        // ends the receive and brings the loop back here.
        if ((stopped = stop.is_cancelled())) break;
        auto got = net::try_recvfrom(sock, net::buffer(buf)); // blocks: no canceller (see top)
        if (stop.is_cancelled()) continue; // the hook's datagram, or one after the signal: not echoed
        if (!got) {
            const auto ec = got.error();
            // An ICMP error for an earlier reply (the client went away) must not stop the server.
            if (ec == std::errc::connection_refused || ec == std::errc::connection_reset) {
                if (opt.verbose) warn("recvfrom: " + ec.message() + " (ignored)");
                continue;
            }
            throw net::error(ec, "recvfrom");
        }
        ++count;
        const auto& [size, sender, truncated] = *got;
        if (opt.verbose)
            say("datagram from " + sender.to_string() + ": " + std::to_string(size) + " bytes" +
                (truncated ? " (truncated: larger than the " + std::to_string(buf.size()) +
                                 "-byte buffer; the rest was discarded)"
                           : ""));
        if (auto sent = net::try_sendto(sock, net::buffer(buf, size), sender); !sent)
            warn("sendto " + sender.to_string() + ": " + sent.error().message());
        else if (opt.verbose) say("echoed " + std::to_string(*sent) + " bytes to " + sender.to_string());
    }
    if (opt.quiet) return 0;
    if (stopped) say("stopped after " + std::to_string(count) + " datagram(s)");
    else say("echoed " + std::to_string(count) + " datagram(s), exiting");
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
