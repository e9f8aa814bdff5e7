// udp_raw_echo: the reference for examples/udp_echo_server — the plainest UDP echo loop there
// is, written directly on POSIX sockets (no netsock): one blocking socket, recvfrom, sendto,
// repeat. Two system calls per datagram; nothing to wait for but the datagram itself.
//
//   udp_raw_echo [-H HOST] [-p PORT] [-n N]
//
// Prints "listening on HOST:PORT" (port 0, the default, picks a free port), then echoes until
// SIGINT/SIGTERM (their handler is installed without SA_RESTART, so a blocked recvfrom returns
// EINTR and the loop ends at once) or after -n N datagrams. Prints
// "echoed N datagram(s), exiting" at the end.

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

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_stop(int) { stop_requested = 1; }

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "udp_raw_echo: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "udp_raw_echo: %s\nusage: udp_raw_echo [-H HOST] [-p PORT] [-n N]\n", why);
    std::exit(2);
}

unsigned long long number(const char* text, unsigned long long max) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v > max) usage("bad number");
    return v;
}

} // namespace

int main(int argc, char** argv) {
    const char* host = "127.0.0.1";
    unsigned long long port = 0, max = 0; // max 0: no limit
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) usage("an option needs a value");
        if (a == "-H" || a == "--host") host = argv[++i];
        else if (a == "-p" || a == "--port") port = number(argv[++i], 65535);
        else if (a == "-n" || a == "--max-datagrams") max = number(argv[++i], UINT64_MAX);
        else usage("unknown argument");
    }

    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: a blocked recvfrom fails with EINTR
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

    static char buf[65536];
    unsigned long long count = 0;
    while (!stop_requested && (max == 0 || count < max)) {
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) {
            if (errno == EINTR || errno == ECONNREFUSED) continue; // the loop condition decides
            die("recvfrom");
        }
        if (::sendto(fd, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), from_len) <
                0 &&
            errno != EINTR)
            std::fprintf(stderr, "udp_raw_echo: sendto: %s\n", std::strerror(errno));
        ++count;
    }
    std::printf("echoed %llu datagram(s), exiting\n", count);
    ::close(fd);
    return 0;
}
