// Tests of examples/http/http_parser.hpp: the request-head parser and the path/escaping helpers.
// Every input is parsed three ways (whole, byte by byte, in random pieces) and the outcomes
// must agree: an HTTP parser must not depend on how TCP split the bytes.

#include "http_parser.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using parser = http::request_parser;

struct outcome {
    parser::parse_state state = parser::incomplete;
    int status = 0;
    std::size_t consumed = 0;
    http::request req;
};

// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct rng {
    std::uint64_t s;
    explicit rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// Feeds `input` in pieces of the sizes `piece(i)` until the parser finishes or the input ends.
template <class Piece> outcome run(std::string_view input, http::limits l, Piece piece) {
    parser p(l);
    outcome o;
    std::size_t pos = 0;
    for (std::size_t round = 0; pos < input.size() && p.state() == parser::incomplete; ++round) {
        const std::size_t n = (std::min)(piece(round), input.size() - pos);
        const std::size_t used = p.feed(input.substr(pos, n));
        REQUIRE(used <= n);
        if (p.state() == parser::incomplete) REQUIRE(used == n); // an unfinished parser takes all
        pos += used;
    }
    o.state = p.state();
    o.status = p.error_status();
    o.consumed = pos;
    o.req = p.request();
    if (o.state == parser::failed) {
        CHECK(o.status != 0);
        CHECK(!p.error_detail().empty());
        CHECK(p.error_detail().find_first_of("<>&") == std::string::npos);
    } else {
        CHECK(o.status == 0);
    }
    return o;
}

// Parses `input` whole, byte by byte and in random pieces; checks they agree.
outcome parse(std::string_view input, http::limits l = {}) {
    const outcome whole = run(input, l, [&](std::size_t) { return input.size(); });
    const outcome bytes = run(input, l, [](std::size_t) { return std::size_t{1}; });
    CHECK(bytes.state == whole.state);
    CHECK(bytes.status == whole.status);
    CHECK(bytes.consumed == whole.consumed);
    CHECK(bytes.req.path == whole.req.path);
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        rng r(seed);
        const outcome pieces = run(input, l, [&](std::size_t) { return 1 + r.below(17); });
        CHECK(pieces.state == whole.state);
        CHECK(pieces.status == whole.status);
        CHECK(pieces.consumed == whole.consumed);
    }
    return whole;
}

int status_of(std::string_view input, http::limits l = {}) {
    const outcome o = parse(input, l);
    return o.state == parser::failed ? o.status : o.state == parser::complete ? 200 : 0;
}

std::string get(std::string_view target, std::string_view headers = "Host: example\r\n") {
    return "GET " + std::string(target) + " HTTP/1.1\r\n" + std::string(headers) + "\r\n";
}

} // namespace

TEST_CASE("a simple GET is complete and consumes exactly its head") {
    const std::string in = "GET /index.html HTTP/1.1\r\nHost: example\r\nUser-Agent: t\r\n\r\n";
    const outcome o = parse(in);
    REQUIRE(o.state == parser::complete);
    CHECK(o.consumed == in.size());
    CHECK(o.req.method == "GET");
    CHECK(o.req.target == "/index.html");
    CHECK(o.req.path == "/index.html");
    CHECK(o.req.minor_version == 1);
    CHECK(o.req.keep_alive);
    CHECK(o.req.headers.size() == 2);
    REQUIRE(o.req.header("user-agent") != nullptr);
    CHECK(*o.req.header("user-agent") == "t");
    CHECK(o.req.header("accept") == nullptr);
}

TEST_CASE("an unfinished head is incomplete and consumes everything") {
    for (std::string_view in :
         {"", "G", "GET", "GET /", "GET / HTTP/1.1", "GET / HTTP/1.1\r", "GET / HTTP/1.1\r\n",
          "GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r", "\r\n\r\n"}) {
        CAPTURE(in);
        const outcome o = parse(in);
        CHECK(o.state == parser::incomplete);
        CHECK(o.consumed == in.size());
    }
}

