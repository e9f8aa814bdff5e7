// http_server.hpp: the static file server of examples/http_server, as a class that main() and
// the tests both run. Single-threaded: one net::poller, non-blocking sockets everywhere.
//
//   net::canceller stop;
//   http::server srv({net::address::parse("127.0.0.1:0"), "public"});
//   std::thread t([&] { srv.run(stop); });   // or run it on the main thread
//   ...
//   stop.cancel(); t.join();                  // run() returns at once (the wait takes `stop`)
//
// Per connection: read one request head (at most limits::max_head bytes, which must all arrive
// within the idle timeout), answer it, and only then read the next request (backpressure;
// pipelined requests already received are answered in order). Files are streamed in 64 KiB
// pieces from an std::ifstream as the socket accepts them, so a large file never sits in
// memory and a slow reader costs one buffer. A connection that makes no progress for the idle
// timeout is closed. Every path is resolved with std::filesystem and must stay inside the
// canonical root directory, symlinks included.

#ifndef NETSOCK_EXAMPLES_HTTP_SERVER_HPP
#define NETSOCK_EXAMPLES_HTTP_SERVER_HPP

#include "http_parser.hpp"

#include <net/net.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace http {

/// What `server` serves, where, and how patiently.
struct server_options {
    /// The address to listen on; port 0 picks a free port (see `server::local_address`).
    net::address bind = net::address::loopback(net::family::ipv4, 0);
    /// The directory to serve.
    std::filesystem::path directory = ".";
    /// A connection that makes no progress for this long is closed, and a request head must
    /// arrive completely within this time after the previous response (or the connect).
    std::chrono::milliseconds idle_timeout{10000};
    /// Where the access log and warnings go; nullptr for none.
    std::ostream* log = nullptr;
    /// Request-head limits.
    http::limits limits;
    /// At most this many connections at once; one more is answered with a fast 503
    /// ("Retry-After: 1") and closed, so clients that hold connections cannot use up the
    /// descriptors (0: no limit).
    std::size_t max_connections = 0;
};

/// UTF-8 text of a path (std::string in C++17, from std::u8string in C++20).
inline std::string path_to_utf8(const std::filesystem::path& p) {
    const auto u = p.u8string();
    return std::string(u.begin(), u.end());
}

/// A path from UTF-8 text, without the `u8path` that C++20 deprecates: the branch not taken
/// is never instantiated. Throws std::filesystem::filesystem_error (or std::system_error) if
/// the text cannot be converted (only where the OS uses UTF-16, i.e. Windows).
template <class String> std::filesystem::path utf8_to_path(const String& s) {
    using u8string_type = decltype(std::filesystem::path().u8string());
    if constexpr (std::is_same_v<u8string_type, String>) return std::filesystem::u8path(s);
    else return std::filesystem::path(u8string_type(s.begin(), s.end()));
}

/// True if `p` is `root` or below it, comparing whole path components (so /srv/www2 is not
/// inside /srv/www). Both must be canonical.
inline bool is_within(const std::filesystem::path& root, const std::filesystem::path& p) {
    auto r = root.begin(), q = p.begin();
    for (; r != root.end(); ++r, ++q) {
        if (r->empty() && std::next(r) == root.end()) break; // a root with a trailing separator
        if (q == p.end() || *r != *q) return false;
    }
    return true;
}

/// The static file server. Not thread-safe: construct it anywhere, then call `run` from one
/// thread at a time.
class server {
public:
    /// Binds and listens. Throws std::filesystem::filesystem_error if the directory cannot be
    /// served, net::error if the address cannot be bound.
    explicit server(server_options o) : opt_(std::move(o)) {
        namespace fs = std::filesystem;
        std::error_code ec;
        root_ = fs::canonical(opt_.directory, ec);
        if (ec) throw fs::filesystem_error("cannot serve this directory", opt_.directory, ec);
        if (!fs::is_directory(root_, ec))
            throw fs::filesystem_error("cannot serve this directory", opt_.directory,
                                       std::make_error_code(std::errc::not_a_directory));
        // "::" accepts IPv4 too, as Python's http.server does, where the OS allows it.
        if (opt_.bind.family() == net::family::ipv6 && opt_.bind.is_any()) {
            net::server_options dual;
            dual.dual_stack = true;
            if (auto s = net::try_create_server(opt_.bind, dual)) listener_ = std::move(*s);
        }
        if (!listener_) listener_ = net::create_server(opt_.bind);
        net::set_nonblocking(listener_);
        poller_.add(listener_, net::events::readable, listener_tag());
    }

    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// The address actually bound (with the port picked for port 0).
    net::address local_address() const { return net::local_address(listener_); }
    /// The canonical directory being served.
    const std::filesystem::path& root() const noexcept { return root_; }
    /// Open connections.
    std::size_t connection_count() const noexcept { return conns_.size(); }
    /// Connections refused with 503 (over `max_connections`).
    std::uint64_t refused_count() const noexcept { return refused_; }

