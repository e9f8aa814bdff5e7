// EINTR: blocking calls keep their promises while a signal handler installed WITHOUT
// SA_RESTART fires every 10 ms (so every blocking call can fail with EINTR, see signal(7)):
// timeouts still expire as timed_out (never `interrupted`), and transfers arrive intact. POSIX
// only (this file is built only there).
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support/loopback.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr auto io_timeout = 30s;

std::atomic<long> signals_seen{0};
static_assert(std::atomic<long>::is_always_lock_free, "the handler must be async-signal-safe");

void count_signal(int) { signals_seen.fetch_add(1, std::memory_order_relaxed); }

template <class R> std::string why(const R& r) { return r ? std::string("ok") : r.error().message(); }

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

// Installs a SIGALRM handler without SA_RESTART and fires it every 10 ms until destroyed;
// then restores the previous handler and timer.
class alarm_storm {
public:
    alarm_storm() {
        struct sigaction action {};
        action.sa_handler = count_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0; // no SA_RESTART: blocked calls fail with EINTR
        REQUIRE(::sigaction(SIGALRM, &action, &old_action_) == 0);
        sigset_t alarm_only;
        sigemptyset(&alarm_only);
        sigaddset(&alarm_only, SIGALRM);
        REQUIRE(::pthread_sigmask(SIG_UNBLOCK, &alarm_only, &old_mask_) == 0);
        ::itimerval every_10ms{};
        every_10ms.it_interval.tv_usec = 10000;
        every_10ms.it_value.tv_usec = 10000;
        REQUIRE(::setitimer(ITIMER_REAL, &every_10ms, &old_timer_) == 0);
        armed_ = true;
    }
    alarm_storm(const alarm_storm&) = delete;
    alarm_storm& operator=(const alarm_storm&) = delete;
    // Stops the timer (callable from any thread).
    static void stop() {
        ::itimerval off{};
        ::setitimer(ITIMER_REAL, &off, nullptr);
    }
    ~alarm_storm() {
        if (!armed_) return;
        stop();
        // SIG_IGN first discards a signal still pending, which the old handler might not want.
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        ::sigaction(SIGALRM, &ignore, nullptr);
        ::sigaction(SIGALRM, &old_action_, nullptr);
        ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
        ::setitimer(ITIMER_REAL, &old_timer_, nullptr);
    }

private:
    struct sigaction old_action_ {};
    sigset_t old_mask_{};
    ::itimerval old_timer_{};
    bool armed_ = false;
};

// A thread that never receives SIGALRM (so the storm interrupts the test's own thread), and
// that is always joined.
class quiet_thread {
public:
    template <class F> explicit quiet_thread(F&& f) {
        sigset_t alarm_only, old;
        sigemptyset(&alarm_only);
        sigaddset(&alarm_only, SIGALRM);
        // The new thread inherits the mask in effect while it is created.
        ::pthread_sigmask(SIG_BLOCK, &alarm_only, &old);
        thread_ = std::thread(std::forward<F>(f));
        ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
    quiet_thread(const quiet_thread&) = delete;
    quiet_thread& operator=(const quiet_thread&) = delete;
    ~quiet_thread() { join(); }
    void join() {
        if (thread_.joinable()) thread_.join();
    }

private:
    std::thread thread_;
};

// A connected pair through `listener`, each step bounded by 10 s (tests/support/loopback.hpp).
using netsock_test::connect_through;

net::socket make_listener() { return net::create_server(net::address::loopback(net::family::ipv4, 0)); }

std::vector<unsigned char> pattern(std::size_t size, unsigned seed) {
    std::vector<unsigned char> v(size);
    for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<unsigned char>((i * 131 + seed) ^ (i >> 11));
    return v;
}

// Waits (bounded by 10 s) until `count` more signals than `from` have arrived: evidence that
// the storm has hit the other thread's blocked call. Not a sleep: it waits for an event.
// Gives up early if that call has already returned (`done`).
bool signals_after(long from, long count, const std::atomic<bool>& done) {
    const auto start = steady::now();
    while (signals_seen.load() - from < count) {
        if (done.load() || seconds_since(start) > 10.0) return false;
        std::this_thread::yield();
    }
    return true;
}

} // namespace

TEST_CASE("try_recv with a timeout times out, never fails with interrupted, while signals arrive") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    char buf[64];
    const long before = signals_seen.load();
    alarm_storm storm;
    const auto start = steady::now();
    auto r = net::try_recv(c.client, net::buffer(buf), 500ms);
    const double took = seconds_since(start);
    const long signals = signals_seen.load() - before;
    CAPTURE(took);
    CAPTURE(signals);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
    CHECK(r.error() != std::errc::interrupted);
    CHECK(took >= 0.500);
    CHECK(took < 5.0);
    CHECK(signals >= 5); // the storm really happened during the call
}