TEST_CASE("HEAD is accepted and recognised") {
    const outcome o = parse("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(o.state == parser::complete);
    CHECK(o.req.is_head());
}

TEST_CASE("400 for malformed request lines") {
    const std::string_view bad[] = {
        "GET\r\n\r\n",
        "GET /\r\n\r\n",                       // HTTP/0.9 form
        "GET / HTTP/1.1 x\r\nHost: x\r\n\r\n", // a third space
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",  // an empty target
        " GET / HTTP/1.1\r\nHost: x\r\n\r\n",  // an empty method
        "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",   // not a token
        "G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03", // a TLS ClientHello, refused at its first byte
        "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", // raw non-ASCII in the target
        "GET /\t HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / http/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.10\r\nHost: x\r\n\r\n",
        "GET / HTTP/11.1\r\nHost: x\r\n\r\n",
        "GET / HTTPS/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.x\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\rHost: x\r\n\r\n", // a bare CR
        "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n", // asterisk-form is for OPTIONS
        "GET index.html HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http:///a HTTP/1.1\r\nHost: x\r\n\r\n", // absolute-form without a host
    };
    for (std::string_view in : bad) {
        CAPTURE(in);
        CHECK(status_of(in) == 400);
    }
}

TEST_CASE("400 for malformed header fields") {
    const std::string_view bad[] = {
        "Host: x\r\nX-A: 1\r\n 2\r\n", // obsolete line folding
        "Host: x\r\nX-A: 1\r\n\t2\r\n",
        "Host x\r\n",         // no colon
        "Host : x\r\n",       // whitespace before the colon
        ": x\r\nHost: x\r\n", // an empty name
        "Ho(st: x\r\n",
        "Host: x\r\nX-A: a\x01"
        "b\r\n", // control characters in a value
        "Host: x\r\nX-A: a\x7f"
        "b\r\n",
        "Host: x\r\nX-A: a\rb\r\n",
    };
    for (std::string_view h : bad) {
        CAPTURE(h);
        CHECK(status_of(get("/", h)) == 400);
    }
    const std::string with_nul = get("/", std::string("Host: x\r\nX-A: a\0b\r\n", 20));
    CHECK(status_of(with_nul) == 400);
}

TEST_CASE("400 for a missing or repeated Host, and for a bad Content-Length") {
    CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.0\r\n\r\n") == 200); // HTTP/1.0 needs no Host
    for (std::string_view cl : {"abc", "-1", "+1", "1.0", "0x10", "", "1, 2", "0, 1"}) {
        CAPTURE(cl);
        CHECK(status_of(get("/", "Host: x\r\nContent-Length: " + std::string(cl) + "\r\n")) == 400);
    }
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 0\r\nContent-Length: 1\r\n")) == 400);
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 0\r\n")) == 200);
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 0, 0\r\n")) == 200);
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n")) == 200);
}

TEST_CASE("400 for a Content-Length list with an empty element (RFC 9112 6.3)") {
    for (std::string_view cl : {",", ", ,", ",0", "0,", " , 0", "0,,0"}) {
        CAPTURE(cl);
        CHECK(status_of(get("/", "Host: x\r\nContent-Length: " + std::string(cl) + "\r\n")) == 400);
    }
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 0 , 0\r\n")) == 200);
}

TEST_CASE("400 for an invalid Host value; names, addresses and ports pass") {
    for (std::string_view h : {"a b", "a@b", "a/b", "[::1", "[]", "h\xc3\xa9", "a:b", "a:80:90", "[::1]x",
                               "%zz", "a\\b", "a?b", "a#b"}) {
        CAPTURE(h);
        CHECK(status_of(get("/", "Host: " + std::string(h) + "\r\n")) == 400);
    }
    for (std::string_view h : {"example.com", "example.com:8080", "127.0.0.1", "127.0.0.1:80", "[::1]",
                               "[::1]:8000", "xn--bcher-kva.example", "a-b_c~d", "", "localhost:"}) {
        CAPTURE(h);
        CHECK(status_of(get("/", "Host: " + std::string(h) + "\r\n")) == 200);
    }
}

TEST_CASE("400 for bad percent-encoding and for %00") {
    for (std::string_view t : {"/a%00b", "/%00", "/a%zz", "/a%4", "/a%", "/%g0", "/%0g", "/a%%41"}) {
        CAPTURE(t);
        CHECK(status_of(get(t)) == 400);
    }
    // The query is not decoded: a bad escape there does not matter for a file server.
    CHECK(status_of(get("/a?x=%zz")) == 200);
}

TEST_CASE("405 for methods other than GET and HEAD") {
    for (std::string_view m :
         {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "get", "Head", "BREW"}) {
        CAPTURE(m);
        const outcome o = parse(std::string(m) + " / HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(o.state == parser::failed);
        CHECK(o.status == 405);
        CHECK(o.req.method == m);
    }
    // A POST with a body: the method is what is wrong.
    CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n") == 405);
}

TEST_CASE("413 for a request with a body") {
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 5\r\n")) == 413);
    CHECK(status_of(get("/", "Host: x\r\nContent-Length: 99999999999999999999999999\r\n")) == 413);
    CHECK(status_of(get("/", "Host: x\r\nTransfer-Encoding: chunked\r\n")) == 413);
    CHECK(status_of(get("/", "Host: x\r\nTransfer-Encoding: identity\r\n")) == 413);
    CHECK(status_of("HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n") == 413);
    CHECK(status_of("GET / HTTP/1.0\r\nContent-Length: 1\r\n\r\n") == 413);
}

TEST_CASE("414 for a request target longer than 4 KiB, decided before the line ends") {
    // (Built without `"/" + std::string(n, c)`: GCC 12 -O3 -std=c++20 warns about it, PR 105651.)
    std::string ok_target(4096, 'a');
    ok_target[0] = '/';
    const outcome ok = parse(get(ok_target));
    CHECK(ok.state == parser::complete);
    CHECK(ok.req.target.size() == 4096);

    std::string long_target(4097, 'a');
    long_target[0] = '/';
    CHECK(status_of(get(long_target)) == 414);
    // The 4097th target byte is enough: no need to wait for the end of the line.
    const std::string prefix = "GET " + long_target;
    const outcome early = parse(prefix);
    CHECK(early.state == parser::failed);
    CHECK(early.status == 414);
    CHECK(early.consumed == prefix.size());
    // Percent-encoding counts as sent: 1366 "%41" is 4098 bytes.
    std::string encoded = "/";
    for (int i = 0; i < 1366; ++i) encoded += "%41";
    CHECK(status_of(get(encoded)) == 414);
}

TEST_CASE("431 for a request head larger than 8 KiB") {
    const std::string base = get("/", "Host: x\r\nX-Fill: \r\n");
    const std::size_t fill = 8192 - base.size();
    const std::string exact = get("/", "Host: x\r\nX-Fill: " + std::string(fill, 'f') + "\r\n");
    REQUIRE(exact.size() == 8192);
    const outcome ok = parse(exact);
    CHECK(ok.state == parser::complete);
    CHECK(ok.consumed == 8192);

    const std::string over = get("/", "Host: x\r\nX-Fill: " + std::string(fill + 1, 'f') + "\r\n");
    const outcome o = parse(over);
    CHECK(o.state == parser::failed);
    CHECK(o.status == 431);
    CHECK(o.consumed == 8193); // refused at the first byte over the limit

    // Many small fields, and a request line that never ends, count the same way.
    std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
    while (many.size() < 9000) many += "X-A: b\r\n";
    CHECK(status_of(many + "\r\n") == 431);
    CHECK(status_of(std::string(9000, 'G')) == 431);
    // Empty lines before the request count too: a stream of CRLFs cannot go on for ever.
    std::string crlfs;
    for (int i = 0; i < 5000; ++i) crlfs += "\r\n";
    CHECK(status_of(crlfs) == 431);
}

TEST_CASE("505 for HTTP versions other than 1.0 and 1.1") {
    for (std::string_view v : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/1.9", "HTTP/9.9"}) {
        CAPTURE(v);
        const std::string line = "GET / " + std::string(v) + "\r\n";
        // Decided at the end of the request line, before any header arrives.
        const outcome o = parse(line + "Host: x\r\n\r\n");
        CHECK(o.status == 505);
        CHECK(o.consumed == line.size());
    }
}

TEST_CASE("limits are configurable") {
    const http::limits small{64, 8};
    CHECK(status_of(get("/1234567"), small) == 200);
    CHECK(status_of(get("/12345678"), small) == 414);
    CHECK(status_of(get("/", "Host: x\r\nX-Fill: " + std::string(40, 'f') + "\r\n"), small) == 431);
}

TEST_CASE("header names are case-insensitive") {
    CHECK(status_of("GET / HTTP/1.1\r\nHOST: x\r\n\r\n") == 200);
    CHECK(status_of("GET / HTTP/1.1\r\nhOsT: x\r\nhost: y\r\n\r\n") == 400);
    CHECK(status_of(get("/", "host: x\r\ncontent-LENGTH: 7\r\n")) == 413);
    CHECK(status_of(get("/", "host: x\r\nTRANSFER-encoding: chunked\r\n")) == 413);
    const outcome o = parse(get("/", "host: x\r\nCONNECTION: CLOSE\r\nX-Mixed-Case: Value\r\n"));
    REQUIRE(o.state == parser::complete);
    CHECK_FALSE(o.req.keep_alive);
    REQUIRE(o.req.header("x-mixed-case") != nullptr);
    CHECK(*o.req.header("X-MIXED-CASE") == "Value"); // values keep their case
    CHECK(o.req.headers[2].first == "X-Mixed-Case"); // names are kept as sent
}

TEST_CASE("keep-alive: default for HTTP/1.1, opt-in for HTTP/1.0") {
    struct row {
        std::string_view in;
        bool keep_alive;
    };
    const row rows[] = {
        {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
        {"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n", true},
        {"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nConnection: Close\r\n\r\n", false},
        {"GET / HTTP/1.0\r\n\r\n", false},
        {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: Upgrade ,Keep-Alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false},
        {"GET / HTTP/1.0\r\nConnection: keep-alive-not\r\n\r\n", false},
    };
    for (const row& r : rows) {
        CAPTURE(r.in);
        const outcome o = parse(r.in);
        REQUIRE(o.state == parser::complete);
        CHECK(o.req.keep_alive == r.keep_alive);
    }
}

TEST_CASE("leniencies: LF line endings, empty lines before the request, optional whitespace") {
    const outcome lf = parse("GET /a HTTP/1.1\nHost: x\n\n");
    CHECK(lf.state == parser::complete);
    const outcome lead = parse("\r\n\nGET /b HTTP/1.0\r\n\r\n");
    CHECK(lead.state == parser::complete);
    CHECK(lead.req.path == "/b");
    const outcome ows = parse("GET / HTTP/1.1\r\nHost:x\r\nX-A: \t a b \t \r\nX-E:\r\n\r\n");
    REQUIRE(ows.state == parser::complete);
    CHECK(*ows.req.header("host") == "x");
    CHECK(*ows.req.header("x-a") == "a b");
    CHECK(*ows.req.header("x-e") == "");
    const outcome obs_text = parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\xc3\xa9\r\n\r\n");
    CHECK(obs_text.state == parser::complete);
}

TEST_CASE("the path is percent-decoded; query and fragment are split off") {
    struct row {
        std::string_view target, path, query;
    };
    const row rows[] = {
        {"/", "/", ""},
        {"/a%20b.txt", "/a b.txt", ""},
        {"/%E2%82%AC", "/\xe2\x82\xac", ""},
        {"/a+b", "/a+b", ""},
        {"/a?x=1&y=%zz", "/a", "x=1&y=%zz"},
        {"/a?x#frag", "/a", "x"},
        {"/a#frag?x", "/a", ""},
        {"/a%3Fb", "/a?b", ""},
        {"/a%23b", "/a#b", ""},
        {"/%2e%2e/x", "/../x", ""}, // decoded here; split_path refuses it
        {"/a%2fb", "/a/b", ""},
        {"http://example.com/a/b?q", "/a/b", "q"},
        {"HTTPS://example.com", "/", ""},
        {"http://example.com?x=1", "/", "x=1"},
        {"http://user@example.com:8080/%41", "/A", ""},
    };
    for (const row& r : rows) {
        CAPTURE(r.target);
        const outcome o = parse(get(r.target));
        REQUIRE(o.state == parser::complete);
        CHECK(o.req.target == r.target);
        CHECK(o.req.path == r.path);
        CHECK(o.req.query == r.query);
    }
}

TEST_CASE("pipelined requests: each head is consumed exactly, whatever the split") {
    const std::string reqs[] = {
        "GET /one HTTP/1.1\r\nHost: x\r\n\r\n",
        "HEAD /two HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /three HTTP/1.0\r\n\r\n",
        "GET /four?q HTTP/1.1\nHost: x\n\n",
        "\r\nGET /five HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    };
    std::string all;
    for (const auto& r : reqs) all += r;
    const std::vector<std::string> expected = {"/one", "/two", "/three", "/four", "/five"};

    auto parse_stream = [&](auto piece) {
        std::vector<std::string> paths;
        std::vector<std::size_t> ends;
        parser p;
        std::size_t pos = 0, round = 0;
        while (pos < all.size() && round < 100000) {
            const std::size_t n = (std::min)(piece(round++), all.size() - pos);
            std::string_view chunk = std::string_view(all).substr(pos, n);
            // Like the server: one chunk can finish a request and hold the next one's start.
            while (!chunk.empty()) {
                const std::size_t used = p.feed(chunk);
                chunk.remove_prefix(used);
                pos += used;
                REQUIRE(p.state() != parser::failed);
                if (p.state() == parser::complete) {
                    paths.push_back(p.request().path);
                    ends.push_back(pos);
                    p.reset();
                }
            }
        }
        CHECK(paths == expected);
        std::vector<std::size_t> expected_ends;
        std::size_t end = 0;
        for (const auto& r : reqs) expected_ends.push_back(end += r.size());
        CHECK(ends == expected_ends);
        CHECK(p.state() == parser::incomplete);
        CHECK_FALSE(p.started());
    };
    parse_stream([&](std::size_t) { return all.size(); });
    parse_stream([](std::size_t) { return std::size_t{1}; });
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        rng r(seed);
        parse_stream([&](std::size_t) { return 1 + r.below(40); });
    }
}

TEST_CASE("a finished parser consumes nothing until reset") {
    parser p;
    const std::string two = get("/a") + get("/b");
    const std::size_t used = p.feed(two);
    CHECK(used == get("/a").size());
    CHECK(p.state() == parser::complete);
    CHECK(p.feed(std::string_view(two).substr(used)) == 0);
    p.reset();
    CHECK(p.feed(std::string_view(two).substr(used)) == get("/b").size());
    CHECK(p.request().path == "/b");

    parser bad;
    CHECK(bad.feed("BAD\x01 / HTTP/1.1\r\n") == 4);
    CHECK(bad.state() == parser::failed);
    CHECK(bad.feed("more") == 0);
    bad.reset();
    CHECK(bad.error_status() == 0);
    CHECK(bad.feed(get("/c")) == get("/c").size());
    CHECK(bad.state() == parser::complete);
}

TEST_CASE("a valid request followed by junk: the first completes, the second fails") {
    const std::string in = get("/ok") + "JUNK\x01\r\n\r\n";
    parser p;
    const std::size_t used = p.feed(in);
    REQUIRE(p.state() == parser::complete);
    p.reset();
    p.feed(std::string_view(in).substr(used));
    CHECK(p.state() == parser::failed);
    CHECK(p.error_status() == 400);
}

TEST_CASE("random mutations never crash and split points never matter") {
    const std::string seeds[] = {
        get("/dir/file.txt?x=1", "Host: example\r\nConnection: keep-alive\r\nAccept: */*\r\n"),
        "HEAD /%41%42 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET http://h/a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
    };
    rng r(12345);
    const char alphabet[] = "\r\n :%/.?#\t\x00\x7f\x80"
                            "aA0GETHP";
    int completes = 0, failures = 0;
    for (int iter = 0; iter < 1500; ++iter) {
        std::string s = seeds[r.below(3)];
        const std::size_t edits = 1 + r.below(4);
        for (std::size_t e = 0; e < edits && !s.empty(); ++e) {
            const std::size_t at = r.below(s.size());
            switch (r.below(4)) {
            case 0: s[at] = alphabet[r.below(sizeof alphabet - 1)]; break;
            case 1: s.insert(at, 1, alphabet[r.below(sizeof alphabet - 1)]); break;
            case 2: s.erase(at, 1); break;
            default: s[at] = static_cast<char>(r.next()); break;
            }
        }
        CAPTURE(s);
        const outcome o = parse(s, http::limits{128, 64});
        CHECK(o.consumed <= s.size());
        if (o.state == parser::complete) {
            ++completes;
            CHECK((o.req.method == "GET" || o.req.method == "HEAD"));
            CHECK(o.req.path.find('\0') == std::string::npos);
            CHECK(o.req.path.front() == '/');
        } else if (o.state == parser::failed) {
            ++failures;
        }
    }
    CHECK(completes > 0);
    CHECK(failures > 0);
}

TEST_CASE("split_path refuses anything that could climb out of the root") {
    for (std::string_view p :
         {"/..", "/../x", "/a/../../x", "/a/..", "/./../x", "/..//x", "/a\\..\\x", "/..\\x", "/x\\y"}) {
        CAPTURE(p);
        const http::path_parts parts = http::split_path(p);
        CHECK(parts.status == 403);
        CHECK(parts.segments.empty());
    }
    CHECK(http::split_path("").status == 400);
    CHECK(http::split_path("relative").status == 400);
    CHECK(http::split_path(std::string_view("/a\0b", 4)).status == 400);
}

TEST_CASE("split_path drops empty and '.' segments and notes a trailing slash") {
    struct row {
        std::string_view path;
        std::vector<std::string> segments;
        bool trailing;
    };
    const row rows[] = {
        {"/", {}, true},
        {"/a", {"a"}, false},
        {"/a/", {"a"}, true},
        {"//etc/passwd", {"etc", "passwd"}, false},
        {"/./a/./b/.", {"a", "b"}, false},
        {"/a//b///", {"a", "b"}, true},
        {"/...", {"..."}, false},
        {"/..a/a..", {"..a", "a.."}, false},
        {"/C:/x", {"C:", "x"}, false}, // the server's std::filesystem check decides this one
    };
    for (const row& r : rows) {
        CAPTURE(r.path);
        const http::path_parts parts = http::split_path(r.path);
        CHECK(parts.status == 0);
        CHECK(parts.segments == r.segments);
        CHECK(parts.trailing_slash == r.trailing);
    }
}

TEST_CASE("percent_encode, html_escape and percent_decode") {
    CHECK(http::percent_encode("a b&c<d>.txt") == "a%20b%26c%3Cd%3E.txt");
    CHECK(http::percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(http::percent_encode("x:y?z#w/v\"'") == "x%3Ay%3Fz%23w%2Fv%22%27");
    CHECK(http::percent_encode("a/b", true) == "a/b");
    CHECK(http::percent_encode("\xe2\x82\xac\x01") == "%E2%82%AC%01");
    CHECK(http::html_escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    std::string out;
    CHECK(http::percent_decode("%41%2f%2F+", out));
    CHECK(out == "A//+");
    // Round trip of every non-NUL byte.
    std::string all;
    for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
    CHECK(http::percent_decode(http::percent_encode(all), out));
    CHECK(out == all);
}

TEST_CASE("content types by extension, case-insensitive") {
    struct row {
        std::string_view name, type;
    };
    const row rows[] = {
        {"a.html", "text/html; charset=utf-8"},
        {"a.HTM", "text/html; charset=utf-8"},
        {"a.css", "text/css; charset=utf-8"},
        {"a.js", "text/javascript; charset=utf-8"},
        {"a.json", "application/json"},
        {"a.txt", "text/plain; charset=utf-8"},
        {"a.png", "image/png"},
        {"a.jpg", "image/jpeg"},
        {"a.JPEG", "image/jpeg"},
        {"a.gif", "image/gif"},
        {"a.svg", "image/svg+xml"},
        {"favicon.ico", "image/vnd.microsoft.icon"},
        {"a.wasm", "application/wasm"},
        {"a.pdf", "application/pdf"},
        {"a.tar.gz", "application/octet-stream"},
        {"Makefile", "application/octet-stream"},
        {".html", "application/octet-stream"}, // a hidden file, not an extension
        {"a.", "application/octet-stream"},
    };
    for (const row& r : rows) {
        CAPTURE(r.name);
        CHECK(http::content_type_for(r.name) == r.type);
    }
}

TEST_CASE("every status the server sends has a reason phrase") {
    for (int s : {200, 301, 400, 403, 404, 405, 413, 414, 431, 500, 505}) {
        CAPTURE(s);
        CHECK_FALSE(http::reason_phrase(s).empty());
    }
    CHECK(http::reason_phrase(299).empty());
}
