// reset_client PORT: connects to 127.0.0.1:PORT, checks one echo, then leaves with a reset
// (RST, not FIN): it sends more, waits until the echo of it has arrived, and closes with that
// echo unread and SO_LINGER 0. Exit code 0 when all of that happened.
#include <net/net.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: reset_client PORT\n");
        return 2;
    }
    using namespace std::chrono_literals;
    auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    auto s = net::create_connection("127.0.0.1", port, 10s);
    net::sendall(s, "ping", 10s);
    char buf[4];
    net::recv_exact(s, net::buffer(buf), 10s);
    if (std::string(buf, 4) != "ping") return 1;
    net::sendall(s, "unread", 10s);
    (void)net::wait(s, net::events::readable, 10s); // the echo is there, and stays unread
    net::set_option(s, net::linger{true, std::chrono::seconds(0)});
    s.close(); // RST
    std::puts("reset sent");
    return 0;
}