    /// Serves until `stop` is cancelled, then closes every connection: the poller's wait takes
    /// the canceller, so the server wakes only for events, a connection's deadline, or the stop.
    /// Throws net::error only if the poller itself fails.
    void run(const net::canceller& stop) {
        while (poll_once(std::chrono::milliseconds::max(), &stop)) {
        }
        close_all();
    }

    /// Serves until `stop` becomes true (checked at least every 100 ms), then closes every
    /// connection (for callers that have a flag, not a canceller).
    void run(const std::atomic<bool>& stop) {
        while (!stop.load()) poll_once(std::chrono::milliseconds(100));
        close_all();
    }

    /// One round of the event loop: waits at most `max_wait` (and until `stop`, if given, is
    /// cancelled) for events and handles them, then closes connections whose time is up.
    /// Returns false if `stop` was cancelled.
    bool poll_once(std::chrono::milliseconds max_wait, const net::canceller* stop = nullptr) {
        using std::chrono::milliseconds;
        auto now = clock::now();
        if (accept_paused_ && now >= accept_resume_) resume_accepting();
        auto wake = clock::time_point::max();
        if (max_wait != milliseconds::max()) wake = now + max_wait;
        for (const auto& entry : conns_) wake = (std::min)(wake, entry.second->deadline);
        if (accept_paused_) wake = (std::min)(wake, accept_resume_);
        net::timeout timeout = net::timeout::none();
        if (wake != clock::time_point::max()) {
            max_wait = (std::max)(max_wait, milliseconds(1));
            timeout = std::clamp(std::chrono::ceil<milliseconds>(wake - now), milliseconds(1), max_wait);
        }
        if (stop != nullptr)
            timeout = timeout.is_none() ? net::timeout(*stop) : net::timeout(timeout.duration(), *stop);
        auto ready = poller_.try_wait(timeout);
        if (!ready && ready.error() == std::errc::operation_canceled) return false;
        if (!ready) throw net::error(ready.error(), "poller::wait");
        for (const net::poll_event& ev : *ready) {
            if (ev.data == listener_tag()) accept_all();
            else handle(*static_cast<connection*>(ev.data), ev.what);
        }
        expire(clock::now());
        return true;
    }

private:
    using clock = std::chrono::steady_clock;
    static constexpr std::size_t read_size = 16 * 1024;     // one recv of requests
    static constexpr std::size_t file_chunk = 64 * 1024;    // one read from a file
    static constexpr std::size_t send_budget = 1024 * 1024; // per connection per wake-up
    static constexpr int max_responses_per_wake = 32;

    struct connection {
        net::socket sock;
        std::string peer;
        request_parser parser;
        std::string in; // received bytes not yet given to the parser
        std::size_t in_off = 0;
        std::vector<char> out; // the response bytes being sent
        std::size_t out_off = 0;
        std::ifstream file; // the rest of the body, for a file response
        std::uint64_t file_left = 0;
        std::shared_ptr<const std::string> shared; // a body shared with other responses (listings)
        std::size_t shared_off = 0;
        bool responding = false;  // a response is being sent: do not read more requests
        bool close_after = false; // close once the response is out
        bool peer_eof = false;    // the client will send nothing more
        bool lingering = false;   // our side is shut down; discarding input until EOF
        net::events interest = net::events::readable;
        clock::time_point deadline;
        explicit connection(limits l) : parser(l) {}
        bool input_pending() const noexcept { return in_off < in.size(); }
    };

