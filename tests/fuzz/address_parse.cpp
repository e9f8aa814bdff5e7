// Fuzz target: net::address parsing and formatting.
//   - try_parse(text): never crashes, never reads past the input; on success the address
//     round-trips: parse(to_string()) == a, to_string() is a fixed point, parse(host(), port())
//     == a, equal addresses hash equally, and the text had no NUL and at most 128 characters.
//   - try_parse(host, port) (the first two bytes are the port): the same round trip, same port.
//   - try_local(path): path() gives the path back; try_local(path()) == a.
//   - try_from_native(bytes): any sockaddr-shaped bytes are either rejected or give an address
//     whose text form (IP families) parses back to an equal address.
// Built with libFuzzer by tools/fuzz.sh; replayed over tests/fuzz/corpus/address_parse/ by the
// CTest test reliability.fuzz_replay.address_parse.
#include <net/net.hpp>

#include "fuzz_check.hpp"

#include <sys/un.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace {

void check_ip_round_trip(const net::address& a, const char* what) {
    FUZZ_CHECK(a.family() != net::family::local, what);
    const std::string text = a.to_string();
    auto again = net::address::try_parse(text);
    FUZZ_CHECK(again.has_value(), what);
    FUZZ_CHECK(*again == a, what);
    FUZZ_CHECK(!(*again < a) && !(a < *again), what);
    FUZZ_CHECK(again->to_string() == text, what);
    FUZZ_CHECK(std::hash<net::address>{}(*again) == std::hash<net::address>{}(a), what);
    FUZZ_CHECK(again->port() == a.port(), what);
    FUZZ_CHECK(again->scope_id() == a.scope_id(), what);
    auto from_host = net::address::try_parse(a.host(), a.port());
    FUZZ_CHECK(from_host.has_value(), what);
    FUZZ_CHECK(*from_host == a, what);
    // The text form: IPv6 in brackets, IPv4 without.
    if (a.family() == net::family::ipv6)
        FUZZ_CHECK(text.front() == '[' && text.find("]:") != std::string::npos, what);
    else FUZZ_CHECK(text.find('[') == std::string::npos && text.find(':') != std::string::npos, what);
    // with_port / unmapped stay consistent.
    FUZZ_CHECK(a.with_port(a.port()) == a, what);
    if (a.is_v4_mapped()) {
        const auto v4 = a.unmapped();
        FUZZ_CHECK(v4.family() == net::family::ipv4 && v4.port() == a.port(), what);
        FUZZ_CHECK(v4.is_loopback() == a.is_loopback(), what);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // 1. try_parse(text)
    if (auto a = net::address::try_parse(text)) {
        FUZZ_CHECK(text.find('\0') == std::string_view::npos, "a text with a NUL was accepted");
        FUZZ_CHECK(size <= 128, "a text longer than 128 characters was accepted");
        check_ip_round_trip(*a, "try_parse(text) round trip");
    }

    // 2. try_parse(host, port): the first two bytes are the port.
    if (size >= 2) {
        const auto port = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
        if (auto a = net::address::try_parse(text.substr(2), port)) {
            FUZZ_CHECK(a->port() == port, "try_parse(host, port) lost the port");
            FUZZ_CHECK(text.substr(2).find('\0') == std::string_view::npos, "a host with a NUL was accepted");
            check_ip_round_trip(*a, "try_parse(host, port) round trip");
        }
    }

    // 3. try_local(path)
    if (auto a = net::address::try_local(text)) {
        FUZZ_CHECK(a->family() == net::family::local, "try_local gave another family");
        FUZZ_CHECK(a->path() == text, "path() differs from the path given");
        auto again = net::address::try_local(a->path());
        FUZZ_CHECK(again.has_value() && *again == *a, "try_local(path()) differs");
        FUZZ_CHECK(std::hash<net::address>{}(*again) == std::hash<net::address>{}(*a), "local hash");
        (void)a->to_string();
        (void)a->host();
    }

    // 4. try_from_native: the input as raw sockaddr bytes.
    if (auto a = net::address::try_from_native(data, size)) {
        FUZZ_CHECK(a->size() <= net::address::capacity(), "from_native size");
        const std::string text2 = a->to_string();
        (void)a->host();
        if (a->family() != net::family::local) {
            check_ip_round_trip(*a, "try_from_native round trip");
        } else if (!a->path().empty() && a->path().front() != '\0') {
            // The kernel may report a path that fills sun_path without a terminating NUL (Linux
            // accepts binding one); netsock represents it, but try_local() builds only paths
            // that leave room for the NUL (documented): that one is filename_too_long.
            const std::string path = a->path();
            auto again = net::address::try_local(path);
            if (path.size() >= sizeof(::sockaddr_un{}.sun_path)) {
                FUZZ_CHECK(!again && again.error() == std::errc::filename_too_long,
                           "a full-length local path was not filename_too_long");
            } else {
                FUZZ_CHECK(again.has_value() && *again == *a, "from_native local path round trip");
            }
            FUZZ_CHECK(text2 == path, "local to_string");
        }
    }
    return 0;
}
