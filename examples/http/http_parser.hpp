// http_parser.hpp: the HTTP/1.x request-head parser of examples/http_server, and the small
// pure helpers the server needs (path checks, escaping, content types, reason phrases).
//
// No socket code and no I/O: feed it bytes, in pieces of any size, and it tells you when a
// request head is complete or why it is not acceptable (as an HTTP status code). That makes it
// testable byte by byte and easy to fuzz:
//
//   http::request_parser p;
//   std::size_t used = p.feed(bytes);      // consumes at most up to the end of one head
//   if (p.state() == http::request_parser::complete) serve(p.request());
//   else if (p.state() == http::request_parser::failed) reply(p.error_status());
//   // bytes.substr(used) is the start of the next (pipelined) request: reset() and feed it.
//
// What it accepts (RFC 9112, strictly, with the usual leniencies):
// - request line `METHOD SP request-target SP HTTP/d.d`; HTTP/1.0 and HTTP/1.1 only (other
//   well-formed versions: 505); empty lines before it are skipped; lines end with CRLF or LF;
//   a CR not followed by LF is malformed (400).
// - request-target in origin form (`/path?query#fragment`) or absolute form
//   (`http://host/path`); printable ASCII only; longer than `max_target` bytes: 414.
// - header fields `name: value` (token names, case-insensitive; no obsolete line folding; no
//   whitespace before the colon; no control characters but HTAB in values).
// - the head (request line, headers and the empty line) is at most `max_head` bytes: 431.
// - HTTP/1.1 needs exactly one Host field, HTTP/1.0 at most one (400).
// - methods other than GET and HEAD: 405; a body (Content-Length > 0, or any
//   Transfer-Encoding): 413; an invalid or ambiguous Content-Length: 400.
// - the path is percent-decoded; invalid escapes and %00 are malformed (400); the query and
//   fragment are split off.
// Errors are decided at the earliest byte that proves them, so the outcome never depends on
// how the input was split.

#ifndef NETSOCK_EXAMPLES_HTTP_PARSER_HPP
#define NETSOCK_EXAMPLES_HTTP_PARSER_HPP

#include <cstddef>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

// ---------------------------------------------------------------------------------------------
// Character classes and small string helpers (ASCII only, locale-independent)

inline char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string to_lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = to_lower(c);
    return r;
}

/// Case-insensitive (ASCII) equality, as header names and tokens are compared.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

/// RFC 9110 tchar: the characters of methods and header names.
inline bool is_tchar(char ch) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

inline bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

inline std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes %XX escapes ('+' stays '+': this is a path, not a form). False for an invalid
/// escape or an encoded NUL (%00), which no file name can contain.
inline bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (in.size() - i < 3) return false;
        const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        const int v = hi * 16 + lo;
        if (v == 0) return false;
        out += static_cast<char>(v);
        i += 2;
    }
    return true;
}

/// Percent-encodes every byte except the RFC 3986 unreserved characters (and '/' when
/// `keep_slash`), so the result is safe as a relative link: no ':' to look like a scheme, no
/// '?' or '#', no quotes to leave an HTML attribute.
inline std::string percent_encode(std::string_view in, bool keep_slash = false) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size());
    for (char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved || (keep_slash && c == '/')) {
            out += ch;
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

/// Escapes text for HTML element content and quoted attribute values.
inline std::string html_escape(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (char c : in) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Statuses and content types

/// The reason phrase of every status the server sends ("" for others).
inline std::string_view reason_phrase(int status) noexcept {
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "";
    }
}

/// The Content-Type for a file name, by its extension (case-insensitive). Text types say
/// UTF-8; unknown extensions are application/octet-stream.
inline std::string_view content_type_for(std::string_view filename) noexcept {
    const auto dot = filename.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
    const std::string_view ext = filename.substr(dot + 1);
    struct entry {
        std::string_view ext, type;
    };
    static constexpr entry table[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"txt", "text/plain; charset=utf-8"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"svg", "image/svg+xml"},
        {"ico", "image/vnd.microsoft.icon"},
        {"wasm", "application/wasm"},
        {"pdf", "application/pdf"},
    };
    for (const entry& e : table)
        if (iequals(ext, e.ext)) return e.type;
    return "application/octet-stream";
}

// ---------------------------------------------------------------------------------------------
// The request

