// Fault injection (built with NETSOCK_FAULT_INJECTION; see tests/reliability/fault_plan.hpp):
// EINTR, one-byte short writes and reads, EAGAIN storms and ENOBUFS injected into the raw calls
// of sendall, recv_exact, accept, connect and the waits. What must hold, every time:
//   - no byte lost or duplicated (the peer, on real calls, checks the byte pattern);
//   - no infinite loop: every operation returns within its deadline (each test measures it);
//   - errors are the documented ones and carry the bytes already transferred.
// The right behaviour for an EAGAIN storm on a BLOCKING socket, as decided here:
//   - sendall / recv_exact keep waiting (poll) until their deadline, forever without one;
//   - a plain send / recv / accept reports the EAGAIN as operation_would_block, and as timed_out
//     only when SO_SNDTIMEO / SO_RCVTIMEO is set (then the kernel's EAGAIN means it expired);
//   - every timed call gives up with timed_out at its deadline, however long the storm lasts.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "fault_plan.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <netdb.h>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using namespace reliability;
using reliability::fault::call;

namespace {

// Reads everything from a socket until EOF on its own (unfaulted) thread.
class reader {
public:
    explicit reader(const net::socket& s) : thread_([this, &s] { run(s); }) {}
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;
    ~reader() {
        if (thread_.joinable()) thread_.join();
    }
    // Joins the thread and returns every byte read (error(): how the stream ended, if not EOF).
    const std::vector<unsigned char>& join() {
        if (thread_.joinable()) thread_.join();
        return data_;
    }
    const std::error_code& error() const noexcept { return error_; }

private:
    void run(const net::socket& s) {
        std::vector<unsigned char> chunk(64 * 1024);
        const auto start = steady::now();
        while (seconds_since(start) < 30.0) {
            auto n = net::try_recv(s, net::buffer(chunk), io_timeout);
            if (!n) {
                error_ = n.error();
                return;
            }
            if (*n == 0) return;
            data_.insert(data_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
        }
        error_ = std::make_error_code(std::errc::timed_out);
    }

    std::vector<unsigned char> data_;
    std::error_code error_;
    std::thread thread_;
};

// Sends `data` with sendall on its own (unfaulted) thread, then shuts down sending.
class writer {
public:
    writer(const net::socket& s, std::vector<unsigned char> data)
        : data_(std::move(data)), thread_([this, &s] {
              result_ = net::try_sendall(s, net::buffer(data_), io_timeout).has_value();
              (void)net::try_shutdown(s, net::shutdown_type::send);
          }) {}
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    ~writer() {
        if (thread_.joinable()) thread_.join();
    }
    bool join() {
        if (thread_.joinable()) thread_.join();
        return result_;
    }

private:
    std::vector<unsigned char> data_;
    bool result_ = false;
    std::thread thread_;
};

// The peer got exactly the first `size` bytes of the pattern.
void check_received(const std::vector<unsigned char>& got, std::size_t size) {
    CHECK_MESSAGE(got.size() == size, "the peer received " << got.size() << " bytes, expected " << size
                                                           << " (lost or duplicated bytes)");
    const std::size_t n = got.size() < size ? got.size() : size;
    const std::size_t bad = first_mismatch(got.data(), n);
    CHECK_MESSAGE(bad == n, "the stream differs from what was sent at byte " << bad);
}

// A listener whose accept queue is full: a connect to it never completes (Linux drops the SYN),
// the loopback way to get a connect that is still pending at its deadline.
struct full_listener {
    net::socket listener;
    std::vector<net::socket> queued;
    net::address at;
};
full_listener make_full_listener() {
    full_listener f;
    f.listener = make_listener(net::family::ipv4, 0);
    f.at = net::local_address(f.listener);
    for (int i = 0; i < 8; ++i) {
        auto s = net::make_socket(net::family::ipv4);
        auto r = net::try_connect(s, f.at, 300ms);
        f.queued.push_back(std::move(s));
        if (!r) return f; // the queue is full: this one timed out
    }
    FAIL("a listener with backlog 0 accepted 8 connections: cannot make a full accept queue");
    return f;
}

constexpr std::size_t one_mib = 1024 * 1024;

// A temporary file holding `data` (tmpfile: removed when closed), for sendfile.
class data_file {
public:
    explicit data_file(const std::vector<unsigned char>& data) : file_(std::tmpfile()) {
        REQUIRE(file_ != nullptr);
        for (std::size_t done = 0; done < data.size();) {
            const ssize_t w =
                ::pwrite(fd(), data.data() + done, data.size() - done, static_cast<off_t>(done));
            REQUIRE(w > 0);
            done += static_cast<std::size_t>(w);
        }
    }
    data_file(const data_file&) = delete;
    data_file& operator=(const data_file&) = delete;
    ~data_file() { std::fclose(file_); }
    int fd() const { return ::fileno(file_); }

private:
    std::FILE* file_;
};

} // namespace

// ---------------------------------------------------------------------------------------------
// EINTR

TEST_CASE("sendall retries 1,000 consecutive EINTRs and delivers every byte exactly once") {
    auto p = connected_pair();
    reader peer(p.server);
    fault::plan plan;
    plan.on(call::send).fail(EINTR, 1000);
    const auto data = pattern(one_mib);
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        std::size_t sent = 0;
        auto r = net::try_sendall(p.client, net::buffer(data), &sent);
        CHECK_OK(r);
        CHECK(sent == data.size());
    }
    CHECK(plan.on(call::send).injected() == 1000);
    CHECK(seconds_since(start) < 10.0);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
    CHECK_FALSE(peer.error());
}

