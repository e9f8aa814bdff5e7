// No heap allocation on the data path: send, recv, their timed forms (including timeouts that
// expire and would-block errors), sendall, recv_exact and poller::wait, on connected sockets.
// Global operator new/delete are replaced by counting versions; the count is armed only around
// the calls under test (after a warm-up), and nothing inside an armed region allocates for its
// own bookkeeping: the checks run after disarming. Helper threads are started before arming
// and joined after, so their creation is not counted (their loops are counted, and use only
// netsock calls).
#include <doctest/doctest.h>

#include <net/net.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t n) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}

// Over-aligned blocks: malloc with room to align, the original pointer stored just before the
// returned block (std::aligned_alloc does not exist on Windows).
void* counted_aligned_alloc(std::size_t n, std::align_val_t al) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    const auto a = (std::max)(static_cast<std::size_t>(al), sizeof(void*));
    void* raw = std::malloc(n + a + sizeof(void*));
    if (!raw) return nullptr;
    auto addr = reinterpret_cast<std::uintptr_t>(raw) + sizeof(void*);
    addr = (addr + a - 1) / a * a;
    reinterpret_cast<void**>(addr)[-1] = raw;
    return reinterpret_cast<void*>(addr);
}
// Through a pointer the optimizer cannot see into: GCC otherwise inlines the replaced operator
// delete next to a `new` and warns about free() on memory from operator new (which is exactly
// what these replacements pair up, correctly).
void (*volatile release)(void*) = std::free;
void aligned_free(void* p) noexcept {
    if (p) release(static_cast<void**>(p)[-1]);
}

} // namespace

