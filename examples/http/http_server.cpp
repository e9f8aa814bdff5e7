// http_server: a static file server in the spirit of `python -m http.server`.
//
//   http_server [-H HOST] [-p PORT] [-d DIR] [-i SECONDS] [-q] [PORT]
//
// Serves DIR (default: the current directory) over HTTP/1.0 and HTTP/1.1 (GET and HEAD,
// keep-alive, pipelining, directory listings, index.html) on one thread with net::poller.
// Prints "serving DIR on http://HOST:PORT/" first (port 0, the default, picks a free port),
// then one access-log line per request on stderr (unless --quiet). Stops on Ctrl-C / SIGTERM.
// Exit codes: 0 after a stop request, 1 on an error, 2 for bad arguments.

#include "http_server.hpp"

#include <net/net.hpp>

#include "../common.hpp"

#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>

namespace {

constexpr const char* usage_text =
    "usage: http_server [-H HOST] [-p PORT] [-d DIR] [-i SECONDS] [-c N] [-q] [PORT]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1; 0.0.0.0 for\n"
    "                           every IPv4 interface, :: for IPv6 and IPv4); --bind, -b as in\n"
    "                           Python's http.server\n"
    "  -p, --port N, PORT       port to listen on; 0 picks a free port (default 0)\n"
    "  -d, --directory DIR      directory to serve (default: the current directory)\n"
    "  -i, --idle-timeout SEC   close connections idle for SEC seconds (default 10)\n"
    "  -c, --max-connections N  at most N connections at once; more get a fast 503\n"
    "                           (default: the descriptor limit minus a reserve)\n"
    "  -q, --quiet              no access log on stderr\n"
    "  -h, --help               this text\n";

using example::usage_error;

http::server_options with_default_cap() {
    http::server_options o;
    o.max_connections = static_cast<std::size_t>(example::default_max_connections());
    return o;
}

struct options {
    http::server_options server = with_default_cap();
    bool quiet = false;
    bool help = false;
};

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    bool have_port = false;
    for (example::args a(argc, argv); a.next();) {
        const std::string_view arg = a.arg();
        if (a.is("-h", "--help")) {
            o.help = true;
        } else if (a.is("-H", "--host") || a.is("-b", "--bind")) {
            host = a.value();
        } else if (a.is("-p", "--port")) {
            port = static_cast<std::uint16_t>(a.number(0, 65535));
            have_port = true;
        } else if (a.is("-d", "--directory")) {
            const std::string_view dir = a.value();
            if (dir.empty()) throw usage_error{"--directory needs a non-empty value"};
            o.server.directory = std::filesystem::path(std::string(dir));
        } else if (a.is("-i", "--idle-timeout")) {
            o.server.idle_timeout = std::chrono::seconds(a.number(1, 86400));
        } else if (a.is("-c", "--max-connections")) {
            o.server.max_connections = static_cast<std::size_t>(a.number(1, 10000000));
        } else if (a.is("-q", "--quiet")) {
            o.quiet = true;
        } else if (!arg.empty() && arg[0] != '-' && !have_port) {
            port = static_cast<std::uint16_t>(example::parse_number("PORT", arg, 0, 65535)); // like Python
            have_port = true;
        } else {
            a.unknown();
        }
    }
    o.server.bind = example::listen_address(host, port);
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
    try {
        net::canceller& stop = example::stop_signal(); // Ctrl-C / SIGTERM from here on
        http::server srv(opt.server);
        std::cout << "serving " << http::path_to_utf8(srv.root()) << " on http://"
                  << srv.local_address().to_string() << "/" << std::endl; // endl: flush
        srv.run(stop);
        std::cout << "stopped" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "http_server: " << e.what() << std::endl;
        return 1;
    }
}