TEST_CASE("sendall with one-byte writes, each after an EINTR, delivers every byte in order") {
    auto p = connected_pair();
    reader peer(p.server);
    fault::plan plan;
    plan.on(call::send).fail(EINTR, -1).alternating().cap(1);
    const auto data = pattern(64 * 1024);
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        std::size_t sent = 0;
        CHECK_OK(net::try_sendall(p.client, net::buffer(data), io_timeout, &sent));
        CHECK(sent == data.size());
    }
    // One real one-byte send per byte, each preceded by an EINTR.
    CHECK(plan.on(call::send).injected() >= static_cast<long>(data.size()));
    CHECK(seconds_since(start) < 20.0);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
}

TEST_CASE("sendfile_all with one-byte pieces, each after an EINTR, delivers every byte in order") {
    auto p = connected_pair();
    reader peer(p.server);
    const auto data = pattern(64 * 1024);
    data_file file(data);
    fault::plan plan;
    plan.on(call::send).fail(EINTR, -1).alternating().cap(1);
    const auto start = steady::now();
    for (const bool timed : {false, true}) {
        fault::armed guard(plan);
        std::size_t sent = 0;
        const std::size_t half = data.size() / 2, offset = timed ? half : 0;
        CHECK_OK(net::try_sendfile_all(p.client, file.fd(), offset, half,
                                       timed ? net::timeout(io_timeout) : net::timeout::none(), &sent));
        CHECK(sent == half);
    }
    CHECK(plan.on(call::send).injected() >= static_cast<long>(data.size()));
    CHECK(seconds_since(start) < 20.0);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
}

TEST_CASE("recv_exact retries 1,000 EINTRs, then reads one byte at a time, and reassembles every byte") {
    auto p = connected_pair();
    const auto data = pattern(64 * 1024);
    writer peer(p.server, data);
    fault::plan plan;
    plan.on(call::recv).fail(EINTR, 1000).cap(1);
    std::vector<unsigned char> got(data.size());
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        std::size_t received = 0;
        CHECK_OK(net::try_recv_exact(p.client, net::buffer(got), &received));
        CHECK(received == got.size());
    }
    CHECK(seconds_since(start) < 20.0);
    CHECK(plan.on(call::recv).injected() == 1000);
    CHECK(plan.on(call::recv).calls() >= 1000 + static_cast<long>(data.size()));
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
    CHECK(peer.join());
    // Nothing more was sent: the next read is the peer's EOF, not a duplicated byte.
    unsigned char extra = 0;
    auto n = net::try_recv(p.client, net::buffer(&extra, 1), io_timeout);
    REQUIRE_OK(n);
    CHECK(*n == 0);
}

TEST_CASE("recv_exact with a timeout under one-byte reads and alternating EINTRs reassembles every byte") {
    auto p = connected_pair();
    const auto data = pattern(32 * 1024);
    writer peer(p.server, data);
    fault::plan plan;
    plan.on(call::recv).fail(EINTR, -1).alternating().cap(1);
    plan.on(call::poll).fail(EINTR, 1000);
    std::vector<unsigned char> got(data.size());
    {
        fault::armed guard(plan);
        CHECK_OK(net::try_recv_exact(p.client, net::buffer(got), io_timeout));
    }
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
    CHECK(peer.join());
}

TEST_CASE("a blocking accept retries 1,000 consecutive EINTRs and returns the pending connection") {
    auto listener = make_listener();
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    fault::plan plan;
    plan.on(call::accept).fail(EINTR, 1000);
    const auto start = steady::now();
    net::result<net::accept_result> r = net::detail::fail(std::errc::not_connected);
    {
        fault::armed guard(plan);
        r = net::try_accept(listener);
    }
    REQUIRE_OK(r);
    CHECK(seconds_since(start) < 5.0);
    CHECK(plan.on(call::accept).injected() == 1000);
    CHECK(r->peer == net::local_address(client));
    net::sendall(client, net::buffer(std::string_view("x")));
    char c = 0;
    CHECK(net::recv(r->socket, net::buffer(&c, 1), io_timeout) == 1);
    CHECK(c == 'x');
}

