// examples/http_server under attack, as a separate process on loopback (Linux; the program's
// path comes from NETSOCK_HTTP_SERVER, set by tests/reliability/CMakeLists.txt):
//   - slowloris: 200 connections each dribbling one byte of a request head per second do not
//     stop a normal client from being served within 1 s, and the server drops them when their
//     head has not arrived within its idle timeout;
//   - 10,000 requests with random garbage heads never crash or wedge it: every answer is a
//     well-formed HTTP status line, and a normal request is served afterwards;
//   - a traversal corpus (encoded, double-encoded, backslashes, NUL bytes, overlong UTF-8,
//     absolute-form targets, symlinks leading out) never returns a byte of a file outside the
//     served directory.
// Exit code 77 (CTest: skipped) when NETSOCK_HTTP_SERVER is not set.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "process.hpp"
#include "support.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace reliability;

namespace {

std::atomic<int> skipped{0};

std::string server_program() {
    const char* v = std::getenv("NETSOCK_HTTP_SERVER");
    if (v == nullptr || *v == '\0' || ::access(v, X_OK) != 0) return {};
    return v;
}

// A served tree with a secret next to it:
//   base/secret.txt            outside the root: must never be served
//   base/www2/secret2.txt      a sibling whose name starts like the root's
//   base/www/index.html, base/www/sub/file.txt
//   base/www/escape -> ../secret.txt, base/www/escape_dir -> ..   (symlinks leading out)
class site {
public:
    site() {
        char name[] = "/tmp/netsock-http-XXXXXX";
        REQUIRE(::mkdtemp(name) != nullptr);
        base_ = name;
        secret_ = "SECRET-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand());
        REQUIRE(::mkdir((base_ + "/www").c_str(), 0755) == 0);
        REQUIRE(::mkdir((base_ + "/www/sub").c_str(), 0755) == 0);
        REQUIRE(::mkdir((base_ + "/www2").c_str(), 0755) == 0);
        write("secret.txt", secret_ + "\n");
        write("www2/secret2.txt", secret_ + "-2\n");
        write("www/index.html", "<h1>index</h1>\n");
        write("www/sub/file.txt", "inside\n");
        REQUIRE(::symlink("../secret.txt", (base_ + "/www/escape").c_str()) == 0);
        REQUIRE(::symlink("..", (base_ + "/www/escape_dir").c_str()) == 0);
    }
    site(const site&) = delete;
    site& operator=(const site&) = delete;
    ~site() {
        for (const char* f : {"www/escape_dir", "www/escape", "www/sub/file.txt", "www/index.html",
                              "www2/secret2.txt", "secret.txt"})
            ::unlink((base_ + "/" + f).c_str());
        for (const char* d : {"www/sub", "www", "www2", ""}) ::rmdir((base_ + "/" + d).c_str());
    }
    std::string root() const { return base_ + "/www"; }
    const std::string& secret() const noexcept { return secret_; }

private:
    void write(const std::string& rel, const std::string& text) {
        std::ofstream f(base_ + "/" + rel, std::ios::binary);
        f << text;
        REQUIRE(f.good());
    }
    std::string base_;
    std::string secret_;
};

struct response {
    std::string raw;
    std::error_code error; // how reading ended, if not EOF
    int status() const {
        if (raw.size() < 12 || raw.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
        return std::atoi(raw.c_str() + 9);
    }
    std::string body() const {
        const auto end = raw.find("\r\n\r\n");
        return end == std::string::npos ? std::string() : raw.substr(end + 4);
    }
};

// Sends `request` on a new connection, half-closes, and reads until the server closes.
response http_exchange(const net::address& at, const std::string& request, std::chrono::seconds limit = 5s) {
    response r;
    auto s = net::try_make_socket(net::family::ipv4);
    if (!s) {
        r.error = s.error();
        return r;
    }
    if (auto c = net::try_connect(*s, at, limit); !c) {
        r.error = c.error();
        return r;
    }
    (void)net::try_sendall(*s, net::buffer(request), limit); // the server may stop reading early
    (void)net::try_shutdown(*s, net::shutdown_type::send);
    char buf[16384];
    const auto start = steady::now();
    while (seconds_since(start) < static_cast<double>(limit.count())) {
        auto n = net::try_recv(*s, net::buffer(buf), limit);
        if (!n) {
            r.error = n.error();
            break;
        }
        if (*n == 0) break;
        r.raw.append(buf, *n);
    }
    return r;
}

std::string get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
}

// The server, started on a free port; SIGTERM and an exit code check at the end.
struct running_server {
    process p;
    net::address at;
    explicit running_server(const std::string& program, const std::string& root)
        : p({program, "--directory", root, "--port", "0", "--idle-timeout", "3", "--quiet"}) {
        const auto port = announced_port(p, "serving ");
        REQUIRE_MESSAGE(port != 0, "no 'serving ... on http://HOST:PORT/' line:\n" << p.all_output());
        at = net::address::loopback(net::family::ipv4, port);
    }
    bool alive() const { return ::waitpid(p.pid(), nullptr, WNOHANG) == 0; }
    void stop_and_check() {
        REQUIRE_MESSAGE(alive(), "the server died:\n" << p.all_output());
        ::kill(p.pid(), SIGTERM);
        const int code = p.wait_exit(10s);
        CHECK_MESSAGE(code == 0, "exit code " << code << "\n" << p.all_output());
        CHECK_MESSAGE(p.err().empty(), "stderr:\n" << p.all_output());
    }
};

#define REQUIRE_SERVER(program)                                                                              \
    const std::string program = server_program();                                                            \
    if (program.empty()) {                                                                                   \
        MESSAGE("SKIPPED: NETSOCK_HTTP_SERVER is not set");                                                  \
        ++skipped;                                                                                           \
        return;                                                                                              \
    }

} // namespace

