// POSIX-only checks of the defaults that protect users (README, "Defaults that protect you"): close-on-exec
// on every socket, SIGPIPE left alone, no signal disposition changed, blocking accepted sockets, and accept
// reporting EMFILE instead of spinning. Compiled only on non-Windows systems.
#include <doctest/doctest.h>

#include <signal.h>

#include <array>

namespace {
// Every signal's disposition when the program started, recorded BEFORE <net/net.hpp> is
// included below. Ordered dynamic initialization runs this before any namespace-scope object
// that a header included later could define, so a library that called signal() or sigaction()
// during static initialization would show up as a difference.
struct recorded_disposition {
    bool valid = false;
    struct sigaction action {};
};
using disposition_table = std::array<recorded_disposition, NSIG>;

disposition_table record_dispositions() {
    disposition_table table{};
    for (int sig = 1; sig < NSIG; ++sig) {
        auto& entry = table[static_cast<std::size_t>(sig)];
        entry.valid = ::sigaction(sig, nullptr, &entry.action) == 0;
    }
    return table;
}

const disposition_table dispositions_at_start = record_dispositions();
} // namespace

#include <net/net.hpp>

#include "support/loopback.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr auto io_timeout = 10s;

using netsock_test::describe;

// The error of a result for a failure message; safe on a success (doctest may build messages of
// passing assertions too, e.g. with --success).
template <class R> std::string why(const R& r) {
    return r.has_value() ? std::string("no error") : describe(r.error());
}

using netsock_test::seconds_since;

bool is_cloexec(int fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    REQUIRE_MESSAGE(flags >= 0, "fcntl(F_GETFD) failed: " << std::strerror(errno));
    return (flags & FD_CLOEXEC) != 0;
}

bool is_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    REQUIRE_MESSAGE(flags >= 0, "fcntl(F_GETFL) failed: " << std::strerror(errno));
    return (flags & O_NONBLOCK) != 0;
}

// Loopback listeners on port 0 and connected pairs (tests/support/loopback.hpp).
using netsock_test::connected_pair;
using netsock_test::make_listener;

// A fresh directory under /tmp (short, so local socket paths fit), removed on scope exit.
class temp_dir {
public:
    temp_dir() {
        char name[] = "/tmp/ns-posix-XXXXXX";
        REQUIRE_MESSAGE(::mkdtemp(name) != nullptr, "mkdtemp: " << std::strerror(errno));
        path_ = name;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        for (const auto& f : files_) ::unlink(f.c_str());
        ::rmdir(path_.c_str());
    }
    // A path inside the directory, removed (if present) now and on scope exit.
    std::string file(const std::string& name) {
        files_.push_back(path_ + "/" + name);
        ::unlink(files_.back().c_str());
        return files_.back();
    }

private:
    std::string path_;
    std::vector<std::string> files_;
};

bool same_disposition(const struct sigaction& a, const struct sigaction& b) {
    if ((a.sa_flags & SA_SIGINFO) != (b.sa_flags & SA_SIGINFO)) return false;
    if (a.sa_flags & SA_SIGINFO) return a.sa_sigaction == b.sa_sigaction;
    return a.sa_handler == b.sa_handler;
}

const char* disposition_name(const struct sigaction& a) {
    if (a.sa_flags & SA_SIGINFO) return "a handler (SA_SIGINFO)";
    if (a.sa_handler == SIG_DFL) return "default";
    if (a.sa_handler == SIG_IGN) return "ignored";
    return "a handler";
}

struct sigaction current_disposition(int sig) {
    struct sigaction now {};
    REQUIRE(::sigaction(sig, nullptr, &now) == 0);
    return now;
}

// doctest installs its own handlers for these while a test case runs.
bool managed_by_doctest(int sig) {
    return sig == SIGINT || sig == SIGILL || sig == SIGFPE || sig == SIGSEGV || sig == SIGTERM ||
           sig == SIGABRT;
}

bool is_closed_peer_error(const std::error_code& ec) {
    return ec == std::errc::broken_pipe || ec == std::errc::connection_reset;
}