TEST_CASE("a timed accept retries EINTRs from accept and from poll and returns the connection") {
    auto listener = make_listener();
    fault::plan plan;
    plan.on(call::accept).fail(EINTR, 500);
    plan.on(call::poll).fail(EINTR, 500);
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    net::result<net::accept_result> r = net::detail::fail(std::errc::not_connected);
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        r = net::try_accept(listener, io_timeout);
    }
    REQUIRE_OK(r);
    CHECK(seconds_since(start) < 5.0);
    CHECK(r->peer == net::local_address(client));
}

TEST_CASE("a connect interrupted by EINTR is never re-issued: netsock waits for its outcome") {
    auto listener = make_listener();
    const auto at = net::local_address(listener);
    SUBCASE("blocking connect") {
        auto s = net::make_socket(net::family::ipv4);
        fault::plan plan;
        plan.on(call::connect).fail(EINTR, 1);
        plan.on(call::poll).fail(EINTR, 100); // the wait for the outcome is interrupted too
        {
            fault::armed guard(plan);
            CHECK_OK(net::try_connect(s, at));
        }
        CHECK_MESSAGE(plan.on(call::connect).calls() == 1, "connect was issued "
                                                               << plan.on(call::connect).calls()
                                                               << " times (re-issued after EINTR)");
        auto conn = net::accept(listener, io_timeout).socket;
        net::sendall(s, net::buffer(std::string_view("ok")));
        char buf[2] = {};
        CHECK(net::recv_exact(conn, net::buffer(buf), io_timeout) == 2);
        CHECK(net::peer_address(s) == at);
    }
    SUBCASE("connect with a timeout") {
        auto s = net::make_socket(net::family::ipv4);
        fault::plan plan;
        plan.on(call::connect).fail(EINTR, 1);
        plan.on(call::poll).fail(EINTR, 100);
        {
            fault::armed guard(plan);
            CHECK_OK(net::try_connect(s, at, io_timeout));
        }
        CHECK(plan.on(call::connect).calls() == 1);
        CHECK(net::peer_address(s) == at);
        auto conn = net::accept(listener, io_timeout).socket;
        net::sendall(conn, net::buffer(std::string_view("ok")));
        char buf[2] = {};
        CHECK(net::recv_exact(s, net::buffer(buf), io_timeout) == 2);
    }
}

TEST_CASE("a timed connect interrupted by EINTR still reports a refusal as connection_refused") {
    auto dead = net::make_socket(net::family::ipv4); // bound, not listening: refuses
    net::bind(dead, net::address::loopback());
    auto s = net::make_socket(net::family::ipv4);
    fault::plan plan;
    plan.on(call::connect).fail(EINTR, 1);
    net::result<void> r;
    {
        fault::armed guard(plan);
        r = net::try_connect(s, net::local_address(dead), io_timeout);
    }
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error() == std::errc::connection_refused, describe(r.error()));
    CHECK(plan.on(call::connect).calls() == 1);
}

TEST_CASE("a wait retries 1,000 consecutive EINTRs from poll and reports the ready socket") {
    auto p = connected_pair();
    net::sendall(p.server, net::buffer(std::string_view("ready")));
    fault::plan plan;
    plan.on(call::poll).fail(EINTR, 1000);
    net::result<net::events> r = net::detail::fail(std::errc::not_connected);
    {
        fault::armed guard(plan);
        r = net::try_wait(p.client, net::events::readable, io_timeout);
    }
    REQUIRE_OK(r);
    CHECK(net::has(*r, net::events::readable));
    CHECK(plan.on(call::poll).injected() == 1000);
}

// Runs `call` with `plan` armed on this thread; returns its error (success: an empty code) and
// how long it took.
template <class F> std::pair<std::error_code, double> timed(fault::plan& plan, F call) {
    fault::armed guard(plan);
    const auto start = steady::now();
    std::error_code ec = call();
    return {ec, seconds_since(start)};
}

template <class R> std::error_code error_of(const R& r) { return r ? std::error_code() : r.error(); }

void check_deadline_kept(const std::pair<std::error_code, double>& outcome, const std::string& what) {
    CHECK_MESSAGE(outcome.first == std::errc::timed_out, what << ": " << describe(outcome.first));
    CHECK_MESSAGE(outcome.second >= 0.19, what << " gave up early, after " << outcome.second << " s");
    CHECK_MESSAGE(outcome.second < 1.5, "a 200 ms " << what << " took " << outcome.second
                                                    << " s: the storm stretched it past its deadline");
}

