// loadgen: a load generator for echo servers, written on netsock. Loopback benchmarks only.
//
//   loadgen --port P [--host H] --mode pingpong|stream|many [--conns N] [--size S]
//           [--rounds R] [--duration SEC] [--timeout SEC]
//
// Modes (every byte that comes back is verified; every loop is bounded in count and in time):
//   pingpong  N connections (default 1), each with one S-byte message (default 64) in flight:
//             send, wait for the whole echo, send the next; for --duration seconds (default 2)
//             or --rounds messages per connection. Reports round trips/s and p50/p99 latency.
//             One connection uses plain blocking calls; more use one net::poller.
//   stream    one connection, a writer thread sending S-byte writes (default 64 KiB) and a
//             reader thread receiving the echo, for --duration seconds. Reports GB/s (10^9
//             bytes of payload echoed per second).
//   many      N connections (default 1,000) opened first, then each does R round trips of
//             S bytes (default 10 x 64 B), all at once, on one net::poller. Reports connect
//             time, round trips/s and latency. Raises RLIMIT_NOFILE as far as needed.
// --timeout SEC (default 60) ends any run that has not finished (exit code 1).
//
// Prints exactly one line, `loadgen key=value ...`, with ok=1 on success (exit code 0) or ok=0
// and error="..." (exit code 1); exit code 2 for bad arguments.

#include <net/net.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr const char* usage_text =
    "usage: loadgen --port P [--host H] --mode pingpong|stream|many [--conns N] [--size S]\n"
    "               [--rounds R] [--duration SEC] [--timeout SEC]\n";

constexpr std::size_t max_latency_samples = 4'000'000; // memory bound: 16 MB of floats

struct usage_error {
    std::string message;
};

enum class mode { pingpong, stream, many };

struct options {
    net::address server;
    mode m = mode::pingpong;
    std::size_t conns = 0; // 0: the mode's default
    std::size_t size = 0;  // 0: the mode's default
    std::uint64_t rounds = 0;
    double duration = 2.0;
    double timeout = 60.0;
};

struct failure {
    std::string message;
};

[[noreturn]] void fail(const std::string& what) { throw failure{what}; }

std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                           std::uint64_t max) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
        throw usage_error{std::string(option) + ": expected a number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + std::string(text) + "'"};
    return value;
}

double parse_seconds(std::string_view option, std::string_view text) {
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !(v > 0) || v > 3600)
        throw usage_error{std::string(option) + ": expected seconds in (0, 3600], got '" + s + "'"};
    return v;
}

options parse_args(int argc, char** argv) {
    options o;
    std::string host = "127.0.0.1";
    std::uint64_t port = 0;
    bool have_port = false, have_mode = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) throw usage_error{std::string(arg) + " needs a value"};
            return argv[++i];
        };
        if (arg == "--host") {
            host = value();
        } else if (arg == "--port") {
            port = parse_number(arg, value(), 1, 65535);
            have_port = true;
        } else if (arg == "--mode") {
            const auto v = value();
            if (v == "pingpong") o.m = mode::pingpong;
            else if (v == "stream") o.m = mode::stream;
            else if (v == "many") o.m = mode::many;
            else throw usage_error{"--mode: expected pingpong, stream or many"};
            have_mode = true;
        } else if (arg == "--conns") {
            o.conns = parse_number(arg, value(), 1, 100000);
        } else if (arg == "--size") {
            o.size = parse_number(arg, value(), 1, 16u << 20);
        } else if (arg == "--rounds") {
            o.rounds = parse_number(arg, value(), 1, 1'000'000'000);
        } else if (arg == "--duration") {
            o.duration = parse_seconds(arg, value());
        } else if (arg == "--timeout") {
            o.timeout = parse_seconds(arg, value());
        } else {
            throw usage_error{"unknown argument '" + std::string(arg) + "'"};
        }
    }
    if (!have_port || !have_mode) throw usage_error{"--port and --mode are required"};
    auto a = net::address::try_parse(host, static_cast<std::uint16_t>(port));
    if (!a) throw usage_error{"--host: '" + host + "' is not a numeric IP address"};
    o.server = *a;
    if (o.conns == 0) o.conns = o.m == mode::many ? 1000 : 1;
    if (o.size == 0) o.size = o.m == mode::stream ? 64 * 1024 : 64;
    if (o.m == mode::stream && o.conns != 1) throw usage_error{"--mode stream uses one connection"};
    if (o.rounds == 0) o.rounds = o.m == mode::many ? 10 : 1'000'000'000;
    return o;
}

