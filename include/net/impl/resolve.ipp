#ifndef NETSOCK_IMPL_RESOLVE_IPP
#define NETSOCK_IMPL_RESOLVE_IPP

// Definitions of resolve.hpp: getaddrinfo, the Happy Eyeballs connect race and create_server.

#include "../resolve.hpp"

#include "../cancel.hpp"
#include "../detail/sys.hpp"
#include "../ops.hpp"
#include "../options.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
inline std::error_code resolver_error(int code) noexcept {
    if (code == sys::eai_system) { // getaddrinfo(3): "look at errno"
        int e = sys::last_error();
        return e != 0 ? socket_error(e) : std::error_code(code, resolve_category());
    }
    return {code, resolve_category()};
}

struct addrinfo_guard {
    ::addrinfo* list = nullptr;
    ~addrinfo_guard() {
        if (list) sys::freeaddrinfo(list);
    }
};

// A host that inet_aton or getaddrinfo may read as an IPv4 address: dot-separated labels,
// each empty, decimal digits or 0x-prefixed hex ("127.1", "0x7f.0.0.1", "012.0.0.1",
// "2130706433", "1.2.3.4."), up to the first white space ("127.0.0.1 junk"). No DNS name is
// like this (a top-level domain is never all digits), so these never go to DNS.
inline bool looks_numeric(std::string_view host) noexcept {
    host = host.substr(0, host.find_first_of(" \t\n\v\f\r"));
    bool any = false;
    std::size_t i = 0;
    while (i <= host.size()) {
        std::size_t j = host.find('.', i);
        if (j == std::string_view::npos) j = host.size();
        std::string_view label = host.substr(i, j - i);
        if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
            for (char c : label.substr(2))
                if (hex_value(c) < 0) return false;
        } else if (!label.empty() && !all_digits(label)) {
            return false;
        }
        any = any || !label.empty();
        i = j + 1;
    }
    return any;
}

// True if `a` names a socket file that no one listens on: a socket (never a regular file, a
// link or anything else) to which a connect is refused. A live listener accepts the connect
// (or, with a full backlog, keeps it waiting: not refused either), so its path is kept.
inline bool stale_socket_file(const address& a) {
    if (a.family() != family::local) return false;
    const std::string path = a.path();
    if (path.empty() || path.front() == '\0') return false; // unnamed or abstract: no file
    if (sys::kind_of_path(path.c_str()) != sys::path_kind::socket) return false;
    auto probe = try_make_socket(family::local, socket_type::stream);
    if (!probe) return false;
    auto c = try_connect(*probe, a, std::chrono::seconds(1));
    return !c && c.error() == std::errc::connection_refused;
}

// "host:port" ("[::1]:80" for an IPv6 host) for error messages.
inline std::string host_port(std::string_view host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string_view::npos && host.front() != '[';
    return (v6 ? "[" : "") + std::string(host) + (v6 ? "]:" : ":") + std::to_string(port);
}

// Happy Eyeballs order (RFC 8305 section 4): alternate families, starting with IPv6.
inline std::vector<address> interleave(const std::vector<address>& in) {
    std::vector<address> v6, v4, out;
    for (const auto& a : in) (a.family() == family::ipv6 ? v6 : v4).push_back(a);
    out.reserve(in.size());
    for (std::size_t i = 0; i < v6.size() || i < v4.size(); ++i) {
        if (i < v6.size()) out.push_back(v6[i]);
        if (i < v4.size()) out.push_back(v4[i]);
    }
    return out;
}

// An error worth reporting over another: anything beats a timeout, as "connection refused"
// or "network unreachable" says more about why no attempt succeeded.
inline void keep_most_specific(std::error_code& best, std::error_code ec) noexcept {
    if (!best || (best == std::errc::timed_out && ec != std::errc::timed_out)) best = ec;
}
} // namespace detail

