// raw_epoll_echo: the reference for examples/poller_echo_server — a single-threaded TCP echo
// server written directly on epoll (no netsock), the way a careful hand-written one looks:
// level-triggered, non-blocking sockets, one recv of up to 64 KiB per readable event echoed
// straight back from the shared buffer, only the unsent rest kept per connection (then
// EPOLLOUT until it drains), reading paused above 1 MiB pending (backpressure), accept until
// EAGAIN, shutdown(SHUT_WR) after the client's EOF once everything is echoed.
//
//   raw_epoll_echo [--port N]      prints "listening on 127.0.0.1:PORT", runs until killed

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t chunk = 64 * 1024;
constexpr std::size_t max_pending = 1024 * 1024;

struct conn {
    int fd = -1;
    std::string out; // unsent bytes: out[sent_to, size)
    std::size_t sent_to = 0;
    bool eof = false;
    std::uint32_t watched = EPOLLIN;
    std::size_t pending() const { return out.size() - sent_to; }
};

int ep = -1;

void close_conn(conn* c) {
    ::epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
    ::close(c->fd);
    delete c;
}

// Sends as much of [p, p+n) as the socket takes. Returns the count, or -1 on error.
ssize_t send_some(int fd, const char* p, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const ssize_t m = ::send(fd, p + done, n - done, MSG_NOSIGNAL);
        if (m < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return -1;
        }
        done += static_cast<std::size_t>(m);
    }
    return static_cast<ssize_t>(done);
}

void on_event(conn* c, std::uint32_t events, char* buf) {
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && !c->eof && c->pending() < max_pending) {
        const ssize_t n = ::recv(c->fd, buf, chunk, 0);
        if (n > 0) {
            std::size_t sent = 0;
            if (c->pending() == 0) {
                const ssize_t m = send_some(c->fd, buf, static_cast<std::size_t>(n));
                if (m < 0) return close_conn(c);
                sent = static_cast<std::size_t>(m);
            }
            c->out.append(buf + sent, static_cast<std::size_t>(n) - sent);
        } else if (n == 0) {
            c->eof = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return close_conn(c);
        }
    }
    if (c->pending() > 0 && (events & EPOLLOUT)) {
        const ssize_t m = send_some(c->fd, c->out.data() + c->sent_to, c->pending());
        if (m < 0) return close_conn(c);
        c->sent_to += static_cast<std::size_t>(m);
    }
    if (c->pending() == 0) {
        c->out.clear();
        c->sent_to = 0;
    }
    if (c->eof && c->pending() == 0) {
        ::shutdown(c->fd, SHUT_WR);
        return close_conn(c);
    }
    std::uint32_t want = 0;
    if (!c->eof && c->pending() < max_pending) want |= EPOLLIN | EPOLLRDHUP;
    if (c->pending() > 0) want |= EPOLLOUT;
    if (want != c->watched) {
        ::epoll_event ev{};
        ev.events = want;
        ev.data.ptr = c;
        ::epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->watched = want;
    }
}

} // namespace

int main(int argc, char** argv) {
    int port = 0;
    if (argc == 3 && std::strcmp(argv[1], "--port") == 0) port = std::atoi(argv[2]);
    else if (argc != 1) {
        std::fprintf(stderr, "usage: raw_epoll_echo [--port N]\n");
        return 2;
    }
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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
        std::perror("raw_epoll_echo: listen");
        return 1;
    }
    ep = ::epoll_create1(EPOLL_CLOEXEC);
    ::epoll_event lev{};
    lev.events = EPOLLIN;
    lev.data.ptr = nullptr; // nullptr: the listener
    ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
    std::printf("listening on 127.0.0.1:%u\n", ntohs(sin.sin_port));
    std::fflush(stdout);

    std::vector<char> buf(chunk);
    ::epoll_event events[256];
    for (;;) {
        const int n = ::epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.ptr != nullptr) {
                on_event(static_cast<conn*>(events[i].data.ptr), events[i].events, buf.data());
                continue;
            }
            for (int k = 0; k < 1024; ++k) { // accept until EAGAIN (bounded)
                const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) {
                    if (errno == EMFILE || errno == ENFILE) { // back off, never spin
                        ::epoll_ctl(ep, EPOLL_CTL_DEL, listener, nullptr);
                        ::usleep(100000);
                        ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
                    }
                    break;
                }
                auto* c = new conn;
                c->fd = fd;
                ::epoll_event ev{};
                ev.events = EPOLLIN | EPOLLRDHUP;
                ev.data.ptr = c;
                ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            }
        }
    }
}
