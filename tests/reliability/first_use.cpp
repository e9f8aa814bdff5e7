// The first use of the library in a process, from 8 threads at once (run under
// ThreadSanitizer by tools/ci/reliability.sh). Everything netsock initialises lazily — Winsock
// start-up on Windows, the error categories, the fault hook slot, resolver state — must be
// initialised exactly once and race-free, whichever thread gets there first. This program has
// this one test case only, so nothing touches the library before the threads start.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace reliability;

namespace {

struct first_calls {
    const std::error_category* netsock = nullptr;
    const std::error_category* resolver = nullptr;
    const std::error_category* socket = nullptr;
    std::string eof_message;
    bool parsed = false;
    bool pair_ok = false;
    bool resolved = false;
    bool poller_ok = false;
    bool refused = false;
};

} // namespace

TEST_CASE("eight threads using the library for the first time at the same moment all succeed") {
    constexpr int threads = 8;
    std::mutex m;
    std::condition_variable cv;
    int ready = 0;
    bool go = false;
    std::array<first_calls, threads> seen{};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            {
                std::unique_lock<std::mutex> lock(m);
                ++ready;
                cv.notify_all();
                cv.wait_for(lock, io_timeout, [&] { return go; });
            }
            first_calls& out = seen[static_cast<std::size_t>(i)];
            // Error categories (function-local statics) through the public API.
            out.netsock = &net::make_error_code(net::errc::eof).category();
            out.eof_message = net::make_error_code(net::errc::eof).message();
            out.resolver = &net::resolve_category();
            // Address parsing (starts Winsock on Windows).
            auto a = net::address::try_parse("[::1]:443");
            out.parsed = a && a->port() == 443 && a->is_loopback();
            // Socket creation and a connected pair.
            auto pair = net::try_socket_pair();
            if (pair) {
                char c = 'x';
                out.pair_ok = net::try_send(pair->first, net::buffer(&c, 1)) &&
                              net::try_recv(pair->second, net::buffer(&c, 1), io_timeout) && c == 'x';
            }
            // A refused connection: the socket error category.
            auto dead = net::try_make_socket(net::family::ipv4);
            auto s = net::try_make_socket(net::family::ipv4);
            if (dead && s && net::try_bind(*dead, net::address::loopback())) {
                auto where = net::try_local_address(*dead);
                auto r = where ? net::try_connect(*s, *where, io_timeout) : net::result<void>{};
                if (!r) {
                    out.socket = &r.error().category();
                    out.refused = r.error() == std::errc::connection_refused;
                }
            }
            // Numeric resolution (no DNS) and a poller.
            auto addrs = net::try_resolve("127.0.0.1", "80");
            out.resolved = addrs && !addrs->empty() && addrs->front().port() == 80;
            auto p = net::poller::try_create();
            out.poller_ok = p.has_value();
        });
    }
    {
        std::unique_lock<std::mutex> lock(m);
        const bool all = cv.wait_for(lock, io_timeout, [&] { return ready == threads; });
        go = true;
        cv.notify_all();
        CHECK(all);
    }
    for (auto& t : pool) t.join();
    for (int i = 0; i < threads; ++i) {
        const auto& s = seen[static_cast<std::size_t>(i)];
        INFO("thread " << i);
        CHECK(s.parsed);
        CHECK(s.pair_ok);
        CHECK(s.refused);
        CHECK(s.resolved);
        CHECK(s.poller_ok);
        // One category object each, whoever created it.
        CHECK(s.netsock == seen[0].netsock);
        CHECK(s.resolver == seen[0].resolver);
        CHECK(s.socket == seen[0].socket);
        CHECK(s.eof_message == seen[0].eof_message);
        CHECK_FALSE(s.eof_message.empty());
    }
}