/// A parsed request head.
struct request {
    std::string method;    ///< as sent, e.g. "GET" (methods are case-sensitive)
    std::string target;    ///< the request-target as sent
    int minor_version = 1; ///< HTTP/1.<minor_version>: 0 or 1
    std::vector<std::pair<std::string, std::string>> headers; ///< in order, names as sent
    std::string path;       ///< percent-decoded path, without query and fragment
    std::string query;      ///< the query as sent (no '?'), "" if none
    bool keep_alive = true; ///< whether the connection may stay open afterwards
    std::uint64_t content_length = 0;

    bool is_head() const noexcept { return method == "HEAD"; }

    /// The value of the first header named `name` (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const noexcept {
        for (const auto& h : headers)
            if (iequals(h.first, name)) return &h.second;
        return nullptr;
    }
};

/// Size limits of a request head.
struct limits {
    std::size_t max_head = 8192;   ///< request line + header fields + empty line; more: 431
    std::size_t max_target = 4096; ///< request-target length; more: 414
};

/// Incremental parser of one request head (see the top of this file). Reusable with reset().
class request_parser {
public:
    enum parse_state { incomplete, complete, failed };

    explicit request_parser(limits l = {}) : limits_(l) {}

    /// Consumes bytes up to (and including) the end of one request head, or up to the byte
    /// that makes the request unacceptable, and returns how many it used. Bytes after a
    /// complete head (the next pipelined request) are not consumed. Feeding a finished parser
    /// consumes nothing.
    std::size_t feed(std::string_view data) {
        std::size_t i = 0;
        while (i < data.size() && state_ == incomplete) step(data[i++]);
        return i;
    }

    parse_state state() const noexcept { return state_; }
    /// True once any byte of a request (other than leading empty lines) has been seen.
    bool started() const noexcept { return started_; }
    /// The request: complete after `complete`; after `failed`, whatever was parsed so far
    /// (the method, if the request line was read, so a HEAD gets no error body).
    const http::request& request() const noexcept { return req_; }
    /// The status code for a failed request (400, 405, 413, 414, 431 or 505), else 0.
    int error_status() const noexcept { return error_status_; }
    /// A short explanation of a failure, safe to put into HTML (no markup characters).
    const std::string& error_detail() const noexcept { return error_detail_; }
    /// Bytes of the current head consumed so far.
    std::size_t head_size() const noexcept { return head_size_; }

    void reset() {
        req_ = http::request();
        state_ = incomplete;
        error_status_ = 0;
        error_detail_.clear();
        line_.clear();
        head_size_ = 0;
        spaces_ = 0;
        target_len_ = 0;
        in_request_line_ = true;
        cr_pending_ = false;
        started_ = false;
    }

private:
    void fail(int status, std::string detail) {
        state_ = failed;
        error_status_ = status;
        error_detail_ = std::move(detail);
    }

    void step(char c) {
        if (++head_size_ > limits_.max_head) {
            return fail(431,
                        "The request head is larger than " + std::to_string(limits_.max_head) + " bytes.");
        }
        if (cr_pending_) {
            cr_pending_ = false;
            if (c != '\n') return fail(400, "CR not followed by LF.");
            return end_of_line();
        }
        if (c == '\r') {
            cr_pending_ = true;
            return;
        }
        if (c == '\n') return end_of_line();
        started_ = true;
        if (in_request_line_) {
            // Check the request line as it arrives, so junk (or a TLS handshake) and overlong
            // targets are refused at once instead of after max_head bytes.
            if (c == ' ') {
                if (++spaces_ > 2) return fail(400, "Malformed request line.");
            } else if (spaces_ == 0) {
                if (!is_tchar(c)) return fail(400, "Malformed method.");
            } else if (spaces_ == 1) {
                const auto u = static_cast<unsigned char>(c);
                if (u < 0x21 || u > 0x7e) return fail(400, "Invalid character in the request target.");
                if (++target_len_ > limits_.max_target)
                    return fail(414, "The request target is longer than " +
                                         std::to_string(limits_.max_target) + " bytes.");
            } else if (line_.size() - line_.rfind(' ') > 8) { // "HTTP/1.1" has 8 characters
                return fail(400, "Malformed HTTP version.");
            }
        }
        line_ += c;
    }

    void end_of_line() {
        if (in_request_line_) {
            if (line_.empty()) return; // RFC 9112 2.2: ignore empty lines before the request
            in_request_line_ = false;
            parse_request_line();
        } else if (line_.empty()) {
            finish();
        } else {
            parse_header_line();
        }
        line_.clear();
    }