TEST_CASE("slowloris: 200 connections sending one byte per second do not delay a normal client "
          "past 1 s, and are dropped after the idle timeout") {
    REQUIRE_SERVER(program);
    site s;
    running_server srv(program, s.root());
    constexpr int attackers = 200;
    std::vector<net::socket> slow;
    for (int i = 0; i < attackers; ++i) {
        auto c = net::make_socket(net::family::ipv4);
        REQUIRE_OK(net::try_connect(c, srv.at, io_timeout));
        slow.push_back(std::move(c));
    }
    const std::string dribble = "GET /index.html HTTP/1.1\r\nHost: test\r\nX-Slow: ";
    std::atomic<bool> stop{false};
    std::atomic<int> rounds{0};
    std::thread attacker([&] {
        for (std::size_t i = 0; !stop.load() && i < 6; ++i) {
            for (auto& c : slow)
                (void)net::try_send(c, net::buffer(dribble.data() + i % dribble.size(), 1), 100ms);
            ++rounds;
            std::this_thread::sleep_for(1s); // the attack's pace: one byte per connection per second
        }
    });
    // Meanwhile a normal client, every 250 ms for 5 s.
    double worst = 0;
    int served = 0, requests = 0;
    const auto start = steady::now();
    while (seconds_since(start) < 5.0) {
        const auto t0 = steady::now();
        const response r = http_exchange(srv.at, get("/index.html"), 5s);
        const double took = seconds_since(t0);
        ++requests;
        if (r.status() == 200 && r.body() == "<h1>index</h1>\n") ++served;
        worst = took > worst ? took : worst;
        std::this_thread::sleep_for(250ms); // pacing of the normal client
    }
    stop = true;
    attacker.join();
    MESSAGE(served << " of " << requests << " normal requests served during " << rounds.load()
                   << " rounds of slowloris from " << attackers << " connections; slowest " << worst << " s");
    CHECK(rounds.load() >= 4);
    CHECK(served == requests);
    CHECK_MESSAGE(worst < 1.0, "a normal request took " << worst << " s");
    // The idle timeout (3 s) has passed for every dribbling connection: the server closed them.
    int dropped = 0;
    for (auto& c : slow) {
        char buf[512];
        auto n = net::try_recv(c, net::buffer(buf), 3s);
        while (n && *n > 0) n = net::try_recv(c, net::buffer(buf), 3s); // a 408-like reply, if any
        if ((n && *n == 0) || (!n && n.error() != std::errc::timed_out)) ++dropped;
    }
    CHECK_MESSAGE(dropped == attackers, dropped << " of " << attackers << " slow connections were dropped");
    srv.stop_and_check();
}

