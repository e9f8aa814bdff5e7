#ifndef NETSOCK_EXAMPLES_COMMON_HPP
#define NETSOCK_EXAMPLES_COMMON_HPP

// What the example programs share, so that each file shows only its networking: one spelling
// of the command line, and stopping on Ctrl-C / SIGTERM. Like the examples, it uses only
// <net/net.hpp> and the standard library.
//
// The options, the same in every program that has them:
//   -H, --host HOST            servers: the numeric address to listen on (default 127.0.0.1;
//                              "::" listens on IPv6 and IPv4, "::1" on IPv6 only);
//                              clients: the server, a name or a numeric address
//   -p, --port N               0 (servers only) picks a free port and prints it
//   -n, --max-clients N        servers: serve N clients, then exit
//   -c, --max-connections N    threaded_echo_server, poller_echo_server, http_server (echo_server serves one
//                              at a time): at most N connections at once; more are accepted and
//                              closed at once (default: the descriptor limit minus a reserve)
//   -i, --idle-timeout SEC     servers: close a connection that sends nothing for SEC seconds
//   -t, --timeout SEC          clients: limit for connecting and for each reply
//   -q, --quiet / -v, --verbose
//   -h, --help                 to stdout, exit status 0; a bad option: stderr, exit status 2
//
// Stopping: `example::stop_signal()` is a net::canceller that SIGINT and SIGTERM cancel. Every
// blocking call of a server takes it, so Ctrl-C ends a blocked accept, recv or send at once,
// without waking up periodically to look at a flag. (udp_echo_server's receive does not, for
// speed; a hook of the handler, `example::on_stop_signal`, wakes it instead.)

#include <net/net.hpp>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#if !defined(_WIN32)
#include <sys/resource.h>
#endif

namespace example {

/// A command-line mistake: printed with the usage text, exit status 2.
struct usage_error {
    std::string message;
};

/// `text` as a whole number from `min` to `max`, else a usage_error naming `option`.
inline std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                                  std::uint64_t max) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
        throw usage_error{std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + std::string(text) + "'"};
    return value;
}

/// Walks argv: `while (a.next()) if (a.is("-p", "--port")) port = a.number(0, 65535); ...`.
class args {
public:
    args(int argc, char** argv) : argc_(argc), argv_(argv) {}
    bool next() {
        if (++i_ >= argc_) return false;
        arg_ = argv_[i_];
        return true;
    }
    std::string_view arg() const { return arg_; }
    bool is(std::string_view short_name, std::string_view long_name) const {
        return arg_ == short_name || arg_ == long_name;
    }
    /// The option's value (the next argument).
    std::string_view value() {
        if (i_ + 1 >= argc_) throw usage_error{std::string(arg_) + " needs a value"};
        return argv_[++i_];
    }
    std::uint64_t number(std::uint64_t min, std::uint64_t max) {
        const std::string option(arg_);
        return parse_number(option, value(), min, max);
    }
    [[noreturn]] void unknown() const { throw usage_error{"unknown argument '" + std::string(arg_) + "'"}; }

private:
    int argc_;
    char** argv_;
    int i_ = 0;
    std::string_view arg_;
};

/// The address a server listens on: a numeric host (never DNS) and a port.
inline net::address listen_address(const std::string& host, std::uint16_t port) {
    auto a = net::address::try_parse(host, port);
    if (!a)
        throw usage_error{"--host: '" + host + "' is not a numeric IP address (" + a.error().message() + ")"};
    return *a;
}

/// The same meaning of "::" in every server: the IPv6 wildcard listens on IPv4 too.
inline net::server_options server_options_for(const net::address& a) {
    net::server_options o;
    o.dual_stack = a.family() == net::family::ipv6 && a == net::address::any(net::family::ipv6, a.port());
    return o;
}

/// The default of --max-connections: the descriptor limit minus a reserve for the listener,
/// the standard streams and the library (POSIX), or 10,000 (Windows has no small limit).
inline std::uint64_t default_max_connections() {
#if !defined(_WIN32)
    ::rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        const auto n = static_cast<std::uint64_t>(limit.rlim_cur);
        return n > 32 ? n - 16 : (n > 8 ? n - 8 : 1);
    }
#endif
    return 10000;
}

/// Accept failures that mean "out of resources": the pending connection stays queued, so
/// accepting again at once would spin at 100 % CPU. Back off instead.
inline bool is_resource_exhaustion(const std::error_code& ec) {
    return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
           ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

namespace detail {
inline std::atomic<net::canceller*> signal_target{nullptr};
static_assert(std::atomic<net::canceller*>::is_always_lock_free,
              "the signal handler needs a lock-free pointer");
inline std::atomic<void (*)()> signal_hook{nullptr};
static_assert(std::atomic<void (*)()>::is_always_lock_free, "the signal handler needs a lock-free pointer");
extern "C" inline void cancel_on_signal(int) {
    if (net::canceller* c = signal_target.load()) c->cancel(); // async-signal-safe
    if (void (*hook)() = signal_hook.load()) hook();
}
} // namespace detail

/// The canceller that SIGINT (Ctrl-C) and SIGTERM cancel; the handlers are installed on the
/// first call.
inline net::canceller& stop_signal() {
    // Never destroyed: a signal during exit must not reach a destroyed canceller.
    static net::canceller& stop = *new net::canceller;
    if (detail::signal_target.exchange(&stop) == nullptr) {
        std::signal(SIGINT, detail::cancel_on_signal);
        std::signal(SIGTERM, detail::cancel_on_signal);
    }
    return stop;
}

/// Makes the handler of stop_signal() also call `hook`, after the cancel: for a server whose
/// loop blocks without the canceller and needs another wake-up (udp_echo_server). `hook`
/// runs in a signal handler (on Windows, on a thread of its own): async-signal-safe calls
/// only, errno left as it was, and nothing it uses ever destroyed.
inline void on_stop_signal(void (*hook)()) noexcept { detail::signal_hook.store(hook); }

/// True for the error of a call that stop_signal() ended.
inline bool is_stop(const std::error_code& ec) { return ec == std::errc::operation_canceled; }

} // namespace example

#endif
