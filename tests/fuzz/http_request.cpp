// Fuzz target: the HTTP request-head parser of examples/http (http_parser.hpp).
// Input: [split seed][bytes...]. The bytes are fed three ways — in one piece, one byte at a
// time, and in seed-chosen pieces — and must give the same outcome (state, bytes used, error
// status, every field of the request): the parser promises that errors are decided at the
// earliest byte that proves them, whatever the split. Then, per pipelined request:
//   - a complete head is GET or HEAD, HTTP/1.0 or 1.1, with no body, a path that starts with
//     '/' and has no NUL; split_path() of it never yields an empty, "." or ".." segment, or one
//     containing '/' or '\' (nothing that could climb out of the served directory);
//   - a failed head has one of the documented statuses, and an HTML-safe detail;
//   - the head never exceeds limits::max_head bytes; an incomplete parse used every byte.
// Also: percent_decode(percent_encode(x)) == x, and html_escape leaves no markup character.
// Built with libFuzzer by tools/fuzz.sh; replayed by reliability.fuzz_replay.http_request.
#include "http_parser.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

struct outcome {
    http::request_parser::parse_state state;
    std::size_t used;
    int status;
    http::request req;
};

bool same_request(const http::request& a, const http::request& b) {
    return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version &&
           a.headers == b.headers && a.path == b.path && a.query == b.query && a.keep_alive == b.keep_alive &&
           a.content_length == b.content_length;
}

outcome parse_whole(std::string_view in) {
    http::request_parser p;
    const std::size_t used = p.feed(in);
    return {p.state(), used, p.error_status(), p.request()};
}

outcome parse_bytewise(std::string_view in) {
    http::request_parser p;
    std::size_t used = 0;
    for (std::size_t i = 0; i < in.size() && p.state() == http::request_parser::incomplete; ++i) {
        const std::size_t n = p.feed(in.substr(i, 1));
        FUZZ_CHECK(n == 1, "a one-byte feed of an incomplete parser did not use its byte");
        used += n;
    }
    FUZZ_CHECK(p.feed(in.substr(used)) == 0 || p.state() == http::request_parser::incomplete,
               "a finished parser consumed more bytes");
    return {p.state(), used, p.error_status(), p.request()};
}

outcome parse_chunked(std::string_view in, std::uint32_t seed) {
    http::request_parser p;
    std::size_t used = 0;
    std::uint32_t x = seed * 2654435761u + 1;
    while (used < in.size() && p.state() == http::request_parser::incomplete) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const std::size_t n = 1 + x % 97;
        used += p.feed(in.substr(used, n));
    }
    return {p.state(), used, p.error_status(), p.request()};
}

void check_same(const outcome& a, const outcome& b, const char* what) {
    FUZZ_CHECK(a.state == b.state, what);
    FUZZ_CHECK(a.used == b.used, what);
    FUZZ_CHECK(a.status == b.status, what);
    if (a.state == http::request_parser::complete) FUZZ_CHECK(same_request(a.req, b.req), what);
}

void check_request(const http::request_parser& p, std::size_t used, std::size_t available) {
    const http::limits limits;
    FUZZ_CHECK(used <= available, "the parser used more bytes than it was given");
    // The byte that crosses max_head is the one that fails the head (431).
    FUZZ_CHECK(p.head_size() <= limits.max_head ||
                   (p.state() == http::request_parser::failed && p.error_status() == 431 &&
                    p.head_size() == limits.max_head + 1),
               "a head larger than max_head was not refused with 431 at its first extra byte");
    switch (p.state()) {
    case http::request_parser::incomplete:
        FUZZ_CHECK(used == available, "an incomplete parse left bytes unused");
        break;
    case http::request_parser::failed: {
        const int s = p.error_status();
        FUZZ_CHECK(s == 400 || s == 405 || s == 413 || s == 414 || s == 431 || s == 505,
                   "an undocumented error status");
        FUZZ_CHECK(p.error_detail().find_first_of("<>&\"") == std::string::npos,
                   "an error detail with markup characters");
        break;
    }
    case http::request_parser::complete: {
        const http::request& r = p.request();
        FUZZ_CHECK(r.method == "GET" || r.method == "HEAD", "a method other than GET or HEAD");
        FUZZ_CHECK(r.minor_version == 0 || r.minor_version == 1, "a version other than 1.0 or 1.1");
        FUZZ_CHECK(r.content_length == 0, "a request with a body was accepted");
        FUZZ_CHECK(!r.path.empty() && r.path.front() == '/', "a path that does not start with '/'");
        FUZZ_CHECK(r.path.find('\0') == std::string::npos, "a path with a NUL");
        int hosts = 0;
        for (const auto& h : r.headers) hosts += http::iequals(h.first, "host") ? 1 : 0;
        FUZZ_CHECK(hosts <= 1 && (hosts == 1 || r.minor_version == 0), "Host header rules");
        const http::path_parts parts = http::split_path(r.path);
        FUZZ_CHECK(parts.status == 0 || parts.status == 400 || parts.status == 403, "split_path status");
        if (parts.status == 0) {
            for (const std::string& seg : parts.segments) {
                FUZZ_CHECK(!seg.empty() && seg != "." && seg != "..", "a segment that can climb");
                FUZZ_CHECK(seg.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos,
                           "a segment with a separator or NUL");
            }
        } else {
            FUZZ_CHECK(parts.segments.empty(), "a refused path with segments");
        }
        break;
    }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint32_t seed = data[0];
    const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

    // The same outcome whatever the split.
    const outcome whole = parse_whole(in);
    check_same(whole, parse_bytewise(in), "one piece vs one byte at a time");
    check_same(whole, parse_chunked(in, seed), "one piece vs random pieces");

    // Pipelined requests, one after another, as the server feeds them.
    http::request_parser p;
    std::string_view rest = in;
    for (int i = 0; i < 64 && !rest.empty(); ++i) {
        const std::size_t used = p.feed(rest);
        check_request(p, used, rest.size());
        if (p.state() != http::request_parser::complete) break;
        rest.remove_prefix(used);
        p.reset();
    }

    // The helpers.
    if (in.find('\0') == std::string_view::npos) {
        std::string decoded;
        FUZZ_CHECK(http::percent_decode(http::percent_encode(in), decoded) && decoded == in,
                   "percent_decode(percent_encode(x)) != x");
        FUZZ_CHECK(http::percent_decode(http::percent_encode(in, true), decoded) && decoded == in,
                   "percent_decode(percent_encode(x, keep_slash)) != x");
    }
    const std::string escaped = http::html_escape(in);
    FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos, "html_escape left markup");
    (void)http::content_type_for(in);
    return 0;
}