// Sends to `s`, whose peer closed, until a send fails (bounded); returns the error.
std::error_code send_until_failure(const net::socket& s) {
    static const std::vector<unsigned char> chunk(64 * 1024, 0x42);
    const auto start = clock_type::now();
    for (int i = 0; i < 1000 && seconds_since(start) < 20.0; ++i) {
        auto r = net::try_send(s, net::buffer(chunk), 5s);
        if (!r) return r.error();
    }
    return {};
}

// Runs `body` (returning an exit status) in a forked child, which alarm() ends after `seconds`;
// returns the child's wait status. Nothing escapes the child: it always ends in _exit.
template <class F> int run_in_child(unsigned seconds, F body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE_MESSAGE(pid >= 0, "fork: " << std::strerror(errno));
    if (pid == 0) {
        ::alarm(seconds);
        int code = 99;
        try {
            code = body();
        } catch (...) {
            code = 98;
        }
        ::_exit(code);
    }
    int status = 0;
    pid_t waited = -1;
    for (int i = 0; i < 100; ++i) { // retries EINTR only; the alarm bounds the child
        waited = ::waitpid(pid, &status, 0);
        if (waited == pid || errno != EINTR) break;
    }
    REQUIRE(waited == pid);
    return status;
}

} // namespace

#define REQUIRE_OK(expr)                                                                                     \
    do {                                                                                                     \
        const auto& r_ = (expr);                                                                             \
        REQUIRE_MESSAGE(r_.has_value(), #expr " failed: " << why(r_));                                       \
    } while (false)

// ---------------------------------------------------------------------------------------------
// Close-on-exec

TEST_CASE("every socket netsock creates is close-on-exec") {
    for (auto f : {net::family::ipv4, net::family::ipv6, net::family::local}) {
        for (auto t : {net::socket_type::stream, net::socket_type::datagram}) {
            CAPTURE(static_cast<int>(f));
            CAPTURE(static_cast<int>(t));
            auto r = net::try_make_socket(f, t);
            if (!r && f == net::family::ipv6 && r.error() == std::errc::address_family_not_supported) {
                MESSAGE("skipped IPv6: not supported here");
                continue;
            }
            REQUIRE_OK(r);
            CHECK(is_cloexec(r->native_handle()));
            auto thrown = net::make_socket(f, t);
            CHECK(is_cloexec(thrown.native_handle()));
        }
    }
}

TEST_CASE("every socket netsock accepts is close-on-exec") {
    SUBCASE("TCP") {
        auto listener = make_listener();
        CHECK(is_cloexec(listener.native_handle()));
        auto client = net::make_socket(net::family::ipv4);
        net::connect(client, net::local_address(listener), io_timeout);
        auto a = net::accept(listener);
        CHECK(is_cloexec(a.socket.native_handle()));
        auto client2 = net::make_socket(net::family::ipv4);
        net::connect(client2, net::local_address(listener), io_timeout);
        auto b = net::try_accept(listener, io_timeout);
        REQUIRE_OK(b);
        CHECK(is_cloexec(b->socket.native_handle()));
    }
    SUBCASE("local") {
        temp_dir dir;
        const auto path = dir.file("l");
        auto listener = net::make_socket(net::family::local);
        net::bind(listener, net::address::local(path));
        net::listen(listener);
        auto client = net::make_socket(net::family::local);
        net::connect(client, net::address::local(path), io_timeout);
        auto a = net::accept(listener, io_timeout);
        CHECK(is_cloexec(a.socket.native_handle()));
    }
}

TEST_CASE("both sockets of a socket_pair are close-on-exec") {
    for (auto t : {net::socket_type::stream, net::socket_type::datagram}) {
        CAPTURE(static_cast<int>(t));
        auto [a, b] = net::socket_pair(t);
        CHECK(is_cloexec(a.native_handle()));
        CHECK(is_cloexec(b.native_handle()));
        auto r = net::try_socket_pair(t);
        REQUIRE_OK(r);
        CHECK(is_cloexec(r->first.native_handle()));
        CHECK(is_cloexec(r->second.native_handle()));
    }
}

// ---------------------------------------------------------------------------------------------
// Blocking modes (macOS and the BSDs give accepted sockets the listener's O_NONBLOCK, Linux
// does not; timed accept and connect switch the mode and must restore it)

TEST_CASE("an accepted socket is blocking even when the listener is non-blocking") {
    auto listener = make_listener();
    net::set_nonblocking(listener);
    REQUIRE(is_nonblocking(listener.native_handle()));
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    REQUIRE(net::has(net::wait(listener, net::events::readable, io_timeout), net::events::readable));
    auto a = net::accept(listener);
    CHECK_FALSE(is_nonblocking(a.socket.native_handle()));
    auto client2 = net::make_socket(net::family::ipv4);
    net::connect(client2, net::local_address(listener), io_timeout);
    auto b = net::try_accept(listener, io_timeout);
    REQUIRE_OK(b);
    CHECK_FALSE(is_nonblocking(b->socket.native_handle()));
    CHECK(is_nonblocking(listener.native_handle()));
}

TEST_CASE("an accept with a timeout leaves the listener's blocking mode as it was") {
    auto listener = make_listener();
    SUBCASE("blocking, after a timeout") {
        auto r = net::try_accept(listener, 20ms);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == std::errc::timed_out);
        CHECK_FALSE(is_nonblocking(listener.native_handle()));
    }
    SUBCASE("blocking, after a connection") {
        auto client = net::make_socket(net::family::ipv4);
        net::connect(client, net::local_address(listener), io_timeout);
        REQUIRE_OK(net::try_accept(listener, io_timeout));
        CHECK_FALSE(is_nonblocking(listener.native_handle()));
    }
    SUBCASE("non-blocking, after a timeout") {
        net::set_nonblocking(listener);
        auto r = net::try_accept(listener, 20ms);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == std::errc::timed_out);
        CHECK(is_nonblocking(listener.native_handle()));
    }
}

