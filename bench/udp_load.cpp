// udp_load: a load generator for UDP echo servers (examples/udp_echo_server, bench/udp_raw_echo,
// bench/udp_echo.py). Loopback benchmarks only. Raw POSIX sockets, so that the load tool costs
// less per datagram than the servers it measures (see "Cost" below).
//
//   udp_load -p PORT [-H HOST] [-m pingpong|flood] [-c CLIENTS] [-w WINDOW] [-s SIZE]
//            [-d SECONDS] [-n COUNT] [--loss-ms MS]
//
// Modes (every loop is bounded in time by --duration and in count by --count):
//   pingpong  N clients (default 1, one thread and one socket each), each with one datagram in
//             flight: send, wait for its echo, send the next.
//   flood     one socket keeping a window of W datagrams (default 32) in flight, refilled as
//             the echoes come back.
// Every datagram (S bytes, default 64, at least 16) carries its sequence number and client id
// in its first 16 bytes and bytes derived from both after them; every echo is compared in
// full. An echo that does not come within --loss-ms (default 200) counts as lost and its slot
// is refilled, so a lost datagram never hangs the run; the echoes come back in order on
// loopback, so in flood an echo that skips sequence numbers marks the skipped ones lost at
// once. Echoes of datagrams already counted lost are "late" (counted, otherwise ignored).
// --count N stops sending after N datagrams in all (then waits for the echoes in flight).
//
// Cost: in flood mode on Linux the echoes in the socket are taken with one recvmmsg() and the
// window refilled with one sendmmsg(), so the tool makes far fewer system calls per datagram
// than a server's recvfrom + sendto; ping-pong is symmetric by nature (send + recv per round
// trip on each side).
//
// Prints one line, `udp_load key=value ...`: sent, received, lost, late, seconds (first send to
// last echo), datagrams_per_s (echoes received per second) and cpu_s (the CPU time this process
// used, user + system, all threads: what the load itself cost), then ok=1 (exit code 0), or
// ok=0 and error="..." (exit code 1: a wrong echo, no echo at all, a socket error);
// exit code 2 for bad arguments.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr const char* usage_text =
    "usage: udp_load -p PORT [-H HOST] [-m pingpong|flood] [-c CLIENTS] [-w WINDOW]\n"
    "                [-s SIZE] [-d SECONDS] [-n COUNT] [--loss-ms MS]\n"
    "  -H, --host HOST      the server, a numeric address (default 127.0.0.1)\n"
    "  -p, --port N         its port (required)\n"
    "  -m, --mode MODE      pingpong (one datagram in flight per client, default) or flood\n"
    "  -c, --clients N      pingpong: clients, one thread and socket each (default 1)\n"
    "  -w, --window W       flood: datagrams in flight (default 32, at most 1024)\n"
    "  -s, --size BYTES     payload size, 16-65507 (default 64)\n"
    "  -d, --duration SEC   stop sending after SEC seconds (default 2)\n"
    "  -n, --count N        stop sending after N datagrams in all (default: no limit)\n"
    "      --loss-ms MS     an echo not back within MS ms is lost (default 200)\n";

constexpr std::size_t max_window = 1024;
constexpr std::size_t header = 16; // sequence number, client id

struct options {
    sockaddr_storage server{};
    socklen_t server_len = 0;
    bool flood = false;
    unsigned clients = 1;
    std::size_t window = 32;
    std::size_t size = 64;
    double duration = 2.0;
    std::uint64_t count = 0; // 0: no limit
    int loss_ms = 200;
};

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr, "udp_load: %s\n%s", why.c_str(), usage_text);
    std::exit(2);
}

double parse_double(const std::string& option, const char* text, double min, double max) {
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !(v >= min) || !(v <= max))
        usage(option + ": expected a number from " + std::to_string(min) + " to " + std::to_string(max));
    return v;
}