double seconds_between(clock_type::time_point a, clock_type::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// Makes room for `need` descriptors (soft limit up to the hard limit).
void ensure_descriptors(std::size_t need) {
    ::rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) fail("getrlimit failed");
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need) return;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
        fail("RLIMIT_NOFILE hard limit " + std::to_string(rl.rlim_max) + " is below the " +
             std::to_string(need) + " descriptors needed");
    rl.rlim_cur = need;
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) fail("cannot raise RLIMIT_NOFILE");
}

// The bytes of message `round` of connection `id`: a cheap pseudo-random stream, so a byte
// that lands on the wrong connection or in the wrong round does not compare equal.
void fill_message(std::uint64_t id, std::uint64_t round, unsigned char* out, std::size_t size) {
    std::uint64_t x = (id << 32) ^ round ^ 0x9e3779b97f4a7c15ull;
    for (std::size_t i = 0; i < size; i += 8) {
        x += 0x9e3779b97f4a7c15ull; // splitmix64
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        std::memcpy(out + i, &z, (std::min)(std::size_t{8}, size - i));
    }
}

struct latency {
    std::vector<float> us; // microseconds, at most max_latency_samples
    void reserve(std::size_t n) { us.reserve((std::min)(n, max_latency_samples)); }
    void add(clock_type::duration d) {
        if (us.size() < max_latency_samples)
            us.push_back(std::chrono::duration<float, std::micro>(d).count());
    }
    double percentile(double p) {
        if (us.empty()) return 0;
        const auto k = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1) + 0.5);
        std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(k), us.end());
        return us[k];
    }
};

net::socket connect_one(const options& o, clock_type::time_point give_up) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(give_up - clock_type::now());
    if (left <= 0ms) fail("timed out while connecting");
    net::socket s = net::make_socket(o.server.family());
    if (auto r = net::try_connect(s, o.server, left); !r) fail("connect: " + r.error().message());
    net::set_option(s, net::no_delay{true});
    return s;
}

// ---------------------------------------------------------------------------------------------
// pingpong, one connection: blocking calls, the least client work per round trip.

void run_pingpong_one(const options& o) {
    const auto start = clock_type::now();
    const auto give_up =
        start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.timeout));
    net::socket s = connect_one(o, give_up);
    // A server that stops answering must not hang us: every recv/send gives up after this.
    const auto io_limit = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
    net::set_option(s, net::receive_timeout{io_limit});
    net::set_option(s, net::send_timeout{io_limit});

    std::vector<unsigned char> out(o.size), in(o.size);
    latency lat;
    lat.reserve(static_cast<std::size_t>(o.duration * 200'000));
    const auto t0 = clock_type::now();
    const auto stop =
        t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.duration));
    std::uint64_t round = 0;
    auto now = t0;
    while (round < o.rounds && now < stop) {
        fill_message(0, round, out.data(), out.size());
        const auto sent_at = now;
        net::sendall(s, net::buffer(out));
        net::recv_exact(s, net::buffer(in));
        now = clock_type::now();
        if (std::memcmp(in.data(), out.data(), in.size()) != 0)
            fail("echo mismatch in round " + std::to_string(round));
        lat.add(now - sent_at);
        ++round;
    }
    const double secs = seconds_between(t0, now);
    net::shutdown(s, net::shutdown_type::send);
    char extra;
    if (net::recv(s, net::buffer(&extra, 1)) != 0) fail("bytes after the last echo");
    std::printf("loadgen mode=pingpong conns=1 size=%zu round_trips=%" PRIu64
                " seconds=%.4f rt_per_s=%.1f p50_us=%.2f p99_us=%.2f ok=1\n",
                o.size, round, secs, static_cast<double>(round) / secs, lat.percentile(0.50),
                lat.percentile(0.99));
}

// ---------------------------------------------------------------------------------------------
// pingpong with N connections and many: one poller, every connection one message in flight.

struct conn {
    net::socket s;
    std::uint64_t id = 0;
    std::uint64_t round = 0; // messages completed
    std::size_t sent = 0;    // bytes of the current message sent
    std::size_t got = 0;     // bytes of its echo received
    clock_type::time_point sent_at{};
    bool finishing = false; // shutdown(send) done, waiting for the server's EOF
    bool closed = false;
    net::events watched = net::events::readable;
};

class multi {
public:
    multi(const options& o, bool timed) : o_(o), timed_(timed), poller_(1024) {}