TEST_CASE("an endless EINTR storm from poll cannot stretch a timed call past its deadline") {
    // Every poll fails with EINTR until the safety valve 3 s from now; a timed call must still
    // give up with timed_out at its own 200 ms deadline (under a real signal storm even a poll
    // with a zero timeout can fail with EINTR).
    fault::plan plan;
    plan.on(call::poll).fail(EINTR, -1).until(steady::now() + 3s);
    SUBCASE("wait") {
        auto p = connected_pair();
        check_deadline_kept(
            timed(plan, [&] { return error_of(net::try_wait(p.client, net::events::readable, 200ms)); }),
            "wait");
    }
    SUBCASE("recv") {
        auto p = connected_pair();
        char c;
        check_deadline_kept(
            timed(plan, [&] { return error_of(net::try_recv(p.client, net::buffer(&c, 1), 200ms)); }),
            "recv");
    }
    SUBCASE("recv_exact") {
        auto p = connected_pair();
        char c[4];
        std::size_t got = 99;
        check_deadline_kept(
            timed(plan, [&] { return error_of(net::try_recv_exact(p.client, net::buffer(c), 200ms, &got)); }),
            "recv_exact");
        CHECK(got == 0);
    }
    SUBCASE("accept") {
        auto listener = make_listener();
        check_deadline_kept(timed(plan, [&] { return error_of(net::try_accept(listener, 200ms)); }),
                            "accept");
    }
    SUBCASE("connect to a listener whose accept queue is full") {
        auto full = make_full_listener();
        auto s = net::make_socket(net::family::ipv4);
        check_deadline_kept(timed(plan, [&] { return error_of(net::try_connect(s, full.at, 200ms)); }),
                            "connect");
    }
    SUBCASE("sendall to a peer that does not read") {
        auto p = connected_pair();
        const auto data = pattern(64 * one_mib);
        std::size_t sent = 0;
        check_deadline_kept(
            timed(plan,
                  [&] { return error_of(net::try_sendall(p.client, net::buffer(data), 200ms, &sent)); }),
            "sendall");
        CHECK(sent > 0);
        CHECK(sent < data.size());
    }
}

// ---------------------------------------------------------------------------------------------
// EAGAIN storms

TEST_CASE("a blocking sendall rides out 1,000 consecutive EAGAINs and delivers every byte once") {
    auto p = connected_pair();
    reader peer(p.server);
    fault::plan plan;
    plan.on(call::send).after(3).fail(EAGAIN, 1000).cap(64 * 1024);
    const auto data = pattern(one_mib);
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        std::size_t sent = 0;
        auto r = net::try_sendall(p.client, net::buffer(data), &sent);
        CHECK_OK(r);
        CHECK(sent == data.size());
    }
    CHECK(plan.on(call::send).injected() == 1000);
    CHECK(seconds_since(start) < 10.0);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
}

TEST_CASE("a blocking recv_exact rides out 1,000 consecutive EAGAINs and receives every byte once") {
    auto p = connected_pair();
    const auto data = pattern(256 * 1024);
    writer peer(p.server, data);
    fault::plan plan;
    plan.on(call::recv).after(2).fail(EAGAIN, 1000).cap(4096);
    std::vector<unsigned char> got(data.size());
    {
        fault::armed guard(plan);
        std::size_t received = 0;
        CHECK_OK(net::try_recv_exact(p.client, net::buffer(got), &received));
        CHECK(received == got.size());
    }
    CHECK(plan.on(call::recv).injected() == 1000);
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
    CHECK(peer.join());
}

TEST_CASE("sendall and recv_exact with a timeout ride out 1,000 EAGAINs each") {
    auto p = connected_pair();
    reader peer(p.server);
    const auto data = pattern(512 * 1024);
    fault::plan plan;
    plan.on(call::send).fail(EAGAIN, 1000).alternating();
    {
        fault::armed guard(plan);
        CHECK_OK(net::try_sendall(p.client, net::buffer(data), io_timeout));
    }
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());

    auto q = connected_pair();
    writer source(q.server, data);
    fault::plan plan2;
    plan2.on(call::recv).fail(EAGAIN, 1000).alternating().cap(8192);
    std::vector<unsigned char> got(data.size());
    {
        fault::armed guard(plan2);
        CHECK_OK(net::try_recv_exact(q.client, net::buffer(got), io_timeout));
    }
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
    CHECK(source.join());
}

TEST_CASE("sendall and recv_exact on non-blocking sockets ride out 1,000 EAGAINs each") {
    auto p = connected_pair();
    net::set_nonblocking(p.client);
    reader peer(p.server);
    const auto data = pattern(512 * 1024);
    fault::plan plan;
    plan.on(call::send).fail(EAGAIN, 1000);
    plan.on(call::recv).fail(EAGAIN, 1000);
    {
        fault::armed guard(plan);
        CHECK_OK(net::try_sendall(p.client, net::buffer(data)));
    }
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
    auto q = connected_pair();
    net::set_nonblocking(q.client);
    writer source(q.server, data);
    std::vector<unsigned char> got(data.size());
    {
        fault::armed guard(plan);
        CHECK_OK(net::try_recv_exact(q.client, net::buffer(got)));
    }
    CHECK(plan.on(call::send).injected() == 1000);
    CHECK(plan.on(call::recv).injected() == 1000);
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
    CHECK(source.join());
}

