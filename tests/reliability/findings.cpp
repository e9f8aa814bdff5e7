// Regressions for what the fuzzers found in the library (the inputs themselves are kept in
// tests/fuzz/corpus/<target>/regress-*, replayed by reliability.fuzz_replay.<target>). Each
// test reaches the defect through the public API only.
#include <doctest/doctest.h>

#include <net/net.hpp>

#include "support.hpp"

#include <string>

using namespace reliability;

// Found by tests/fuzz/address_parse.cpp (regress-unnamed-local-host-memcpy-null): host() of an
// unnamed local address — the peer of a socket_pair, an unbound local socket, any(local) —
// called memcpy(out, nullptr, 0), undefined behaviour that UBSan reports ("null pointer passed
// as argument 2, which is declared to never be null"). It fails under the ASan+UBSan leg
// (tools/ci/sanitize.sh) and the fuzz leg until address.hpp copies only when there is a path.
TEST_CASE("host() and to_string() of an unnamed local address are empty strings") {
    CHECK(net::address::any(net::family::local).host().empty());
    CHECK(net::address::loopback(net::family::local).host().empty());
    CHECK(net::address::any(net::family::local).to_string().empty());
    auto [a, b] = net::socket_pair();
    const auto mine = net::local_address(a);
    CHECK(mine.family() == net::family::local);
    CHECK(mine.host().empty());
    CHECK(mine.to_string().empty());
    CHECK(net::peer_address(b).host().empty());
}
