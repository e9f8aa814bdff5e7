// micro: netsock next to the raw syscalls doing the same work, in one binary (Google Benchmark).
//
//   micro [--benchmark_repetitions=N --benchmark_enable_random_interleaving=true
//          --benchmark_format=json] | python3 bench/ratios.py
//
// Every case comes in a pair named `<case>/netsock` and `<case>/raw`; bench/ratios.py prints
// netsock/raw per pair. "The same work" means the raw side also does what netsock promises:
// MSG_NOSIGNAL on send, SOCK_CLOEXEC on socket(), a loop over partial sends in sendall, a
// std::string result from to_string, a checked port in parse, and the same result checks.
// POSIX only (socketpair, epoll on Linux).
//
// The work of one iteration is a non-inlined function `op_<case>_<netsock|raw>`, so that
// bench/instructions.py can count its user-space instructions per call under callgrind:
// a repeatable number on a noisy machine (the syscalls themselves are the same on both sides).

#include <benchmark/benchmark.h>

#include <net/net.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/epoll.h>
#endif

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;

#define NETSOCK_BENCH_OP [[gnu::noipa]] // never inlined, cloned or merged with a twin

#if defined(MSG_NOSIGNAL)
constexpr int raw_send_flags = MSG_NOSIGNAL;
#else
constexpr int raw_send_flags = 0;
#endif

// ---------------------------------------------------------------------------------------------
// 64-byte send + recv over a connected socket pair

NETSOCK_BENCH_OP bool op_send_recv_64_netsock(const net::socket& a, const net::socket& b, char (&out)[64],
                                              char (&in)[64]) {
    const std::size_t sent = net::send(a, net::buffer(out));
    const std::size_t got = net::recv(b, net::buffer(in));
    return sent == sizeof out && got == sizeof in;
}

NETSOCK_BENCH_OP bool op_send_recv_64_raw(int a, int b, char (&out)[64], char (&in)[64]) {
    const ssize_t sent = ::send(a, out, sizeof out, raw_send_flags);
    const ssize_t got = ::recv(b, in, sizeof in, 0);
    return sent == static_cast<ssize_t>(sizeof out) && got == static_cast<ssize_t>(sizeof in);
}