std::uint64_t parse_uint(const std::string& option, const char* text, std::uint64_t min, std::uint64_t max) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (*text == '\0' || *text == '-' || *end != '\0' || errno != 0 || v < min || v > max)
        usage(option + ": expected a whole number from " + std::to_string(min) + " to " +
              std::to_string(max));
    return v;
}

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint64_t port = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(usage_text, stdout);
            std::exit(0);
        }
        if (i + 1 >= argc) usage(a + " needs a value");
        const char* v = argv[++i];
        if (a == "-H" || a == "--host") host = v;
        else if (a == "-p" || a == "--port") port = parse_uint(a, v, 1, 65535);
        else if (a == "-m" || a == "--mode") {
            const std::string m = v;
            if (m == "flood") o.flood = true;
            else if (m != "pingpong") usage("--mode: expected pingpong or flood");
        } else if (a == "-c" || a == "--clients") o.clients = static_cast<unsigned>(parse_uint(a, v, 1, 64));
        else if (a == "-w" || a == "--window") o.window = parse_uint(a, v, 1, max_window);
        else if (a == "-s" || a == "--size") o.size = parse_uint(a, v, header, 65507);
        else if (a == "-d" || a == "--duration") o.duration = parse_double(a, v, 0.01, 3600);
        else if (a == "-n" || a == "--count") o.count = parse_uint(a, v, 1, 1'000'000'000'000);
        else if (a == "--loss-ms") o.loss_ms = static_cast<int>(parse_uint(a, v, 1, 60'000));
        else usage("unknown argument '" + a + "'");
    }
    if (port == 0) usage("--port is required");
    auto* v4 = reinterpret_cast<sockaddr_in*>(&o.server);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&o.server);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<std::uint16_t>(port));
        o.server_len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<std::uint16_t>(port));
        o.server_len = sizeof *v6;
    } else {
        usage("--host: '" + host + "' is not a numeric IP address");
    }
    return o;
}

struct failure {
    std::string message;
};

[[noreturn]] void fail(const std::string& what) { throw failure{what}; }
[[noreturn]] void fail_errno(const std::string& what) { fail(what + ": " + std::strerror(errno)); }

// Datagram `seq` of client `id`: the header, then a cheap pseudo-random stream of both.
void fill(std::uint64_t id, std::uint64_t seq, unsigned char* out, std::size_t size) {
    std::memcpy(out, &seq, 8);
    std::memcpy(out + 8, &id, 8);
    std::uint64_t x = (id << 40) ^ seq ^ 0x9e3779b97f4a7c15ull;
    for (std::size_t i = header; i < size; i += 8) {
        x += 0x9e3779b97f4a7c15ull; // splitmix64
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        std::memcpy(out + i, &z, std::min<std::size_t>(8, size - i));
    }
}

// The sequence number of an echo after checking all of it against what was sent.
std::uint64_t check(std::uint64_t id, const unsigned char* got, std::size_t n, std::size_t size,
                    unsigned char* scratch) {
    if (n != size) fail("echo of " + std::to_string(n) + " bytes, expected " + std::to_string(size));
    std::uint64_t seq = 0;
    std::memcpy(&seq, got, 8);
    fill(id, seq, scratch, size);
    if (std::memcmp(got, scratch, size) != 0)
        fail("wrong echo payload (sequence " + std::to_string(seq) + ")");
    return seq;
}

// A UDP socket connected to the server (only its datagrams arrive), receives time out.
int open_socket(const options& o) {
    const int fd = ::socket(o.server.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail_errno("socket");
    timeval tv{};
    tv.tv_sec = o.loss_ms / 1000;
    tv.tv_usec = (o.loss_ms % 1000) * 1000;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) fail_errno("SO_RCVTIMEO");
    const int buf = 1 << 20;
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf); // best effort
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&o.server), o.server_len) != 0) fail_errno("connect");
    return fd;
}

struct tally {
    std::uint64_t sent = 0, received = 0, lost = 0, late = 0;
    clock_type::time_point last{};
    std::string error;
};

