// The first netsock call of a Windows program can be address parsing and formatting: Winsock
// starts lazily inside the library, with no explicit start-up call (without WSAStartup, Winsock
// calls fail with WSANOTINITIALISED). A program of
// its own, because start-up happens once per process.
#include <net/net.hpp>

#include <cstdio>
#include <exception>
#include <string>

int main() {
    int failures = 0;
    auto check = [&](bool ok, const char* what) {
        std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
        if (!ok) ++failures;
    };
    try {
        const auto v4 = net::address::parse("127.0.0.1:8080"); // the very first netsock call
        check(v4.to_string() == "127.0.0.1:8080" && v4.port() == 8080,
              "address::parse(\"127.0.0.1:8080\") as the first call, and back to text");
    } catch (const std::exception& e) {
        std::printf("  exception: %s\n", e.what());
        check(false, "address::parse(\"127.0.0.1:8080\") as the first call");
    }
    auto v6 = net::address::try_parse("[::1]:443");
    check(v6.has_value() && v6->to_string() == "[::1]:443" && v6->is_loopback(),
          "address::try_parse(\"[::1]:443\"), and back to text");
    auto bad = net::address::try_parse("256.1.1.1:80");
    check(!bad.has_value() && bad.error() == std::errc::invalid_argument,
          "a malformed address fails with invalid_argument (not a start-up error)");
    // Start-up really happened: a socket can be made afterwards.
    auto s = net::try_make_socket(net::family::ipv4, net::socket_type::stream);
    check(s.has_value(), "make_socket afterwards");
    return failures == 0 ? 0 : 1;
}
