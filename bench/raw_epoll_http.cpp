// raw_epoll_http: the reference for examples/http_server — a single-threaded "hello"-style
// HTTP/1.1 server written directly on epoll (no netsock) that answers every GET with one small
// file read into memory at start-up, with the headers examples/http_server sends (Server, Date,
// Content-Type, Content-Length; the Date refreshed once a second). Level-triggered, non-blocking, keep-alive
// and pipelining (every complete request in the buffer is answered, the responses go out in one send),
// "Connection: close" and HTTP/1.0 honoured, 400 for garbage, 405 for other methods.
//
//   raw_epoll_http --file PATH [--port N] [--content-type TYPE]
//       prints "listening on 127.0.0.1:PORT", runs until killed

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t chunk = 16 * 1024;
constexpr std::size_t max_request = 64 * 1024;

struct conn {
    int fd = -1;
    std::string in;  // received, not yet parsed
    std::string out; // responses not yet sent: out[sent_to, size)
    std::size_t sent_to = 0;
    bool closing = false; // close once out is sent
    std::uint32_t watched = EPOLLIN;
};

int ep = -1;
std::string body, content_type;
std::string ok_response, head_response; // rebuilt when the second (the Date header) changes
std::time_t response_time = -1;

void refresh_responses() {
    const std::time_t now = std::time(nullptr);
    if (now == response_time) return;
    response_time = now;
    char date[64] = "";
    if (const std::tm* tm = std::gmtime(&now))
        date[std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", tm)] = '\0';
    head_response = "HTTP/1.1 200 OK\r\nServer: raw_epoll_http\r\nDate: " + std::string(date) +
                    "\r\nContent-Type: " + content_type +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    ok_response = head_response + body;
}
const std::string bad_request = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const std::string bad_method =
    "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

void close_conn(conn* c) {
    ::epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
    ::close(c->fd);
    delete c;
}

bool has_token(std::string_view headers, std::string_view name, std::string_view token) {
    // Case-insensitive search for "\r\n<name>:" ... "<token>" on the same line.
    auto lower = [](char ch) { return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch); };
    for (std::size_t pos = headers.find("\r\n"); pos != std::string_view::npos;
         pos = headers.find("\r\n", pos + 2)) {
        const std::size_t start = pos + 2;
        const std::size_t end = headers.find("\r\n", start);
        const std::string_view line =
            headers.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (line.size() <= name.size() || line[name.size()] != ':') continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i) same = lower(line[i]) == lower(name[i]);
        if (!same) continue;
        std::string v(line.substr(name.size() + 1));
        for (auto& ch : v) ch = lower(ch);
        if (v.find(token) != std::string::npos) return true;
    }
    return false;
}

// Answers every complete request in c->in. Returns false to close at once.
bool parse(conn* c) {
    std::size_t at = 0;
    for (;;) {
        const std::size_t end = c->in.find("\r\n\r\n", at);
        if (end == std::string::npos) break;
        const std::string_view req(c->in.data() + at, end + 2 - at);
        at = end + 4;
        const std::size_t sp1 = req.find(' ');
        const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : req.find(' ', sp1 + 1);
        const std::size_t eol = req.find("\r\n");
        if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp2 > eol ||
            req.compare(sp2 + 1, 5, "HTTP/") != 0) {
            c->out += bad_request;
            c->closing = true;
            break;
        }
        const std::string_view method = req.substr(0, sp1);
        const bool http10 = req.compare(sp2 + 1, 8, "HTTP/1.0") == 0;
        const std::string_view headers = req.substr(eol);
        const bool keep = http10 ? has_token(headers, "connection", "keep-alive")
                                 : !has_token(headers, "connection", "close");
        refresh_responses();
        if (method == "GET") c->out += ok_response;
        else if (method == "HEAD") c->out += head_response;
        else {
            c->out += bad_method;
            c->closing = true;
            break;
        }
        if (!keep) {
            c->closing = true;
            break;
        }
    }
    c->in.erase(0, at);
    if (!c->closing && c->in.size() > max_request) {
        c->out += bad_request;
        c->closing = true;
    }
    return true;
}

void flush(conn* c) {
    while (c->sent_to < c->out.size()) {
        const ssize_t m = ::send(c->fd, c->out.data() + c->sent_to, c->out.size() - c->sent_to, MSG_NOSIGNAL);
        if (m < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            c->out.clear();
            c->sent_to = 0;
            c->closing = true; // peer gone: nothing more to send
            return;
        }
        c->sent_to += static_cast<std::size_t>(m);
    }
    if (c->sent_to == c->out.size()) {
        c->out.clear();
        c->sent_to = 0;
    }
}

void on_event(conn* c, std::uint32_t events, char* buf) {
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && !c->closing) {
        const ssize_t n = ::recv(c->fd, buf, chunk, 0);
        if (n > 0) {
            c->in.append(buf, static_cast<std::size_t>(n));
            parse(c);
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            return close_conn(c); // the client is done (or gone)
        }
    }
    flush(c);
    if (c->closing && c->out.empty()) return close_conn(c);
    const std::uint32_t want = c->out.empty() ? EPOLLIN | EPOLLRDHUP : EPOLLOUT;
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
    std::string file;
    content_type = "text/html";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--file") == 0) file = argv[i + 1];
        else if (std::strcmp(argv[i], "--content-type") == 0) content_type = argv[i + 1];
        else file.clear(), i = argc;
    }
    if (file.empty() || argc % 2 == 0) {
        std::fprintf(stderr, "usage: raw_epoll_http --file PATH [--port N] [--content-type TYPE]\n");
        return 2;
    }
    std::ifstream f(file, std::ios::binary);
    if (!f) {
        std::perror("raw_epoll_http: open --file");
        return 1;
    }
    body.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    refresh_responses();

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
        std::perror("raw_epoll_http: listen");
        return 1;
    }
    ep = ::epoll_create1(EPOLL_CLOEXEC);
    ::epoll_event lev{};
    lev.events = EPOLLIN;
    lev.data.ptr = nullptr;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
    std::printf("listening on 127.0.0.1:%u\n", ntohs(sin.sin_port));
    std::fflush(stdout);

    char buf[chunk];
    ::epoll_event events[256];
    for (;;) {
        const int n = ::epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.ptr != nullptr) {
                on_event(static_cast<conn*>(events[i].data.ptr), events[i].events, buf);
                continue;
            }
            for (int k = 0; k < 1024; ++k) {
                const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) {
                    if (errno == EMFILE || errno == ENFILE) {
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