result<std::vector<address>> try_resolve(std::string_view host, std::string_view service,
                                         const resolve_hints& hints) noexcept {
    if (auto ec = detail::sys::start()) return detail::fail(ec);
    if (host.size() > 1024 || service.size() > 256 || host.find('\0') != std::string_view::npos ||
        service.find('\0') != std::string_view::npos)
        return detail::fail(std::errc::invalid_argument);
    std::string h(host), s(service);
    ::addrinfo want{};
    want.ai_family = hints.family ? detail::to_native(*hints.family) : AF_UNSPEC;
    want.ai_socktype = detail::to_native(hints.type);
    want.ai_flags = hints.passive ? AI_PASSIVE : 0;
    std::string_view bare = host;
    if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
    if (bare.find(':') != std::string_view::npos || detail::looks_numeric(bare)) {
        // Numeric, or meant to be: netsock's parser decides, never inet_aton ("127.1", "012.0.0.1")
        // nor DNS. getaddrinfo gets the canonical text, the zone as a number.
        auto a = address::try_parse(bare, 0);
        if (!a) return detail::fail(a.error());
        char text[detail::max_text + 1];
        h.assign(text, detail::format_host(*a, text, true));
        want.ai_flags |= AI_NUMERICHOST;
    }
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
        // glibc truncates numeric services to 16 bits without a check: "70000" became 4464.
        unsigned long port = 0;
        for (char c : s) port = port * 10 + static_cast<unsigned long>(c - '0');
        if (s.size() > 5 || port > 65535)
            return detail::fail(std::error_code(EAI_SERVICE, resolve_category()));
        want.ai_flags |= AI_NUMERICSERV;
    }
    detail::addrinfo_guard found;
    int rc = detail::sys::getaddrinfo(h.empty() ? nullptr : h.c_str(), s.empty() ? nullptr : s.c_str(), &want,
                                      &found.list);
    if (rc != 0) return detail::fail(detail::resolver_error(rc));
    std::vector<address> out;
    for (const ::addrinfo* ai = found.list; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        auto a = address::try_from_native(ai->ai_addr, static_cast<std::size_t>(ai->ai_addrlen));
        if (!a) continue;
        bool seen = false;
        for (const auto& b : out) seen = seen || b == *a;
        if (!seen) out.push_back(*a);
    }
    if (out.empty()) return detail::fail(std::error_code(EAI_NONAME, resolve_category()));
    return out;
}
std::vector<address> resolve(std::string_view host, std::string_view service, const resolve_hints& hints) {
    return detail::unwrap(try_resolve(host, service, hints), "resolve", host);
}

namespace detail {
// A lookup on a thread of its own: what it found, and a canceller it cancels when done (the
// caller waits for its socket with poll, so a deadline and the caller's canceller end the wait).
// Owned by the caller and the thread together: the last to let go deletes it.
struct lookup {
    canceller done;
    std::string host, service;
    resolve_hints hints;
    std::vector<address> found; // what the lookup found, or
    std::error_code failure;    // why it failed
    std::atomic<int> owners{2};