TEST_CASE("a timed accept rides out 1,000 EAGAINs (stale readiness) and returns the connection") {
    auto listener = make_listener();
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    fault::plan plan;
    plan.on(call::accept).fail(EAGAIN, 1000);
    net::result<net::accept_result> r = net::detail::fail(std::errc::not_connected);
    {
        fault::armed guard(plan);
        r = net::try_accept(listener, io_timeout);
    }
    REQUIRE_OK(r);
    CHECK(r->peer == net::local_address(client));
    CHECK(plan.on(call::accept).injected() == 1000);
}

TEST_CASE("a plain blocking send, recv or accept reports EAGAIN as would-block, and as timed_out "
          "only when the socket has SO_SNDTIMEO or SO_RCVTIMEO") {
    // A blocking call that returns EAGAIN: with SO_SNDTIMEO/SO_RCVTIMEO set that is how POSIX
    // reports the option's expiry (netsock: timed_out); without one nobody asked for a timeout,
    // so it is reported as it is, and the caller can retry.
    auto p = connected_pair();
    net::sendall(p.server, net::buffer(std::string_view("data")));
    auto listener = make_listener();
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), io_timeout);
    fault::plan plan;
    plan.on(call::send).fail(EAGAIN, 1);
    plan.on(call::recv).fail(EAGAIN, 1);
    plan.on(call::accept).fail(EAGAIN, 1);
    char buf[4];
    SUBCASE("without SO_SNDTIMEO / SO_RCVTIMEO: operation_would_block") {
        std::error_code send_ec, recv_ec, accept_ec;
        {
            fault::armed guard(plan);
            send_ec = error_of(net::try_send(p.client, net::buffer(std::string_view("x"))));
            recv_ec = error_of(net::try_recv(p.client, net::buffer(buf)));
            accept_ec = error_of(net::try_accept(listener));
        }
        CHECK_MESSAGE(net::is_would_block(send_ec), "send: " << describe(send_ec));
        CHECK_MESSAGE(net::is_would_block(recv_ec), "recv: " << describe(recv_ec));
        CHECK_MESSAGE(net::is_would_block(accept_ec), "accept: " << describe(accept_ec));
    }
    SUBCASE("with SO_SNDTIMEO / SO_RCVTIMEO: timed_out") {
        net::set_option(p.client, net::send_timeout{5s});
        net::set_option(p.client, net::receive_timeout{5s});
        net::set_option(listener, net::receive_timeout{5s});
        std::error_code send_ec, recv_ec, accept_ec;
        {
            fault::armed guard(plan);
            send_ec = error_of(net::try_send(p.client, net::buffer(std::string_view("x"))));
            recv_ec = error_of(net::try_recv(p.client, net::buffer(buf)));
            accept_ec = error_of(net::try_accept(listener));
        }
        CHECK_MESSAGE(send_ec == std::errc::timed_out, "send: " << describe(send_ec));
        CHECK_MESSAGE(recv_ec == std::errc::timed_out, "recv: " << describe(recv_ec));
        CHECK_MESSAGE(accept_ec == std::errc::timed_out, "accept: " << describe(accept_ec));
    }
    // Nothing was consumed by the failed calls: the data and the connection are still there.
    CHECK(net::recv_exact(p.client, net::buffer(buf), io_timeout) == 4);
    CHECK(std::string(buf, 4) == "data");
    CHECK(net::accept(listener, io_timeout).peer == net::local_address(client));
}