    void parse_request_line() {
        const auto sp1 = line_.find(' ');
        const auto sp2 = sp1 == std::string::npos ? sp1 : line_.find(' ', sp1 + 1);
        if (sp2 == std::string::npos || sp1 == 0 || sp2 == sp1 + 1)
            return fail(400, "Malformed request line.");
        req_.method = line_.substr(0, sp1);
        req_.target = line_.substr(sp1 + 1, sp2 - sp1 - 1);
        const std::string_view v = std::string_view(line_).substr(sp2 + 1);
        auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !digit(v[5]) || v[6] != '.' || !digit(v[7]))
            return fail(400, "Malformed HTTP version.");
        if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
            return fail(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
        req_.minor_version = v[7] - '0';
    }

    void parse_header_line() {
        if (is_ows(line_.front())) return fail(400, "Obsolete line folding is not accepted.");
        const auto colon = line_.find(':');
        if (colon == std::string::npos || colon == 0) return fail(400, "Malformed header field.");
        std::string_view name = std::string_view(line_).substr(0, colon);
        for (char c : name)
            if (!is_tchar(c)) return fail(400, "Malformed header field name.");
        const std::string_view value = trim_ows(std::string_view(line_).substr(colon + 1));
        for (char ch : value) {
            const auto c = static_cast<unsigned char>(ch);
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(400, "Control character in a header field value.");
        }
        req_.headers.emplace_back(std::string(name), std::string(value));
    }

    // The whole head is here: the checks that need every field.
    void finish() {
        std::size_t hosts = 0;
        bool close = false, keep_alive = false, have_length = false, chunked = false;
        std::uint64_t length = 0;
        for (const auto& [name, value] : req_.headers) {
            if (iequals(name, "host")) {
                ++hosts;
                if (!valid_host(value)) return fail(400, "Invalid Host header field.");
            } else if (iequals(name, "connection")) {
                for_each_element(value, [&](std::string_view token) {
                    if (iequals(token, "close")) close = true;
                    else if (iequals(token, "keep-alive")) keep_alive = true;
                });
            } else if (iequals(name, "transfer-encoding")) {
                chunked = true; // any transfer coding means a body follows
            } else if (iequals(name, "content-length")) {
                // A list of equal values is one value (RFC 9110 8.6); an empty element (",",
                // ",0", "0,") is invalid, not "no body" (RFC 9112 6.3: 400 and close).
                bool ok = !value.empty();
                for (std::string_view rest = value; ok;) {
                    const auto comma = rest.find(',');
                    std::uint64_t n = 0;
                    if (!parse_length(trim_ows(rest.substr(0, comma)), n) || (have_length && n != length))
                        ok = false;
                    length = n;
                    have_length = true;
                    if (comma == std::string_view::npos) break;
                    rest = rest.substr(comma + 1);
                }
                if (!ok) return fail(400, "Invalid Content-Length.");
            }
        }
        if (hosts > 1 || (hosts == 0 && req_.minor_version == 1))
            return fail(400,
                        hosts ? "More than one Host header field." : "HTTP/1.1 needs a Host header field.");
        req_.keep_alive = !close && (req_.minor_version == 1 || keep_alive);
        req_.content_length = length;

        std::string target = req_.target;
        if (target.front() != '/') {
            // absolute-form (RFC 9112 3.2.2): keep path and query, drop scheme and authority.
            std::size_t skip = 0;
            if (target.size() >= 7 && iequals(target.substr(0, 7), "http://")) skip = 7;
            else if (target.size() >= 8 && iequals(target.substr(0, 8), "https://")) skip = 8;
            else return fail(400, "The request target must be a path.");
            const auto end = target.find_first_of("/?#", skip);
            if (end == skip) return fail(400, "The request target has no host.");
            target = end == std::string::npos ? "/" : target.substr(end);
            if (target.front() != '/') target.insert(0, 1, '/');
        }
        const auto path_end = target.find_first_of("?#");
        if (path_end != std::string::npos && target[path_end] == '?') {
            const std::string_view rest = std::string_view(target).substr(path_end + 1);
            req_.query = std::string(rest.substr(0, rest.find('#')));
        }
        if (!percent_decode(std::string_view(target).substr(0, path_end), req_.path))
            return fail(400, "Invalid percent-encoding in the path.");

        if (req_.method != "GET" && req_.method != "HEAD")
            return fail(405, "Only GET and HEAD are supported.");
        if (chunked || length > 0) return fail(413, "Requests with a body are not accepted.");
        state_ = complete;
    }