TEST_CASE("wait with a timeout times out while signals arrive") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    const long before = signals_seen.load();
    alarm_storm storm;
    const auto start = steady::now();
    auto r = net::try_wait(c.client, net::events::readable, 500ms);
    const double took = seconds_since(start);
    CAPTURE(took);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
    CHECK(took >= 0.500);
    CHECK(took < 5.0);
    CHECK(signals_seen.load() - before >= 5);
}

TEST_CASE("try_accept with a timeout times out, never fails with interrupted, while signals arrive") {
    auto listener = make_listener();
    const long before = signals_seen.load();
    alarm_storm storm;
    const auto start = steady::now();
    auto r = net::try_accept(listener, 500ms);
    const double took = seconds_since(start);
    const long signals = signals_seen.load() - before;
    CAPTURE(took);
    CAPTURE(signals);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(r.error() == std::errc::timed_out, r.error().message());
    CHECK(r.error() != std::errc::interrupted);
    CHECK(took >= 0.500);
    CHECK(took < 5.0);
    CHECK(signals >= 5);
}

TEST_CASE("sendall delivers 8 MiB intact to a reading peer while signals arrive") {
    constexpr std::size_t size = 8 * 1024 * 1024;
    const auto data = pattern(size, 5);
    auto listener = make_listener();
    auto c = connect_through(listener);
    // Small buffers: the sender blocks often, so the signals land inside send().
    net::set_option(c.client, net::send_buffer_size{32 * 1024});
    net::set_option(c.server, net::receive_buffer_size{32 * 1024});

    std::error_code read_error;
    std::size_t read_total = 0;
    bool intact = true;
    quiet_thread reader([&] {
        // Reads both transfers below (2 x 8 MiB) in small pieces and checks every byte.
        std::vector<unsigned char> buf(16 * 1024);
        const auto start = steady::now();
        while (read_total < 2 * size && seconds_since(start) < 60.0) {
            auto n = net::try_recv(c.server, net::buffer(buf), io_timeout);
            if (!n) {
                read_error = n.error();
                return;
            }
            if (*n == 0) return;
            for (std::size_t i = 0; i < *n; ++i) {
                if (buf[i] != data[(read_total + i) % size]) intact = false;
            }
            read_total += *n;
        }
    });

    const long before = signals_seen.load();
    std::error_code blocking_error, timed_error;
    std::size_t blocking_sent = 0, timed_sent = 0;
    {
        alarm_storm storm;
        auto a = net::try_sendall(c.client, net::buffer(data), &blocking_sent); // blocking path
        if (!a) blocking_error = a.error();
        auto b = net::try_sendall(c.client, net::buffer(data), io_timeout, &timed_sent); // deadline path
        if (!b) timed_error = b.error();
    }
    const long signals = signals_seen.load() - before;
    reader.join();

    MESSAGE(signals << " signals arrived while sending 2 x 8 MiB");
    CHECK_MESSAGE(!blocking_error, blocking_error.message());
    CHECK_MESSAGE(!timed_error, timed_error.message());
    CHECK(blocking_sent == size);
    CHECK(timed_sent == size);
    CHECK_MESSAGE(!read_error, read_error.message());
    CHECK(read_total == 2 * size);
    CHECK(intact);
}

TEST_CASE("recv_exact receives 8 MiB intact from a sending peer while signals arrive") {
    constexpr std::size_t size = 8 * 1024 * 1024;
    const auto data = pattern(size, 11);
    auto listener = make_listener();
    auto c = connect_through(listener);
    net::set_option(c.client, net::receive_buffer_size{32 * 1024});

    std::error_code send_error;
    quiet_thread writer([&] {
        auto r = net::try_sendall(c.server, net::buffer(data), io_timeout);
        if (!r) send_error = r.error();
    });

    std::vector<unsigned char> got(size);
    std::error_code recv_error;
    std::size_t received = 0;
    {
        alarm_storm storm;
        auto r = net::try_recv_exact(c.client, net::buffer(got), &received); // blocking path
        if (!r) recv_error = r.error();
    }
    writer.join();
    CHECK_MESSAGE(!send_error, send_error.message());
    CHECK_MESSAGE(!recv_error, recv_error.message());
    CHECK(received == size);
    CHECK(got == data);
}

TEST_CASE("receive_timeout still expires while signals arrive faster than the timeout") {
    // SO_RCVTIMEO is an OS timer: a blocking recv interrupted by a signal returns EINTR, and
    // simply re-issuing recv would start the full timeout again, for ever while signals keep
    // coming. A watchdog stops the storm after 4 s so that this test always ends.
    auto listener = make_listener();
    auto c = connect_through(listener);
    net::set_option(c.client, net::receive_timeout{300ms});

    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    bool watchdog_fired = false;
    char buf[16];
    std::error_code ec;
    double took = 0;
    {
        alarm_storm storm;
        quiet_thread watchdog([&] {
            std::unique_lock<std::mutex> lock(m);
            if (!cv.wait_for(lock, 4s, [&] { return done; })) {
                watchdog_fired = true;
                alarm_storm::stop();
            }
        });
        const auto start = steady::now();
        auto r = net::try_recv(c.client, net::buffer(buf));
        took = seconds_since(start);
        if (!r) ec = r.error();
        {
            std::lock_guard<std::mutex> lock(m);
            done = true;
        }
        cv.notify_all();
    }
    CAPTURE(took);
    CHECK_MESSAGE(ec == std::errc::timed_out, ec.message());
    CHECK(ec != std::errc::interrupted);
    CHECK(took >= 0.290);
    CHECK_MESSAGE(!watchdog_fired, "the 300 ms SO_RCVTIMEO never expired while signals arrived; "
                                   "it ended only when the watchdog stopped them after 4 s");
}