    void release() noexcept {
        if (owners.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
    }
    static void run(void* p) noexcept {
        auto* job = static_cast<lookup*>(p);
        auto r = try_resolve(job->host, job->service, job->hints);
        if (r) job->found = std::move(*r);
        else job->failure = r.error();
        job->done.cancel(); // publishes `found` (release); the caller reads it after is_cancelled()
        job->release();
    }
};

// try_resolve under a deadline or a canceller. getaddrinfo cannot be interrupted, so a name is
// resolved on a thread of its own while the caller waits; on expiry (timed_out) or cancel
// (operation_canceled) the caller returns at once and the lookup is abandoned: the thread
// finishes it alone and frees what it found. One thread and one socket pair per lookup, and only
// for names: numeric hosts, and calls with neither a time limit nor a canceller, resolve on the
// caller's thread. Without a thread to be had, the name is resolved on the caller's thread,
// without the time limit.
inline result<std::vector<address>> resolve_until(std::string_view host, std::string_view service,
                                                  const resolve_hints& hints, const sys::deadline& until) {
    if (until.cancelled()) return fail(sys::canceled());
    std::string_view bare = host;
    if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
    if (until.blocks() || bare.empty() || address::try_parse(bare, 0))
        return try_resolve(host, service, hints);
    auto done = canceller::try_create();
    if (!done) return fail(done.error());
    auto* job = new lookup{std::move(*done), std::string(host), std::string(service), hints, {}, {}};
    if (sys::start_thread(&lookup::run, job)) {
        delete job;
        return try_resolve(host, service, hints);
    }
    std::error_code ec;
    sys::wait(job->done.native_handle(), POLLIN, until, ec);
    // is_cancelled() is the acquire that makes `found` complete (readable implies it is set).
    if (!ec && !job->done.is_cancelled()) ec = make_errc(std::errc::resource_unavailable_try_again);
    if (ec) {
        job->release(); // abandoned: the thread finishes the lookup alone
        return fail(ec);
    }
    std::vector<address> found = std::move(job->found);
    ec = job->failure;
    job->release();
    if (ec) return fail(ec);
    return found;
}
} // namespace detail

namespace detail {
using sys::deadline;

// RFC 8305 section 5: the delay before starting the next attempt while one is pending.
inline constexpr std::chrono::milliseconds connection_attempt_delay{250};

// Races connects to `targets` in order: a new attempt starts every 250 ms, or at once when an
// attempt fails; the first to connect wins and the others are closed. One shared deadline;
// its canceller is watched as the last poll entry.
inline result<socket> connect_racing(const std::vector<address>& targets, const deadline& until) {
    if (targets.empty()) return fail(std::errc::invalid_argument);
    if (until.cancelled()) return fail(sys::canceled());
    struct attempt {
        socket sock;
        std::size_t index;
    };
    std::vector<attempt> pending;
    std::vector<sys::pollfd_type> fds;
    std::error_code best;
    std::size_t next = 0;
    auto start_next = [&]() {
        while (next < targets.size()) {
            const address& to = targets[next++];
            auto s = try_make_socket(to.family(), socket_type::stream);
            if (!s) {
                keep_most_specific(best, s.error());
                continue;
            }
            if (auto ec = sys::set_nonblocking(s->native_handle(), true)) {
                keep_most_specific(best, ec);
                continue;
            }
            auto ec = sys::connect(s->native_handle(), to.data(), to.size());
            if (!ec || sys::is_in_progress(ec) || sys::is_interrupted(ec)) {
                pending.push_back({std::move(*s), next - 1});
                return;
            }
            keep_most_specific(best, ec);
        }
    };
    start_next();
    while (!pending.empty()) {
        fds.clear();
        for (const auto& p : pending) {
            sys::pollfd_type f{};
            f.fd = p.sock.native_handle();
            f.events = POLLOUT;
            fds.push_back(f);
        }
        if (const auto* stop = until.stop()) {
            sys::pollfd_type f{};
            f.fd = stop->reader;
            f.events = POLLIN;
            fds.push_back(f);
        }
        // Wait for a result, at most until the next attempt is due (if any is left).
        const auto wait_until =
            next < targets.size() ? until.earliest(deadline::after(connection_attempt_delay)) : until;
        std::error_code wait_error;
        const int r = sys::poll_until(fds.data(), fds.size(), wait_until, wait_error);
        if (r < 0) return fail(wait_error);
        if (until.cancelled()) return fail(sys::canceled()); // the losers are closed on return
        bool progressed = false;
        for (std::size_t i = pending.size(); i-- > 0;) {
            // Windows before 10 2004 reports a failed connect through nothing but SO_ERROR.
            auto ec = sys::pending_error(pending[i].sock.native_handle());
            if (fds[i].revents == 0 && !ec) continue;
            if (!ec) {
                socket winner = std::move(pending[i].sock);
                pending.clear(); // the losers are closed here
                if (auto e = sys::set_nonblocking(winner.native_handle(), false)) return fail(e);
                return winner;
            }
            keep_most_specific(best, ec);
            pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
            progressed = true;
        }
        if (until.expired()) {
            keep_most_specific(best, detail::make_errc(std::errc::timed_out));
            return fail(best);
        }
        if (progressed || r == 0 || pending.empty()) start_next();
    }
    return fail(best ? best : detail::make_errc(std::errc::host_unreachable));
}

} // namespace detail

result<socket> try_create_connection(std::string_view host, std::uint16_t port, timeout t) noexcept {
    char service[8];
    std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    const auto until = detail::deadline::after(t); // one deadline for resolution and connects
    auto found = detail::resolve_until(host, service, resolve_hints{}, until);
    if (!found) return detail::fail(found.error());
    return detail::connect_racing(detail::interleave(*found), until);
}

result<socket> try_create_connection(const std::vector<address>& targets, timeout t) noexcept {
    return detail::connect_racing(targets, detail::deadline::after(t));
}

socket create_connection(std::string_view host, std::uint16_t port, timeout t) {
    return detail::unwrap(try_create_connection(host, port, t), "create_connection",
                          detail::host_port(host, port));
}

socket create_connection(const std::vector<address>& targets, timeout t) {
    return detail::unwrap(try_create_connection(targets, t), "create_connection");
}

result<socket> try_create_server(const address& a, const server_options& o) noexcept {
    if (o.dual_stack && a.family() != family::ipv6) return detail::fail(std::errc::invalid_argument);
    auto s = try_make_socket(a.family(), socket_type::stream);
    if (!s) return s;
    if (o.reuse_port) {
        if (auto r = try_set_option(*s, reuse_port{true}); !r) return detail::fail(r.error());
    }
    if (o.dual_stack) {
        if (auto r = try_set_option(*s, v6_only{false}); !r) {
            auto ec = r.error();
            if (ec == std::errc::no_protocol_option || ec == std::errc::invalid_argument)
                ec = detail::make_errc(std::errc::operation_not_supported);
            return detail::fail(ec);
        }
    }
    if (auto r = try_bind(*s, a); !r) {
        if (!o.remove_existing_path || r.error() != std::errc::address_in_use ||
            !detail::stale_socket_file(a))
            return detail::fail(r.error());
        std::remove(a.path().c_str());
        if (auto again = try_bind(*s, a); !again) return detail::fail(again.error());
    }
    if (auto r = try_listen(*s, o.backlog); !r) return detail::fail(r.error());
    return s;
}
socket create_server(const address& a, const server_options& o) {
    return detail::unwrap(try_create_server(a, o), "create_server", a);
}

result<socket> try_create_server(std::string_view host, std::uint16_t port,
                                 const server_options& o) noexcept {
    if (host.empty()) return try_create_server(address::any(family::ipv4, port), o); // Python's ""
    resolve_hints hints;
    hints.passive = true;
    char service[8];
    std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    auto found = try_resolve(host, service, hints);
    if (!found) return detail::fail(found.error());
    std::error_code first;
    for (const address& a : *found) {
        auto s = try_create_server(a, o);
        if (s) return s;
        if (!first) first = s.error();
    }
    return detail::fail(first);
}

socket create_server(std::string_view host, std::uint16_t port, const server_options& o) {
    return detail::unwrap(try_create_server(host, port, o), "create_server", detail::host_port(host, port));
}

NETSOCK_END_NAMESPACE

#endif