TEST_CASE("set_nonblocking sets and clears O_NONBLOCK") {
    auto s = net::make_socket(net::family::ipv4);
    CHECK_FALSE(is_nonblocking(s.native_handle()));
    net::set_nonblocking(s);
    CHECK(is_nonblocking(s.native_handle()));
    net::set_nonblocking(s, false);
    CHECK_FALSE(is_nonblocking(s.native_handle()));
}

TEST_CASE("a connect with a timeout restores the socket's blocking mode") {
    auto listener = make_listener();
    SUBCASE("a blocking socket stays blocking after success") {
        auto client = net::make_socket(net::family::ipv4);
        REQUIRE_OK(net::try_connect(client, net::local_address(listener), io_timeout));
        CHECK_FALSE(is_nonblocking(client.native_handle()));
    }
    SUBCASE("a blocking socket stays blocking after a refusal") {
        auto target = net::make_socket(net::family::ipv4);
        net::bind(target, net::address::loopback(net::family::ipv4, 0));
        auto client = net::make_socket(net::family::ipv4);
        auto r = net::try_connect(client, net::local_address(target), 5s);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == std::errc::connection_refused);
        CHECK_FALSE(is_nonblocking(client.native_handle()));
    }
    SUBCASE("a non-blocking socket stays non-blocking") {
        auto client = net::make_socket(net::family::ipv4);
        net::set_nonblocking(client);
        REQUIRE_OK(net::try_connect(client, net::local_address(listener), io_timeout));
        CHECK(is_nonblocking(client.native_handle()));
    }
}

// ---------------------------------------------------------------------------------------------
// Signals (a send to a closed peer raises SIGPIPE, which kills the process; a library must
// prevent that per call, never with a process-wide signal(SIGPIPE, SIG_IGN))

