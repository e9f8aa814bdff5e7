// A net::poller event loop under injected faults (built with NETSOCK_FAULT_INJECTION, once per
// poller backend: epoll and, with NETSOCK_POLLER_POLL, poll). The server thread's accept, recv
// and send fail at random with EAGAIN (readiness that turns out stale) or EINTR, and move a
// random 1..3000 bytes per call. The poller is level-triggered, so a socket abandoned on a
// spurious EAGAIN is reported again; the echo must come back byte for byte, within bounded time.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "fault_plan.hpp"
#include "support.hpp"

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace reliability;
using reliability::fault::call;

namespace {

struct echo_outcome {
    std::string failure; // empty: the loop finished cleanly
    std::size_t echoed = 0;
    long waits = 0;
};

// One connection, echoed by a poller loop on the calling thread with `plan` armed.
echo_outcome poller_echo(net::socket& listener, fault::plan& plan) {
    echo_outcome out;
    fault::armed guard(plan);
    net::poller p;
    net::socket conn;
    std::vector<unsigned char> pending;
    std::size_t sent_to = 0;
    bool eof = false;
    std::vector<unsigned char> chunk(64 * 1024);
    net::set_nonblocking(listener);
    p.add(listener, net::events::readable, &listener);
    const auto start = steady::now();
    while (seconds_since(start) < 30.0 && out.waits < 5000000) {
        ++out.waits;
        auto ready = p.try_wait(500ms);
        if (!ready) return {"poller wait: " + describe(ready.error()), out.echoed, out.waits};
        for (const net::poll_event& ev : *ready) {
            if (ev.data == &listener) {
                auto a = net::try_accept(listener);
                if (!a) {
                    if (net::is_would_block(a.error())) continue; // stale: wait again
                    return {"accept: " + describe(a.error()), out.echoed, out.waits};
                }
                conn = std::move(a->socket);
                p.remove(listener); // one client
                net::set_nonblocking(conn);
                p.add(conn, net::events::readable, &conn);
                continue;
            }
            if (net::has(ev.what, net::events::readable | net::events::hangup | net::events::error)) {
                while (!eof) {
                    auto n = net::try_recv(conn, net::buffer(chunk));
                    if (!n) {
                        if (net::is_would_block(n.error())) break;
                        return {"recv: " + describe(n.error()), out.echoed, out.waits};
                    }
                    if (*n == 0) eof = true;
                    pending.insert(pending.end(), chunk.begin(),
                                   chunk.begin() + static_cast<std::ptrdiff_t>(*n));
                }
            }
            while (sent_to < pending.size()) {
                auto n = net::try_send(conn, net::buffer(pending.data() + sent_to, pending.size() - sent_to));
                if (!n) {
                    if (net::is_would_block(n.error())) break;
                    return {"send: " + describe(n.error()), out.echoed, out.waits};
                }
                sent_to += *n;
                out.echoed += *n;
            }
            if (eof && sent_to == pending.size()) {
                net::shutdown(conn, net::shutdown_type::send);
                p.remove(conn);
                conn.close();
                return out;
            }
            net::events want = eof ? net::events::none : net::events::readable;
            if (sent_to < pending.size()) want |= net::events::writable;
            p.modify(conn, want, &conn);
        }
    }
    out.failure = "the loop did not finish in 30 s / 5,000,000 waits";
    return out;
}

} // namespace

TEST_CASE("a poller echo loop under random EAGAIN, EINTR and short reads and writes echoes 1 MiB "
          "exactly") {
    INFO("poller backend: " << std::string(net::poller::backend_name()));
    auto listener = make_listener();
    const auto at = net::local_address(listener);
    fault::plan plan(0x1234567u);
    plan.on(call::accept).randomly(50, EAGAIN, EINTR);
    plan.on(call::recv).randomly(30, EAGAIN, EINTR).random_cap(3000);
    plan.on(call::send).randomly(30, EAGAIN, EINTR).random_cap(3000);

    echo_outcome outcome;
    std::thread server([&] { outcome = poller_echo(listener, plan); });

    const auto data = pattern(1024 * 1024);
    auto client = net::make_socket(net::family::ipv4);
    std::vector<unsigned char> echo;
    std::error_code client_error;
    std::thread writer;
    if (auto c = net::try_connect(client, at, io_timeout); c) {
        writer = std::thread([&] {
            (void)net::try_sendall(client, net::buffer(data), io_timeout);
            (void)net::try_shutdown(client, net::shutdown_type::send);
        });
        std::vector<unsigned char> chunk(64 * 1024);
        const auto start = steady::now();
        while (seconds_since(start) < 30.0) {
            auto n = net::try_recv(client, net::buffer(chunk), io_timeout);
            if (!n) {
                client_error = n.error();
                break;
            }
            if (*n == 0) break;
            echo.insert(echo.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
        }
    } else {
        client_error = c.error();
    }
    if (writer.joinable()) writer.join();
    server.join();

    CHECK_MESSAGE(outcome.failure.empty(), outcome.failure);
    CHECK_MESSAGE(!client_error, describe(client_error));
    CHECK(outcome.echoed == data.size());
    REQUIRE(echo.size() == data.size());
    CHECK(first_mismatch(echo.data(), echo.size()) == echo.size());
    // The faults really happened (this is not a quiet run).
    CHECK(plan.on(call::recv).injected() > 20);
    CHECK(plan.on(call::send).injected() > 20);
    MESSAGE("faults injected: " << plan.on(call::accept).injected() << " accept, "
                                << plan.on(call::recv).injected() << " recv, "
                                << plan.on(call::send).injected() << " send; " << outcome.waits
                                << " poller waits");
}
