// udp_raw_mmsg_echo: the reference for batched UDP echo servers (net::recv_batch /
// net::send_batch, udp_echo_server --batch N) — the plainest batched echo loop there is, written
// directly on Linux's recvmmsg/sendmmsg (no netsock): one blocking socket; recvmmsg with
// MSG_WAITFORONE (waits for the first datagram, then takes those already queued, up to -b N);
// sendmmsg of exactly what arrived, each back to its sender, repeated until all of the batch
// went; repeat. Two system calls per batch.
//
//   udp_raw_mmsg_echo [-H HOST] [-p PORT] [-n N] [-b N]
//
// -b N: datagrams per recvmmsg (vlen; default 64, at most 1024), each into a buffer of its own
// of 65536 bytes (more than the largest UDP payload, as bench/udp_raw_echo). Prints
// "listening on HOST:PORT" (port 0, the default, picks a free port), then echoes until
// SIGINT/SIGTERM (their handler is installed without SA_RESTART, so a blocked recvmmsg returns
// EINTR and the loop ends at once) or after -n N datagrams (the last batch asks for no more
// than are left). Prints "echoed N datagram(s), exiting" at the end.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_stop(int) { stop_requested = 1; }

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "udp_raw_mmsg_echo: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "udp_raw_mmsg_echo: %s\nusage: udp_raw_mmsg_echo [-H HOST] [-p PORT] [-n N] [-b N]\n", why);
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

} // namespace

int main(int argc, char** argv) {
    const char* host = "127.0.0.1";
    unsigned long long port = 0, max = 0; // max 0: no limit
    std::size_t vlen = 64;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) usage("an option needs a value");
        if (a == "-H" || a == "--host") host = argv[++i];
        else if (a == "-p" || a == "--port") port = number(argv[++i], 0, 65535);
        else if (a == "-n" || a == "--max-datagrams") max = number(argv[++i], 1, UINT64_MAX);
        else if (a == "-b" || a == "--batch") vlen = static_cast<std::size_t>(number(argv[++i], 1, 1024));
        else usage("unknown argument");
    }

    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: a blocked recvmmsg fails with EINTR
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    sockaddr_storage addr{};
    socklen_t addr_len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<std::uint16_t>(port));
        addr_len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<std::uint16_t>(port));
        addr_len = sizeof *v6;
    } else {
        usage("--host: not a numeric address");
    }
    const int fd = ::socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0) die("bind");
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) die("getsockname");
    char text[INET6_ADDRSTRLEN] = "";
    const bool is_v4 = addr.ss_family == AF_INET;
    ::inet_ntop(addr.ss_family, is_v4 ? static_cast<void*>(&v4->sin_addr) : &v6->sin6_addr, text,
                sizeof text);
    std::printf(is_v4 ? "listening on %s:%u\n" : "listening on [%s]:%u\n", text,
                static_cast<unsigned>(ntohs(is_v4 ? v4->sin_port : v6->sin6_port)));
    std::fflush(stdout);

    // One buffer, iovec, sender and header per slot, set up once; the loop resets only what
    // the kernel changes (the sender's length) and what the echo sends (each iovec's length).
    std::vector<char> bufs(vlen * slot_bytes);
    std::vector<iovec> iov(vlen);
    std::vector<sockaddr_storage> from(vlen);
    std::vector<mmsghdr> msgs(vlen);
    for (std::size_t i = 0; i < vlen; ++i) {
        iov[i].iov_base = bufs.data() + i * slot_bytes;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    unsigned long long count = 0;
    while (!stop_requested && (max == 0 || count < max)) {
        std::size_t want = vlen;
        if (max != 0 && max - count < want) want = static_cast<std::size_t>(max - count);
        for (std::size_t i = 0; i < want; ++i) {
            iov[i].iov_len = slot_bytes;
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        const int got = ::recvmmsg(fd, msgs.data(), static_cast<unsigned>(want), MSG_WAITFORONE, nullptr);
        if (got < 0) {
            if (errno == EINTR || errno == ECONNREFUSED) continue; // the loop condition decides
            die("recvmmsg");
        }
        const auto n = static_cast<std::size_t>(got);
        // Each echo: the bytes that came, to the sender the kernel wrote into msg_name/namelen.
        for (std::size_t i = 0; i < n; ++i) iov[i].iov_len = msgs[i].msg_len;
        std::size_t sent = 0;
        // Bounded: every pass but an interrupted one sends a datagram or skips the one that
        // failed (sendmmsg fails only when the first of its datagrams does).
        while (sent < n) {
            const int r = ::sendmmsg(fd, msgs.data() + sent, static_cast<unsigned>(n - sent), 0);
            if (r > 0) {
                sent += static_cast<std::size_t>(r);
            } else if (r < 0 && errno == EINTR) {
                if (stop_requested) break;
            } else if (r < 0) {
                std::fprintf(stderr, "udp_raw_mmsg_echo: sendmmsg: %s\n", std::strerror(errno));
                ++sent;
            } else {
                break;
            }
        }
        count += n;
    }
    std::printf("echoed %llu datagram(s), exiting\n", count);
    ::close(fd);
    return 0;
}