TEST_CASE("including and using the library changes no signal disposition") {
    // Use the library broadly first.
    {
        auto c = connected_pair();
        c.server.close();
        CHECK(send_until_failure(c.client));
        auto [a, b] = net::socket_pair(net::socket_type::datagram);
        net::send(a, net::buffer(std::string_view("x")));
        char buf[2];
        CHECK(net::recv(b, net::buffer(buf), io_timeout) == 1);
        auto u = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(u, net::address::loopback());
        CHECK_FALSE(net::try_recvfrom(u, net::buffer(buf), 10ms).has_value());
    }
    int compared = 0;
    for (int sig = 1; sig < NSIG; ++sig) {
        const auto& start = dispositions_at_start[static_cast<std::size_t>(sig)];
        if (!start.valid || managed_by_doctest(sig)) continue;
        struct sigaction now {};
        if (::sigaction(sig, nullptr, &now) != 0) continue;
        ++compared;
        CAPTURE(sig);
        CHECK_MESSAGE(same_disposition(start.action, now),
                      "signal " << sig << " (" << strsignal(sig) << ") was " << disposition_name(start.action)
                                << " and is now " << disposition_name(now));
    }
    CHECK(compared > 20);
    CHECK(dispositions_at_start[SIGPIPE].valid);
}

TEST_CASE("SIGPIPE keeps its disposition and a send to a closed peer returns an error") {
    const auto before = current_disposition(SIGPIPE);
    CHECK(same_disposition(before, dispositions_at_start[SIGPIPE].action));
    if (before.sa_handler != SIG_DFL || (before.sa_flags & SA_SIGINFO)) {
        MESSAGE("SIGPIPE was " << disposition_name(before)
                               << " when this program started, so the in-process send below cannot show a "
                                  "missing MSG_NOSIGNAL; the forked child in the next test still can");
    }
    SUBCASE("TCP") {
        auto c = connected_pair();
        c.server.close();
        const auto ec = send_until_failure(c.client);
        REQUIRE_MESSAGE(ec, "1000 sends to a closed peer all succeeded");
        CHECK_MESSAGE(is_closed_peer_error(ec), describe(ec));
    }
    SUBCASE("socket_pair") {
        auto [a, b] = net::socket_pair();
        b.close();
        const auto ec = send_until_failure(a);
        REQUIRE_MESSAGE(ec, "1000 sends to a closed peer all succeeded");
        CHECK_MESSAGE(is_closed_peer_error(ec), describe(ec));
    }
    SUBCASE("sendall after shutdown(send)") {
        auto c = connected_pair();
        net::shutdown(c.client, net::shutdown_type::send);
        std::size_t sent = 12345;
        auto r = net::try_sendall(c.client, net::buffer(std::string_view("after shutdown")), &sent);
        REQUIRE_FALSE(r.has_value());
        CHECK_MESSAGE(r.error() == std::errc::broken_pipe, describe(r.error()));
        CHECK(sent == 0);
    }
    const auto after = current_disposition(SIGPIPE);
    CHECK_MESSAGE(same_disposition(before, after),
                  "SIGPIPE was " << disposition_name(before) << " and is now " << disposition_name(after));
}

TEST_CASE("a send to a closed peer does not kill a process whose SIGPIPE is at its default") {
    // The child sets SIGPIPE to its default (the parent's disposition is left alone), so a
    // send without MSG_NOSIGNAL/SO_NOSIGPIPE would kill it.
    const int status = run_in_child(20, [] {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        if (::sigaction(SIGPIPE, &dfl, nullptr) != 0) return 10;
        {
            auto pair = net::try_socket_pair();
            if (!pair) return 11;
            pair->second.close();
            auto ec = send_until_failure(pair->first);
            if (!ec) return 12;
            if (!is_closed_peer_error(ec)) return 13;
        }
        auto listener = net::try_make_socket(net::family::ipv4);
        if (!listener || !net::try_bind(*listener, net::address::loopback()) || !net::try_listen(*listener))
            return 14;
        auto client = net::try_make_socket(net::family::ipv4);
        auto where = net::try_local_address(*listener);
        if (!client || !where || !net::try_connect(*client, *where, io_timeout)) return 15;
        auto conn = net::try_accept(*listener, io_timeout);
        if (!conn) return 16;
        conn->socket.close();
        auto ec = send_until_failure(*client);
        if (!ec) return 17;
        if (!is_closed_peer_error(ec)) return 18;
        return 0;
    });
    if (WIFSIGNALED(status)) {
        FAIL_CHECK("the child was killed by signal "
                   << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status)) << "); SIGPIPE is " << SIGPIPE);
    } else {
        REQUIRE(WIFEXITED(status));
        CHECK_MESSAGE(WEXITSTATUS(status) == 0, "the child failed at step "
                                                    << WEXITSTATUS(status)
                                                    << " (12/17: no error; 13/18: an unexpected error)");
    }
}

