// Tests of examples/http/http_server.hpp: the server runs in this process on a std::thread,
// serving a temporary directory made by each test, and is spoken to through real loopback
// sockets. Every wait is bounded; every thread is joined; sleeps only pace a slow client.

#include "http_server.hpp"

#include <doctest/doctest.h>
#include <net/net.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

const std::string secret = "netsock-top-secret-6b1f0c9e-never-served";

std::string read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& p, std::string_view content) {
    std::ofstream f(p, std::ios::binary);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    REQUIRE(f.good());
}

// Joins strings. (Not `"/" + std::string(...)`: GCC 12 -O3 -std=c++20 gives a false
// -Wrestrict for it, GCC PR 105651.)
std::string cat(std::initializer_list<std::string_view> parts) {
    std::string r;
    for (std::string_view p : parts) r += p;
    return r;
}

double ms_since(steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

// A fresh directory tree: base/secret.txt outside, base/root served.
struct temp_tree {
    fs::path base, root, secret_file;
    temp_tree() {
        std::random_device rd;
        for (int i = 0; i < 100 && base.empty(); ++i) {
            fs::path p = fs::temp_directory_path() /
                         ("netsock-http-" + std::to_string(rd()) + "-" + std::to_string(i));
            std::error_code ec;
            if (fs::create_directory(p, ec)) base = p;
        }
        REQUIRE(!base.empty());
        base = fs::canonical(base);
        root = base / "root";
        fs::create_directory(root);
        secret_file = base / "secret.txt";
        write_file(secret_file, secret);
    }
    ~temp_tree() {
        std::error_code ec;
        fs::remove_all(base, ec);
    }
    temp_tree(const temp_tree&) = delete;
    temp_tree& operator=(const temp_tree&) = delete;
};

// The server on its own thread; stopped and joined by the destructor.
class running_server {
public:
    explicit running_server(const fs::path& root, std::chrono::milliseconds idle = 10s)
        : srv_(make_options(root, idle)), address_(srv_.local_address()), thread_([this] {
              try {
                  srv_.run(stop_);
              } catch (...) {
                  failure_ = std::current_exception();
              }
          }) {}
    ~running_server() {
        stop_.store(true);
        if (thread_.joinable()) thread_.join();
        if (failure_) FAIL_CHECK("the server thread failed with an exception");
    }
    running_server(const running_server&) = delete;
    running_server& operator=(const running_server&) = delete;

    const net::address& address() const noexcept { return address_; }
    // Stops the server, joins its thread and returns how long that took.
    double stop() {
        const auto t0 = steady::now();
        stop_.store(true);
        if (thread_.joinable()) thread_.join();
        if (failure_) {
            auto f = std::exchange(failure_, nullptr);
            std::rethrow_exception(f);
        }
        return ms_since(t0);
    }

private:
    static http::server_options make_options(const fs::path& root, std::chrono::milliseconds idle) {
        http::server_options o;
        o.bind = net::address::loopback(net::family::ipv4, 0);
        o.directory = root;
        o.idle_timeout = idle;
        return o;
    }
    http::server srv_;
    std::atomic<bool> stop_{false};
    std::exception_ptr failure_;
    net::address address_;
    std::thread thread_; // last: starts after everything it uses exists
};

// A thread that is always joined, also when a REQUIRE throws.
class joining_thread {
public:
    template <class F> explicit joining_thread(F f) : t_(std::move(f)) {}
    ~joining_thread() { join(); }
    void join() {
        if (t_.joinable()) t_.join();
    }

private:
    std::thread t_;
};

struct response {
    int status = 0;
    std::string head;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::uint64_t content_length = 0;

    bool has(std::string_view name) const { return find(name) != nullptr; }
    std::string header(std::string_view name) const {
        const std::string* v = find(name);
        return v ? *v : std::string();
    }

private:
    const std::string* find(std::string_view name) const {
        for (const auto& h : headers)
            if (http::iequals(h.first, name)) return &h.second;
        return nullptr;
    }
};

// A minimal blocking HTTP client with a deadline on everything.
class client {
public:
    explicit client(const net::address& a) : sock_(net::make_socket(a.family())) {
        net::connect(sock_, a, 2s);
    }

    void send(std::string_view data) { net::sendall(sock_, net::buffer(data), 5s); }

    // Reads one response head (leaving any body bytes buffered).
    response read_head(std::chrono::milliseconds timeout = 5s) {
        const auto until = steady::now() + timeout;
        std::size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
            if (buf_.size() > 65536) throw std::runtime_error("response head too large");
            if (!fill(until)) throw std::runtime_error("EOF before a response head; got: " + buf_);
        }
        response r;
        r.head = buf_.substr(0, end + 4);
        buf_.erase(0, end + 4);
        if (r.head.compare(0, 9, "HTTP/1.1 ") != 0) throw std::runtime_error("bad status line: " + r.head);
        r.status = std::stoi(r.head.substr(9, 3));
        std::size_t pos = r.head.find("\r\n") + 2;
        while (pos < end) {
            const std::size_t eol = r.head.find("\r\n", pos);
            const std::string line = r.head.substr(pos, eol - pos);
            const std::size_t colon = line.find(':');
            if (colon == std::string::npos) throw std::runtime_error("bad header line: " + line);
            r.headers.emplace_back(line.substr(0, colon),
                                   std::string(http::trim_ows(std::string_view(line).substr(colon + 1))));
            pos = eol + 2;
        }
        if (!r.has("content-length")) throw std::runtime_error("no Content-Length: " + r.head);
        r.content_length = std::stoull(r.header("content-length"));
        return r;
    }

    // Reads one whole response; a response to HEAD has no body.
    response read_response(bool head_request = false, std::chrono::milliseconds timeout = 5s) {
        const auto until = steady::now() + timeout;
        response r = read_head(timeout);
        if (!head_request) {
            while (buf_.size() < r.content_length)
                if (!fill(until)) throw std::runtime_error("EOF inside a body");
            r.body = buf_.substr(0, static_cast<std::size_t>(r.content_length));
            buf_.erase(0, static_cast<std::size_t>(r.content_length));
        }
        return r;
    }

    // Receives up to `n` body bytes (buffered ones first); 0 at EOF.
    std::size_t read_some(char* out, std::size_t n, std::chrono::milliseconds timeout = 5s) {
        if (!buf_.empty()) {
            const std::size_t k = (std::min)(n, buf_.size());
            std::memcpy(out, buf_.data(), k);
            buf_.erase(0, k);
            return k;
        }
        auto r = net::try_recv(sock_, net::buffer(out, n), timeout);
        if (!r) throw net::error(r.error(), "recv");
        return *r;
    }

    // Everything until the server closes (bounded in time and size).
    std::string read_to_eof(std::chrono::milliseconds timeout = 5s) {
        const auto until = steady::now() + timeout;
        while (fill(until))
            if (buf_.size() > (64u << 20)) throw std::runtime_error("too much data");
        return std::exchange(buf_, std::string());
    }

    // True if the server closes the connection within `timeout` without sending anything.
    bool closed_within(std::chrono::milliseconds timeout) {
        char c;
        auto r = net::try_recv(sock_, net::buffer(&c, 1), timeout);
        if (!r) return r.error() == std::errc::connection_reset;
        if (*r != 0) throw std::runtime_error("unexpected data instead of EOF");
        return true;
    }

    net::socket& socket() noexcept { return sock_; }
    bool buffered() const noexcept { return !buf_.empty(); }

private:
    bool fill(steady::time_point until) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
        if (left <= 0ms) throw std::runtime_error("timed out waiting for the server");
        char tmp[65536];
        auto r = net::try_recv(sock_, net::buffer(tmp), left);
        if (!r) {
            if (r.error() == std::errc::connection_reset) return false;
            throw net::error(r.error(), "recv");
        }
        buf_.append(tmp, *r);
        return *r > 0;
    }

    net::socket sock_;
    std::string buf_;
};

