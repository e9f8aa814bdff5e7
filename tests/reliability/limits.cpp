// Descriptor limits (Linux): sockets whose descriptor numbers are above 1,100 — beyond select()'s
// FD_SETSIZE of 1024, where an FD_SET would write past the fd_set — work with every waiting
// function; and accept at the descriptor limit reports too_many_files_open at once, loses no
// connection, and costs no CPU while the process waits. Built twice: with the default poller
// backend (epoll) and with NETSOCK_POLLER_POLL.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace reliability;

namespace {

constexpr int high_base = 1100; // descriptors used: high_base .. high_base + 20
constexpr rlim_t needed = 1200;

// Raises the soft RLIMIT_NOFILE to at least `n` for the scope (restored after). False if the
// hard limit is lower.
class raised_limit {
public:
    explicit raised_limit(rlim_t n) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        if (saved_.rlim_cur != RLIM_INFINITY && saved_.rlim_cur < n) {
            if (saved_.rlim_max != RLIM_INFINITY && saved_.rlim_max < n) return;
            rlimit raised = saved_;
            raised.rlim_cur = n;
            REQUIRE(::setrlimit(RLIMIT_NOFILE, &raised) == 0);
            changed_ = true;
        }
        ok_ = true;
    }
    raised_limit(const raised_limit&) = delete;
    raised_limit& operator=(const raised_limit&) = delete;
    ~raised_limit() {
        if (changed_) ::setrlimit(RLIMIT_NOFILE, &saved_);
    }
    bool ok() const noexcept { return ok_; }
    rlim_t hard() const noexcept { return saved_.rlim_max; }

private:
    rlimit saved_{};
    bool ok_ = false;
    bool changed_ = false;
};

// Moves `s` to descriptor `fd` (dup2, close-on-exec kept) and returns it there.
net::socket move_to(net::socket s, int fd) {
    REQUIRE_MESSAGE(::dup3(s.native_handle(), fd, O_CLOEXEC) == fd,
                    "dup3 to " << fd << ": " << std::strerror(errno));
    s.close();
    return net::socket(fd);
}

#define SKIP_WITHOUT(limit)                                                                                  \
    if (!(limit).ok()) {                                                                                     \
        MESSAGE("SKIPPED: the descriptor hard limit (" << (limit).hard() << ") is below " << needed);        \
        return;                                                                                              \
    }

} // namespace