TEST_CASE("a blocking sendall whose send buffer is full retries EINTR and delivers every byte") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    net::set_option(c.client, net::send_buffer_size{32 * 1024});
    net::set_option(c.server, net::receive_buffer_size{32 * 1024});
    // Fill both buffers, so the next blocking send sleeps before taking a single byte: a signal
    // then makes send() fail with EINTR (not a short count).
    net::set_nonblocking(c.client, true);
    const auto filler = pattern(64 * 1024, 1);
    std::size_t queued = 0;
    bool full = false;
    for (int i = 0; i < 10000 && !full; ++i) {
        auto n = net::try_send(c.client, net::buffer(filler));
        if (n) queued += *n;
        else {
            REQUIRE_MESSAGE(net::is_would_block(n.error()), n.error().message());
            full = true;
        }
    }
    REQUIRE(full);
    net::set_nonblocking(c.client, false);

    const auto payload = pattern(256 * 1024, 2);
    const long before = signals_seen.load();
    std::error_code read_error;
    bool saw_signals = false;
    std::atomic<bool> done{false};
    std::vector<unsigned char> got(queued + payload.size());
    quiet_thread reader([&] {
        saw_signals = signals_after(before, 3, done); // the sender is blocked in send() by now
        auto r = net::try_recv_exact(c.server, net::buffer(got), io_timeout);
        if (!r) read_error = r.error();
    });
    std::error_code send_error;
    std::size_t sent = 0;
    {
        alarm_storm storm;
        auto r = net::try_sendall(c.client, net::buffer(payload), &sent);
        if (!r) send_error = r.error();
    }
    done = true;
    if (send_error) (void)net::try_shutdown(c.client, net::shutdown_type::send); // reader: EOF
    reader.join();
    CHECK(saw_signals);
    CHECK_MESSAGE(!send_error, send_error.message());
    CHECK(send_error != std::errc::interrupted);
    CHECK(sent == payload.size());
    CHECK_MESSAGE(!read_error, read_error.message());
    CHECK(std::equal(payload.begin(), payload.end(), got.begin() + static_cast<std::ptrdiff_t>(queued)));
}

TEST_CASE("a blocking recv_exact waiting for data retries EINTR and receives every byte") {
    auto listener = make_listener();
    auto c = connect_through(listener);
    const auto data = pattern(100 * 1000, 3);
    const long before = signals_seen.load();
    std::error_code send_error;
    bool saw_signals = false;
    std::atomic<bool> done{false};
    quiet_thread writer([&] {
        saw_signals = signals_after(before, 3, done); // the receiver is blocked in recv() by now
        auto r = net::try_sendall(c.server, net::buffer(data), io_timeout);
        if (!r) send_error = r.error();
    });
    std::vector<unsigned char> got(data.size());
    std::error_code recv_error;
    {
        alarm_storm storm;
        auto r = net::try_recv_exact(c.client, net::buffer(got));
        if (!r) recv_error = r.error();
    }
    done = true;
    if (recv_error) (void)c.client.try_close(); // the writer fails at once instead of waiting
    writer.join();
    CHECK(saw_signals);
    CHECK_MESSAGE(!recv_error, recv_error.message());
    CHECK(recv_error != std::errc::interrupted);
    CHECK_MESSAGE(!send_error, send_error.message());
    CHECK(got == data);
}

TEST_CASE("a blocking accept waiting for a client retries EINTR and returns the connection") {
    auto listener = make_listener();
    const auto where = net::local_address(listener);
    const long before = signals_seen.load();
    std::error_code connect_error;
    net::address client_address;
    bool saw_signals = false;
    std::atomic<bool> done{false};
    net::socket client = net::make_socket(net::family::ipv4);
    quiet_thread connector([&] {
        saw_signals = signals_after(before, 3, done); // the server is blocked in accept() by now
        auto r = net::try_connect(client, where, io_timeout);
        if (!r) connect_error = r.error();
        else client_address = net::local_address(client);
    });
    std::error_code accept_error;
    net::accept_result accepted;
    {
        alarm_storm storm;
        auto r = net::try_accept(listener);
        if (r) accepted = std::move(*r);
        else accept_error = r.error();
    }
    done = true;
    connector.join();
    CHECK(saw_signals);
    CHECK_MESSAGE(!connect_error, connect_error.message());
    REQUIRE_MESSAGE(!accept_error, accept_error.message());
    CHECK(accepted.socket.is_open());
    CHECK(accepted.peer == client_address);
}