    enum class send_status { done, blocked, failed };

    void* listener_tag() noexcept { return &listener_; }

    void log(const std::string& line) {
        if (opt_.log) *opt_.log << line << std::endl;
    }

    // Accept failures other than "nothing pending" or "the client left first" (EMFILE and
    // friends): the connection stays queued, so the listener stays readable; accepting at
    // once again would spin. Stop watching the listener for 100 ms instead.
    void accept_all() {
        for (int i = 0; i < 64; ++i) {
            auto r = net::try_accept(listener_);
            if (!r) {
                const std::error_code ec = r.error();
                if (net::is_would_block(ec)) return;
                if (ec == std::errc::connection_aborted) continue;
                if (!accept_failing_) log("accept: " + ec.message() + "; pausing accepts for 100 ms");
                accept_failing_ = true; // one message per episode, not one per retry
                (void)poller_.try_remove(listener_);
                accept_paused_ = true;
                accept_resume_ = clock::now() + std::chrono::milliseconds(100);
                return;
            }
            accept_failing_ = false;
            if (opt_.max_connections != 0 && conns_.size() >= opt_.max_connections) {
                refuse(r->socket);
                continue;
            }
            auto c = std::make_unique<connection>(opt_.limits);
            c->sock = std::move(r->socket);
            c->peer = r->peer.host();
            if (!net::try_set_nonblocking(c->sock)) continue; // dropped: closes the socket
            (void)net::try_set_option(c->sock, net::no_delay{true});
            if (!poller_.try_add(c->sock, net::events::readable, c.get())) continue;
            c->deadline = clock::now() + opt_.idle_timeout;
            connection* key = c.get();
            conns_.emplace(key, std::move(c));
        }
    }

    // Over --max-connections: a 503 sent without waiting, then close. What the client sent
    // so far is read first (without waiting) and the sending side shut down, so that the
    // close is not a reset that could destroy the 503 before the client reads it.
    void refuse(net::socket& s) {
        static constexpr std::string_view busy = "HTTP/1.1 503 Service Unavailable\r\n"
                                                 "Content-Length: 0\r\nRetry-After: 1\r\n"
                                                 "Connection: close\r\n\r\n";
        char sink[4096];
        (void)net::try_recv(s, net::buffer(sink), net::message_flags::dontwait);
        (void)net::try_send(s, net::buffer(busy.data(), busy.size()), net::message_flags::dontwait);
        (void)net::try_shutdown(s, net::shutdown_type::send);
        ++refused_;
        if (refused_ == 1 || refused_ % 1000 == 0)
            log("503: " + std::to_string(refused_) + " connection(s) over --max-connections refused");
    }

    void resume_accepting() {
        if (poller_.try_add(listener_, net::events::readable, listener_tag())) {
            accept_paused_ = false;
        } else {
            accept_resume_ = clock::now() + std::chrono::milliseconds(100);
        }
    }

    void handle(connection& c, net::events what) {
        if (net::has(what, net::events::error)) return close(c);
        bool progressed = false;
        if (net::has(what, net::events::readable | net::events::hangup))
            if (!on_readable(c, progressed)) return;
        if (net::has(what, net::events::writable) ||
            (net::has(what, net::events::hangup) && c.interest == net::events::writable))
            if (!drive(c, progressed)) return;
        // A hang-up is reported on every wait while it lasts: if nothing moved, the peer is
        // gone (and waiting would spin).
        if (net::has(what, net::events::hangup) && !progressed) close(c);
    }

    // Returns false if the connection was closed.
    bool on_readable(connection& c, bool& progressed) {
        if (c.lingering) {
            char sink[4096];
            for (int i = 0; i < 16; ++i) {
                auto r = net::try_recv(c.sock, net::buffer(sink));
                if (!r && net::is_would_block(r.error())) return true;
                if (!r || *r == 0) return close(c), false;
                progressed = true;
            }
            return true;
        }
        // Backpressure: no new request is read while a response (or a pipelined request) is
        // pending.
        if (c.responding || c.peer_eof || c.input_pending()) return true;
        c.in.resize(read_size);
        c.in_off = 0;
        auto r = net::try_recv(c.sock, net::buffer(&c.in[0], c.in.size()));
        if (!r) {
            c.in.clear();
            if (net::is_would_block(r.error())) return true; // a spurious wake-up
            return close(c), false;
        }
        c.in.resize(*r);
        if (*r == 0) c.peer_eof = true;
        progressed = true;
        return drive(c, progressed);
    }

