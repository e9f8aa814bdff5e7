// Unit tests for net::reader (<net/reader.hpp>): lines, delimited records and exact counts read
// from real loopback TCP connections, with timeouts, cancellation, EOF and the limit.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;
using netsock_test::describe;
constexpr auto io_timeout = netsock_test::loopback_timeout;

#define CHECK_EC(ec, expected) CHECK_MESSAGE((ec) == (expected), describe(ec))

template <class R> std::error_code error_of(const R& r) { return r ? std::error_code{} : r.error(); }

void send_text(const net::socket& s, std::string_view text) {
    REQUIRE(net::sendall(s, text, io_timeout) == text.size());
}

} // namespace

TEST_CASE("readline returns each line with its newline, across packet boundaries") {
    auto c = netsock_test::connected_pair();
    net::no_delay nd{true};
    net::set_option(c.client, nd);
    net::reader in(c.server);
    send_text(c.client, "first\nsec");
    auto a = in.try_readline(io_timeout);
    REQUIRE_MESSAGE(a, describe(error_of(a)));
    CHECK(*a == "first\n");
    send_text(c.client, "ond\r\nthird\n");
    CHECK(in.readline(io_timeout) == "second\r\n");
    CHECK(in.readline(io_timeout) == "third\n");
    net::shutdown(c.client, net::shutdown_type::send);
    auto end = in.try_readline(io_timeout);
    CHECK_EC(error_of(end), net::errc::eof);
    CHECK(in.buffered().empty());
}

TEST_CASE("read_until finds separators of any length, split across receives") {
    auto c = netsock_test::connected_pair();
    net::reader in(c.server);
    const std::string sep = "\r\n\r\n";
    // The separator arrives one byte at a time.
    send_text(c.client, "HEAD\r");
    auto waiting = in.try_read_until(sep, 30ms);
    CHECK_EC(error_of(waiting), std::errc::timed_out);
    CHECK(in.buffered() == "HEAD\r"); // nothing consumed on a timeout
    send_text(c.client, "\n");
    send_text(c.client, "\r");
    send_text(c.client, "\nBODY");
    auto head = in.try_read_until(sep, io_timeout);
    REQUIRE_MESSAGE(head, describe(error_of(head)));
    CHECK(*head == "HEAD\r\n\r\n");
    CHECK(in.buffered() == "BODY");
    CHECK(in.read_exactly(4, io_timeout) == "BODY");
    CHECK_EC(error_of(in.try_read_until("", io_timeout)), std::errc::invalid_argument);
}

TEST_CASE("many records in one receive come out one by one, byte-exact") {
    auto c = netsock_test::connected_pair();
    std::string all;
    for (int i = 0; i < 2000; ++i) all += "record " + std::to_string(i) + ";";
    send_text(c.client, all);
    net::shutdown(c.client, net::shutdown_type::send);
    net::reader in(c.server);
    for (int i = 0; i < 2000; ++i) {
        auto r = in.try_read_until(";", io_timeout);
        REQUIRE_MESSAGE(r, describe(error_of(r)));
        REQUIRE(*r == "record " + std::to_string(i) + ";");
    }
    CHECK_EC(error_of(in.try_read_until(";", io_timeout)), net::errc::eof);
}

TEST_CASE("EOF in the middle of a record keeps the partial data readable") {
    auto c = netsock_test::connected_pair();
    net::reader in(c.server);
    send_text(c.client, "complete\npart");
    net::shutdown(c.client, net::shutdown_type::send);
    CHECK(in.readline(io_timeout) == "complete\n");
    auto r = in.try_readline(io_timeout);
    CHECK_EC(error_of(r), net::errc::eof);
    CHECK(in.buffered() == "part");
    std::string op;
    CHECK_EC(netsock_test::thrown_code([&] { (void)in.readline(io_timeout); }, &op), net::errc::eof);
    CHECK(op == "read_until");
    in.consume(2);
    CHECK(in.buffered() == "rt");
    auto exact = in.try_read_exactly(3, io_timeout);
    CHECK_EC(error_of(exact), net::errc::eof);
    CHECK(in.buffered() == "rt");
}

TEST_CASE("a line longer than the limit is message_size, and the data is kept") {
    auto c = netsock_test::connected_pair();
    net::reader in(c.server, 1000);
    const std::string big(3000, 'x');
    send_text(c.client, big + "\nnext\n");
    auto r = in.try_readline(io_timeout);
    CHECK_EC(error_of(r), std::errc::message_size);
    CHECK(in.buffered().size() >= 1000);
    CHECK(in.buffered().substr(0, 1000) == big.substr(0, 1000));
    CHECK(in.buffered().size() <= 1000); // never more than the limit
    CHECK_EC(error_of(in.try_read_exactly(1001, io_timeout)), std::errc::message_size);
    // The caller can skip the long line and go on.
    std::size_t skipped = 0;
    for (int i = 0; i < 10 && skipped < 3001; ++i) {
        auto part = in.try_read_exactly(std::min<std::size_t>(1000, 3001 - skipped), io_timeout);
        REQUIRE_MESSAGE(part, describe(error_of(part)));
        skipped += part->size();
    }
    CHECK(skipped == 3001);
    CHECK(in.readline(io_timeout) == "next\n");
}

TEST_CASE("read_exactly of 1 MiB byte-exact; read_some returns what is there") {
    auto c = netsock_test::connected_pair();
    net::reader in(c.server, 1 << 20);
    std::string data(1 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 % 253);
    netsock_test::joining_thread writer([&] { (void)net::sendall(c.client, data, io_timeout); });
    auto all = in.try_read_exactly(data.size(), io_timeout);
    REQUIRE_MESSAGE(all, describe(error_of(all)));
    CHECK(*all == data);
    writer.join();
    send_text(c.client, "abc");
    auto some = in.try_read_some(io_timeout);
    REQUIRE_MESSAGE(some, describe(error_of(some)));
    CHECK(!some->empty());
    CHECK(std::string_view("abc").substr(0, some->size()) == *some);
}

TEST_CASE("a reader on a non-blocking socket waits like a blocking one") {
    auto c = netsock_test::connected_pair();
    net::set_nonblocking(c.server);
    net::reader in(c.server);
    netsock_test::joining_thread writer([&] { send_text(c.client, "late line\n"); });
    CHECK(in.readline(io_timeout) == "late line\n");
}

TEST_CASE("a canceller ends a blocked readline; the buffered part survives") {
    auto c = netsock_test::connected_pair();
    net::reader in(c.server);
    net::canceller stop;
    send_text(c.client, "half");
    CHECK_EC(error_of(in.try_readline({30ms, stop})), std::errc::timed_out);
    CHECK(in.buffered() == "half");
    stop.cancel();
    auto r = in.try_readline(stop);
    CHECK_EC(error_of(r), std::errc::operation_canceled);
    CHECK(in.buffered() == "half");
    stop.reset();
    send_text(c.client, " line\n");
    CHECK(in.readline({io_timeout, stop}) == "half line\n");
}

TEST_CASE("a reader on a closed socket reports bad_file_descriptor") {
    net::socket none;
    net::reader in(none);
    CHECK_EC(error_of(in.try_readline(io_timeout)), std::errc::bad_file_descriptor);
}
