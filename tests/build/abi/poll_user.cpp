// Compiled with NETSOCK_POLLER_POLL (see main.cpp).
#if !defined(NETSOCK_POLLER_POLL)
#error "build poll_user.cpp with -DNETSOCK_POLLER_POLL"
#endif
#include <net/net.hpp>

#include <chrono>
#include <cstring>

int poll_user() {
    if (std::strcmp(net::poller::backend_name(), "poll") != 0 &&
        std::strcmp(net::poller::backend_name(), "wsapoll") != 0)
        return 1;
    auto [a, b] = net::socket_pair();
    net::poller p(4);
    p.add(b, net::events::readable);
    net::sendall(a, net::buffer("y", 1));
    std::size_t seen = 0;
    for (const auto& ev : p.wait(std::chrono::seconds(5)))
        if (ev.handle == b.native_handle() && net::has(ev.what, net::events::readable)) ++seen;
    return seen == 1 ? 0 : 1;
}
