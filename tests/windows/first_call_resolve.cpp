// The first netsock call of a Windows program can be name resolution: getaddrinfo needs
// WSAStartup (else WSANOTINITIALISED, 10093), and the library does it lazily. A program of
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
        const auto found = net::resolve("127.0.0.1", "8080"); // the very first netsock call
        check(!found.empty() && found[0] == net::address::parse("127.0.0.1:8080"),
              "resolve(\"127.0.0.1\", \"8080\") as the first call");
    } catch (const std::exception& e) {
        std::printf("  exception: %s\n", e.what());
        check(false, "resolve(\"127.0.0.1\", \"8080\") as the first call");
    }
    auto local = net::try_resolve("localhost", "80");
    if (!local) std::printf("  error: %s\n", local.error().message().c_str());
    check(local.has_value() && !local->empty(), "resolve(\"localhost\", \"80\")");
    return failures == 0 ? 0 : 1;
}