TEST_CASE("sockets with descriptor numbers above 1,100 work with every waiting function") {
    raised_limit limit(needed);
    SKIP_WITHOUT(limit);
    INFO("poller backend: " << std::string(net::poller::backend_name()));
    int next = high_base;
    auto high = [&](net::socket s) { return move_to(std::move(s), next++); };

    auto listener = high(make_listener());
    REQUIRE(listener.native_handle() >= high_base);
    const auto at = net::local_address(listener);

    // connect with a timeout, from a descriptor above 1,100
    auto client = high(net::make_socket(net::family::ipv4));
    REQUIRE_OK(net::try_connect(client, at, io_timeout));
    // accept with a timeout, on a listener above 1,100
    auto accepted = net::try_accept(listener, io_timeout);
    REQUIRE_OK(accepted);
    auto server = high(std::move(accepted->socket));
    CHECK(server.native_handle() > high_base);

    // wait: writable at once, readable once data arrives, timed_out when nothing comes
    auto w = net::try_wait(client, net::events::writable, io_timeout);
    REQUIRE_OK(w);
    CHECK(net::has(*w, net::events::writable));
    auto idle = net::try_wait(server, net::events::readable, 50ms);
    REQUIRE_FALSE(idle);
    CHECK(idle.error() == std::errc::timed_out);

    // timed send / recv / sendall / recv_exact
    const auto data = pattern(4 * 1024 * 1024);
    CHECK(net::send(client, net::buffer(data.data(), 100), io_timeout) == 100);
    auto r = net::try_wait(server, net::events::readable, io_timeout);
    REQUIRE_OK(r);
    CHECK(net::has(*r, net::events::readable));
    std::vector<unsigned char> got(data.size());
    CHECK(net::recv(server, net::buffer(got.data(), 100), io_timeout) == 100);
    CHECK(first_mismatch(got.data(), 100) == 100);
    std::thread tx([&] { (void)net::try_sendall(client, net::buffer(data), io_timeout); });
    auto exact = net::try_recv_exact(server, net::buffer(got), io_timeout);
    tx.join();
    REQUIRE_OK(exact);
    CHECK(first_mismatch(got.data(), got.size()) == got.size());

    // a timed recv that expires, and a timed sendall that expires against a peer that does not read
    char c;
    auto expired = net::try_recv(server, net::buffer(&c, 1), 50ms);
    REQUIRE_FALSE(expired);
    CHECK(expired.error() == std::errc::timed_out);
    std::size_t sent = 0;
    const auto big = pattern(64 * 1024 * 1024); // more than any socket buffer holds
    auto full = net::try_sendall(client, net::buffer(big), 200ms, &sent);
    REQUIRE_FALSE(full);
    CHECK(full.error() == std::errc::timed_out);
    CHECK(sent > 0);

    // a timed connect that expires (a listener whose accept queue is full), above 1,100
    {
        auto tiny = high(make_listener(net::family::ipv4, 0));
        std::vector<net::socket> queued;
        std::error_code last;
        for (int i = 0; i < 8 && !last; ++i) {
            auto s = high(net::make_socket(net::family::ipv4));
            auto cr = net::try_connect(s, net::local_address(tiny), 300ms);
            if (!cr) last = cr.error();
            queued.push_back(std::move(s));
        }
        CHECK_MESSAGE(last == std::errc::timed_out, describe(last));
        // a timed accept on it, above 1,100, returns the queued connection
        auto q = net::try_accept(tiny, io_timeout);
        CHECK_OK(q);
        auto none = net::try_accept(listener, 50ms);
        REQUIRE_FALSE(none);
        CHECK(none.error() == std::errc::timed_out);
        next = high_base + 40; // these descriptors are closed at the end of the scope
    }

    // UDP: timed sendto / recvfrom
    auto u1 = high(net::make_socket(net::family::ipv4, net::socket_type::datagram));
    auto u2 = high(net::make_socket(net::family::ipv4, net::socket_type::datagram));
    net::bind(u2, net::address::loopback());
    CHECK(net::sendto(u1, net::buffer(std::string_view("dgram")), net::local_address(u2), io_timeout) == 5);
    char dbuf[16];
    auto dg = net::try_recvfrom(u2, net::buffer(dbuf), io_timeout);
    REQUIRE_OK(dg);
    CHECK(dg->size == 5);
    auto none_dg = net::try_recvfrom(u2, net::buffer(dbuf), 50ms);
    REQUIRE_FALSE(none_dg);
    CHECK(none_dg.error() == std::errc::timed_out);

    // the poller: several high descriptors, each reported with its own data
    net::poller p;
    p.add(server, net::events::readable, &server);
    p.add(u2, net::events::readable, &u2);
    p.add(listener, net::events::readable, &listener);
    // `server` is readable already: the bytes of the expired sendall above are unread (sent > 0).
    // (A blocking send on `client` here would hang: that sendall left its send buffer full.)
    net::sendto(u1, net::buffer(std::string_view("y")), net::local_address(u2));
    auto late = net::make_socket(net::family::ipv4);
    net::connect(late, at, io_timeout);
    int seen_server = 0, seen_udp = 0, seen_listener = 0;
    const auto start = steady::now();
    while ((seen_server == 0 || seen_udp == 0 || seen_listener == 0) && seconds_since(start) < 10.0) {
        for (const auto& ev : p.wait(1s)) {
            CHECK(ev.handle >= high_base);
            if (ev.data == &server) ++seen_server;
            if (ev.data == &u2) ++seen_udp;
            if (ev.data == &listener) ++seen_listener;
        }
    }
    CHECK(seen_server > 0);
    CHECK(seen_udp > 0);
    CHECK(seen_listener > 0);
    p.remove(server);
    p.remove(u2);
    p.remove(listener);
    CHECK(p.size() == 0);
}