// ---------------------------------------------------------------------------------------------
// Descriptor exhaustion (at EMFILE accept leaves the connection queued, so a loop that
// retries at once spins at 100 % CPU)

TEST_CASE("accept reports too_many_files_open promptly when the process is out of descriptors") {
    // Runs in a child: RLIMIT_NOFILE is lowered there only, and alarm() ends the child if accept
    // spins on EMFILE instead of returning it. The child reports the first failed step as its
    // exit status.
    const int status = run_in_child(15, [] {
        auto step = [](int code, bool ok) {
            if (!ok) ::_exit(code);
        };
        auto listener = net::try_make_socket(net::family::ipv4);
        step(20,
             listener && net::try_bind(*listener, net::address::loopback()) && net::try_listen(*listener));
        auto client = net::try_make_socket(net::family::ipv4);
        auto where = net::try_local_address(*listener);
        step(21, client && where && net::try_connect(*client, *where, io_timeout));
        auto pending = net::try_wait(*listener, net::events::readable, io_timeout);
        step(22, pending && net::has(*pending, net::events::readable));

        // Sanitizers check dynamic types by probing memory through a pipe, which fails while
        // descriptors are exhausted: take the same error paths once now, so their cache is warm.
        {
            auto refused = net::try_make_socket(net::family::ipv4);
            auto target = net::try_make_socket(net::family::ipv4);
            step(35, refused && target && net::try_bind(*target, net::address::loopback()));
            auto target_at = net::try_local_address(*target);
            step(36, target_at.has_value());
            auto r = net::try_connect(*refused, *target_at, 5s);
            step(37, !r && r.error() == std::errc::connection_refused &&
                         r.error() != std::errc::too_many_files_open);
            try {
                net::connect(*refused, *target_at, 5s);
            } catch (const net::error& e) {
                step(38, e.code() != std::errc::too_many_files_open &&
                             std::string(e.operation()) == "connect" && std::string(e.what()).size() > 0);
            }
            // ... and the form of net::error without an address, which accept throws below.
            const net::error plain(std::make_error_code(std::errc::too_many_files_open), "accept");
            step(38, std::string(plain.what()).rfind("accept: ", 0) == 0);
        }

        // The lowest free descriptor: every one below it is in use.
        const int lowest_free = ::dup(listener->native_handle());
        step(23, lowest_free >= 0);
        ::close(lowest_free);
        rlimit saved{};
        step(24, ::getrlimit(RLIMIT_NOFILE, &saved) == 0);
        rlimit lowered = saved;
        lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
        step(25, ::setrlimit(RLIMIT_NOFILE, &lowered) == 0);

        auto probe = net::try_make_socket(net::family::ipv4); // the limit is in force
        step(26, !probe && probe.error() == std::errc::too_many_files_open);

        const auto start = clock_type::now();
        auto r = net::try_accept(*listener);
        step(27, !r && r.error() == std::errc::too_many_files_open);
        auto timed = net::try_accept(*listener, 5s);
        step(28, !timed && timed.error() == std::errc::too_many_files_open);
        bool thrown = false;
        try {
            (void)net::accept(*listener, 5s);
        } catch (const net::error& e) {
            thrown = e.code() == std::errc::too_many_files_open && std::string(e.operation()) == "accept";
        }
        step(29, thrown);
        // Promptly: no internal retrying until the 5 s timeouts expire.
        step(30, seconds_since(start) < 2.0);

        // With the limit restored, the same connection is accepted: it was not lost.
        step(31, ::setrlimit(RLIMIT_NOFILE, &saved) == 0);
        auto a = net::try_accept(*listener, io_timeout);
        step(32, a && a->peer == net::local_address(*client));
        char byte = 'q';
        auto sent = net::try_send(*client, net::buffer(&byte, 1));
        step(33, sent && *sent == 1);
        char got = 0;
        auto received = net::try_recv(a->socket, net::buffer(&got, 1), io_timeout);
        step(34, received && *received == 1 && got == 'q');
        return 0;
    });
    if (WIFSIGNALED(status)) {
        FAIL_CHECK("the child was killed by signal " << WTERMSIG(status) << " ("
                                                     << strsignal(WTERMSIG(status))
                                                     << "): SIGALRM means accept never returned");
    } else {
        REQUIRE(WIFEXITED(status));
        const char* steps[] = {"set-up: listen",
                               "set-up: connect",
                               "set-up: pending connection",
                               "dup",
                               "getrlimit",
                               "setrlimit",
                               "make_socket did not fail with EMFILE",
                               "try_accept did not fail with too_many_files_open",
                               "try_accept(5s) did not fail with too_many_files_open",
                               "accept(5s) did not throw net::error{too_many_files_open, \"accept\"}",
                               "accept took 2 s or more to report EMFILE",
                               "restoring the limit",
                               "accept after restoring the limit (connection lost?)",
                               "send",
                               "recv"};
        const int code = WEXITSTATUS(status);
        const std::string what = code >= 20 && code <= 34   ? steps[code - 20]
                                 : code >= 35 && code <= 38 ? "sanitizer warm-up"
                                                            : "an unexpected exit (a sanitizer report?)";
        CHECK_MESSAGE(code == 0, "the child failed at step " << code << ": " << what);
    }
}

