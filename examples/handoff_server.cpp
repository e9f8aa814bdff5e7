// handoff_server: a parent process accepts TCP connections and hands each one to a worker
// process over a Unix socket (descriptor passing, SCM_RIGHTS); the workers echo.
//
//   handoff_server [-H HOST] [-p PORT] [-w WORKERS] [-n N] [-i SECONDS]
//
// The pattern behind pre-forked servers, privilege separation and zero-downtime restarts: the
// process that owns the listening socket is not the one that talks to clients. The parent
// listens, prints "listening on HOST:PORT", starts the workers (fork), each with one end of a
// `net::socket_pair()`, and for every connection sends one byte plus the connection's
// descriptor to the next worker in turn (`net::send_handles`) and closes its own
// copy. A worker receives it with `net::recv_handles` as an owning net::socket and serves it
// like echo_server does. After --max-clients connections, or at once on Ctrl-C / SIGTERM, the
// parent closes the channels; each worker finishes its connection, sees EOF on its channel and
// exits; the parent waits for every worker (no orphans) and exits with code 0.
//
// POSIX only (fork, waitpid): Windows has no descriptor passing (send_handles reports
// operation_not_supported there).

#include <net/net.hpp>

#include "common.hpp"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using example::usage_error;

constexpr const char* usage_text =
    "usage: handoff_server [-H HOST] [-p PORT] [-w WORKERS] [-n N] [-i SECONDS]\n"
    "  -H, --host HOST          numeric address to listen on (default 127.0.0.1;\n"
    "                           :: listens on IPv6 and IPv4)\n"
    "  -p, --port N             port to listen on; 0 picks a free port and prints it (default 0)\n"
    "  -w, --workers N          worker processes (default 2)\n"
    "  -n, --max-clients N      hand off N connections, let the workers finish, then exit\n"
    "                           (default: until Ctrl-C)\n"
    "  -i, --idle-timeout SEC   workers close a connection silent for SEC seconds (default 60)\n"
    "  -h, --help               this text\n";

struct options {
    net::address address;
    std::uint64_t workers = 2;
    std::uint64_t max_clients = 0; // 0: no limit
    std::chrono::seconds idle_timeout{60};
    bool help = false;
};

void say(const std::string& line) { std::cout << line << std::endl; } // endl: one write per line

void warn(const std::string& line) { std::cerr << "handoff_server: " << line << std::endl; }

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    for (example::args a(argc, argv); a.next();) {
        if (a.is("-h", "--help")) o.help = true;
        else if (a.is("-H", "--host")) host = a.value();
        else if (a.is("-p", "--port")) port = static_cast<std::uint16_t>(a.number(0, 65535));
        else if (a.is("-w", "--workers")) o.workers = a.number(1, 64);
        else if (a.is("-n", "--max-clients")) o.max_clients = a.number(1, UINT64_MAX);
        else if (a.is("-i", "--idle-timeout")) o.idle_timeout = std::chrono::seconds(a.number(1, 86400));
        else a.unknown();
    }
    o.address = example::listen_address(host, port);
    return o;
}

// Echoes one connection until the client closes it or stays silent too long.
void echo(const net::socket& conn, std::chrono::seconds idle) {
    char buf[4096];
    for (;;) {
        auto n = net::try_recv(conn, net::buffer(buf), idle);
        if (!n || *n == 0) return; // closed, reset or idle: the worker moves on
        if (!net::try_sendall(conn, net::buffer(buf, *n), idle)) return;
    }
}

// A worker: one connection at a time from the channel, until the parent closes it.
int worker(int id, const net::socket& channel, std::chrono::seconds idle) {
    const std::string me = "worker " + std::to_string(id) + " (pid " + std::to_string(::getpid()) + ")";
    say(me + ": ready");
    for (;;) {
        net::socket conn[1];
        char tag = 0;
        auto got = net::try_recv_handles(channel, net::buffer(&tag, 1), conn, 1);
        if (!got) {
            warn(me + ": " + got.error().message());
            return 1;
        }
        if (got->size == 0) return 0; // the parent closed the channel: done
        if (got->handles != 1) {
            warn(me + ": a message without a connection");
            continue;
        }
        auto peer = net::try_peer_address(conn[0]);
        say(me + ": connection from " + (peer ? peer->to_string() : std::string("?")));
        echo(conn[0], idle);
        say(me + ": connection closed");
    }
}

int run(const options& opt) {
    net::canceller& stop = example::stop_signal(); // the handlers; workers reset theirs
    auto listener = net::create_server(opt.address, example::server_options_for(opt.address));
    say("listening on " + net::local_address(listener).to_string());

    // The workers, each with one end of its own channel. A child closes what is not its own:
    // the listener and the earlier workers' channels.
    std::vector<net::socket> channels;
    std::vector<pid_t> pids;
    for (std::uint64_t i = 1; i <= opt.workers; ++i) {
        auto [parent_end, worker_end] = net::socket_pair();
        std::cout.flush(); // a child must not inherit buffered output
        const pid_t pid = ::fork();
        if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
        if (pid == 0) {
            // The child: Ctrl-C reaches the whole process group, but the parent decides when
            // workers stop (it closes their channel); SIGTERM to a worker ends it.
            std::signal(SIGINT, SIG_IGN);
            std::signal(SIGTERM, SIG_DFL);
            listener.close();
            parent_end.close();
            channels.clear();
            const int rc = worker(static_cast<int>(i), worker_end, opt.idle_timeout);
            std::cout.flush();
            ::_exit(rc);
        }
        pids.push_back(pid);
        channels.push_back(std::move(parent_end));
    }

    std::uint64_t handed = 0;
    for (std::size_t next = 0; opt.max_clients == 0 || handed < opt.max_clients;
         next = (next + 1) % channels.size()) {
        auto accepted = net::try_accept(listener, stop);
        if (!accepted) {
            if (example::is_stop(accepted.error())) break;
            if (example::is_resource_exhaustion(accepted.error())) {
                warn("accept: " + accepted.error().message() + "; backing off");
                std::this_thread::sleep_for(100ms); // the connection stays queued: retry later
                continue;
            }
            warn("accept: " + accepted.error().message());
            continue;
        }
        const net::native_handle_type h = accepted->socket.native_handle();
        auto sent = net::try_send_handles(channels[next], net::buffer("c"), &h, 1, net::timeout(10s, stop));
        if (!sent) {
            warn("handing off to worker " + std::to_string(next + 1) + ": " + sent.error().message());
            continue; // the connection closes here
        }
        ++handed;
        say("handed connection from " + accepted->peer.to_string() + " to worker " +
            std::to_string(next + 1));
        // accepted->socket closes here: the worker holds its own duplicate.
    }

    channels.clear(); // EOF to every worker
    int failed = 0;
    for (pid_t pid : pids) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    if (stop.is_cancelled()) say("stopped after " + std::to_string(handed) + " connection(s)");
    else say("handed off " + std::to_string(handed) + " connection(s), exiting");
    return failed == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::cerr << "handoff_server: " << e.message << '\n' << usage_text;
        return 2;
    }
    if (opt.help) {
        std::cout << usage_text;
        return 0;
    }
    try {
        return run(opt);
    } catch (const std::exception& e) {
        warn(e.what());
        return 1;
    }
}