TEST_CASE("10,000 requests with random garbage heads never crash the server, which then serves a "
          "normal request") {
    REQUIRE_SERVER(program);
    site s;
    running_server srv(program, s.root());
    long total = 10000;
    if (const char* v = std::getenv("NETSOCK_HTTP_GARBAGE"); v && std::atol(v) > 0) total = std::atol(v);
    constexpr int threads = 4;
    std::mutex m;
    std::map<int, long> statuses; // 0: the connection closed without an answer
    std::vector<std::string> problems;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::uint32_t x = 0x9e3779b9u * static_cast<std::uint32_t>(t + 1);
            auto rnd = [&x] {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                return x;
            };
            auto bytes = [&](std::size_t n, bool printable) {
                std::string b(n, '\0');
                for (auto& c : b)
                    c = printable ? static_cast<char>(0x20 + rnd() % 95) : static_cast<char>(rnd());
                return b;
            };
            for (long i = t; i < total; i += threads) {
                std::string head;
                switch (rnd() % 8) {
                case 0: head = bytes(1 + rnd() % 600, false); break;                      // noise
                case 1: head = "GET " + bytes(1 + rnd() % 200, true) + "\r\n\r\n"; break; // bad line
                case 2: head = "GET /" + bytes(rnd() % 100, false) + " HTTP/1.1\r\nHost: x\r\n\r\n"; break;
                case 3: // header noise
                    head = "GET / HTTP/1.1\r\n";
                    for (unsigned k = rnd() % 20; k > 0; --k) head += bytes(rnd() % 80, rnd() % 2) + "\r\n";
                    head += "\r\n";
                    break;
                case 4:
                    head = "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(9000 + rnd() % 4000, 'a') +
                           "\r\n\r\n";
                    break;
                case 5: head = "GET /" + std::string(4100 + rnd() % 2000, 'b') + " HTTP/1.1\r\n\r\n"; break;
                case 6: { // a valid head with one byte changed
                    head = "GET /sub/file.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                    head[rnd() % head.size()] = static_cast<char>(rnd());
                    break;
                }
                default:
                    head = bytes(rnd() % 64, true) + " /" + bytes(rnd() % 64, true) + " HTTP/" +
                           bytes(3, true) + "\r\n\r\n";
                }
                const response r = http_exchange(srv.at, head, 5s);
                std::lock_guard<std::mutex> lock(m);
                ++statuses[r.status()];
                const bool well_formed = r.raw.empty() || r.status() != 0;
                const bool ended = !r.error || r.error == std::errc::connection_reset;
                if ((!well_formed || !ended) && problems.size() < 10)
                    problems.push_back("request " + std::to_string(i) + ": " +
                                       (!ended ? "no end of response: " + describe(r.error)
                                               : "malformed response: " + r.raw.substr(0, 40)));
            }
        });
    }
    for (auto& th : pool) th.join();
    std::string counts;
    for (const auto& [status, n] : statuses) counts += " " + std::to_string(status) + ":" + std::to_string(n);
    MESSAGE(total << " garbage requests; responses by status (0 = closed without one):" << counts);
    for (const auto& p : problems) CHECK_MESSAGE(false, p);
    for (const auto& entry : statuses) {
        const int status = entry.first;
        CHECK_MESSAGE((status == 0 || status == 200 || status == 301 || status == 400 || status == 403 ||
                       status == 404 || status == 405 || status == 413 || status == 414 || status == 431 ||
                       status == 505),
                      "unexpected status " << status << " (" << entry.second << " times)");
    }
    REQUIRE_MESSAGE(srv.alive(), "the server died:\n" << srv.p.all_output());
    const response ok = http_exchange(srv.at, get("/sub/file.txt"));
    CHECK(ok.status() == 200);
    CHECK(ok.body() == "inside\n");
    srv.stop_and_check();
}