    // Answers parsed requests and sends until the socket is full, the budget is spent, or
    // nothing is left. Returns false if the connection was closed.
    bool drive(connection& c, bool& progressed) {
        std::size_t budget = send_budget;
        for (int round = 0; round < max_responses_per_wake; ++round) {
            if (!c.responding) {
                if (!c.input_pending()) break;
                parse_next(c);
                if (!c.responding) break;
            }
            const send_status s = send_some(c, budget, progressed);
            if (s == send_status::failed) return close(c), false;
            if (s == send_status::blocked) break;
            finish_response(c);
            if (c.close_after) return begin_close(c);
        }
        if (!c.responding && !c.input_pending() && c.peer_eof) return close(c), false;
        return update_interest(c);
    }

    void parse_next(connection& c) {
        const std::string_view pending = std::string_view(c.in).substr(c.in_off);
        c.in_off += c.parser.feed(pending);
        if (!c.input_pending()) {
            c.in.clear();
            c.in_off = 0;
        }
        if (c.parser.state() == request_parser::complete) {
            start_response(c, c.parser.request());
            c.parser.reset();
        } else if (c.parser.state() == request_parser::failed) {
            // The framing is unknown after a bad head: answer, then close.
            c.in.clear();
            c.in_off = 0;
            c.close_after = true;
            error_response(c, c.parser.request(), c.parser.error_status(), c.parser.error_detail());
            c.parser.reset();
        }
    }

    send_status send_some(connection& c, std::size_t& budget, bool& progressed) {
        for (;;) {
            // The head (and small bodies) from c.out, then a shared body, then a file.
            const char* data = c.out.data() + c.out_off;
            std::size_t left = c.out.size() - c.out_off;
            std::size_t* off = &c.out_off;
            if (left == 0 && c.shared && c.shared_off < c.shared->size()) {
                data = c.shared->data() + c.shared_off;
                left = c.shared->size() - c.shared_off;
                off = &c.shared_off;
            }
            if (left == 0) {
                if (c.file_left == 0) return send_status::done;
                if (!refill(c)) return send_status::failed;
                continue;
            }
            if (budget == 0) return send_status::blocked;
            const std::size_t len = (std::min)(left, budget);
            auto r = net::try_send(c.sock, net::buffer(data, len));
            if (!r) return net::is_would_block(r.error()) ? send_status::blocked : send_status::failed;
            *off += *r;
            budget -= *r;
            if (*r > 0) {
                progressed = true;
                c.deadline = clock::now() + opt_.idle_timeout;
            }
        }
    }