    void run() {
        const auto start = clock_type::now();
        give_up_ = start + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(o_.timeout));
        ensure_descriptors(o_.conns + 64);
        conns_.resize(o_.conns);
        for (std::size_t i = 0; i < o_.conns; ++i) {
            conns_[i].id = i;
            conns_[i].s = connect_one(o_, give_up_);
            net::set_nonblocking(conns_[i].s);
        }
        const auto connected = clock_type::now();
        out_.resize(o_.size);
        in_.resize(o_.size);
        expect_.resize(o_.size);
        lat_.reserve(timed_ ? static_cast<std::size_t>(o_.duration * 200'000) : o_.conns * o_.rounds);

        t0_ = clock_type::now();
        stop_ = timed_ ? t0_ + std::chrono::duration_cast<clock_type::duration>(
                                   std::chrono::duration<double>(o_.duration))
                       : give_up_;
        for (auto& c : conns_) {
            poller_.add(c.s, net::events::readable, &c);
            start_round(c);
        }
        std::size_t open = conns_.size();
        open_ = &open;
        while (open > 0) {
            if (clock_type::now() >= give_up_)
                fail("timed out with " + std::to_string(open) + " connection(s) unfinished");
            for (const net::poll_event& ev : poller_.wait(100ms))
                serve(*static_cast<conn*>(ev.data), ev.what);
        }
        const double secs = seconds_between(t0_, last_echo_);
        const char* name = timed_ ? "pingpong" : "many";
        std::printf("loadgen mode=%s conns=%zu size=%zu round_trips=%" PRIu64
                    " seconds=%.4f rt_per_s=%.1f p50_us=%.2f p99_us=%.2f connect_s=%.4f ok=1\n",
                    name, conns_.size(), o_.size, total_, secs, static_cast<double>(total_) / secs,
                    lat_.percentile(0.50), lat_.percentile(0.99), seconds_between(start, connected));
    }

private:
    void start_round(conn& c) {
        c.sent = 0;
        c.got = 0;
        fill_message(c.id, c.round, out_.data(), out_.size());
        c.sent_at = clock_type::now();
        send_some(c);
    }

    void send_some(conn& c) {
        if (c.sent < o_.size) {
            // The message is rebuilt from (id, round): nothing per connection to keep.
            if (c.sent > 0) fill_message(c.id, c.round, out_.data(), out_.size());
            auto n = net::try_send(c.s, net::buffer(out_.data() + c.sent, o_.size - c.sent));
            if (n) c.sent += *n;
            else if (!net::is_would_block(n.error())) fail("send: " + n.error().message());
        }
        watch(c, c.sent < o_.size ? net::events::readable | net::events::writable : net::events::readable);
    }

    void watch(conn& c, net::events want) {
        if (want == c.watched) return;
        poller_.modify(c.s, want, &c);
        c.watched = want;
    }

    void serve(conn& c, net::events what) {
        if (c.closed) return;
        if (net::has(what, net::events::writable) && c.sent < o_.size) send_some(c);
        if (!net::has(what, net::events::readable | net::events::hangup | net::events::error)) return;
        for (int budget = 0; budget < 4; ++budget) {
            if (c.finishing) {
                char extra;
                auto n = net::try_recv(c.s, net::buffer(&extra, 1));
                if (!n) {
                    if (net::is_would_block(n.error())) return;
                    fail("recv at the end: " + n.error().message());
                }
                if (*n != 0) fail("bytes after the last echo on connection " + std::to_string(c.id));
                poller_.remove(c.s);
                c.s.close();
                c.closed = true;
                --*open_;
                return;
            }
            auto n = net::try_recv(c.s, net::buffer(in_.data() + c.got, o_.size - c.got));
            if (!n) {
                if (net::is_would_block(n.error())) return;
                fail("recv: " + n.error().message());
            }
            if (*n == 0) fail("the server closed connection " + std::to_string(c.id) + " early");
            // Verify this piece against the expected bytes of the message in flight.
            fill_message(c.id, c.round, expect_.data(), expect_.size());
            if (std::memcmp(in_.data() + c.got, expect_.data() + c.got, *n) != 0)
                fail("echo mismatch on connection " + std::to_string(c.id));
            c.got += *n;
            if (c.got < o_.size) continue;
            if (c.sent < o_.size) fail("echo ahead of the message on connection " + std::to_string(c.id));
            const auto now = clock_type::now();
            lat_.add(now - c.sent_at);
            last_echo_ = now;
            ++c.round;
            ++total_;
            if (c.round < o_.rounds && now < stop_) {
                start_round(c);
                return;
            }
            net::shutdown(c.s, net::shutdown_type::send);
            c.finishing = true;
            watch(c, net::events::readable);
        }
    }

    const options& o_;
    bool timed_;
    net::poller poller_;
    std::vector<conn> conns_;
    std::vector<unsigned char> out_, in_, expect_;
    latency lat_;
    clock_type::time_point give_up_{}, t0_{}, stop_{}, last_echo_{};
    std::uint64_t total_ = 0;
    std::size_t* open_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// stream: a writer and a reader thread on one connection. Stream byte at offset k is
// pattern[k % period]; the period is prime, so a misplaced 64 KiB block does not match.

constexpr std::size_t period = 65521;

void run_stream(const options& o) {
    const auto start = clock_type::now();
    const auto give_up =
        start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.timeout));
    net::socket s = connect_one(o, give_up);
    std::vector<unsigned char> pattern(period + o.size);
    fill_message(1, 1, pattern.data(), period);
    for (std::size_t i = period; i < pattern.size(); ++i) pattern[i] = pattern[i % period];

