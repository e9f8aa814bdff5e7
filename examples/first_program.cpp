#include <net/net.hpp>
#include <cstdio>

int main() {
    auto server = net::create_server("127.0.0.1", 0);
    std::printf("listening on %s\n", net::local_address(server).to_string().c_str());
    for (;;) {
        auto [conn, peer] = net::accept(server);
        try {
            char buf[1024];
            while (std::size_t n = net::recv(conn, net::buffer(buf))) {
                net::sendall(conn, net::buffer(buf, n));
            }
        } catch (const net::error& e) { // e.g. the client reset the connection
            std::printf("%s: %s\n", peer.to_string().c_str(), e.what());
        }
    }
}