TEST_CASE("an endless EAGAIN storm cannot stretch a timed call past its deadline") {
    // The socket IS ready (data waiting, room to send, a connection pending), so every wait
    // returns at once and only the deadline can end the loop.
    fault::plan plan;
    const auto valve = steady::now() + 3s;
    SUBCASE("send") {
        auto p = connected_pair();
        plan.on(call::send).fail(EAGAIN, -1).until(valve);
        check_deadline_kept(
            timed(
                plan,
                [&] { return error_of(net::try_send(p.client, net::buffer(std::string_view("x")), 200ms)); }),
            "send");
    }
    SUBCASE("recv") {
        auto p = connected_pair();
        net::sendall(p.server, net::buffer(std::string_view("data")));
        plan.on(call::recv).fail(EAGAIN, -1).until(valve);
        char c[4];
        check_deadline_kept(
            timed(plan, [&] { return error_of(net::try_recv(p.client, net::buffer(c), 200ms)); }), "recv");
    }
    SUBCASE("accept") {
        auto listener = make_listener();
        auto client = net::make_socket(net::family::ipv4);
        net::connect(client, net::local_address(listener), io_timeout);
        plan.on(call::accept).fail(EAGAIN, -1).until(valve);
        check_deadline_kept(timed(plan, [&] { return error_of(net::try_accept(listener, 200ms)); }),
                            "accept");
    }
    SUBCASE("sendto") {
        auto a = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        auto b = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(b, net::address::loopback());
        plan.on(call::sendto).fail(EAGAIN, -1).until(valve);
        check_deadline_kept(timed(plan,
                                  [&] {
                                      return error_of(net::try_sendto(a, net::buffer(std::string_view("x")),
                                                                      net::local_address(b), 200ms));
                                  }),
                            "sendto");
    }
    SUBCASE("recvfrom") {
        auto a = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        auto b = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(b, net::address::loopback());
        net::sendto(a, net::buffer(std::string_view("x")), net::local_address(b));
        plan.on(call::recvfrom).fail(EAGAIN, -1).until(valve);
        char c[4];
        check_deadline_kept(
            timed(plan, [&] { return error_of(net::try_recvfrom(b, net::buffer(c), 200ms)); }), "recvfrom");
    }
    SUBCASE("sendall, after 5,000 bytes: timed_out with exactly 5,000 bytes sent") {
        auto p = connected_pair();
        reader peer(p.server);
        plan.on(call::send).cap(1000).after(5).fail(EAGAIN, -1).until(valve);
        const auto data = pattern(one_mib);
        std::size_t sent = 0;
        check_deadline_kept(
            timed(plan,
                  [&] { return error_of(net::try_sendall(p.client, net::buffer(data), 200ms, &sent)); }),
            "sendall");
        CHECK(sent == 5000);
        net::shutdown(p.client, net::shutdown_type::send);
        check_received(peer.join(), 5000);
    }
    SUBCASE("recv_exact, after 3,000 bytes: timed_out with exactly 3,000 bytes received") {
        auto p = connected_pair();
        const auto data = pattern(10000);
        net::sendall(p.server, net::buffer(data));
        plan.on(call::recv).cap(1000).after(3).fail(EAGAIN, -1).until(valve);
        std::vector<unsigned char> got(data.size());
        std::size_t received = 0;
        check_deadline_kept(
            timed(
                plan,
                [&] { return error_of(net::try_recv_exact(p.client, net::buffer(got), 200ms, &received)); }),
            "recv_exact");
        CHECK(received == 3000);
        CHECK(first_mismatch(got.data(), 3000) == 3000);
        // The other 7,000 bytes are still in the socket, in order.
        CHECK(net::recv_exact(p.client, net::buffer(got.data() + 3000, 7000), io_timeout) == 7000);
        CHECK(first_mismatch(got.data(), got.size()) == got.size());
    }
}

// ---------------------------------------------------------------------------------------------
// ENOBUFS (and ENOMEM from poll): real errors, reported at once with the bytes transferred

TEST_CASE("sendall meeting ENOBUFS reports no_buffer_space with the exact count sent, and resuming "
          "from there delivers the rest intact") {
    auto p = connected_pair();
    reader peer(p.server);
    const auto data = pattern(one_mib);
    fault::plan plan;
    plan.on(call::send).cap(1000).after(5).fail(ENOBUFS, 1);
    std::size_t sent = 0;
    net::result<std::size_t> r;
    {
        fault::armed guard(plan);
        r = net::try_sendall(p.client, net::buffer(data), &sent);
    }
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error() == std::errc::no_buffer_space, describe(r.error()));
    CHECK(sent == 5000);
    // The caller knows exactly where to resume: nothing lost, nothing sent twice.
    CHECK(net::sendall(p.client, net::buffer(data.data() + sent, data.size() - sent)) == data.size() - sent);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
}

TEST_CASE("sendfile_all meeting ENOBUFS reports the exact count sent; resuming there delivers the rest") {
    auto p = connected_pair();
    reader peer(p.server);
    const auto data = pattern(one_mib);
    data_file file(data);
    fault::plan plan;
    plan.on(call::send).cap(1000).after(5).fail(ENOBUFS, 1);
    std::size_t sent = 0;
    net::result<std::size_t> r;
    {
        fault::armed guard(plan);
        r = net::try_sendfile_all(p.client, file.fd(), 0, data.size(), io_timeout, &sent);
    }
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error() == std::errc::no_buffer_space, describe(r.error()));
    CHECK(sent == 5000);
    CHECK(net::sendfile_all(p.client, file.fd(), sent, data.size() - sent) == data.size() - sent);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), data.size());
}

TEST_CASE("the throwing sendall and recv_exact carry the bytes transferred in net::error") {
    auto p = connected_pair();
    reader peer(p.server);
    const auto data = pattern(100000);
    fault::plan plan;
    plan.on(call::send).cap(1000).after(7).fail(ENOBUFS, 1);
    plan.on(call::recv).cap(100).after(4).fail(ENOBUFS, 1);
    bool thrown = false;
    {
        fault::armed guard(plan);
        try {
            net::sendall(p.client, net::buffer(data), io_timeout);
        } catch (const net::error& e) {
            thrown = true;
            CHECK(e.code() == std::errc::no_buffer_space);
            CHECK(e.bytes_transferred() == 7000);
            CHECK(std::string(e.operation()) == "sendall");
        }
    }
    CHECK(thrown);
    net::shutdown(p.client, net::shutdown_type::send);
    check_received(peer.join(), 7000);

    auto q = connected_pair();
    net::sendall(q.server, net::buffer(data));
    std::vector<unsigned char> got(data.size());
    thrown = false;
    {
        fault::armed guard(plan);
        try {
            net::recv_exact(q.client, net::buffer(got), io_timeout);
        } catch (const net::error& e) {
            thrown = true;
            CHECK(e.code() == std::errc::no_buffer_space);
            CHECK(e.bytes_transferred() == 400);
            CHECK(std::string(e.operation()) == "recv_exact");
        }
    }
    CHECK(thrown);
    CHECK(first_mismatch(got.data(), 400) == 400);
}