    const auto io_limit = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
    std::atomic<bool> stop{false};
    std::uint64_t written = 0;
    std::string writer_error;
    const auto t0 = clock_type::now();
    std::thread writer([&] {
        // Bounded by time (the stop flag) and by count (2^40 bytes).
        std::uint64_t off = 0;
        while (!stop.load(std::memory_order_relaxed) && off < (1ull << 40)) {
            auto r = net::try_sendall(s, net::buffer(pattern.data() + off % period, o.size), io_limit);
            if (!r) {
                writer_error = "send: " + r.error().message();
                break;
            }
            off += o.size;
        }
        written = off;
        (void)net::try_shutdown(s, net::shutdown_type::send);
    });

    std::uint64_t received = 0;
    std::string reader_error;
    std::vector<unsigned char> buf(o.size);
    const auto stop_at =
        t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.duration));
    for (;;) {
        if (!stop.load(std::memory_order_relaxed) && clock_type::now() >= stop_at) stop.store(true);
        if (clock_type::now() >= give_up) {
            reader_error = "timed out";
            break;
        }
        auto n = net::try_recv(s, net::buffer(buf), io_limit);
        if (!n) {
            reader_error = "recv: " + n.error().message();
            break;
        }
        if (*n == 0) break; // the server's EOF after our EOF
        if (std::memcmp(buf.data(), pattern.data() + received % period, *n) != 0) {
            reader_error = "echo mismatch at byte " + std::to_string(received);
            break;
        }
        received += *n;
    }
    const auto t1 = clock_type::now();
    stop.store(true);
    if (!reader_error.empty()) (void)net::try_shutdown(s, net::shutdown_type::both); // unblock the writer
    writer.join();
    if (!writer_error.empty()) fail(writer_error);
    if (!reader_error.empty()) fail(reader_error);
    if (received != written)
        fail("echoed " + std::to_string(received) + " of " + std::to_string(written) + " bytes");
    const double secs = seconds_between(t0, t1);
    std::printf("loadgen mode=stream conns=1 size=%zu bytes=%" PRIu64
                " seconds=%.4f gbytes_per_s=%.4f ok=1\n",
                o.size, received, secs, static_cast<double>(received) / secs / 1e9);
}

} // namespace

int main(int argc, char** argv) {
    options o;
    try {
        o = parse_args(argc, argv);
    } catch (const usage_error& e) {
        std::fprintf(stderr, "loadgen: %s\n%s", e.message.c_str(), usage_text);
        return 2;
    }
    const char* mode_name = o.m == mode::pingpong ? "pingpong" : o.m == mode::stream ? "stream" : "many";
    try {
        if (o.m == mode::stream) run_stream(o);
        else if (o.m == mode::pingpong && o.conns == 1) run_pingpong_one(o);
        else multi(o, o.m == mode::pingpong).run();
        return 0;
    } catch (const failure& f) {
        std::printf("loadgen mode=%s conns=%zu size=%zu ok=0 error=\"%s\"\n", mode_name, o.conns, o.size,
                    f.message.c_str());
    } catch (const std::exception& e) {
        std::printf("loadgen mode=%s conns=%zu size=%zu ok=0 error=\"%s\"\n", mode_name, o.conns, o.size,
                    e.what());
    }
    return 1;
}
