// raw_threaded_echo: the reference for examples/threaded_echo_server — a blocking TCP echo
// server with one thread per connection, written directly on POSIX sockets (no netsock).
//
//   raw_threaded_echo [--port N]      prints "listening on 127.0.0.1:PORT", runs until killed
//
// What a careful hand-written version does: SOCK_CLOEXEC/accept4, MSG_NOSIGNAL, EINTR retried,
// a 64 KiB buffer on each thread's stack, shutdown(SHUT_WR) after the client's EOF.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

void serve(int fd) {
    char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        ssize_t done = 0;
        while (done < n) {
            const ssize_t m = ::send(fd, buf + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
            if (m < 0) {
                if (errno == EINTR) continue;
                ::close(fd);
                return;
            }
            done += m;
        }
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

// The raw equivalents of what netsock does for every socket: close-on-exec atomically where
// the OS can (Linux, BSD), else with a second call (macOS has no SOCK_CLOEXEC nor accept4).
#if defined(SOCK_CLOEXEC)
int raw_socket() { return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); }
int raw_accept(int listener) { return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC); }
#else
int cloexec(int fd) {
    if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}
int raw_socket() { return cloexec(::socket(AF_INET, SOCK_STREAM, 0)); }
int raw_accept(int listener) { return cloexec(::accept(listener, nullptr, nullptr)); }
#endif

} // namespace

int main(int argc, char** argv) {
    int port = 0;
    if (argc == 3 && std::strcmp(argv[1], "--port") == 0) port = std::atoi(argv[2]);
    else if (argc != 1) {
        std::fprintf(stderr, "usage: raw_threaded_echo [--port N]\n");
        return 2;
    }
    const int listener = raw_socket();
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<std::uint16_t>(port));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    if (listener < 0 || ::bind(listener, reinterpret_cast<::sockaddr*>(&sin), sizeof sin) != 0 ||
        ::listen(listener, SOMAXCONN) != 0 ||
        ::getsockname(listener, reinterpret_cast<::sockaddr*>(&sin), &len) != 0) {
        std::perror("raw_threaded_echo: listen");
        return 1;
    }
    std::printf("listening on 127.0.0.1:%u\n", ntohs(sin.sin_port));
    std::fflush(stdout);
    for (;;) {
        const int fd = raw_accept(listener);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) ::usleep(100000); // back off, never spin
            continue;
        }
        std::thread(serve, fd).detach();
    }
}