std::string get_request(std::string_view target, std::string_view extra = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

// One request on a fresh connection that asks to be closed afterwards.
response fetch(const net::address& a, std::string_view target, std::string_view method = "GET") {
    client c(a);
    c.send(std::string(method) + " " + std::string(target) +
           " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    return c.read_response(method == "HEAD");
}

// Pseudo-random file content, and a checksum that is the same however the bytes are split.
struct pattern {
    std::uint64_t s = 0x243F6A8885A308D3ull;
    std::uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    void fill(char* p, std::size_t n) { // n is a multiple of 8
        for (std::size_t i = 0; i < n; i += 8) {
            const std::uint64_t v = next();
            std::memcpy(p + i, &v, 8);
        }
    }
};

class checksum {
public:
    void update(const char* p, std::size_t n) {
        total_ += n;
        while (n > 0 && fill_ > 0 && fill_ < 8) { // finish a partial word
            word_[fill_++] = *p++;
            --n;
            if (fill_ == 8) mix_word();
        }
        while (n >= 8) {
            std::memcpy(word_, p, 8);
            fill_ = 8;
            mix_word();
            p += 8;
            n -= 8;
        }
        while (n > 0) {
            word_[fill_++] = *p++;
            --n;
        }
    }
    std::uint64_t value() const {
        std::uint64_t h = h_;
        for (std::size_t i = 0; i < fill_; ++i)
            h = (h ^ static_cast<unsigned char>(word_[i])) * 0x100000001B3ull;
        return h ^ total_;
    }
    std::uint64_t total() const noexcept { return total_; }

private:
    void mix_word() {
        std::uint64_t w;
        std::memcpy(&w, word_, 8);
        h_ = (h_ ^ w) * 0x100000001B3ull;
        h_ ^= h_ >> 29;
        fill_ = 0;
    }
    std::uint64_t h_ = 0xCBF29CE484222325ull;
    std::uint64_t total_ = 0;
    char word_[8] = {};
    std::size_t fill_ = 0;
};

// Writes `size` pattern bytes to `p` and returns their checksum.
std::uint64_t write_pattern_file(const fs::path& p, std::uint64_t size) {
    std::ofstream f(p, std::ios::binary);
    pattern gen;
    checksum sum;
    std::vector<char> block(1 << 20);
    for (std::uint64_t done = 0; done < size;) {
        const auto n = static_cast<std::size_t>((std::min<std::uint64_t>)(block.size(), size - done));
        gen.fill(block.data(), block.size());
        f.write(block.data(), static_cast<std::streamsize>(n));
        sum.update(block.data(), n);
        done += n;
    }
    REQUIRE(f.good());
    return sum.value();
}

bool have_curl() { return std::system("command -v curl >/dev/null 2>&1") == 0; }

std::string shell_quote(const std::string& s) {
    std::string r = "'";
    for (char c : s) {
        if (c == '\'') r += "'\\''";
        else r += c;
    }
    return r + "'";
}

} // namespace

TEST_CASE("GET serves files with their Content-Type and Content-Length, many on one connection") {
    temp_tree t;
    struct file {
        const char* name;
        std::string content;
        const char* type;
    };
    const std::vector<file> files = {
        {"hello.txt", "hello, world\n", "text/plain; charset=utf-8"},
        {"page.html", "<p>hi</p>", "text/html; charset=utf-8"},
        {"old.htm", "<p>old</p>", "text/html; charset=utf-8"},
        {"style.css", "p{}", "text/css; charset=utf-8"},
        {"app.js", "let x;", "text/javascript; charset=utf-8"},
        {"data.json", "{}", "application/json"},
        {"img.png", std::string("\x89PNG\r\n\x1a\n\0\0", 10), "image/png"},
        {"photo.jpg", "\xff\xd8\xff", "image/jpeg"},
        {"photo.JPEG", "\xff\xd8\xff!", "image/jpeg"},
        {"anim.gif", "GIF89a", "image/gif"},
        {"logo.svg", "<svg/>", "image/svg+xml"},
        {"favicon.ico", std::string("\0\0\1\0", 4), "image/vnd.microsoft.icon"},
        {"mod.wasm", std::string("\0asm", 4), "application/wasm"},
        {"doc.pdf", "%PDF-1.7", "application/pdf"},
        {"blob.bin", std::string(3000, '\xAB'), "application/octet-stream"},
        {"noext", "x", "application/octet-stream"},
        {"empty.txt", "", "text/plain; charset=utf-8"},
        {"name with spaces & more.txt", "spaces", "text/plain; charset=utf-8"},
    };
    for (const file& f : files) write_file(t.root / f.name, f.content);
    running_server s(t.root);
    client c(s.address());
    for (int round = 0; round < 2; ++round) {
        for (const file& f : files) {
            CAPTURE(f.name);
            c.send(get_request(cat({"/", http::percent_encode(f.name)})));
            const response r = c.read_response();
            CHECK(r.status == 200);
            CHECK(r.body == f.content);
            CHECK(r.header("content-type") == f.type);
            CHECK(r.content_length == f.content.size());
            CHECK_FALSE(r.has("connection")); // HTTP/1.1: keep-alive is the default
            CHECK(r.has("date"));
        }
    }
    CHECK_FALSE(c.buffered());
}

TEST_CASE("HEAD has the headers of GET and no body") {
    temp_tree t;
    write_file(t.root / "a.txt", std::string(12345, 'a'));
    running_server s(t.root);
    client c(s.address());
    c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    const response head = c.read_response(true);
    CHECK(head.status == 200);
    CHECK(head.content_length == 12345);
    CHECK(head.header("content-type") == "text/plain; charset=utf-8");
    // Had the HEAD response carried a body, this would read its bytes as a status line.
    c.send("HEAD /missing HTTP/1.1\r\nHost: x\r\n\r\n");
    const response missing = c.read_response(true);
    CHECK(missing.status == 404);
    CHECK(missing.content_length > 0);
    c.send(get_request("/a.txt"));
    const response get = c.read_response();
    CHECK(get.status == 200);
    CHECK(get.body == std::string(12345, 'a'));
    CHECK_FALSE(c.buffered());
}

TEST_CASE("keep-alive: Connection: close and HTTP/1.0 are honoured") {
    temp_tree t;
    write_file(t.root / "a.txt", "A");
    running_server s(t.root);

    SUBCASE("HTTP/1.1 with Connection: close") {
        client c(s.address());
        c.send(get_request("/a.txt", "Connection: close\r\n"));
        const response r = c.read_response();
        CHECK(r.body == "A");
        CHECK(r.header("connection") == "close");
        CHECK(c.closed_within(2s));
    }
    SUBCASE("HTTP/1.0 closes by default") {
        client c(s.address());
        c.send("GET /a.txt HTTP/1.0\r\n\r\n");
        const response r = c.read_response();
        CHECK(r.body == "A");
        CHECK(r.header("connection") == "close");
        CHECK(c.closed_within(2s));
    }
    SUBCASE("HTTP/1.0 with Connection: keep-alive stays open") {
        client c(s.address());
        for (int i = 0; i < 3; ++i) {
            c.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            const response r = c.read_response();
            CHECK(r.body == "A");
            CHECK(r.header("connection") == "keep-alive");
        }
    }
    SUBCASE("HTTP/1.1 stays open across errors that keep the framing") {
        client c(s.address());
        for (int i = 0; i < 3; ++i) {
            c.send(get_request("/nope"));
            CHECK(c.read_response().status == 404);
            c.send(get_request("/a.txt"));
            CHECK(c.read_response().body == "A");
        }
    }
}

TEST_CASE("pipelined requests are answered in order") {
    temp_tree t;
    write_file(t.root / "one.txt", "1");
    write_file(t.root / "two.txt", "22");
    const std::string big(3 * 1024 * 1024 + 7, 'b');
    write_file(t.root / "big.bin", big);
    running_server s(t.root);

    SUBCASE("a mixed batch in one send, ending with Connection: close") {
        client c(s.address());
        c.send(get_request("/one.txt") + "HEAD /two.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
               get_request("/big.bin") + get_request("/missing") + get_request("/two.txt") +
               get_request("/one.txt", "Connection: close\r\n") +
               get_request("/two.txt")); // after the close: never answered
        CHECK(c.read_response().body == "1");
        const response head = c.read_response(true);
        CHECK(head.content_length == 2);
        const response b = c.read_response(false, 20s);
        CHECK(b.content_length == big.size());
        CHECK((b.body == big));
        CHECK(c.read_response().status == 404);
        CHECK(c.read_response().body == "22");
        const response last = c.read_response();
        CHECK(last.body == "1");
        CHECK(last.header("connection") == "close");
        CHECK(c.closed_within(3s));
    }
    SUBCASE("500 requests in one burst, split at arbitrary points") {
        client c(s.address());
        std::string burst;
        for (int i = 0; i < 500; ++i) burst += get_request(i % 2 ? "/one.txt" : "/two.txt");
        // Send in odd-sized pieces so request boundaries fall everywhere.
        for (std::size_t pos = 0, step = 1; pos < burst.size(); pos += step, step = step * 7 % 1000 + 1)
            c.send(std::string_view(burst).substr(pos, step));
        for (int i = 0; i < 500; ++i) {
            CAPTURE(i);
            const response r = c.read_response();
            REQUIRE(r.status == 200);
            CHECK(r.body == (i % 2 ? "1" : "22"));
        }
    }
}

TEST_CASE("status codes: 400, 404, 405, 413, 414, 431, 505 with small HTML bodies") {
    temp_tree t;
    write_file(t.root / "a.txt", "A");
    running_server s(t.root);
    struct row {
        std::string request;
        int status;
        bool closes; // a request that cannot be framed ends the connection
    };
    const std::vector<row> rows = {
        {"BLAH\x01 / HTTP/1.1\r\n\r\n", 400, true},
        {"GET / HTTP/1.1\r\n\r\n", 400, true}, // no Host
        {get_request("/a%00.txt"), 400, true},
        {get_request("/a%zz"), 400, true},
        {get_request("/nothing-here"), 404, false},
        {"POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405, true},
        {"DELETE /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 405, true},
        {get_request("/a.txt", "Content-Length: 5\r\n") + "hello", 413, true},
        {get_request("/a.txt", "Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n0\r\n\r\n", 413, true},
        {get_request(cat({"/", std::string(5000, 'x')})), 414, true},
        {get_request("/a.txt", "X-Big: " + std::string(9000, 'x') + "\r\n"), 431, true},
        {"GET /a.txt HTTP/2.0\r\nHost: x\r\n\r\n", 505, true},
    };
    for (const row& r : rows) {
        CAPTURE(r.request.substr(0, 60));
        client c(s.address());
        c.send(r.request);
        const response res = c.read_response();
        CHECK(res.status == r.status);
        CHECK(res.header("content-type") == "text/html; charset=utf-8");
        CHECK(res.body.find("<html") != std::string::npos);
        CHECK(res.body.find(std::to_string(r.status)) != std::string::npos);
        CHECK(res.body.size() < 1024);
        if (r.status == 405) CHECK(res.header("allow") == "GET, HEAD");
        if (r.closes) {
            CHECK(res.header("connection") == "close");
            CHECK(c.closed_within(3s));
        } else {
            c.send(get_request("/a.txt"));
            CHECK(c.read_response().body == "A");
        }
    }
}

TEST_CASE("403 for files that cannot or must not be read") {
    temp_tree t;
    running_server s(t.root);

    SUBCASE("a socket file (not a regular file)") {
        auto sock = net::make_socket(net::family::local, net::socket_type::stream);
        const fs::path p = t.root / "sock";
        auto bound = net::try_bind(sock, net::address::local(p.string()));
        if (!bound) {
            MESSAGE("cannot create a Unix socket file here (" << bound.error().message() << "): skipped");
            return;
        }
        const response r = fetch(s.address(), "/sock");
        CHECK(r.status == 403);
    }
    SUBCASE("a file without read permission") {
        const fs::path p = t.root / "locked.txt";
        write_file(p, secret);
        fs::permissions(p, fs::perms::none);
        const bool readable = std::ifstream(p).is_open();
        if (readable) {
            MESSAGE("running with privileges that read any file (root?): permission check skipped");
        } else {
            const response r = fetch(s.address(), "/locked.txt");
            CHECK(r.status == 403);
            CHECK(r.body.find(secret) == std::string::npos);
        }
        fs::permissions(p, fs::perms::owner_all);
    }
}

TEST_CASE("directories: 301 to the slash URL, index.html, HTML listings with escaped names") {
    temp_tree t;
    fs::create_directories(t.root / "site");
    write_file(t.root / "site" / "index.html", "<h1>index</h1>");
    const fs::path odd = t.root / "<odd> & dir";
    fs::create_directories(odd / "sub dir");
    write_file(odd / "a&b <c>.txt", "x");
    write_file(odd / "quote\"'.txt", "q");
    write_file(odd / "Zeta.txt", "z");
    write_file(odd / "alpha.txt", "a");
    fs::create_symlink("alpha.txt", odd / "link.txt");
    running_server s(t.root);

    const response r1 = fetch(s.address(), "/site");
    CHECK(r1.status == 301);
    CHECK(r1.header("location") == "/site/");
    const response r2 = fetch(s.address(), "/site?x=1&y=2");
    CHECK(r2.status == 301);
    CHECK(r2.header("location") == "/site/?x=1&y=2");
    // Never a protocol-relative redirect ("//site/" would send the browser to host "site").
    const response r3 = fetch(s.address(), "//site");
    CHECK(r3.status == 301);
    CHECK(r3.header("location") == "/site/");
    const response r4 = fetch(s.address(), "/site/");
    CHECK(r4.status == 200);
    CHECK(r4.body == "<h1>index</h1>");
    CHECK(r4.header("content-type") == "text/html; charset=utf-8");

    const response d = fetch(s.address(), "/%3Codd%3E%20%26%20dir");
    CHECK(d.status == 301);
    CHECK(d.header("location") == "/%3Codd%3E%20%26%20dir/");
    const response l = fetch(s.address(), d.header("location"));
    CHECK(l.status == 200);
    CHECK(l.header("content-type") == "text/html; charset=utf-8");
    const std::string& b = l.body;
    CHECK(b.find("<title>Directory listing for /&lt;odd&gt; &amp; dir/</title>") != std::string::npos);
    CHECK(b.find("<a href=\"a%26b%20%3Cc%3E.txt\">a&amp;b &lt;c&gt;.txt</a>") != std::string::npos);
    CHECK(b.find("<a href=\"quote%22%27.txt\">quote&quot;&#39;.txt</a>") != std::string::npos);
    CHECK(b.find("<a href=\"sub%20dir/\">sub dir/</a>") != std::string::npos);
    CHECK(b.find("<a href=\"link.txt\">link.txt@</a>") != std::string::npos);
    CHECK(b.find("<odd>") == std::string::npos);
    // Sorted case-insensitively, like Python.
    const auto alpha = b.find("alpha.txt"), link = b.find("link.txt"), zeta = b.find("Zeta.txt");
    CHECK(alpha < link);
    CHECK(link < zeta);
    // The links work.
    const response f = fetch(s.address(), "/%3Codd%3E%20%26%20dir/a%26b%20%3Cc%3E.txt");
    CHECK(f.body == "x");

    const response root = fetch(s.address(), "/");
    CHECK(root.status == 200);
    CHECK(root.body.find("<a href=\"site/\">site/</a>") != std::string::npos);
    const response head = fetch(s.address(), "/", "HEAD");
    CHECK(head.content_length == root.content_length);
}

TEST_CASE("no request reads outside the served directory") {
    temp_tree t;
    write_file(t.root / "hello.txt", "hello");
    fs::create_directories(t.root / "sub");
    fs::create_symlink(t.secret_file, t.root / "abs_link");
    fs::create_symlink("../secret.txt", t.root / "rel_link");
    fs::create_symlink(t.base, t.root / "dir_link");
    fs::create_symlink("../../secret.txt", t.root / "sub" / "deep_link");
    fs::create_symlink("hello.txt", t.root / "good_link"); // inside: allowed
    running_server s(t.root);

    const std::string abs = t.secret_file.generic_string(); // "/tmp/netsock-http-.../secret.txt"
    const std::vector<std::string> targets = {
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/sub\\..\\..\\secret.txt",
        cat({"/", abs}),
        cat({"/", http::percent_encode(abs)}),
        cat({"/%2f", abs.substr(1)}),
        cat({"//", abs}),
        "http://test/../secret.txt",
        "http://test/%2e%2e/secret.txt",
        "/abs_link",
        "/rel_link",
        "/dir_link/secret.txt",
        "/dir_link/",
        "/dir_link",
        "/sub/deep_link",
        "/..%252fsecret.txt",       // double-encoded: a literal name, not a separator
        "/%c0%ae%c0%ae/secret.txt", // overlong UTF-8 dots are just bytes
        "/../../../../../../../../etc/passwd",
        "/%2e%2e%2fetc/passwd",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/./../secret.txt",
    };
    const std::string passwd = read_file("/etc/passwd");
    for (const std::string& target : targets) {
        CAPTURE(target);
        client c(s.address());
        c.send("GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        const std::string raw = c.read_to_eof();
        CHECK(raw.find(secret) == std::string::npos);
        if (passwd.size() > 8) CHECK(raw.find(passwd.substr(0, 8)) == std::string::npos);
        REQUIRE(raw.size() > 12);
        const int status = std::stoi(raw.substr(9, 3));
        CHECK((status == 400 || status == 403 || status == 404));
    }
    // Symlinks that stay inside are followed.
    CHECK(fetch(s.address(), "/good_link").body == "hello");
}

TEST_CASE("a client sending one byte per 100 ms does not block another client") {
    temp_tree t;
    write_file(t.root / "a", "slow");
    write_file(t.root / "b.txt", "fast");
    running_server s(t.root);

    const std::string slow_request = "GET /a HTTP/1.0\r\n\r\n";
    std::atomic<std::size_t> slow_sent{0};
    std::promise<void> started;
    std::future<void> started_f = started.get_future();
    std::promise<response> slow_result;
    std::future<response> slow_result_f = slow_result.get_future();
    {
        joining_thread slow([&] {
            bool signalled = false;
            try {
                client c(s.address());
                for (std::size_t i = 0; i < slow_request.size(); ++i) {
                    c.send(slow_request.substr(i, 1));
                    slow_sent = i + 1;
                    if (i == 2) {
                        started.set_value();
                        signalled = true;
                    }
                    std::this_thread::sleep_for(100ms); // the pacing under test, not synchronisation
                }
                slow_result.set_value(c.read_response());
            } catch (...) {
                if (!signalled) started.set_exception(std::current_exception());
                slow_result.set_exception(std::current_exception());
            }
        });
        REQUIRE(started_f.wait_for(5s) == std::future_status::ready);
        started_f.get();
        const auto t0 = steady::now();
        client fast(s.address());
        fast.send(get_request("/b.txt"));
        const response r = fast.read_response(false, 2s);
        const double elapsed = ms_since(t0);
        const std::size_t sent_then = slow_sent.load();
        MESSAGE("fast client served in " << elapsed << " ms while the slow one had sent " << sent_then
                                         << " of " << slow_request.size() << " bytes");
        CHECK(r.body == "fast");
        CHECK(elapsed < 1000.0);
        CHECK(sent_then < slow_request.size()); // the slow client really was mid-request
    }
    REQUIRE(slow_result_f.wait_for(10s) == std::future_status::ready);
    const response slow = slow_result_f.get();
    CHECK(slow.body == "slow");
}

TEST_CASE("a 100 MiB file arrives intact, and a stalled reader blocks nobody") {
    temp_tree t;
    const std::uint64_t size = 100ull << 20;
    const auto g0 = steady::now();
    const std::uint64_t expected = write_pattern_file(t.root / "big.bin", size);
    MESSAGE("generated 100 MiB in " << ms_since(g0) << " ms");
    write_file(t.root / "small.txt", "small");
    running_server s(t.root);

    client big(s.address());
    big.send(get_request("/big.bin"));
    const response head = big.read_head();
    REQUIRE(head.status == 200);
    REQUIRE(head.content_length == size);
    CHECK(head.header("content-type") == "application/octet-stream");

    checksum sum;
    std::vector<char> buf(256 * 1024);
    const auto t0 = steady::now();
    while (sum.total() < (1u << 20)) { // 1 MiB, then stop reading for a while
        const std::size_t n = big.read_some(buf.data(), buf.size());
        if (n == 0) FAIL("EOF after " << sum.total() << " body bytes");
        sum.update(buf.data(), n);
    }
    // The server now has a full socket buffer towards `big`; others must still be served.
    const auto f0 = steady::now();
    const response small = fetch(s.address(), "/small.txt");
    const double fast_ms = ms_since(f0);
    CHECK(small.body == "small");
    CHECK(fast_ms < 1000.0);

    while (sum.total() < size) {
        if (ms_since(t0) > 90000.0) FAIL("only " << sum.total() << " bytes after 90 s");
        const std::size_t want =
            static_cast<std::size_t>((std::min<std::uint64_t>)(buf.size(), size - sum.total()));
        const std::size_t n = big.read_some(buf.data(), want, 10s);
        if (n == 0) FAIL("EOF after " << sum.total() << " body bytes");
        sum.update(buf.data(), n);
    }
    const double total_ms = ms_since(t0);
    MESSAGE("100 MiB received in " << total_ms << " ms; small file served in " << fast_ms
                                   << " ms while the big reader was stalled");
    CHECK(sum.total() == size);
    CHECK(sum.value() == expected);
    // The connection is still usable: nothing extra was sent.
    big.send(get_request("/small.txt"));
    CHECK(big.read_response().body == "small");
}

TEST_CASE("backpressure: a client that never reads its responses cannot make the server buffer "
          "requests") {
    temp_tree t;
    write_pattern_file(t.root / "big.bin", 1u << 20);
    running_server s(t.root);
    client c(s.address());
    std::string chunk;
    while (chunk.size() < 64 * 1024) chunk += get_request("/big.bin");
    // The server reads a request, starts a 1 MiB response the client does not read, and then
    // reads nothing more: only the kernel's socket buffers take our bytes, and then send stalls.
    std::uint64_t accepted = 0;
    bool stalled = false;
    for (int i = 0; i < 1024 && !stalled; ++i) { // at most 64 MiB
        std::size_t sent = 0;
        auto r = net::try_sendall(c.socket(), net::buffer(chunk), 300ms, &sent);
        accepted += sent;
        if (!r) {
            REQUIRE(r.error() == std::errc::timed_out);
            stalled = true;
        }
    }
    MESSAGE("the kernel took " << accepted / 1024 << " KiB of requests before sending stalled");
    CHECK(stalled);
    CHECK(accepted < (48u << 20));
}

TEST_CASE("curl fetches a file intact (if curl is installed)") {
    if (!have_curl()) {
        MESSAGE("curl not found on PATH: skipped");
        return;
    }
    temp_tree t;
    fs::create_directories(t.root / "dir x");
    const std::uint64_t expected = write_pattern_file(t.root / "dir x" / "file.bin", (1u << 20) + 24);
    running_server s(t.root);
    const fs::path out = t.base / "curl-out.bin";
    const std::string url = "http://" + s.address().to_string() + "/dir%20x/file.bin";
    const std::string cmd =
        "curl -sS --fail --max-time 30 -o " + shell_quote(out.string()) + " " + shell_quote(url);
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string got = read_file(out);
    checksum sum;
    sum.update(got.data(), got.size());
    CHECK(got.size() == (1u << 20) + 24);
    CHECK(sum.value() == expected);
    CHECK(got == read_file(t.root / "dir x" / "file.bin"));
}

TEST_CASE("idle connections are closed after the idle timeout") {
    temp_tree t;
    write_file(t.root / "a.txt", "A");
    running_server s(t.root, 300ms);

    SUBCASE("a connection that sends nothing") {
        client c(s.address());
        const auto t0 = steady::now();
        CHECK(c.closed_within(3s));
        const double ms = ms_since(t0);
        MESSAGE("closed after " << ms << " ms");
        CHECK(ms >= 250.0);
        CHECK(ms < 2000.0);
    }
    SUBCASE("an idle keep-alive connection after a response") {
        client c(s.address());
        c.send(get_request("/a.txt"));
        CHECK(c.read_response().body == "A");
        const auto t0 = steady::now();
        CHECK(c.closed_within(3s));
        CHECK(ms_since(t0) < 2000.0);
    }
    SUBCASE("a head trickling in byte by byte must still complete in time") {
        client c(s.address());
        c.send("GET /a.txt HTTP/1.1\r\nX-Slow: ");
        const auto t0 = steady::now();
        bool closed = false;
        for (int i = 0; i < 40 && !closed; ++i) {                           // at most 40 x 50 ms
            if (!net::try_send(c.socket(), net::buffer("x", 1), 1s)) break; // reset: closed
            closed = c.closed_within(50ms);
        }
        const double ms = ms_since(t0);
        MESSAGE("trickling client closed after " << ms << " ms");
        CHECK(ms < 1500.0);
    }
}

TEST_CASE("a listing is built once, shared by its clients, and rebuilt when the directory changes") {
    temp_tree t;
    fs::create_directory(t.root / "big");
    for (int i = 0; i < 2000; ++i) write_file(t.root / "big" / ("file" + std::to_string(i) + ".txt"), "x");
    running_server s(t.root);
    std::string first;
    {
        // 20 clients ask at once; every one gets the whole listing, byte for byte the same.
        std::vector<std::unique_ptr<client>> clients;
        for (int i = 0; i < 20; ++i) {
            clients.push_back(std::make_unique<client>(s.address()));
            clients.back()->send(get_request("/big/"));
        }
        for (auto& c : clients) {
            auto r = c->read_response();
            REQUIRE(r.status == 200);
            if (first.empty()) first = r.body;
            CHECK(r.body == first);
        }
    }
    CHECK(first.find("file1999.txt") != std::string::npos);
    CHECK(first.find("new.txt") == std::string::npos);
    // HEAD: the same length, no body.
    {
        client c(s.address());
        c.send("HEAD /big/ HTTP/1.1\r\nHost: x\r\n\r\n");
        auto r = c.read_head();
        CHECK(r.header("content-length") == std::to_string(first.size()));
    }
    // A new entry changes the directory's modification time: the next listing has it.
    write_file(t.root / "big" / "new.txt", "n");
    fs::remove(t.root / "big" / "file0.txt");
    client c(s.address());
    c.send(get_request("/big/"));
    auto r = c.read_response();
    CHECK(r.body.find("new.txt") != std::string::npos);
    CHECK(r.body.find("\"file0.txt\"") == std::string::npos);
}

TEST_CASE("over max_connections a client gets a fast 503 and the others keep working") {
    temp_tree t;
    write_file(t.root / "a.txt", "A");
    http::server_options o;
    o.bind = net::address::loopback(net::family::ipv4, 0);
    o.directory = t.root;
    o.max_connections = 3;
    http::server srv(o);
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    const auto a = srv.local_address();
    std::thread th([&] {
        try {
            srv.run(stop);
        } catch (...) {
            failure = std::current_exception();
        }
    });
    {
        // Three held connections, each served once so that the server has accepted them.
        std::vector<std::unique_ptr<client>> held;
        for (int i = 0; i < 3; ++i) {
            held.push_back(std::make_unique<client>(a));
            held.back()->send(get_request("/a.txt"));
            CHECK(held.back()->read_response().body == "A");
        }
        // The fourth: 503 at once, Retry-After, then closed.
        client extra(a);
        extra.send(get_request("/a.txt"));
        const auto t0 = steady::now();
        auto r = extra.read_response();
        CHECK(r.status == 503);
        CHECK(r.header("retry-after") == "1");
        CHECK(ms_since(t0) < 2000.0);
        CHECK(extra.closed_within(2s));
        // The held ones still work; once one leaves, a new client is served.
        held[0]->send(get_request("/a.txt"));
        CHECK(held[0]->read_response().body == "A");
        held.pop_back();
        bool served = false;
        for (int i = 0; i < 50 && !served; ++i) { // the server notices the close within a few polls
            client next(a);
            next.send(get_request("/a.txt"));
            served = next.read_response().status == 200;
        }
        CHECK(served);
    }
    CHECK(srv.refused_count() >= 1);
    stop.store(true);
    th.join();
    if (failure) std::rethrow_exception(failure);
}

TEST_CASE("a client that half-closes after its request still gets the response") {
    temp_tree t;
    write_file(t.root / "a.txt", std::string(200000, 'h'));
    running_server s(t.root);
    client c(s.address());
    c.send(get_request("/a.txt") + get_request("/a.txt"));
    net::shutdown(c.socket(), net::shutdown_type::send);
    CHECK(c.read_response().body.size() == 200000);
    CHECK(c.read_response().body.size() == 200000);
    CHECK(c.closed_within(3s));
}

TEST_CASE("run() returns within a few hundred ms of the stop request, closing connections") {
    temp_tree t;
    write_file(t.root / "a.txt", "A");
    running_server s(t.root);
    client idle(s.address());
    client partial(s.address());
    partial.send("GET /a.txt HTTP/1.1\r\nHo");
    client served(s.address());
    served.send(get_request("/a.txt"));
    CHECK(served.read_response().body == "A");
    const double ms = s.stop();
    MESSAGE("stopped in " << ms << " ms");
    CHECK(ms < 500.0);
    CHECK(idle.closed_within(2s));
    CHECK(partial.closed_within(2s));
    CHECK(served.closed_within(2s));
}

TEST_CASE("the server refuses a directory that does not exist") {
    http::server_options o;
    o.directory = fs::temp_directory_path() / "netsock-http-no-such-directory-4c2f";
    CHECK_THROWS_AS(http::server{o}, fs::filesystem_error);
}
