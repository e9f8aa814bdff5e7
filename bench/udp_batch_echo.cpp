// udp_batch_echo: netsock's batch path and nothing else — net::recv_batch into N slots, then
// net::send_batch of what arrived, each back to its sender — measured by bench/udp.sh against
// bench/udp_raw_mmsg_echo (the same loop on raw recvmmsg/sendmmsg). udp_echo_server --batch N
// does the same with the example's extras (verbose output, dual stack, its stop canceller);
// this is the library call alone.
//
//   udp_batch_echo [-H HOST] [-p PORT] [-n N] [-b N]
//
// -b N: slots per recv_batch (default 64, at most 1024), each a buffer of 65536 bytes (as
// bench/udp_raw_mmsg_echo). Prints "listening on HOST:PORT" (port 0, the default, picks a free
// port), then echoes until SIGINT/SIGTERM or after -n N datagrams (the last batch asks for no
// more than are left), and prints "echoed N datagram(s), exiting".
//
// Stopping: the receive blocks in the kernel (no canceller: with one, netsock polls first, an
// extra system call per batch), and netsock retries a receive that a signal interrupted. So
// the signal handler sets the stop flag and then sends one empty datagram to the server's own
// address from a socket of its own (one sendto, async-signal-safe), as examples/udp_echo_server
// does; that ends the blocked receive, and the flag, checked after each batch, ends the loop
// (the batch that held the wake-up is not echoed).

#include <net/net.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <vector>

namespace {

std::atomic<bool> stop_requested{false};

// What the handler needs to wake the blocked receive. Never destroyed: a signal during exit
// must not find it gone.
struct wake_target {
    net::socket sock;
    net::address server;
};
std::atomic<const wake_target*> wake{nullptr};

extern "C" void on_stop(int) {
    const int saved = errno;
    stop_requested.store(true);
    if (const wake_target* w = wake.load()) (void)net::try_sendto(w->sock, net::const_buffer{}, w->server);
    errno = saved;
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "udp_batch_echo: %s\nusage: udp_batch_echo [-H HOST] [-p PORT] [-n N] [-b N]\n",
                 why);
    std::exit(2);
}

unsigned long long number(const char* text, unsigned long long min, unsigned long long max) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (*text == '\0' || *text == '-' || *end != '\0' || errno != 0 || v < min || v > max)
        usage("bad number");
    return v;
}

constexpr std::size_t slot_bytes = 65536;

bool ignorable(const std::error_code& ec) { // an ICMP error for an earlier echo
    return ec == std::errc::connection_refused || ec == std::errc::connection_reset;
}

int run(const net::address& listen, unsigned long long max, std::size_t slots) {
    auto sock = net::make_socket(listen.family(), net::socket_type::datagram);
    net::bind(sock, listen);
    const net::address local = net::local_address(sock);
    std::printf("listening on %s\n", local.to_string().c_str());
    std::fflush(stdout);

    std::vector<char> bufs(slots * slot_bytes);
    std::vector<net::datagram> batch(slots);
    for (std::size_t i = 0; i < slots; ++i)
        batch[i].buffer = net::mutable_buffer(bufs.data() + i * slot_bytes, slot_bytes);

    const net::address reach = local.is_any() ? net::address::loopback(local.family(), local.port()) : local;
    wake.store(new wake_target{net::make_socket(local.family(), net::socket_type::datagram), reach});
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    unsigned long long count = 0;
    while (!stop_requested.load() && (max == 0 || count < max)) {
        std::size_t want = slots;
        if (max != 0 && max - count < want) want = static_cast<std::size_t>(max - count);
        auto got = net::try_recv_batch(sock, batch.data(), want); // blocks: no canceller (see top)
        if (stop_requested.load()) break; // the wake-up (or a batch after the signal): not echoed
        if (!got) {
            if (ignorable(got.error())) continue;
            throw std::system_error(got.error(), "recv_batch");
        }
        const std::size_t n = *got;
        // Bounded: every pass sends at least one datagram or skips the one that failed.
        for (std::size_t sent = 0; sent < n;) {
            auto r = net::try_send_batch(sock, batch.data() + sent, n - sent);
            if (r) {
                sent += *r;
            } else {
                std::fprintf(stderr, "udp_batch_echo: send_batch: %s\n", r.error().message().c_str());
                ++sent;
            }
        }
        count += n;
    }
    std::printf("echoed %llu datagram(s), exiting\n", count);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    unsigned long long port = 0, max = 0; // max 0: no limit
    std::size_t slots = 64;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) usage("an option needs a value");
        if (a == "-H" || a == "--host") host = argv[++i];
        else if (a == "-p" || a == "--port") port = number(argv[++i], 0, 65535);
        else if (a == "-n" || a == "--max-datagrams") max = number(argv[++i], 1, UINT64_MAX);
        else if (a == "-b" || a == "--batch") slots = static_cast<std::size_t>(number(argv[++i], 1, 1024));
        else usage("unknown argument");
    }
    auto listen = net::address::try_parse(host, static_cast<std::uint16_t>(port));
    if (!listen) usage("--host: not a numeric address");
    try {
        return run(*listen, max, slots);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "udp_batch_echo: %s\n", e.what());
        return 1;
    }
}