void send_recv_64_netsock(benchmark::State& state) {
    auto [a, b] = net::socket_pair();
    char out[64] = {};
    char in[64];
    for (auto _ : state) {
        if (!op_send_recv_64_netsock(a, b, out, in)) state.SkipWithError("short transfer");
        benchmark::DoNotOptimize(in);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
}

void send_recv_64_raw(benchmark::State& state) {
    int fd[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) != 0) {
        state.SkipWithError("socketpair");
        return;
    }
    char out[64] = {};
    char in[64];
    for (auto _ : state) {
        if (!op_send_recv_64_raw(fd[0], fd[1], out, in)) state.SkipWithError("short transfer");
        benchmark::DoNotOptimize(in);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
    ::close(fd[0]);
    ::close(fd[1]);
}

// The same with a timeout (the form event-less servers use to stay responsive): netsock's
// try_recv(..., timeout) against the raw recv(MSG_DONTWAIT) a hand-written one makes when data
// is already there (it would poll() only on EAGAIN, as netsock does).
NETSOCK_BENCH_OP bool op_send_recv_64_timeout_netsock(const net::socket& a, const net::socket& b,
                                                      char (&out)[64], char (&in)[64]) {
    auto sent = net::try_send(a, net::buffer(out), 1s);
    auto got = net::try_recv(b, net::buffer(in), 1s);
    return sent && got && *sent == sizeof out && *got == sizeof in;
}

NETSOCK_BENCH_OP bool op_send_recv_64_timeout_raw(int a, int b, char (&out)[64], char (&in)[64]) {
    const ssize_t sent = ::send(a, out, sizeof out, raw_send_flags | MSG_DONTWAIT);
    const ssize_t got = ::recv(b, in, sizeof in, MSG_DONTWAIT);
    return sent == static_cast<ssize_t>(sizeof out) && got == static_cast<ssize_t>(sizeof in);
}

void send_recv_64_timeout_netsock(benchmark::State& state) {
    auto [a, b] = net::socket_pair();
    char out[64] = {};
    char in[64];
    for (auto _ : state) {
        if (!op_send_recv_64_timeout_netsock(a, b, out, in)) state.SkipWithError("short transfer");
        benchmark::DoNotOptimize(in);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
}

void send_recv_64_timeout_raw(benchmark::State& state) {
    int fd[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) != 0) {
        state.SkipWithError("socketpair");
        return;
    }
    char out[64] = {};
    char in[64];
    for (auto _ : state) {
        if (!op_send_recv_64_timeout_raw(fd[0], fd[1], out, in)) state.SkipWithError("short transfer");
        benchmark::DoNotOptimize(in);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
    ::close(fd[0]);
    ::close(fd[1]);
}

// ---------------------------------------------------------------------------------------------
// sendall of 1 MiB. A reader thread (the same raw code for both cases) drains the other end
// and answers one byte per MiB, so every iteration is a complete transfer.

constexpr std::size_t sendall_size = 1 << 20;

class drain {
public:
    explicit drain(int fd) : fd_(fd), thread_([this] { run(); }) {}
    drain(const drain&) = delete;
    drain& operator=(const drain&) = delete;
    ~drain() { thread_.join(); } // the owner shuts the writing end down first
    // Waits for the reader's acknowledgement of one complete MiB.
    static bool ack(int fd) {
        char c;
        return ::recv(fd, &c, 1, 0) == 1;
    }

private:
    void run() {
        std::vector<char> buf(256 * 1024);
        for (;;) {
            std::size_t got = 0;
            while (got < sendall_size) {
                const ssize_t n = ::recv(fd_, buf.data(), (std::min)(buf.size(), sendall_size - got), 0);
                if (n <= 0) return; // EOF: the benchmark is over
                got += static_cast<std::size_t>(n);
            }
            const char c = 'k';
            if (::send(fd_, &c, 1, raw_send_flags) != 1) return;
        }
    }
    int fd_;
    std::thread thread_;
};

NETSOCK_BENCH_OP bool op_sendall_1MiB_netsock(const net::socket& a, const std::vector<char>& data) {
    return net::sendall(a, net::buffer(data)) == data.size();
}

NETSOCK_BENCH_OP bool op_sendall_1MiB_raw(int fd, const std::vector<char>& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, raw_send_flags);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void sendall_1mib_netsock(benchmark::State& state) {
    auto [a, b] = net::socket_pair();
    std::vector<char> data(sendall_size, 'x');
    {
        drain reader(b.native_handle());
        for (auto _ : state) {
            if (!op_sendall_1MiB_netsock(a, data) || !drain::ack(a.native_handle()))
                state.SkipWithError("sendall");
        }
        net::shutdown(a, net::shutdown_type::send);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sendall_size));
}

void sendall_1mib_raw(benchmark::State& state) {
    int fd[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) != 0) {
        state.SkipWithError("socketpair");
        return;
    }
    std::vector<char> data(sendall_size, 'x');
    {
        drain reader(fd[1]);
        for (auto _ : state) {
            if (!op_sendall_1MiB_raw(fd[0], data) || !drain::ack(fd[0])) state.SkipWithError("sendall");
        }
        ::shutdown(fd[0], SHUT_WR);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sendall_size));
    ::close(fd[0]);
    ::close(fd[1]);
}

// ---------------------------------------------------------------------------------------------
// address::parse / to_string against inet_pton / inet_ntop plus splitting and formatting the
// port (what parse and to_string do), with the same checks.

constexpr std::string_view v4_text = "192.168.100.200:8080";
constexpr std::string_view v6_text = "[2001:db8::8a2e:370:7334]:443";