TEST_CASE("recv_exact meeting ENOBUFS reports it with the exact count received, and no byte is lost") {
    auto p = connected_pair();
    const auto data = pattern(10000);
    net::sendall(p.server, net::buffer(data));
    fault::plan plan;
    plan.on(call::recv).cap(1000).after(3).fail(ENOBUFS, 1);
    std::vector<unsigned char> got(data.size());
    std::size_t received = 0;
    net::result<std::size_t> r;
    {
        fault::armed guard(plan);
        r = net::try_recv_exact(p.client, net::buffer(got), io_timeout, &received);
    }
    REQUIRE_FALSE(r);
    CHECK_MESSAGE(r.error() == std::errc::no_buffer_space, describe(r.error()));
    CHECK(received == 3000);
    CHECK(net::recv_exact(p.client, net::buffer(got.data() + received, got.size() - received), io_timeout) ==
          got.size() - received);
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
}

TEST_CASE("accept, connect and wait report an injected ENOBUFS at once and lose nothing") {
    SUBCASE("accept: reported, and the pending connection is accepted by the next call") {
        auto listener = make_listener();
        auto client = net::make_socket(net::family::ipv4);
        net::connect(client, net::local_address(listener), io_timeout);
        fault::plan plan;
        plan.on(call::accept).fail(ENOBUFS, 2);
        std::error_code plain, with_timeout;
        const auto start = steady::now();
        {
            fault::armed guard(plan);
            plain = error_of(net::try_accept(listener));
            with_timeout = error_of(net::try_accept(listener, 5s));
        }
        CHECK(seconds_since(start) < 1.0);
        CHECK_MESSAGE(plain == std::errc::no_buffer_space, describe(plain));
        CHECK_MESSAGE(with_timeout == std::errc::no_buffer_space, describe(with_timeout));
        CHECK(net::accept(listener, io_timeout).peer == net::local_address(client));
    }
    SUBCASE("connect: reported as no_buffer_space, not as a timeout or success") {
        auto listener = make_listener();
        auto s = net::make_socket(net::family::ipv4);
        fault::plan plan;
        plan.on(call::connect).fail(ENOBUFS, 1);
        const auto outcome =
            timed(plan, [&] { return error_of(net::try_connect(s, net::local_address(listener), 5s)); });
        CHECK_MESSAGE(outcome.first == std::errc::no_buffer_space, describe(outcome.first));
        CHECK(outcome.second < 1.0);
        // A fresh socket connects normally.
        auto again = net::make_socket(net::family::ipv4);
        CHECK_OK(net::try_connect(again, net::local_address(listener), io_timeout));
    }
    SUBCASE("wait and the waits inside timed calls: reported at once") {
        auto p = connected_pair();
        fault::plan plan;
        plan.on(call::poll).fail(ENOBUFS, 1);
        auto outcome =
            timed(plan, [&] { return error_of(net::try_wait(p.client, net::events::readable, 5s)); });
        CHECK_MESSAGE(outcome.first == std::errc::no_buffer_space, describe(outcome.first));
        CHECK(outcome.second < 1.0);
        fault::plan plan2;
        plan2.on(call::poll).fail(ENOMEM, 1);
        char c;
        outcome = timed(plan2, [&] { return error_of(net::try_recv(p.client, net::buffer(&c, 1), 5s)); });
        CHECK_MESSAGE(outcome.first == std::errc::not_enough_memory, describe(outcome.first));
        CHECK(outcome.second < 1.0);
    }
}

// ---------------------------------------------------------------------------------------------
// close and getaddrinfo

TEST_CASE("an error reported by close is returned by try_close, and the descriptor is gone anyway") {
    auto s = net::make_socket(net::family::ipv4);
    const int fd = s.native_handle();
    fault::plan plan;
    plan.on(call::close).fail(EIO, 1);
    net::result<void> closed;
    {
        fault::armed guard(plan);
        closed = s.try_close();
    }
    CHECK(plan.on(call::close).injected() == 1);
    REQUIRE_FALSE(closed);
    CHECK_MESSAGE(closed.error() == std::errc::io_error, describe(closed.error()));
    CHECK_FALSE(s.is_open());
    errno = 0;
    CHECK(::fcntl(fd, F_GETFD) == -1); // the real close was made: nothing leaks
    CHECK(errno == EBADF);
}