    // Appends the next piece of the file to the output buffer (dropping what was sent).
    static bool refill(connection& c) {
        if (c.out_off == c.out.size()) {
            c.out.clear();
            c.out_off = 0;
        }
        const std::size_t old = c.out.size();
        const auto want = static_cast<std::size_t>((std::min<std::uint64_t>)(file_chunk, c.file_left));
        c.out.resize(old + want);
        c.file.read(c.out.data() + old, static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(c.file.gcount());
        c.out.resize(old + got);
        c.file_left -= got;
        return got > 0; // 0: the file shrank under us; the response cannot be completed
    }

    void finish_response(connection& c) {
        c.responding = false;
        c.out.clear();
        c.out_off = 0;
        c.shared.reset();
        c.shared_off = 0;
        if (c.file.is_open()) c.file.close();
        c.file_left = 0;
        c.deadline = clock::now() + opt_.idle_timeout; // the next request head must come by then
    }

    // Half-closes so the client reads every byte and then EOF, and waits (briefly) for its
    // EOF: closing with unread input would send a reset that can destroy the response.
    bool begin_close(connection& c) {
        if (c.peer_eof || !net::try_shutdown(c.sock, net::shutdown_type::send)) return close(c), false;
        c.lingering = true;
        c.in.clear();
        c.in_off = 0;
        c.deadline = clock::now() + (std::min)(opt_.idle_timeout, std::chrono::milliseconds(2000));
        return update_interest(c);
    }

    bool update_interest(connection& c) {
        const bool want_write = !c.lingering && (c.responding || c.input_pending());
        const net::events want = want_write ? net::events::writable : net::events::readable;
        if (want != c.interest) {
            if (!poller_.try_modify(c.sock, want, &c)) return close(c), false;
            c.interest = want;
        }
        return true;
    }

    void close(connection& c) {
        (void)poller_.try_remove(c.sock);
        (void)c.sock.try_close();
        conns_.erase(&c);
    }

    void expire(clock::time_point now) {
        for (auto it = conns_.begin(); it != conns_.end();) {
            connection& c = *it->second;
            ++it;
            if (now >= c.deadline) close(c);
        }
    }

    void close_all() {
        while (!conns_.empty()) close(*conns_.begin()->second);
    }

    // ---- responses ----

    const std::string& http_date() {
        const std::time_t now = std::time(nullptr);
        if (now != date_time_ || date_.empty()) {
            date_time_ = now;
            char buf[64] = "";
            if (const std::tm* tm = std::gmtime(&now))
                buf[std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", tm)] = '\0';
            date_ = buf;
        }
        return date_;
    }

    static std::string request_line(const request& req) {
        if (req.method.empty()) return "-";
        if (req.target.empty()) return req.method;
        return req.method + " " + req.target + " HTTP/1." + std::to_string(req.minor_version);
    }

    // Queues the status line, the headers and `body` (or, for HEAD, only its length).
    void queue_response(connection& c, const request& req, int status, std::string_view content_type,
                        std::uint64_t content_length, std::string_view body,
                        std::string_view extra_headers = {}) {
        std::string head;
        head.reserve(256 + extra_headers.size());
        head += "HTTP/1.1 ";
        head += std::to_string(status);
        head += ' ';
        head += reason_phrase(status);
        head += "\r\nServer: netsock-http_server\r\nDate: ";
        head += http_date();
        head += "\r\nContent-Type: ";
        head += content_type;
        head += "\r\nContent-Length: ";
        head += std::to_string(content_length);
        head += "\r\n";
        head += extra_headers;
        if (c.close_after) head += "Connection: close\r\n";
        else if (req.minor_version == 0) head += "Connection: keep-alive\r\n";
        head += "\r\n";
        c.out.assign(head.begin(), head.end());
        if (!req.is_head()) c.out.insert(c.out.end(), body.begin(), body.end());
        c.out_off = 0;
        c.responding = true;
        log(c.peer + " - - [" + http_date() + "] \"" + request_line(req) + "\" " + std::to_string(status) +
            " " + std::to_string(content_length));
    }

    void error_response(connection& c, const request& req, int status, std::string_view detail,
                        std::string_view extra_headers = {}) {
        const std::string title = std::to_string(status) + " " + std::string(reason_phrase(status));
        const std::string body =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + title +
            "</title></head>\n<body>\n<h1>" + title + "</h1>\n<p>" + html_escape(detail) +
            "</p>\n</body>\n</html>\n";
        if (status == 405) extra_headers = "Allow: GET, HEAD\r\n";
        queue_response(c, req, status, "text/html; charset=utf-8", body.size(), body, extra_headers);
    }

    void start_response(connection& c, const request& req) {
        c.close_after = !req.keep_alive;
        c.deadline = clock::now() + opt_.idle_timeout;
        try {
            route(c, req);
        } catch (const std::exception&) { // e.g. a name that does not convert on Windows
            c.file = std::ifstream();
            c.file_left = 0;
            error_response(c, req, 500, "The server could not handle this path.");
        }
    }

    // Resolves `segments` below the root: the canonical result, or a status (403/404).
    int resolve(const std::vector<std::string>& segments, std::filesystem::path& out) const {
        namespace fs = std::filesystem;
        fs::path p = root_;
        for (const std::string& seg : segments) {
            const fs::path part = utf8_to_path(seg);
            // One plain name only: no "C:" or "\\?\" (Windows roots), nothing with a parent.
            if (part.empty() || part.has_root_path() || part.has_parent_path()) return 403;
            p /= part;
        }
        std::error_code ec;
        out = fs::weakly_canonical(p, ec);
        if (ec) return ec == std::errc::permission_denied ? 403 : 404;
        if (!is_within(root_, out)) return 403; // a symlink (or anything else) leading outside
        return 0;
    }

    void route(connection& c, const request& req) {
        namespace fs = std::filesystem;
        const path_parts parts = split_path(req.path);
        if (parts.status == 403) return error_response(c, req, 403, "This path is not allowed.");
        if (parts.status != 0) return error_response(c, req, 400, "Malformed path.");
        fs::path path;
        if (int status = resolve(parts.segments, path))
            return error_response(c, req, status,
                                  status == 403 ? "This path is not allowed." : "File not found.");
        std::error_code ec;
        const fs::file_status st = fs::status(path, ec);
        if (st.type() == fs::file_type::not_found) return error_response(c, req, 404, "File not found.");
        if (ec) return error_response(c, req, 403, "This path is not readable.");
        if (fs::is_directory(st)) {
            if (!parts.trailing_slash) {
                // Like Python: a directory URL ends with '/', so relative links work. Built from
                // the segments, so "//host" can never become a protocol-relative redirect.
                std::string location = "/";
                for (const std::string& seg : parts.segments) location += percent_encode(seg) + "/";
                if (!req.query.empty()) location += "?" + req.query;
                const std::string body =
                    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                    "<title>301 Moved Permanently</title></head>\n<body>\n<p><a href=\"" +
                    html_escape(location) + "\">" + html_escape(location) + "</a></p>\n</body>\n</html>\n";
                return queue_response(c, req, 301, "text/html; charset=utf-8", body.size(), body,
                                      "Location: " + location + "\r\n");
            }
            for (const char* index : {"index.html", "index.htm"}) {
                std::vector<std::string> with_index = parts.segments;
                with_index.emplace_back(index);
                fs::path index_path;
                if (resolve(with_index, index_path) == 0 && fs::is_regular_file(index_path, ec))
                    return serve_file(c, req, index_path);
            }
            return serve_listing(c, req, path);
        }
        if (!fs::is_regular_file(st)) // a FIFO would block the only thread; devices, sockets
            return error_response(c, req, 403, "This is not a regular file.");
        serve_file(c, req, path);
    }

    void serve_file(connection& c, const request& req, const std::filesystem::path& path) {
        std::error_code ec;
        const std::uint64_t size = std::filesystem::file_size(path, ec);
        if (ec) return error_response(c, req, 404, "File not found.");
        c.file.open(path, std::ios::binary);
        if (!c.file) {
            c.file = std::ifstream();
            return error_response(c, req, 403, "This file is not readable.");
        }
        queue_response(c, req, 200, content_type_for(path_to_utf8(path.filename())), size, {});
        if (req.is_head() || size == 0) {
            c.file.close();
            return;
        }
        c.file_left = size;
        if (!refill(c)) { // headers and the first piece go out in one send
            c.out.clear();
            c.file.close();
            c.file_left = 0;
            c.close_after = true;
            error_response(c, req, 500, "The file could not be read.");
        }
    }

    // Directory listings are built once and shared: the HTML of a directory is kept (at most
    // listing_cache_entries of them, listing_cache_bytes in all) and served to every client
    // from the same buffer, so 50 clients asking for (and never reading) the listing of a
    // 20,000-entry directory cost one build and one copy. An entry is rebuilt when the
    // directory's modification time changes (an entry added, removed or renamed) and at
    // least every listing_max_age, which bounds how stale a listing can be where the OS
    // does not update it (a file that changed type in place).
    static constexpr std::size_t listing_cache_entries = 64;
    static constexpr std::size_t listing_cache_bytes = 16u << 20;
    static constexpr std::chrono::seconds listing_max_age{2};
    struct cached_listing {
        std::filesystem::file_time_type mtime;
        clock::time_point built;
        std::shared_ptr<const std::string> body;
    };

    void serve_listing(connection& c, const request& req, const std::filesystem::path& dir) {
        namespace fs = std::filesystem;
        std::error_code ec;
        const auto mtime = fs::last_write_time(dir, ec);
        if (ec) return error_response(c, req, 403, "This directory is not readable.");
        const auto now = clock::now();
        std::string key = path_to_utf8(dir);
        key += '\0';
        key += req.path; // the title shows the request's path
        auto hit = listings_.find(key);
        if (hit == listings_.end() || hit->second.mtime != mtime ||
            now - hit->second.built > listing_max_age) {
            auto body = build_listing(req, dir);
            if (!body) return error_response(c, req, 403, "This directory is not readable.");
            if (hit != listings_.end()) {
                listing_bytes_ -= hit->second.body->size();
                listings_.erase(hit);
            }
            evict_listings(body->size());
            if (body->size() <= listing_cache_bytes) {
                listing_bytes_ += body->size();
                hit = listings_.emplace(std::move(key), cached_listing{mtime, now, std::move(body)}).first;
            } else { // too large to keep: served once, not cached
                queue_shared(c, req, std::move(body));
                return;
            }
        }
        queue_shared(c, req, hit->second.body);
    }

    void queue_shared(connection& c, const request& req, std::shared_ptr<const std::string> body) {
        queue_response(c, req, 200, "text/html; charset=utf-8", body->size(), {});
        if (!req.is_head()) {
            c.shared = std::move(body);
            c.shared_off = 0;
        }
    }

    // Room for `incoming` more bytes and one more entry: drops the oldest builds first.
    void evict_listings(std::size_t incoming) {
        while (!listings_.empty() && (listings_.size() >= listing_cache_entries ||
                                      listing_bytes_ + incoming > listing_cache_bytes)) {
            auto oldest = listings_.begin();
            for (auto it = listings_.begin(); it != listings_.end(); ++it)
                if (it->second.built < oldest->second.built) oldest = it;
            listing_bytes_ -= oldest->second.body->size();
            listings_.erase(oldest);
        }
    }

    // The HTML of a directory, sorted by name as python's http.server does; nullptr if the
    // directory cannot be read.
    std::shared_ptr<const std::string> build_listing(const request& req, const std::filesystem::path& dir) {
        namespace fs = std::filesystem;
        struct item {
            std::string key, name;
            bool is_dir, is_link;
        };
        std::vector<item> items;
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) return nullptr;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) return nullptr;
            try {
                item i{{}, path_to_utf8(it->path().filename()), false, false};
                std::error_code e2;
                i.is_dir = it->is_directory(e2);
                i.is_link = it->is_symlink(e2);
                i.key = to_lower(i.name);
                items.push_back(std::move(i));
            } catch (const std::exception&) {
                // a name that has no UTF-8 form (Windows): not listed
            }
        }
        std::sort(items.begin(), items.end(), [](const item& a, const item& b) {
            return a.key != b.key ? a.key < b.key : a.name < b.name;
        });
        const std::string title = "Directory listing for " + html_escape(req.path);
        auto body = std::make_shared<std::string>();
        *body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
                "</title>\n</head>\n<body>\n<h1>" + title + "</h1>\n<hr>\n<ul>\n";
        for (const item& i : items) {
            const std::string link = percent_encode(i.name) + (i.is_dir ? "/" : "");
            const std::string shown = i.name + (i.is_link ? "@" : i.is_dir ? "/" : "");
            *body += "<li><a href=\"" + link + "\">" + html_escape(shown) + "</a></li>\n";
        }
        *body += "</ul>\n<hr>\n</body>\n</html>\n";
        return body;
    }

    server_options opt_;
    std::filesystem::path root_;
    net::poller poller_;
    net::socket listener_;
    std::unordered_map<connection*, std::unique_ptr<connection>> conns_;
    bool accept_paused_ = false;  // the listener is out of the poller until accept_resume_
    bool accept_failing_ = false; // accept failed since the last success (logged once)
    std::uint64_t refused_ = 0;   // 503s over max_connections
    std::unordered_map<std::string, cached_listing> listings_; // by directory and request path
    std::size_t listing_bytes_ = 0;
    clock::time_point accept_resume_;
    std::time_t date_time_ = 0;
    std::string date_;
};

} // namespace http

#endif
