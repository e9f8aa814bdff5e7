// http_server: a static file server in the spirit of `python -m http.server`.
//
//   http_server [--bind ADDR] [--port N] [--directory DIR] [--idle-timeout SEC] [--quiet] [PORT]
//
// Serves DIR (default: the current directory) over HTTP/1.0 and HTTP/1.1 (GET and HEAD,
// keep-alive, pipelining, directory listings, index.html) on one thread with net::poller.
// Prints "serving DIR on http://HOST:PORT/" first (port 0, the default, picks a free port),
// then one access-log line per request on stderr (unless --quiet). Stops on Ctrl-C / SIGTERM.
// Exit codes: 0 after a stop request, 1 on an error, 2 for bad arguments.

#include "http_server.hpp"

#include <net/net.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>

namespace {

constexpr const char* usage_text =
    "usage: http_server [--bind ADDR] [--port N] [--directory DIR] [--idle-timeout SEC] [--quiet] "
    "[PORT]\n"
    "  --bind ADDR         numeric IPv4 or IPv6 address to listen on (default 127.0.0.1;\n"
    "                      0.0.0.0 or :: for every interface)\n"
    "  --port N, PORT      port to listen on; 0 picks a free port (default 0)\n"
    "  --directory DIR     directory to serve (default: the current directory)\n"
    "  --idle-timeout SEC  close connections idle for SEC seconds (default 10)\n"
    "  --quiet             no access log on stderr\n";

struct usage_error {
    std::string message;
};

struct options {
    http::server_options server;
    bool quiet = false;
    bool help = false;
};

// Set by SIGINT/SIGTERM; the event loop checks it at least every 100 ms.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) { stop_requested.store(true); }

std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                           std::uint64_t max) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
        throw usage_error{std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + std::string(text) + "'"};
    return value;
}

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) throw usage_error{std::string(arg) + " needs a value"};
            return argv[++i];
        };
        if (arg == "-h" || arg == "--help") {
            o.help = true;
        } else if (arg == "--bind" || arg == "-b") {
            host = value();
        } else if (arg == "--port" || arg == "-p") {
            port = static_cast<std::uint16_t>(parse_number(arg, value(), 0, 65535));
            have_port = true;
        } else if (arg == "--directory" || arg == "-d") {
            const std::string_view dir = value();
            if (dir.empty()) throw usage_error{"--directory needs a non-empty value"};
            o.server.directory = std::filesystem::path(std::string(dir));
        } else if (arg == "--idle-timeout") {
            o.server.idle_timeout = std::chrono::seconds(parse_number(arg, value(), 1, 86400));
        } else if (arg == "--quiet" || arg == "-q") {
            o.quiet = true;
        } else if (!arg.empty() && arg[0] != '-' && !have_port) {
            port = static_cast<std::uint16_t>(parse_number("PORT", arg, 0, 65535)); // like Python
            have_port = true;
        } else {
            throw usage_error{"unknown argument '" + std::string(arg) + "'"};
        }
    }
    auto a = net::address::try_parse(host, port);
    if (!a)
        throw usage_error{"--bind: '" + host + "' is not a numeric IP address (" + a.error().message() + ")"};
    o.server.bind = *a;
    return o;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "http_server: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    if (!opt.quiet) opt.server.log = &std::cerr;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    try {
        http::server srv(opt.server);
        std::cout << "serving " << http::path_to_utf8(srv.root()) << " on http://"
                  << srv.local_address().to_string() << "/" << std::endl; // endl: flush
        srv.run(stop_requested);
        std::cout << "stopped" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "http_server: " << e.what() << std::endl;
        return 1;
    }
}