bool is_timeout(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

// --- pingpong ---------------------------------------------------------------------------------

void pingpong_client(const options& o, std::uint64_t id, std::uint64_t limit, clock_type::time_point stop,
                     tally& t) {
    try {
        const int fd = open_socket(o);
        std::vector<unsigned char> out(o.size), in(o.size + 1), scratch(o.size);
        std::uint64_t seq = 0;
        while ((limit == 0 || seq < limit) && clock_type::now() < stop) {
            fill(id, seq, out.data(), o.size);
            if (::send(fd, out.data(), o.size, 0) < 0) {
                if (errno == EINTR) continue;
                fail_errno("send");
            }
            ++t.sent;
            for (int guard = 0; guard < 1'000'000; ++guard) { // bounded: late echoes are skipped
                const ssize_t n = ::recv(fd, in.data(), in.size(), 0);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    if (is_timeout(errno)) {
                        ++t.lost;
                        break;
                    }
                    fail_errno("recv");
                }
                const std::uint64_t s =
                    check(id, in.data(), static_cast<std::size_t>(n), o.size, scratch.data());
                if (s < seq) {
                    ++t.late;
                    continue;
                }
                if (s != seq) fail("echo of a datagram never sent (sequence " + std::to_string(s) + ")");
                ++t.received;
                t.last = clock_type::now();
                break;
            }
            ++seq;
        }
        ::close(fd);
    } catch (const failure& f) {
        t.error = f.message;
    }
}

// --- flood ------------------------------------------------------------------------------------

class flood {
public:
    flood(const options& o, clock_type::time_point stop, tally& t)
        : o_(o), stop_(stop), t_(t), fd_(open_socket(o)), out_(o.window * o.size),
          in_(o.window * (o.size + 1)), scratch_(o.size) {}
    ~flood() { ::close(fd_); }

    void run() {
        bool sending = true;
        // Bounded: every pass receives at least one echo or declares the window lost (one
        // --loss-ms wait), and sending stops at --duration or --count.
        for (;;) {
            if (sending && (clock_type::now() >= stop_ || (o_.count != 0 && next_ >= o_.count)))
                sending = false;
            if (sending) refill();
            if (next_ == oldest_) break; // nothing in flight
            receive();
        }
    }

private:
    void refill() {
        std::size_t k = 0;
        while (next_ - oldest_ + k < o_.window && (o_.count == 0 || next_ + k < o_.count)) {
            fill(0, next_ + k, out_.data() + k * o_.size, o_.size);
            ++k;
        }
        if (k == 0) return;
#if defined(__linux__)
        mmsghdr msgs[max_window];
        iovec iov[max_window];
        std::memset(msgs, 0, k * sizeof msgs[0]);
        for (std::size_t i = 0; i < k; ++i) {
            iov[i].iov_base = out_.data() + i * o_.size;
            iov[i].iov_len = o_.size;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        std::size_t done = 0;
        for (int guard = 0; done < k && guard < 1000; ++guard) {
            const int n = ::sendmmsg(fd_, msgs + done, static_cast<unsigned>(k - done), 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail_errno("sendmmsg");
            }
            done += static_cast<std::size_t>(n);
        }
        if (done < k) fail("sendmmsg made no progress");
#else
        for (std::size_t i = 0; i < k; ++i) {
            while (::send(fd_, out_.data() + i * o_.size, o_.size, 0) < 0)
                if (errno != EINTR) fail_errno("send");
        }
#endif
        next_ += k;
        t_.sent += k;
    }

    // Takes the echoes waiting (at least one, or a timeout that loses the whole window).
    void receive() {
        const std::size_t cap = o_.size + 1;
        const std::size_t want = next_ - oldest_;
        std::size_t got = 0;
        std::size_t len[max_window];
#if defined(__linux__)
        mmsghdr msgs[max_window];
        iovec iov[max_window];
        std::memset(msgs, 0, want * sizeof msgs[0]);
        for (std::size_t i = 0; i < want; ++i) {
            iov[i].iov_base = in_.data() + i * cap;
            iov[i].iov_len = cap;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        for (int guard = 0; guard < 1000; ++guard) {
            // SO_RCVTIMEO bounds the wait for the first; MSG_WAITFORONE takes the rest waiting.
            const int n = ::recvmmsg(fd_, msgs, static_cast<unsigned>(want), MSG_WAITFORONE, nullptr);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (is_timeout(errno)) break;
                fail_errno("recvmmsg");
            }
            got = static_cast<std::size_t>(n);
            for (std::size_t i = 0; i < got; ++i) len[i] = msgs[i].msg_len;
            break;
        }
#else
        for (int guard = 0; got < want && guard < 1000; ++guard) {
            const ssize_t n = ::recv(fd_, in_.data() + got * cap, cap, got == 0 ? 0 : MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (is_timeout(errno)) break;
                fail_errno("recv");
            }
            len[got++] = static_cast<std::size_t>(n);
        }
#endif
        if (got == 0) { // nothing within --loss-ms: the whole window is lost
            t_.lost += next_ - oldest_;
            oldest_ = next_;
            return;
        }
        for (std::size_t i = 0; i < got; ++i) {
            const std::uint64_t s = check(0, in_.data() + i * cap, len[i], o_.size, scratch_.data());
            if (s < oldest_) {
                ++t_.late;
                continue;
            }
            if (s >= next_) fail("echo of a datagram never sent (sequence " + std::to_string(s) + ")");
            t_.lost += s - oldest_; // echoes come back in order: the ones skipped are lost
            oldest_ = s + 1;
            ++t_.received;
        }
        t_.last = clock_type::now();
    }

    const options& o_;
    clock_type::time_point stop_;
    tally& t_;
    int fd_;
    std::vector<unsigned char> out_, in_, scratch_;
    std::uint64_t next_ = 0;   // the next sequence number to send
    std::uint64_t oldest_ = 0; // the oldest one in flight: [oldest_, next_) are in flight
};

} // namespace