TEST_CASE("no traversal target returns a byte of a file outside the served directory") {
    REQUIRE_SERVER(program);
    site s;
    running_server srv(program, s.root());
    const std::vector<std::string> targets = {
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%25%32%65%25%32%65/secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/sub\\..\\..\\secret.txt",
        "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "//../secret.txt",
        "/./../secret.txt",
        "/.../secret.txt",
        "/..;/secret.txt",
        "/....//secret.txt",
        "/%00/../secret.txt",
        "/secret.txt%00.html",
        "/..%00/secret.txt",
        "/%2e%2e%00/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/..%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%f0%80%80%ae%f0%80%80%ae/secret.txt",
        "/%c1%9c..%c1%9csecret.txt",
        "/%ef%bc%8e%ef%bc%8e/secret.txt",
        "/..%u2215secret.txt",
        "/escape",
        "/escape/",
        "/escape_dir/secret.txt",
        "/escape_dir/www2/secret2.txt",
        "/escape_dir/",
        "/sub/../escape",
        "/%65scape",
        "/../www2/secret2.txt",
        "/..%2fwww2/secret2.txt",
        "/" +
            [] {
                std::string t;
                for (int i = 0; i < 40; ++i) t += "%2e%2e/";
                return t;
            }() +
            "secret.txt",
        "/" + std::string(300, '.') + "/secret.txt",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/../../../../../../etc/passwd",
        "/proc/self/environ",
        "/%2fetc%2fpasswd",
    };
    std::vector<std::string> requests;
    for (const auto& t : targets) {
        requests.push_back(get(t));
        requests.push_back("GET " + t + " HTTP/1.0\r\n\r\n");
        requests.push_back("GET http://test" + t + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    }
    // Raw bytes the encoding cannot express: NUL, backslash and overlong UTF-8 unencoded.
    using namespace std::string_literals;
    requests.push_back("GET /..\0/secret.txt HTTP/1.1\r\nHost: t\r\n\r\n"s);
    requests.push_back("GET /\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    requests.push_back("GET /sub/..\\..\\secret.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    requests.push_back("GET ../secret.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    requests.push_back("GET http://test/../secret.txt HTTP/1.1\r\nHost: test\r\n\r\n");

    std::map<int, int> statuses;
    for (const auto& req : requests) {
        const response r = http_exchange(srv.at, req);
        INFO("request: " << req.substr(0, req.find('\r')));
        CHECK_MESSAGE(r.raw.find(s.secret()) == std::string::npos, "LEAKED a file outside the root");
        const int st = r.status();
        CHECK_MESSAGE((st == 400 || st == 403 || st == 404 || st == 301 || st == 414), "status " << st);
        ++statuses[st];
    }
    std::string counts;
    for (const auto& [status, n] : statuses) counts += " " + std::to_string(status) + ":" + std::to_string(n);
    MESSAGE(requests.size() << " traversal requests; by status:" << counts);
    // The symlinks that lead out are refused as such (403), and files inside are served.
    CHECK(http_exchange(srv.at, get("/escape")).status() == 403);
    CHECK(http_exchange(srv.at, get("/escape_dir/secret.txt")).status() == 403);
    const response inside = http_exchange(srv.at, get("/sub/file.txt"));
    CHECK(inside.status() == 200);
    CHECK(inside.body() == "inside\n");
    srv.stop_and_check();
}

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int failed = context.run();
    if (context.shouldExit() || failed != 0) return failed;
    return skipped.load() > 0 ? 77 : 0; // CTest: SKIP_RETURN_CODE 77
}