// Replacements for every form of the global allocation functions (C++17).
void* operator new(std::size_t n) {
    if (void* p = counted_alloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    if (void* p = counted_alloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned_alloc(n, a)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned_alloc(n, a)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(n, a);
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { aligned_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { aligned_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { aligned_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { aligned_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { aligned_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { aligned_free(p); }

namespace {

using namespace std::chrono_literals;

constexpr int rounds = 200;

// Counts the allocations made by `body` (all threads) while it runs.
template <class F> std::size_t allocations_in(F&& body) {
    allocations.store(0);
    counting.store(true);
    body();
    counting.store(false);
    return allocations.load();
}

// A connected TCP pair over loopback: {client, server side}.
std::pair<net::socket, net::socket> tcp_pair() {
    auto listener = net::create_server(net::address::parse("127.0.0.1:0"));
    auto client = net::make_socket(net::family::ipv4);
    net::connect(client, net::local_address(listener), 10s);
    auto accepted = net::accept(listener, 10s);
    return {std::move(client), std::move(accepted.socket)};
}

} // namespace

TEST_CASE("the counting operator new sees allocations") {
    // Guards the test itself: if the replacement were not used, every check below would pass
    // vacuously.
    static std::vector<int>* volatile escape; // keeps the compiler from eliding new/delete
    const std::size_t n = allocations_in([] {
        escape = new std::vector<int>(100);
        delete escape;
    });
    CHECK(n >= 1);
}

TEST_CASE("send and recv allocate nothing") {
    auto sockets = net::socket_pair(); // no structured bindings: lambdas capture a and b (C++17)
    net::socket& a = sockets.first;
    net::socket& b = sockets.second;
    char out[64] = {1, 2, 3};
    char in[64];
    net::send(a, net::buffer(out)); // warm-up
    net::recv(b, net::buffer(in));
    bool ok = true;
    const std::size_t n = allocations_in([&] {
        for (int i = 0; i < rounds; ++i) {
            ok &= net::send(a, net::buffer(out)) == sizeof out;
            ok &= net::recv(b, net::buffer(in)) == sizeof in;
            ok &= net::try_send(b, net::buffer(out)).has_value();
            ok &= net::try_recv(a, net::buffer(in)).value_or(0) == sizeof in;
        }
    });
    CHECK(ok);
    CHECK(n == 0);
}

TEST_CASE("timed send and recv allocate nothing, also when the timeout expires") {
    auto sockets = tcp_pair(); // no structured bindings: lambdas capture a and b (C++17)
    net::socket& a = sockets.first;
    net::socket& b = sockets.second;
    char out[64] = {1, 2, 3};
    char in[64];
    (void)net::try_send(a, net::buffer(out), 1s); // warm-up, including one expiry
    (void)net::try_recv(b, net::buffer(in), 1s);
    (void)net::try_recv(b, net::buffer(in), 1ms);
    bool ok = true;
    int expired = 0;
    const std::size_t n = allocations_in([&] {
        for (int i = 0; i < rounds; ++i) {
            ok &= net::try_send(a, net::buffer(out), 1s).value_or(0) == sizeof out;
            std::size_t got = 0;
            while (got < sizeof in && ok) {
                auto r = net::try_recv(b, net::buffer(in + got, sizeof in - got), 1s);
                ok &= r.has_value();
                got += r.value_or(0);
            }
            if (i % 20 == 0) { // nothing to read: timed_out after 1 ms
                auto r = net::try_recv(b, net::buffer(in), 1ms);
                if (!r && r.error() == std::errc::timed_out) ++expired;
            }
        }
    });
    CHECK(ok);
    CHECK(expired == rounds / 20);
    CHECK(n == 0);
}

TEST_CASE("would-block errors on non-blocking sockets allocate nothing") {
    auto sockets = net::socket_pair();
    net::socket& b = sockets.second;
    net::set_nonblocking(b);
    char in[64];
    (void)net::try_recv(b, net::buffer(in));
    int would_block = 0;
    const std::size_t n = allocations_in([&] {
        for (int i = 0; i < rounds; ++i) {
            auto r = net::try_recv(b, net::buffer(in));
            if (!r && net::is_would_block(r.error())) ++would_block;
        }
    });
    CHECK(would_block == rounds);
    CHECK(n == 0);
}

TEST_CASE("sendall and recv_exact of large buffers allocate nothing") {
    auto sockets = tcp_pair(); // no structured bindings: lambdas capture a and b (C++17)
    net::socket& a = sockets.first;
    net::socket& b = sockets.second;
    constexpr std::size_t size = 1 << 20; // larger than the socket buffers: many partial sends
    constexpr int transfers = 8;
    std::vector<char> out(size, 'x'), in(size);
    std::vector<char> echo(size);
    bool peer_ok = true;
    // The peer echoes every MiB back: recv_exact, then sendall (both counted too).
    std::thread peer([&] {
        for (int i = 0; i < transfers + 1 && peer_ok; ++i) {
            peer_ok &= net::try_recv_exact(b, net::buffer(echo), 10s).has_value();
            peer_ok &= net::try_sendall(b, net::buffer(echo)).has_value();
        }
    });
    bool ok = true, warm_ok = true;
    // Warm-up: one transfer before counting, with the blocking forms.
    std::thread warm([&] { warm_ok = net::try_sendall(a, net::buffer(out)).has_value(); });
    ok &= net::try_recv_exact(a, net::buffer(in)).has_value();
    warm.join();
    CHECK(warm_ok);
    std::thread writer; // created outside the counted region, started inside
    std::atomic<bool> go{false};
    bool writer_ok = true;
    writer = std::thread([&] {
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < transfers; ++i) {
            if (i % 2 == 0) writer_ok &= net::sendall(a, net::buffer(out)) == size;
            else writer_ok &= net::try_sendall(a, net::buffer(out), 10s).has_value();
        }
    });
    const std::size_t n = allocations_in([&] {
        go.store(true);
        for (int i = 0; i < transfers; ++i) {
            if (i % 2 == 0) ok &= net::recv_exact(a, net::buffer(in)) == size;
            else ok &= net::try_recv_exact(a, net::buffer(in), 10s).has_value();
        }
    });
    writer.join();
    net::shutdown(a, net::shutdown_type::send); // ends the peer's last recv_exact (eof)
    peer.join();
    CHECK(ok);
    CHECK(writer_ok);
    CHECK(n == 0);
}

TEST_CASE("poller::wait allocates nothing, with events and on timeouts") {
    std::vector<std::pair<net::socket, net::socket>> pairs;
    for (int i = 0; i < 64; ++i) pairs.push_back(net::socket_pair());
    net::poller p;
    for (auto& pr : pairs) p.add(pr.first, net::events::readable, &pr);
    const char byte = 'x';
    (void)p.try_wait(0ms); // warm-up
    std::size_t seen = 0;
    int empty_waits = 0;
    bool ok = true;
    const std::size_t n = allocations_in([&] {
        for (int i = 0; i < rounds; ++i) {
            auto& pr = pairs[static_cast<std::size_t>(i) % pairs.size()];
            ok &= net::try_send(pr.second, net::buffer(&byte, 1)).has_value();
            for (const net::poll_event& ev : p.wait(1s)) {
                auto* ready = static_cast<std::pair<net::socket, net::socket>*>(ev.data);
                char c;
                ok &= net::try_recv(ready->first, net::buffer(&c, 1)).has_value();
                ++seen;
            }
            if (i % 20 == 0 && p.wait(1ms).empty()) ++empty_waits; // a timeout, no events
            ok &= p.try_modify(pr.first, net::events::readable, &pr).has_value();
        }
    });
    CHECK(ok);
    CHECK(seen == rounds);
    CHECK(empty_waits == rounds / 20);
    CHECK(n == 0);
}

TEST_CASE("datagram batches, recvmsg with packet info, sendto from a source and sendv allocate nothing") {
    auto rx = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(rx, net::address::any());
    const bool info = net::try_set_option(rx, net::receive_packet_info{true}).has_value();
    auto tx = net::make_socket(net::family::ipv4, net::socket_type::datagram);
    net::bind(tx, net::address::loopback());
    const auto to = net::address::loopback(net::family::ipv4, net::local_address(rx).port());
    char payload[64] = {7};
    char storage[8][64];
    net::datagram batch[8];
    for (int i = 0; i < 8; ++i) batch[i].buffer = net::buffer(storage[i]);
    net::outgoing_datagram out[8];
    for (auto& o : out) o = {net::buffer(payload), &to};
    char in[64];
    auto pair = net::socket_pair();
    net::socket& pa = pair.first;
    net::socket& pb = pair.second;
    // Warm-up.
    (void)net::try_send_batch(tx, out, 8, 1s);
    (void)net::try_recv_batch(rx, batch, 8, 1s);
    bool ok = true;
    const std::size_t n = allocations_in([&] {
        for (int i = 0; i < rounds; ++i) {
            std::size_t sent = 0, got = 0;
            for (int k = 0; k < 8 && sent < 8; ++k)
                sent += net::try_send_batch(tx, out + sent, 8 - sent, 1s).value_or(100); // an error: sent > 8
            for (int k = 0; k < 8 && got < 8; ++k)
                got += net::try_recv_batch(rx, batch + got, 8 - got, 1s).value_or(100);
            ok &= sent == 8 && got == 8;
            ok &= net::try_send_batch(rx, batch, got, 1s).has_value(); // echo, from each destination
            for (std::size_t k = 0; k < got; ++k)
                ok &= net::try_recvfrom(tx, net::buffer(in), 1s).has_value();
            ok &= net::try_sendto(tx, net::buffer(payload), to, 1s).has_value();
            auto m = net::try_recvmsg(rx, net::buffer(in), 1s);
            ok &= m.has_value() && (!info || m->has_destination);
            if (m)
                ok &= net::try_sendto(rx, net::buffer(in, m->size), m->sender, m->reply_source(), 1s)
                          .has_value();
            ok &= net::try_recvfrom(tx, net::buffer(in), 1s).has_value();
            const net::const_buffer parts[2] = {net::buffer(payload, 10), net::buffer(payload, 20)};
            ok &= net::try_sendv(pa, parts, 2, 1s).value_or(0) == 30;
            const net::mutable_buffer into[2] = {net::buffer(in, 5), net::buffer(in + 5, 59)};
            ok &= net::try_recvv(pb, into, 2, 1s).value_or(0) == 30;
        }
    });
    CHECK(ok);
    CHECK(n == 0);
}