// ---------------------------------------------------------------------------------------------
// Local datagrams

TEST_CASE("recvfrom on local datagram sockets reports the sender's path, or an unnamed local address") {
    SUBCASE("an unnamed sender (socket_pair) is an unnamed local address") {
        auto [a, b] = net::socket_pair(net::socket_type::datagram);
        net::send(a, net::buffer(std::string_view("hi")));
        char buf[8];
        auto r = net::try_recvfrom(b, net::buffer(buf), io_timeout);
        REQUIRE_OK(r);
        CHECK(r->size == 2);
        CHECK_FALSE(r->truncated);
        CHECK_MESSAGE(r->sender.family() == net::family::local,
                      "the sender of a local datagram was reported as " << r->sender.to_string());
        CHECK(r->sender.path().empty());
        CHECK(r->sender == net::local_address(a));
    }
    SUBCASE("a named sender is reported with its path") {
        temp_dir dir;
        const auto from_path = dir.file("a");
        const auto to_path = dir.file("b");
        auto from = net::make_socket(net::family::local, net::socket_type::datagram);
        auto to = net::make_socket(net::family::local, net::socket_type::datagram);
        net::bind(from, net::address::local(from_path));
        net::bind(to, net::address::local(to_path));
        CHECK(net::sendto(from, net::buffer(std::string_view("named")), net::address::local(to_path)) == 5);
        char buf[8];
        auto r = net::recvfrom(to, net::buffer(buf), io_timeout);
        CHECK(r.size == 5);
        CHECK(r.sender.family() == net::family::local);
        CHECK(r.sender.path() == from_path);
        CHECK(r.sender == net::address::local(from_path));
        // Replying to the reported sender works.
        CHECK(net::sendto(to, net::buffer(std::string_view("reply")), r.sender) == 5);
        auto back = net::recvfrom(from, net::buffer(buf), io_timeout);
        CHECK(back.size == 5);
        CHECK(back.sender.path() == to_path);
    }
}

TEST_CASE("the longest local path that fits sun_path is exactly sizeof(sun_path) - 1 bytes") {
    const std::size_t capacity = sizeof(::sockaddr_un{}.sun_path);
    const std::string fits = "/tmp/" + std::string(capacity - 1 - 5, 'n');
    const std::string too_long = fits + "n";
    REQUIRE(fits.size() == capacity - 1);
    CHECK(net::address::try_local(fits).has_value());
    auto r = net::address::try_local(too_long);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::filename_too_long);
}