// Splits "host:port" / "[host]:port", checks the port, NUL-terminates the host for inet_pton.
bool raw_parse(std::string_view text, ::sockaddr_storage& out) {
    std::string_view host = text, port_text;
    const bool bracketed = !text.empty() && text.front() == '[';
    if (bracketed) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return false;
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return false;
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    unsigned port = 0;
    const char* end = port_text.data() + port_text.size();
    auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (port_text.empty() || ec != std::errc() || ptr != end || port > 65535) return false;
    char buf[64];
    if (host.size() >= sizeof buf) return false;
    std::memcpy(buf, host.data(), host.size());
    buf[host.size()] = '\0';
    std::memset(&out, 0, sizeof out);
    if (bracketed) {
        auto* sin6 = reinterpret_cast<::sockaddr_in6*>(&out);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(static_cast<std::uint16_t>(port));
        return ::inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1;
    }
    auto* sin = reinterpret_cast<::sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<std::uint16_t>(port));
    return ::inet_pton(AF_INET, buf, &sin->sin_addr) == 1;
}

// inet_ntop, then ":port" (v6: "[...]:port"), into a std::string like to_string.
std::string raw_to_string(const ::sockaddr_storage& ss) {
    char buf[INET6_ADDRSTRLEN + 16];
    std::size_t n = 0;
    unsigned port = 0;
    if (ss.ss_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const ::sockaddr_in6*>(&ss);
        buf[n++] = '[';
        if (!::inet_ntop(AF_INET6, &sin6->sin6_addr, buf + n, INET6_ADDRSTRLEN)) return {};
        n += std::strlen(buf + n);
        buf[n++] = ']';
        port = ntohs(sin6->sin6_port);
    } else {
        const auto* sin = reinterpret_cast<const ::sockaddr_in*>(&ss);
        if (!::inet_ntop(AF_INET, &sin->sin_addr, buf, INET6_ADDRSTRLEN)) return {};
        n = std::strlen(buf);
        port = ntohs(sin->sin_port);
    }
    buf[n++] = ':';
    n = static_cast<std::size_t>(std::to_chars(buf + n, buf + sizeof buf, port).ptr - buf);
    return std::string(buf, n);
}

NETSOCK_BENCH_OP bool op_parse_v4_netsock(std::string_view text, net::address& out) {
    auto a = net::address::try_parse(text);
    if (a) out = *a;
    return a.has_value();
}
NETSOCK_BENCH_OP bool op_parse_v4_raw(std::string_view text, ::sockaddr_storage& out) {
    return raw_parse(text, out);
}
NETSOCK_BENCH_OP bool op_parse_v6_netsock(std::string_view text, net::address& out) {
    auto a = net::address::try_parse(text);
    if (a) out = *a;
    return a.has_value();
}
NETSOCK_BENCH_OP bool op_parse_v6_raw(std::string_view text, ::sockaddr_storage& out) {
    return raw_parse(text, out);
}
NETSOCK_BENCH_OP std::string op_to_string_v4_netsock(const net::address& a) { return a.to_string(); }
NETSOCK_BENCH_OP std::string op_to_string_v4_raw(const ::sockaddr_storage& ss) { return raw_to_string(ss); }
NETSOCK_BENCH_OP std::string op_to_string_v6_netsock(const net::address& a) { return a.to_string(); }
NETSOCK_BENCH_OP std::string op_to_string_v6_raw(const ::sockaddr_storage& ss) { return raw_to_string(ss); }

template <bool (*Op)(std::string_view, net::address&)>
void parse_netsock(benchmark::State& state, std::string_view text) {
    net::address a;
    for (auto _ : state) {
        benchmark::DoNotOptimize(text);
        if (!Op(text, a)) state.SkipWithError("parse");
        benchmark::DoNotOptimize(a);
    }
}

template <bool (*Op)(std::string_view, ::sockaddr_storage&)>
void parse_raw(benchmark::State& state, std::string_view text) {
    ::sockaddr_storage ss;
    for (auto _ : state) {
        benchmark::DoNotOptimize(text);
        if (!Op(text, ss)) state.SkipWithError("parse");
        benchmark::DoNotOptimize(ss);
    }
}

