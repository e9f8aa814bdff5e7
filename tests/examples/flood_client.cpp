// flood_client PORT N: opens N connections to 127.0.0.1:PORT and sends to each without ever
// reading, until every connection is stalled (no socket has become writable for 500 ms: the
// server stopped reading from all of them and the kernel buffers are full) or 30 s have passed.
// Then prints "stalled: N connections, B bytes sent" and keeps the connections open until it
// is killed (or 60 s), so that the caller can look at the server meanwhile.
// Exit code 1 if not every connection stalled within 30 s, 2 on bad arguments.
#include <net/net.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: flood_client PORT N\n");
        return 2;
    }
    using namespace std::chrono_literals;
    const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    const auto count = static_cast<std::size_t>(std::atoi(argv[2]));
    if (port == 0 || count == 0) {
        std::fprintf(stderr, "usage: flood_client PORT N\n");
        return 2;
    }
    std::vector<net::socket> conns;
    conns.reserve(count); // the poller keeps pointers to the elements
    net::poller p;
    for (std::size_t i = 0; i < count; ++i) {
        conns.push_back(net::create_connection("127.0.0.1", port, 10s));
        net::set_nonblocking(conns.back());
        p.add(conns.back(), net::events::writable, &conns.back());
    }
    const std::vector<char> chunk(64 * 1024, 'x');
    std::uint64_t total = 0;
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    for (;;) {
        if (std::chrono::steady_clock::now() > give_up) {
            std::fprintf(stderr, "flood_client: still sending after 30 s (%llu bytes)\n",
                         static_cast<unsigned long long>(total));
            return 1;
        }
        const auto ready = p.wait(500ms);
        if (ready.empty()) break; // nobody writable for 500 ms: all stalled
        for (const net::poll_event& ev : ready) {
            for (;;) { // send until would-block
                auto n = net::try_send(*static_cast<net::socket*>(ev.data),
                                       net::buffer(chunk.data(), chunk.size()));
                if (!n) {
                    if (net::is_would_block(n.error())) break;
                    std::fprintf(stderr, "flood_client: send: %s\n", n.error().message().c_str());
                    return 1;
                }
                total += *n;
            }
        }
    }
    std::printf("stalled: %zu connections, %llu bytes sent\n", conns.size(),
                static_cast<unsigned long long>(total));
    std::fflush(stdout);
    std::this_thread::sleep_for(60s); // until killed
    return 0;
}
