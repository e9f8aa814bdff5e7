// A two-file program whose files use netsock with different switches: this file with the
// defaults, poll_user.cpp with NETSOCK_POLLER_POLL (a different net::poller layout). Each
// file makes, fills and destroys pollers of its own. Every netsock name carries the switches
// in its inline namespace (include/net/config.hpp), so the two layouts are two types:
// - header-only: it links and runs, each file with its own poller (build.abi_mixed_header_only.*);
//   without the namespace the linker kept one of two different inline definitions and the
//   program freed memory that the other layout had allocated;
// - compile-once: it fails to link, and the missing symbols name the switches of the file that
//   differs (build.abi_mismatch_fails_to_link, abi_check.cmake).
#include <net/net.hpp>

#include <chrono>
#include <cstdio>

int poll_user(); // poll_user.cpp: 0 on success

namespace {
int own_poller() {
    auto [a, b] = net::socket_pair();
    net::poller p(4);
    p.add(b, net::events::readable);
    net::sendall(a, net::buffer("x", 1));
    std::size_t seen = 0;
    for (const auto& ev : p.wait(std::chrono::seconds(5)))
        if (ev.handle == b.native_handle() && net::has(ev.what, net::events::readable)) ++seen;
    return seen == 1 ? 0 : 1;
}
} // namespace

int main() {
    for (int round = 0; round < 50; ++round) {
        if (own_poller() != 0 || poll_user() != 0) {
            std::printf("round %d failed\n", round);
            return 1;
        }
    }
    std::puts("two switch sets in one program: ok");
    return 0;
}