template <std::string (*Op)(const net::address&)>
void to_string_netsock(benchmark::State& state, std::string_view text) {
    auto a = net::address::parse(text);
    for (auto _ : state) {
        benchmark::DoNotOptimize(a);
        std::string s = Op(a);
        benchmark::DoNotOptimize(s);
    }
}

template <std::string (*Op)(const ::sockaddr_storage&)>
void to_string_raw(benchmark::State& state, std::string_view text) {
    ::sockaddr_storage ss;
    raw_parse(text, ss);
    for (auto _ : state) {
        benchmark::DoNotOptimize(ss);
        std::string s = Op(ss);
        benchmark::DoNotOptimize(s);
    }
}

// ---------------------------------------------------------------------------------------------
// poller::wait with 1,000 idle sockets and 1 ready one, against epoll_wait on the same set.

constexpr int idle_sockets = 1000;

// Raises the soft descriptor limit so that 1,001 socket pairs fit.
bool enough_descriptors(benchmark::State& state) {
    ::rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return false;
    const rlim_t need = 2 * (idle_sockets + 1) + 64;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
            state.SkipWithError("RLIMIT_NOFILE hard limit too low for 1,001 socket pairs");
            return false;
        }
        rl.rlim_cur = need;
        if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            state.SkipWithError("cannot raise RLIMIT_NOFILE");
            return false;
        }
    }
    return true;
}

NETSOCK_BENCH_OP std::size_t op_poller_wait_1000_idle_1_ready_netsock(net::poller& p) {
    std::size_t n = 0;
    for (const net::poll_event& ev : p.wait(std::chrono::milliseconds(0))) {
        benchmark::DoNotOptimize(ev.data);
        ++n;
    }
    return n;
}
NETSOCK_BENCH_OP std::size_t op_poller_wait_1000_idle_1_ready_100ms_netsock(net::poller& p) {
    std::size_t n = 0;
    for (const net::poll_event& ev : p.wait(std::chrono::milliseconds(100))) {
        benchmark::DoNotOptimize(ev.data);
        ++n;
    }
    return n;
}

template <std::size_t (*Op)(net::poller&)> void poller_wait_netsock(benchmark::State& state) {
    if (!enough_descriptors(state)) return;
    std::vector<std::pair<net::socket, net::socket>> pairs;
    net::poller p;
    for (int i = 0; i <= idle_sockets; ++i) {
        pairs.push_back(net::socket_pair());
        p.add(pairs.back().first, net::events::readable, &pairs.back());
    }
    const char byte = 'r';
    net::sendall(pairs[idle_sockets / 2].second, net::buffer(&byte, 1)); // one ready socket
    for (auto _ : state) {
        if (Op(p) != 1) state.SkipWithError("expected one ready socket");
    }
}

#if defined(__linux__)
// ::epoll_event is packed: copy the data out before handing it to DoNotOptimize.
NETSOCK_BENCH_OP int op_poller_wait_1000_idle_1_ready_raw(int ep, ::epoll_event (&events)[256]) {
    const int n = ::epoll_wait(ep, events, 256, 0);
    for (int i = 0; i < n; ++i) {
        void* data = events[i].data.ptr;
        benchmark::DoNotOptimize(data);
    }
    return n;
}
NETSOCK_BENCH_OP int op_poller_wait_1000_idle_1_ready_100ms_raw(int ep, ::epoll_event (&events)[256]) {
    const int n = ::epoll_wait(ep, events, 256, 100);
    for (int i = 0; i < n; ++i) {
        void* data = events[i].data.ptr;
        benchmark::DoNotOptimize(data);
    }
    return n;
}