    // A Host value (RFC 9110 7.2): uri-host [ ":" port ], where uri-host is an IP-literal
    // ("[" IPv6 or IPvFuture "]") or a reg-name (unreserved, pct-encoded, sub-delims; an IPv4
    // address is one too). Empty is allowed. No spaces, "@", "/", non-ASCII, unbalanced "[".
    static bool valid_host(std::string_view v) {
        std::size_t i = 0;
        if (!v.empty() && v.front() == '[') {
            const auto close = v.find(']');
            if (close == std::string_view::npos || close == 1) return false;
            for (char c : v.substr(1, close - 1))
                if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == 'v' ||
                      c == 'V'))
                    return false;
            i = close + 1;
        } else {
            for (; i < v.size() && v[i] != ':'; ++i) {
                const auto c = static_cast<unsigned char>(v[i]);
                const bool unreserved = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
                const bool sub_delim =
                    std::string_view("!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos;
                if (c == '%') {
                    if (i + 2 >= v.size() || !std::isxdigit(static_cast<unsigned char>(v[i + 1])) ||
                        !std::isxdigit(static_cast<unsigned char>(v[i + 2])))
                        return false;
                    i += 2;
                } else if (!unreserved && !sub_delim) {
                    return false;
                }
            }
        }
        if (i == v.size()) return true;
        if (v[i] != ':') return false;
        for (char c : v.substr(i + 1))
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        return true;
    }

    // Calls f for each element of a comma-separated list, trimmed, skipping empty ones.
    template <class F> static void for_each_element(std::string_view list, F f) {
        while (!list.empty()) {
            const auto comma = list.find(',');
            const std::string_view item = trim_ows(list.substr(0, comma));
            if (!item.empty()) f(item);
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }

    // Decimal digits only; a huge value saturates (it is refused as a body anyway).
    static bool parse_length(std::string_view s, std::uint64_t& out) noexcept {
        if (s.empty()) return false;
        std::uint64_t n = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return false;
            const auto d = static_cast<std::uint64_t>(c - '0');
            n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
        }
        out = n;
        return true;
    }

    limits limits_;
    http::request req_;
    parse_state state_ = incomplete;
    int error_status_ = 0;
    std::string error_detail_;
    std::string line_;           // the current line, without its CR/LF
    std::size_t head_size_ = 0;  // bytes of this head so far (leading empty lines included)
    std::size_t spaces_ = 0;     // spaces seen in the request line
    std::size_t target_len_ = 0; // request-target bytes seen
    bool in_request_line_ = true;
    bool cr_pending_ = false;
    bool started_ = false;
};

// ---------------------------------------------------------------------------------------------
// Paths

/// The outcome of `split_path`.
struct path_parts {
    int status = 0;                    ///< 0 when acceptable, else 400 or 403
    std::vector<std::string> segments; ///< non-empty, never "." or ".."
    bool trailing_slash = false;       ///< the path ends with '/' (a directory URL)
};

/// Splits a percent-decoded path into the segments to append to the served directory.
/// Empty and "." segments are dropped ("//etc/passwd" is "etc/passwd" inside the root).
/// Refuses with 403 what could climb out of the root: a ".." segment (also from "%2e%2e", or
/// "..%2f" since decoding happens first) and a backslash (a separator on Windows). A segment
/// that the OS reads as rooted (e.g. "C:" on Windows) is the caller's check, with
/// std::filesystem, after which the resolved path must still be inside the canonical root.
inline path_parts split_path(std::string_view decoded) {
    path_parts r;
    if (decoded.empty() || decoded.front() != '/' || decoded.find('\0') != std::string_view::npos) {
        r.status = 400;
        return r;
    }
    if (decoded.find('\\') != std::string_view::npos) {
        r.status = 403;
        return r;
    }
    r.trailing_slash = decoded.back() == '/';
    while (!decoded.empty()) {
        const auto slash = decoded.find('/');
        const std::string_view seg = decoded.substr(0, slash);
        if (seg == "..") {
            r.status = 403;
            r.segments.clear();
            return r;
        }
        if (!seg.empty() && seg != ".") r.segments.emplace_back(seg);
        if (slash == std::string_view::npos) break;
        decoded.remove_prefix(slash + 1);
    }
    return r;
}

} // namespace http

#endif
