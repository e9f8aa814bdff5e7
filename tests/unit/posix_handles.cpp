// Passing descriptors over local sockets (send_handles / recv_handles, SCM_RIGHTS): 1 and 250
// descriptors that work on the far side, close-on-exec on arrival, truncation that closes what
// does not fit, and no descriptor leaked by any path. POSIX only (Windows reports
// operation_not_supported, checked in tests/unit/message.cpp).

#include "../support/loopback.hpp"
#include "support/emulator.hpp"

#include <net/net.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

using netsock_test::describe;

namespace {

template <class R> std::string why(const R& r) { return r ? std::string() : describe(r.error()); }

// Descriptors open in this process, counted by probing (portable POSIX; bounded).
int open_descriptors() {
    int n = 0;
    const long max =
        sysconf(_SC_OPEN_MAX) > 0 && sysconf(_SC_OPEN_MAX) < 65536 ? sysconf(_SC_OPEN_MAX) : 65536;
    for (int fd = 0; fd < max; ++fd)
        if (fcntl(fd, F_GETFD) != -1) ++n;
    return n;
}

bool close_on_exec(int fd) {
    const int flags = fcntl(fd, F_GETFD);
    return flags != -1 && (flags & FD_CLOEXEC) != 0;
}

// A received descriptor is a working duplicate of a socket whose peer we hold: a byte written
// through it arrives at the peer.
void check_works(const net::socket& received, const net::socket& peer, char tag) {
    REQUIRE(net::send(received, net::buffer(&tag, 1), netsock_test::loopback_timeout) == 1);
    char got = 0;
    REQUIRE(net::recv(peer, net::buffer(&got, 1), netsock_test::loopback_timeout) == 1);
    CHECK(got == tag);
}

// Sends `count` socket descriptors (one end of a fresh pair each) and checks they arrive working,
// close-on-exec, and that nothing leaks once everything is closed.
void pass(std::size_t count) {
    const int before = open_descriptors();
    {
        auto [a, b] = net::socket_pair();
        std::vector<std::pair<net::socket, net::socket>> pairs;
        std::vector<net::native_handle_type> handles;
        for (std::size_t i = 0; i < count; ++i) {
            pairs.push_back(net::socket_pair());
            handles.push_back(pairs.back().first.native_handle());
        }
        auto sent = net::try_send_handles(a, net::buffer("x"), handles.data(), handles.size(),
                                          netsock_test::loopback_timeout);
        REQUIRE_MESSAGE(sent, why(sent));
        CHECK(*sent == 1);
        std::vector<net::socket> out(count + 3);
        char byte = 0;
        auto got = net::try_recv_handles(b, net::buffer(&byte, 1), out.data(), out.size(),
                                         netsock_test::loopback_timeout);
        REQUIRE_MESSAGE(got, why(got));
        CHECK(got->size == 1);
        CHECK(byte == 'x');
        REQUIRE(got->handles == count);
        CHECK_FALSE(got->truncated);
        for (std::size_t i = 0; i < count; ++i) {
            CHECK(close_on_exec(out[i].native_handle()));
            // A duplicate, not the same number: the original stays open here.
            CHECK(out[i].native_handle() != handles[i]);
            check_works(out[i], pairs[i].second, static_cast<char>('a' + i % 26));
        }
        for (std::size_t i = count; i < out.size(); ++i) CHECK_FALSE(out[i]);
    }
    CHECK(open_descriptors() == before);
}

} // namespace

TEST_CASE("send_handles passes 1 descriptor that works on the far side") { pass(1); }

TEST_CASE("send_handles passes 250 descriptors in one message") { pass(250); }

TEST_CASE("descriptors beyond the receiver's array are closed, reported as truncated, never leaked") {
    if (netsock_test::running_under_qemu()) {
        // qemu-user receives into a control buffer of its own size and copies out what fits the
        // program's: the kernel installs more descriptors than the program can see.
        MESSAGE("skipped under " << netsock_test::emulator() << ": qemu-user resizes control buffers");
        return;
    }
    const int before = open_descriptors();
    {
        auto [a, b] = net::socket_pair();
        std::vector<std::pair<net::socket, net::socket>> pairs;
        std::vector<net::native_handle_type> handles;
        for (int i = 0; i < 6; ++i) {
            pairs.push_back(net::socket_pair());
            handles.push_back(pairs.back().first.native_handle());
        }
        REQUIRE(net::send_handles(a, net::buffer("six"), handles.data(), handles.size()) == 3);
        net::socket out[2];
        char data[3];
        auto got = net::try_recv_handles(b, net::buffer(data), out, 2, netsock_test::loopback_timeout);
        REQUIRE_MESSAGE(got, why(got));
        CHECK(got->size == 3);
        CHECK(std::string(data, 3) == "six");
        CHECK(got->truncated);
        CHECK(got->handles <= 2);
        for (std::size_t i = 0; i < got->handles; ++i) check_works(out[i], pairs[i].second, 'k');
        // Receiving with no room at all: the data still comes, every descriptor is dropped.
        REQUIRE(net::send_handles(a, net::buffer("z"), handles.data(), 3) == 1);
        auto none =
            net::try_recv_handles(b, net::buffer(data, 1), nullptr, 0, netsock_test::loopback_timeout);
        REQUIRE_MESSAGE(none, why(none));
        CHECK(none->size == 1);
        CHECK(none->handles == 0);
        CHECK(none->truncated);
    }
    CHECK(open_descriptors() == before);
}

TEST_CASE("descriptors sent to a plain recv or recvmsg are closed, not leaked") {
    const int before = open_descriptors();
    {
        auto [a, b] = net::socket_pair(net::socket_type::datagram);
        auto extra = net::socket_pair();
        const net::native_handle_type h[2] = {extra.first.native_handle(), extra.second.native_handle()};
        REQUIRE(net::send_handles(a, net::buffer("m"), h, 2) == 1);
        char buf[4];
        auto m = net::recvmsg(b, net::buffer(buf), netsock_test::loopback_timeout);
        CHECK(m.size == 1);
        REQUIRE(net::send_handles(a, net::buffer("r"), h, 2) == 1);
        CHECK(net::recv(b, net::buffer(buf), netsock_test::loopback_timeout) == 1);
    }
    CHECK(open_descriptors() == before);
}

TEST_CASE("send_handles and recv_handles reject bad arguments") {
    auto [a, b] = net::socket_pair();
    const net::native_handle_type h = a.native_handle();
    CHECK(net::try_send_handles(a, net::const_buffer(), &h, 1).error() == std::errc::invalid_argument);
    CHECK(net::try_send_handles(a, net::buffer("x"), nullptr, 1).error() == std::errc::invalid_argument);
    std::vector<net::native_handle_type> many(net::max_passed_handles + 1, h);
    CHECK(net::try_send_handles(a, net::buffer("x"), many.data(), many.size()).error() ==
          std::errc::invalid_argument);
    char c;
    CHECK(net::try_recv_handles(b, net::mutable_buffer(), nullptr, 0).error() == std::errc::invalid_argument);
    CHECK(net::try_recv_handles(b, net::buffer(&c, 1), nullptr, 3).error() == std::errc::invalid_argument);
    CHECK(net::try_recv_handles(b, net::buffer(&c, 1), nullptr, 0, std::chrono::milliseconds(20)).error() ==
          std::errc::timed_out);
    net::socket closed;
    CHECK(net::try_send_handles(closed, net::buffer("x"), &h, 1).error() == std::errc::bad_file_descriptor);
}