TEST_CASE("a failing getaddrinfo is reported as a resolver error, and the next lookup works") {
    fault::plan plan;
    plan.on(call::getaddrinfo).fail(EAI_AGAIN, 1);
    net::result<std::vector<net::address>> failed;
    {
        fault::armed guard(plan);
        failed = net::try_resolve("localhost", "80");
    }
    CHECK(plan.on(call::getaddrinfo).injected() == 1);
    REQUIRE_FALSE(failed);
    CHECK_MESSAGE(failed.error() == net::resolve_errc::try_again, describe(failed.error()));
    auto found = net::try_resolve("localhost", "80");
    REQUIRE(found);
    CHECK_FALSE(found->empty());
}

// ---------------------------------------------------------------------------------------------
// Batches, scatter/gather and messages (message.hpp): the same retry policy

namespace {
net::socket bound_udp() {
    auto s = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(s, net::address::loopback());
    return s;
}
} // namespace

TEST_CASE("recv_batch and send_batch retry 500 EINTRs and move every datagram once") {
    auto rx = bound_udp(), tx = bound_udp();
    const auto to = net::local_address(rx);
    std::string payloads[8];
    net::outgoing_datagram out[8];
    for (int i = 0; i < 8; ++i) {
        payloads[i] = "datagram " + std::to_string(i);
        out[i] = {net::buffer(payloads[i]), &to};
    }
    fault::plan plan;
    plan.on(call::sendto).fail(EINTR, 500);
    plan.on(call::recvfrom).fail(EINTR, 500);
    char storage[8][32];
    net::datagram in[8];
    for (int i = 0; i < 8; ++i) in[i].buffer = net::buffer(storage[i]);
    std::size_t sent = 0, got = 0;
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        for (int rounds = 0; sent < 8 && rounds < 8; ++rounds) {
            auto r = net::try_send_batch(tx, out + sent, 8 - sent, io_timeout);
            REQUIRE_OK(r);
            sent += *r;
        }
        for (int rounds = 0; got < 8 && rounds < 8; ++rounds) {
            auto r = net::try_recv_batch(rx, in + got, 8 - got, io_timeout);
            REQUIRE_OK(r);
            got += *r;
        }
    }
    CHECK(seconds_since(start) < 10.0);
    CHECK(plan.on(call::sendto).injected() == 500);
    CHECK(plan.on(call::recvfrom).injected() == 500);
    REQUIRE(sent == 8);
    REQUIRE(got == 8);
    for (int i = 0; i < 8; ++i) CHECK(std::string(storage[i], in[i].size) == payloads[i]);
    // Nothing duplicated: the socket is empty now.
    CHECK(net::try_recv_batch(rx, in, 8, std::chrono::milliseconds(20)).error() == std::errc::timed_out);
}

TEST_CASE("an EAGAIN storm ends a timed recv_batch, recvmsg and recvv at their deadline") {
    auto rx = bound_udp();
    fault::plan plan;
    plan.on(call::recvfrom).fail(EAGAIN, -1);
    plan.on(call::recv).fail(EAGAIN, -1);
    char storage[16];
    net::datagram d;
    d.buffer = net::buffer(storage);
    const auto start = steady::now();
    {
        fault::armed guard(plan);
        CHECK(net::try_recv_batch(rx, &d, 1, std::chrono::milliseconds(150)).error() == std::errc::timed_out);
        CHECK(net::try_recvmsg(rx, net::buffer(storage), std::chrono::milliseconds(150)).error() ==
              std::errc::timed_out);
        CHECK(net::try_recvv(rx, {net::buffer(storage)}, std::chrono::milliseconds(150)).error() ==
              std::errc::timed_out);
    }
    const double took = seconds_since(start);
    CHECK(took >= 0.45);
    CHECK(took < 5.0);
}

TEST_CASE("sendv retries 50 EINTRs and delivers the gathered bytes once, in order") {
    auto p = connected_pair();
    const auto data = pattern(3000);
    const net::const_buffer parts[3] = {net::buffer(data.data(), 1000), net::buffer(data.data() + 1000, 1000),
                                        net::buffer(data.data() + 2000, 1000)};
    fault::plan plan;
    plan.on(call::send).fail(EINTR, 50);
    std::size_t sent = 0;
    {
        fault::armed guard(plan);
        for (int rounds = 0; sent < data.size() && rounds < 3000; ++rounds) {
            // The rest of the three parts, as a new gather list.
            net::const_buffer rest[3];
            std::size_t n = 0, skip = sent;
            for (const auto& part : parts) {
                if (skip >= part.size()) {
                    skip -= part.size();
                    continue;
                }
                rest[n] = part;
                rest[n++] += skip;
                skip = 0;
            }
            auto r = net::try_sendv(p.client, rest, n, io_timeout);
            REQUIRE_OK(r);
            sent += *r;
        }
    }
    CHECK(plan.on(call::send).injected() == 50);
    std::vector<unsigned char> got(data.size());
    REQUIRE_OK(net::try_recv_exact(p.server, net::buffer(got), io_timeout));
    CHECK(first_mismatch(got.data(), got.size()) == got.size());
}