int main(int argc, char** argv) {
    const options o = parse_args(argc, argv);
    const char* mode = o.flood ? "flood" : "pingpong";
    tally total;
    const auto t0 = clock_type::now();
    const auto stop =
        t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.duration));
    total.last = t0;
    std::string error;
    if (o.flood) {
        try {
            flood f(o, stop, total);
            f.run();
        } catch (const failure& e) {
            error = e.message;
        }
    } else {
        std::vector<tally> per(o.clients);
        std::vector<std::thread> threads;
        for (unsigned i = 0; i < o.clients; ++i) {
            std::uint64_t limit = 0;
            if (o.count != 0) limit = o.count / o.clients + (i < o.count % o.clients ? 1 : 0);
            if (o.count != 0 && limit == 0) continue;
            per[i].last = t0;
            threads.emplace_back(pingpong_client, std::cref(o), std::uint64_t{i}, limit, stop,
                                 std::ref(per[i]));
        }
        for (auto& th : threads) th.join();
        for (const auto& p : per) {
            total.sent += p.sent;
            total.received += p.received;
            total.lost += p.lost;
            total.late += p.late;
            total.last = std::max(total.last, p.last);
            if (error.empty() && !p.error.empty()) error = p.error;
        }
    }
    if (error.empty() && total.received == 0) error = "no echo received";
    const double secs = std::chrono::duration<double>(total.last - t0).count();
    rusage usage{};
    (void)::getrusage(RUSAGE_SELF, &usage);
    const auto seconds_of = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
    };
    const double cpu = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    std::printf("udp_load mode=%s clients=%u window=%zu size=%zu sent=%" PRIu64 " received=%" PRIu64
                " lost=%" PRIu64 " late=%" PRIu64 " seconds=%.4f datagrams_per_s=%.1f cpu_s=%.4f ok=%d",
                mode, o.flood ? 1u : o.clients, o.flood ? o.window : std::size_t{1}, o.size, total.sent,
                total.received, total.lost, total.late, secs,
                secs > 0 ? static_cast<double>(total.received) / secs : 0.0, cpu, error.empty() ? 1 : 0);
    if (!error.empty()) std::printf(" error=\"%s\"", error.c_str());
    std::printf("\n");
    return error.empty() ? 0 : 1;
}