TEST_CASE("accept at the descriptor limit reports too_many_files_open at once, loses no connection, "
          "and a caller that backs off uses almost no CPU") {
    // In a child: RLIMIT_NOFILE is lowered there only; alarm() ends it if accept spins.
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::alarm(20);
        auto fail = [](int code) { ::_exit(code); };
        auto listener = net::try_make_socket(net::family::ipv4);
        if (!listener || !net::try_bind(*listener, net::address::loopback()) || !net::try_listen(*listener))
            fail(20);
        auto at = net::try_local_address(*listener);
        std::vector<net::socket> clients;
        for (int i = 0; i < 3; ++i) {
            auto c = net::try_make_socket(net::family::ipv4);
            if (!c || !at || !net::try_connect(*c, *at, io_timeout)) fail(21);
            clients.push_back(std::move(*c));
        }
        // UBSan's vptr check probes memory through a pipe, which fails without descriptors:
        // take the error paths once now (a refused connect compared with std::errc), so its
        // cache is warm before the limit is lowered.
        {
            auto dead = net::try_make_socket(net::family::ipv4);
            auto probe = net::try_make_socket(net::family::ipv4);
            if (!dead || !probe || !net::try_bind(*dead, net::address::loopback())) fail(20);
            auto r = net::try_connect(*probe, net::local_address(*dead), io_timeout);
            if (r || r.error() != std::errc::connection_refused ||
                r.error() == std::errc::too_many_files_open)
                fail(20);
        }
        // Lower the limit to the lowest free descriptor: every accept now needs one too many.
        const int lowest_free = ::dup(listener->native_handle());
        if (lowest_free < 0) fail(22);
        ::close(lowest_free);
        rlimit saved{};
        if (::getrlimit(RLIMIT_NOFILE, &saved) != 0) fail(23);
        rlimit low = saved;
        low.rlim_cur = static_cast<rlim_t>(lowest_free);
        if (::setrlimit(RLIMIT_NOFILE, &low) != 0) fail(24);

        const auto start = steady::now();
        const std::clock_t cpu0 = std::clock();
        int failures = 0;
        // A well-behaved accept loop at the limit: try, back off 10 ms, 100 times (~1 s).
        for (int i = 0; i < 100; ++i) {
            auto a = net::try_accept(*listener, 5s);
            if (a || a.error() != std::errc::too_many_files_open) fail(25);
            ++failures;
            ::poll(nullptr, 0, 10); // the caller's back-off (what the examples do)
        }
        const double wall = seconds_since(start);
        const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
        if (wall > 4.0) fail(26);        // each accept returned at once, never its 5 s timeout
        if (cpu > 0.25 * wall) fail(27); // no spinning
        if (::setrlimit(RLIMIT_NOFILE, &saved) != 0) fail(28);
        // Every queued connection is still there, in order.
        for (auto& c : clients) {
            auto a = net::try_accept(*listener, io_timeout);
            if (!a || a->peer != net::local_address(c)) fail(29);
        }
        std::printf("accept at EMFILE: %d failures in %.3f s wall, %.3f s CPU\n", failures, wall, cpu);
        std::fflush(stdout);
        ::_exit(failures == 100 ? 0 : 30);
    }
    int status = 0;
    pid_t w = -1;
    for (int i = 0; i < 100; ++i) {
        w = ::waitpid(pid, &status, 0);
        if (w == pid || errno != EINTR) break;
    }
    REQUIRE(w == pid);
    if (WIFSIGNALED(status))
        FAIL("the child was killed by signal " << WTERMSIG(status) << " (SIGALRM: accept never returned)");
    REQUIRE(WIFEXITED(status));
    const char* what[] = {"set-up: listener",
                          "set-up: connect",
                          "dup",
                          "getrlimit",
                          "setrlimit",
                          "accept did not fail with too_many_files_open",
                          "accept waited instead of failing at once",
                          "the loop spun (CPU time)",
                          "restoring the limit",
                          "a queued connection was lost",
                          "count"};
    const int code = WEXITSTATUS(status);
    CHECK_MESSAGE(code == 0,
                  "the child failed: " << (code >= 20 && code <= 30 ? what[code - 20] : "exit code") << " ("
                                       << code << ")");
}
