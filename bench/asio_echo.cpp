// asio_echo: the Asio reference for examples/poller_echo_server — the classic asynchronous echo
// server of standalone Asio (Debian libasio-dev), one io_context run by one thread: each session
// async_read_some()s up to 64 KiB, async_write()s it back, reads again; after the client's EOF
// it shuts down sending and closes.
//
//   asio_echo [--port N]      prints "listening on 127.0.0.1:PORT", runs until killed

#include <asio.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

namespace {

using asio::ip::tcp;

class session : public std::enable_shared_from_this<session> {
public:
    explicit session(tcp::socket s) : socket_(std::move(s)) {}
    void start() { read(); }

private:
    void read() {
        auto self = shared_from_this();
        socket_.async_read_some(asio::buffer(data_), [this, self](std::error_code ec, std::size_t n) {
            if (!ec) return write(n);
            std::error_code ignored;
            socket_.shutdown(tcp::socket::shutdown_send, ignored); // EOF (or error): done
        });
    }
    void write(std::size_t n) {
        auto self = shared_from_this();
        asio::async_write(socket_, asio::buffer(data_, n), [this, self](std::error_code ec, std::size_t) {
            if (!ec) read();
        });
    }

    tcp::socket socket_;
    std::array<char, 64 * 1024> data_;
};

void accept_loop(tcp::acceptor& acceptor) {
    acceptor.async_accept([&acceptor](std::error_code ec, tcp::socket s) {
        if (!ec) std::make_shared<session>(std::move(s))->start();
        accept_loop(acceptor);
    });
}

} // namespace

int main(int argc, char** argv) {
    unsigned short port = 0;
    if (argc == 3 && std::strcmp(argv[1], "--port") == 0)
        port = static_cast<unsigned short>(std::atoi(argv[2]));
    else if (argc != 1) {
        std::fprintf(stderr, "usage: asio_echo [--port N]\n");
        return 2;
    }
    try {
        asio::io_context io(1); // concurrency hint 1: one thread, no locking
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
        std::fflush(stdout);
        accept_loop(acceptor);
        io.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "asio_echo: %s\n", e.what());
        return 1;
    }
}