template <int (*Op)(int, ::epoll_event (&)[256])> void poller_wait_raw(benchmark::State& state) {
    if (!enough_descriptors(state)) return;
    std::vector<std::pair<int, int>> pairs;
    pairs.reserve(idle_sockets + 1); // data.ptr points into it: no reallocation
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i <= idle_sockets; ++i) {
        int fd[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) != 0) {
            state.SkipWithError("socketpair");
            return;
        }
        pairs.emplace_back(fd[0], fd[1]);
        ::epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP; // what net::poller asks for `readable`
        ev.data.ptr = &pairs.back();
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd[0], &ev);
    }
    const char byte = 'r';
    if (::send(pairs[idle_sockets / 2].second, &byte, 1, raw_send_flags) != 1) state.SkipWithError("send");
    ::epoll_event events[256]; // netsock's default max_events
    for (auto _ : state) {
        if (Op(ep, events) != 1) state.SkipWithError("expected one ready socket");
    }
    for (auto& pr : pairs) {
        ::close(pr.first);
        ::close(pr.second);
    }
    ::close(ep);
}
#endif

// ---------------------------------------------------------------------------------------------
// make_socket + close against socket(SOCK_CLOEXEC) + close.

NETSOCK_BENCH_OP bool op_make_socket_close_netsock() {
    net::socket s = net::make_socket(net::family::ipv4, net::socket_type::stream);
    benchmark::DoNotOptimize(s.native_handle());
    s.close();
    return true;
}

NETSOCK_BENCH_OP bool op_make_socket_close_raw() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    benchmark::DoNotOptimize(fd);
    return ::close(fd) == 0;
}

void make_socket_close_netsock(benchmark::State& state) {
    for (auto _ : state)
        if (!op_make_socket_close_netsock()) state.SkipWithError("socket");
}

void make_socket_close_raw(benchmark::State& state) {
    for (auto _ : state)
        if (!op_make_socket_close_raw()) state.SkipWithError("socket");
}

} // namespace

int main(int argc, char** argv) {
    using benchmark::RegisterBenchmark;
    RegisterBenchmark("send_recv_64/netsock", send_recv_64_netsock);
    RegisterBenchmark("send_recv_64/raw", send_recv_64_raw);
    RegisterBenchmark("send_recv_64_timeout/netsock", send_recv_64_timeout_netsock);
    RegisterBenchmark("send_recv_64_timeout/raw", send_recv_64_timeout_raw);
    RegisterBenchmark("sendall_1MiB/netsock", sendall_1mib_netsock)->UseRealTime();
    RegisterBenchmark("sendall_1MiB/raw", sendall_1mib_raw)->UseRealTime();
    RegisterBenchmark("parse_v4/netsock", parse_netsock<op_parse_v4_netsock>, v4_text);
    RegisterBenchmark("parse_v4/raw", parse_raw<op_parse_v4_raw>, v4_text);
    RegisterBenchmark("parse_v6/netsock", parse_netsock<op_parse_v6_netsock>, v6_text);
    RegisterBenchmark("parse_v6/raw", parse_raw<op_parse_v6_raw>, v6_text);
    RegisterBenchmark("to_string_v4/netsock", to_string_netsock<op_to_string_v4_netsock>, v4_text);
    RegisterBenchmark("to_string_v4/raw", to_string_raw<op_to_string_v4_raw>, v4_text);
    RegisterBenchmark("to_string_v6/netsock", to_string_netsock<op_to_string_v6_netsock>, v6_text);
    RegisterBenchmark("to_string_v6/raw", to_string_raw<op_to_string_v6_raw>, v6_text);
    RegisterBenchmark("poller_wait_1000_idle_1_ready/netsock",
                      poller_wait_netsock<op_poller_wait_1000_idle_1_ready_netsock>);
    RegisterBenchmark("poller_wait_1000_idle_1_ready_100ms/netsock",
                      poller_wait_netsock<op_poller_wait_1000_idle_1_ready_100ms_netsock>);
#if defined(__linux__)
    RegisterBenchmark("poller_wait_1000_idle_1_ready/raw",
                      poller_wait_raw<op_poller_wait_1000_idle_1_ready_raw>);
    RegisterBenchmark("poller_wait_1000_idle_1_ready_100ms/raw",
                      poller_wait_raw<op_poller_wait_1000_idle_1_ready_100ms_raw>);
#endif
    RegisterBenchmark("make_socket_close/netsock", make_socket_close_netsock);
    RegisterBenchmark("make_socket_close/raw", make_socket_close_raw);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
