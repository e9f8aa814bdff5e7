// Second file of the compile-once build check; see app.cpp.
#include <net/net.hpp>

#include <chrono>
#include <utility>

net::socket accept_and_echo(const net::socket& server) {
    auto [conn, peer] = net::accept(server, std::chrono::seconds(5));
    if (!peer.is_loopback()) return {};
    return std::move(conn);
}
