// net::sendfile / net::sendfile_all (file.hpp) over real loopback TCP pairs, from temporary
// files opened natively (a descriptor on POSIX, a HANDLE on Windows: the one platform #if of
// this file, in the helper that makes them). Every byte that arrives is checked against the
// file's pattern at its offset, and every count reported is checked against what the peer reads.

#include "../support/loopback.hpp"
#include "support/wine.hpp"

#include <net/net.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#if !defined(_WIN32)
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>
#endif

using namespace std::chrono_literals;
using netsock_test::describe;
using netsock_test::joining_thread;

namespace {

// The byte at `offset` of every test file: a hash of the offset, so that a byte sent from the
// wrong place is seen (never all zeros, no short period).
unsigned char pattern(std::uint64_t offset) {
    std::uint64_t x = offset * 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    return static_cast<unsigned char>(x >> 56);
}

// A temporary file of `size` pattern bytes, opened natively for reading and writing, removed
// when closed.
class temp_file {
public:
    explicit temp_file(std::uint64_t size) {
#if defined(_WIN32)
        wchar_t dir[MAX_PATH + 1], name[MAX_PATH + 1];
        REQUIRE(::GetTempPathW(MAX_PATH + 1, dir) != 0);
        REQUIRE(::GetTempFileNameW(dir, L"nsf", 0, name) != 0);
        handle_ = ::CreateFileW(name, GENERIC_READ | GENERIC_WRITE,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
        REQUIRE(handle_ != INVALID_HANDLE_VALUE);
#else
        file_ = std::tmpfile();
        REQUIRE(file_ != nullptr);
        handle_ = ::fileno(file_);
#endif
        std::vector<unsigned char> chunk(1 << 20);
        for (std::uint64_t at = 0; at < size;) {
            const std::size_t n =
                size - at < chunk.size() ? static_cast<std::size_t>(size - at) : chunk.size();
            for (std::size_t i = 0; i < n; ++i) chunk[i] = pattern(at + i);
            write_at(at, chunk.data(), n);
            at += n;
        }
        size_ = size;
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() {
#if defined(_WIN32)
        ::CloseHandle(handle_);
#else
        std::fclose(file_);
#endif
    }

    net::native_file_type handle() const { return handle_; }
    std::uint64_t size() const { return size_; }

    // The file position (never used nor moved by sendfile), and setting it.
    std::int64_t position() const {
#if defined(_WIN32)
        LARGE_INTEGER zero{}, at{};
        REQUIRE(::SetFilePointerEx(handle_, zero, &at, FILE_CURRENT));
        return at.QuadPart;
#else
        return static_cast<std::int64_t>(::lseek(handle_, 0, SEEK_CUR));
#endif
    }
    void seek(std::int64_t to) {
#if defined(_WIN32)
        LARGE_INTEGER at{};
        at.QuadPart = to;
        REQUIRE(::SetFilePointerEx(handle_, at, nullptr, FILE_BEGIN));
#else
        REQUIRE(::lseek(handle_, static_cast<off_t>(to), SEEK_SET) == static_cast<off_t>(to));
#endif
    }

    // Cuts the file to `size` bytes (false if the OS refused, with the reason in *why).
    bool truncate(std::uint64_t size, std::string* why) {
#if defined(_WIN32)
        FILE_END_OF_FILE_INFO info{};
        info.EndOfFile.QuadPart = static_cast<LONGLONG>(size);
        if (!::SetFileInformationByHandle(handle_, FileEndOfFileInfo, &info, sizeof info)) {
            *why =
                "SetFileInformationByHandle(FileEndOfFileInfo) failed: " + std::to_string(::GetLastError());
            return false;
        }
#else
        if (::ftruncate(handle_, static_cast<off_t>(size)) != 0) {
            *why = "ftruncate failed: " + std::to_string(errno);
            return false;
        }
#endif
        size_ = size;
        return true;
    }

private:
    void write_at(std::uint64_t at, const unsigned char* data, std::size_t n) {
#if defined(_WIN32)
        OVERLAPPED ov{};
        ov.Offset = static_cast<DWORD>(at & 0xffffffffu);
        ov.OffsetHigh = static_cast<DWORD>(at >> 32);
        DWORD wrote = 0;
        REQUIRE(::WriteFile(handle_, data, static_cast<DWORD>(n), &wrote, &ov));
        REQUIRE(wrote == n);
#else
        for (std::size_t done = 0; done < n;) {
            const ssize_t w = ::pwrite(handle_, data + done, n - done, static_cast<off_t>(at + done));
            REQUIRE(w > 0);
            done += static_cast<std::size_t>(w);
        }
#endif
    }

#if defined(_WIN32)
    HANDLE handle_ = INVALID_HANDLE_VALUE;
#else
    std::FILE* file_ = nullptr;
    int handle_ = -1;
#endif
    std::uint64_t size_ = 0;
};

template <class R> std::string why(const R& r) { return r ? std::string() : describe(r.error()); }

// What a reader saw: how many bytes, and the offset of the first that differed from the
// pattern (-1: none).
struct received {
    std::uint64_t bytes = 0;
    std::int64_t first_bad = -1;
    std::error_code error; // what ended the reading, if not EOF
};

// Reads from `s` until EOF (or an error, or `limit` bytes), checking each byte against the
// pattern from `offset`; each recv waits at most the loopback timeout, so this is bounded.
received read_checked(const net::socket& s, std::uint64_t offset,
                      std::uint64_t limit = static_cast<std::uint64_t>(-1)) {
    received out;
    std::vector<unsigned char> buf(256 * 1024);
    for (int calls = 0; calls < 1000000 && out.bytes < limit; ++calls) {
        const std::size_t want =
            limit - out.bytes < buf.size() ? static_cast<std::size_t>(limit - out.bytes) : buf.size();
        auto r = net::try_recv(s, net::mutable_buffer(buf.data(), want), netsock_test::loopback_timeout);
        if (!r) {
            out.error = r.error();
            return out;
        }
        if (*r == 0) return out;
        for (std::size_t i = 0; i < *r; ++i) {
            if (out.first_bad < 0 && buf[i] != pattern(offset + out.bytes + i))
                out.first_bad = static_cast<std::int64_t>(offset + out.bytes + i);
        }
        out.bytes += *r;
    }
    return out;
}

// True when nothing more is queued for `s` (a recv that may not wait gets nothing).
bool nothing_more(const net::socket& s) {
    char sink[16];
    return !net::try_recv(s, net::buffer(sink), 0s);
}

// Makes the client -> server direction small, so that a peer that does not read makes the
// sender wait soon.
void shrink_buffers(const netsock_test::connection& c) {
    net::set_option(c.client, net::send_buffer_size{16384});
    net::set_option(c.server, net::receive_buffer_size{16384});
}

} // namespace

TEST_CASE("sendfile_all delivers 100 MiB of a file, every byte checked by the reader") {
    constexpr std::uint64_t size = 100ull << 20;
    temp_file f(size);
    f.seek(4321);
    auto c = netsock_test::connected_pair();
    received got;
    const auto start = std::chrono::steady_clock::now();
    {
        // The reader owns the server end: if it stops early it closes it, which ends the sender.
        joining_thread reader([&got, server = std::move(c.server)]() mutable {
            got = read_checked(server, 0);
            server.close();
        });
        std::size_t sent = 0;
        auto r = net::try_sendfile_all(c.client, f.handle(), 0, size, net::timeout::none(), &sent);
        CHECK_MESSAGE(r, why(r));
        CHECK(sent == size);
        net::shutdown(c.client, net::shutdown_type::send);
    }
    const double seconds = netsock_test::seconds_since(start);
    MESSAGE("100 MiB in " << seconds << " s");
    CHECK_MESSAGE(!got.error, describe(got.error));
    CHECK(got.bytes == size);
    CHECK(got.first_bad == -1);
    CHECK(seconds < 120);
    CHECK(f.position() == 4321); // the file position was neither used nor moved
}

TEST_CASE("sendfile: offsets, counts, the end of the file") {
    constexpr std::uint64_t size = (1 << 20) + 123;
    temp_file f(size);
    f.seek(77);
    auto c = netsock_test::connected_pair();
    const auto t = netsock_test::loopback_timeout;

    auto expect = [&](std::uint64_t offset, std::size_t n) {
        auto got = read_checked(c.server, offset, n);
        CHECK_MESSAGE(!got.error, describe(got.error));
        CHECK(got.bytes == n);
        CHECK(got.first_bad == -1);
    };

    SUBCASE("from the middle, a count smaller than the rest") {
        const std::uint64_t mid = size / 2 + 1;
        auto r = net::try_sendfile(c.client, f.handle(), mid, 1000, t);
        REQUIRE_MESSAGE(r, why(r));
        REQUIRE(*r >= 1);
        REQUIRE(*r <= 1000);
        expect(mid, *r);
        REQUIRE(net::sendfile_all(c.client, f.handle(), mid + *r, 50000, t) == 50000);
        expect(mid + *r, 50000);
    }
    SUBCASE("the last byte") {
        CHECK(net::sendfile(c.client, f.handle(), size - 1, 100, t) == 1);
        expect(size - 1, 1);
    }
    SUBCASE("at and beyond the end of the file: 0, nothing sent") {
        CHECK(net::sendfile(c.client, f.handle(), size, 100, t) == 0);
        CHECK(net::sendfile(c.client, f.handle(), size + 1000, 100, t) == 0);
        CHECK(net::sendfile(c.client, f.handle(), 1ull << 62, 100, t) == 0);
        std::size_t sent = 99;
        auto r = net::try_sendfile_all(c.client, f.handle(), size, 10, t, &sent);
        REQUIRE(!r);
        CHECK(r.error() == net::errc::eof);
        CHECK(sent == 0);
    }
    SUBCASE("an offset no file offset can hold: invalid_argument") {
        auto r = net::try_sendfile(c.client, f.handle(), 1ull << 63, 100, t);
        REQUIRE(!r);
        CHECK_MESSAGE(r.error() == std::errc::invalid_argument, describe(r.error()));
    }
    SUBCASE("count 0: 0, at once") {
        CHECK(net::sendfile(c.client, f.handle(), 0, 0, t) == 0);
        CHECK(net::sendfile_all(c.client, f.handle(), 5, 0, t) == 0);
    }
    SUBCASE("sendfile_all past the end: eof, with exactly what went") {
        std::size_t sent = 0;
        auto r = net::try_sendfile_all(c.client, f.handle(), size - 10, 100, t, &sent);
        REQUIRE(!r);
        CHECK(r.error() == net::errc::eof);
        CHECK(sent == 10);
        expect(size - 10, 10);
        try {
            (void)net::sendfile_all(c.client, f.handle(), size - 3, 100, t);
            FAIL("no error");
        } catch (const net::error& e) {
            CHECK(e.code() == net::errc::eof);
            CHECK(e.bytes_transferred() == 3);
            CHECK(std::string(e.operation()) == "sendfile_all");
        }
        expect(size - 3, 3);
    }
    // Nothing more than what was counted arrived.
    net::shutdown(c.client, net::shutdown_type::send);
    auto rest = read_checked(c.server, 0);
    CHECK(rest.bytes == 0);
    CHECK(f.position() == 77);
}

TEST_CASE("sendfile_all of a file truncated during the transfer ends early and reports what went") {
    constexpr std::uint64_t size = 64ull << 20;
    constexpr std::uint64_t first = 1ull << 20; // the reader reads this much, then truncates
    constexpr std::uint64_t cut = 4ull << 20;   // to this size (page aligned)
    temp_file f(size);
    auto c = netsock_test::connected_pair();
    shrink_buffers(c);
    received before, after;
    std::string refused;
    std::atomic<bool> truncated{false};
    std::size_t sent = 0;
    net::result<std::size_t> r = std::size_t{0};
    {
        joining_thread reader([&, server = std::move(c.server)]() mutable {
            before = read_checked(server, 0, first); // the sender is blocked: it cannot finish
            truncated = f.truncate(cut, &refused);
            after = read_checked(server, first);
            server.close();
        });
        r = net::try_sendfile_all(c.client, f.handle(), 0, size, 60s, &sent);
        net::shutdown(c.client, net::shutdown_type::send);
    }
    if (!truncated) {
        MESSAGE("skipped: the OS would not truncate a file being sent: " << refused);
        return;
    }
    REQUIRE(!r);
    CHECK_MESSAGE(r.error() == net::errc::eof, describe(r.error()));
    CHECK(!before.error);
    CHECK(!after.error);
    CHECK(before.first_bad == -1);
    CHECK(after.first_bad == -1);
    CHECK(before.bytes == first);
    CHECK(sent == before.bytes + after.bytes); // exactly what the peer read
    CHECK(sent < size);
    MESSAGE("sent " << sent << " bytes of a file cut to " << cut << " while sending");
    CHECK(sent >= cut); // the small buffers held far less than `cut` when it was cut
}

TEST_CASE("sendfile on a non-blocking socket with a full send buffer: would-block, never a lost byte") {
    constexpr std::uint64_t size = 8ull << 20;
    temp_file f(size);
    auto c = netsock_test::connected_pair();
    shrink_buffers(c);
    net::set_nonblocking(c.client);
    std::uint64_t offset = 0;
    bool partial = false, blocked = false;
    for (int i = 0; i < 10000 && !blocked; ++i) {
        auto r = net::try_sendfile(c.client, f.handle(), offset, 1 << 20);
        if (!r) {
            REQUIRE_MESSAGE(r.error() == std::errc::operation_would_block, describe(r.error()));
            blocked = true;
            break;
        }
        REQUIRE(*r > 0);
        if (*r < (1u << 20)) partial = true;
        offset += *r;
    }
    REQUIRE(blocked);
    CHECK(partial); // 1 MiB never fits in 16 KiB buffers
    REQUIRE(offset < size);
    // Still full: would-block again, nothing sent.
    auto again = net::try_sendfile(c.client, f.handle(), offset, 1 << 20);
    REQUIRE(!again);
    CHECK(again.error() == std::errc::operation_would_block);

    // Drain: exactly the bytes counted, each the file's at its offset.
    auto got = read_checked(c.server, 0, offset);
    CHECK(!got.error);
    CHECK(got.bytes == offset);
    CHECK(got.first_bad == -1);
    CHECK(nothing_more(c.server));

    // sendfile_all waits for room on a non-blocking socket too.
    received rest;
    {
        joining_thread reader([&] { rest = read_checked(c.server, offset, size - offset); });
        CHECK(net::sendfile_all(c.client, f.handle(), offset, static_cast<std::size_t>(size - offset),
                                netsock_test::loopback_timeout) == size - offset);
    }
    CHECK(rest.bytes == size - offset);
    CHECK(rest.first_bad == -1);
}

TEST_CASE("a timed sendfile to a peer that does not read: the partial counts, then timed_out") {
    constexpr std::uint64_t size = 8ull << 20;
    temp_file f(size);
    auto c = netsock_test::connected_pair();
    shrink_buffers(c);
    std::uint64_t offset = 0;
    bool timed_out = false;
    double ms = 0;
    const auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < 10000 && !timed_out && netsock_test::seconds_since(begin) < 30; ++i) {
        const auto start = std::chrono::steady_clock::now();
        auto r = net::try_sendfile(c.client, f.handle(), offset, 4 << 20, 200ms);
        ms = netsock_test::ms_since(start);
        if (!r) {
            REQUIRE_MESSAGE(r.error() == std::errc::timed_out, describe(r.error()));
            timed_out = true;
            break;
        }
        REQUIRE(*r > 0);
        offset += *r;
    }
    REQUIRE(timed_out);
    CHECK(ms >= 190);
    CHECK(ms < 5000);
    REQUIRE(offset < size);
    CHECK(net::get_timeout(c.client).is_none()); // the socket is blocking again
    auto got = read_checked(c.server, 0, offset);
    CHECK(got.bytes == offset);
    CHECK(got.first_bad == -1);
    CHECK(nothing_more(c.server));
}

TEST_CASE("a canceller ends a blocked sendfile_all, which reports the bytes sent") {
    constexpr std::uint64_t size = 16ull << 20;
    temp_file f(size);
    auto c = netsock_test::connected_pair();
    shrink_buffers(c);
    net::canceller stop;
    std::size_t sent = 0;
    net::result<std::size_t> r = std::size_t{0};
    {
        joining_thread sender([&] { r = net::try_sendfile_all(c.client, f.handle(), 0, size, stop, &sent); });
        // One byte arrived: the transfer started; the small buffers keep it from finishing.
        unsigned char one = 0;
        REQUIRE(net::recv_exact(c.server, net::mutable_buffer(&one, 1), netsock_test::loopback_timeout) == 1);
        CHECK(one == pattern(0));
        stop.cancel();
    }
    REQUIRE(!r);
    CHECK_MESSAGE(r.error() == std::errc::operation_canceled, describe(r.error()));
    CHECK(sent >= 1);
    CHECK(sent < size);
    net::shutdown(c.client, net::shutdown_type::send);
    auto rest = read_checked(c.server, 1);
    CHECK(!rest.error);
    CHECK(rest.first_bad == -1);
    CHECK(1 + rest.bytes == sent);
}

TEST_CASE("sendfile: bad arguments") {
    temp_file f(4096);
    SUBCASE("a closed socket: bad_file_descriptor") {
        net::socket closed;
        auto r = net::try_sendfile(closed, f.handle(), 0, 10);
        REQUIRE(!r);
        CHECK(r.error() == std::errc::bad_file_descriptor);
        std::size_t sent = 7;
        auto all = net::try_sendfile_all(closed, f.handle(), 0, 10, net::timeout::none(), &sent);
        REQUIRE(!all);
        CHECK(all.error() == std::errc::bad_file_descriptor);
        CHECK(sent == 0);
        std::string op;
        CHECK(netsock_test::thrown_code([&] { (void)net::sendfile(closed, f.handle(), 0, 10); }, &op) ==
              std::errc::bad_file_descriptor);
        CHECK(op == "sendfile");
    }
    SUBCASE("an invalid file handle: bad_file_descriptor") {
        auto c = netsock_test::connected_pair();
        auto r = net::try_sendfile(c.client, net::invalid_file(), 0, 10, 1s);
        REQUIRE(!r);
        CHECK_MESSAGE(r.error() == std::errc::bad_file_descriptor, describe(r.error()));
        auto blocking = net::try_sendfile(c.client, net::invalid_file(), 0, 10);
        REQUIRE(!blocking);
        CHECK_MESSAGE(blocking.error() == std::errc::bad_file_descriptor, describe(blocking.error()));
    }
    SUBCASE("an unconnected UDP socket: the OS's error") {
        auto u = net::make_socket(net::family::ipv4, net::socket_type::datagram);
        net::bind(u, net::address::loopback());
        auto r = net::try_sendfile(u, f.handle(), 0, 100, 1s);
        REQUIRE(!r);
        MESSAGE("sendfile on an unconnected UDP socket: " << describe(r.error()));
    }
}

TEST_CASE("sendfile falls back to read + send where sendfile refuses the file") {
#if defined(__linux__)
    // Linux's sendfile refuses /proc/self/status (EINVAL: a seq_file without the page-cache
    // path), which pread reads: the fallback sends it.
    const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    auto c = netsock_test::connected_pair();
    auto r = net::try_sendfile(c.client, fd, 0, 4096, netsock_test::loopback_timeout);
    ::close(fd);
    REQUIRE_MESSAGE(r, why(r));
    REQUIRE(*r > 5);
    std::string got(*r, '\0');
    REQUIRE(net::recv_exact(c.server, net::buffer(got), netsock_test::loopback_timeout) == *r);
    CHECK(got.rfind("Name:", 0) == 0);
#else
    MESSAGE("skipped: no file known to make this OS's sendfile refuse it");
#endif
}

#if !defined(_WIN32)
TEST_CASE("sendfile of what has no offsets (a pipe, a directory): the error of the fallback's read") {
    auto c = netsock_test::connected_pair();
    int p[2];
    REQUIRE(::pipe(p) == 0);
    REQUIRE(::write(p[1], "abc", 3) == 3);
    auto r = net::try_sendfile(c.client, p[0], 0, 3, 1s);
    ::close(p[0]);
    ::close(p[1]);
    REQUIRE(!r);
    CHECK_MESSAGE(r.error() == std::errc::invalid_seek, describe(r.error()));
    const int dir = ::open(".", O_RDONLY | O_CLOEXEC);
    REQUIRE(dir >= 0);
    auto d = net::try_sendfile(c.client, dir, 0, 3, 1s);
    ::close(dir);
    REQUIRE(!d);
    MESSAGE("sendfile of a directory: " << describe(d.error()));
}
#endif

#if !defined(_WIN32)
TEST_CASE("sendfile to a closed connection is an error, never SIGPIPE") {
    // SIGPIPE at its default kills the process: a sendfile that raised it would end this test.
    struct sigaction dfl {
    }, old{};
    dfl.sa_handler = SIG_DFL;
    REQUIRE(::sigaction(SIGPIPE, &dfl, &old) == 0);
    temp_file f(1 << 20);
    auto c = netsock_test::connected_pair();
    net::shutdown(c.client, net::shutdown_type::send);
    std::size_t sent = 99;
    auto r = net::try_sendfile_all(c.client, f.handle(), 0, 1 << 20, net::timeout::none(), &sent);
    auto timed = net::try_sendfile(c.client, f.handle(), 0, 100, 1s);
    ::sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    const bool left_pending = sigismember(&pending, SIGPIPE) == 1;
    ::sigaction(SIGPIPE, &old, nullptr);
    REQUIRE(!r);
    CHECK_MESSAGE(r.error() == std::errc::broken_pipe, describe(r.error()));
    CHECK(sent == 0);
    REQUIRE(!timed);
    CHECK_MESSAGE(timed.error() == std::errc::broken_pipe, describe(timed.error()));
    CHECK(!left_pending);
}
#endif
