// Shared by the packaging checks: a loopback echo round trip through netsock.
#include <net/net.hpp>

#include <cstddef>
#include <exception>
#include <iostream>
#include <string_view>

int main() {
    try {
        auto server = net::make_socket(net::family::ipv4, net::socket_type::stream);
        net::bind(server, net::address::parse("127.0.0.1:0"));
        net::listen(server);
        const auto addr = net::local_address(server);

        auto client = net::make_socket(net::family::ipv4, net::socket_type::stream);
        net::connect(client, addr);
        auto [conn, peer] = net::accept(server);
        static_cast<void>(peer);

        net::sendall(client, net::buffer(std::string_view("ping")));
        char buf[4] = {};
        std::size_t n = net::recv_exact(conn, net::buffer(buf, 4));
        if (n != 4 || std::string_view(buf, n) != "ping") {
            std::cerr << "consumer: server received the wrong bytes\n";
            return 1;
        }

        net::sendall(conn, net::buffer(buf, n));
        char back[4] = {};
        n = net::recv_exact(client, net::buffer(back, 4));
        if (n != 4 || std::string_view(back, n) != "ping") {
            std::cerr << "consumer: client received the wrong bytes\n";
            return 1;
        }
        std::cout << "consumer: echo round trip ok\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "consumer: " << e.what() << '\n';
        return 1;
    }
}
