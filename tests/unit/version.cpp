// Unit tests for <net/version.hpp>: net::version() and the NETSOCK_VERSION_* macros.

#include <doctest/doctest.h>

#include <net/net.hpp>

#include <cstring>
#include <string>
#include <type_traits>

// version() is usable at compile time and agrees with the macros there too.
static_assert(noexcept(net::version()), "version() must be noexcept");
static_assert(net::version().major == NETSOCK_VERSION_MAJOR, "major");
static_assert(net::version().minor == NETSOCK_VERSION_MINOR, "minor");
static_assert(net::version().patch == NETSOCK_VERSION_PATCH, "patch");
static_assert(std::is_same_v<decltype(net::version()), net::version_info>,
              "version() returns net::version_info by value");

TEST_CASE("version numbers match the NETSOCK_VERSION macros") {
    constexpr net::version_info v = net::version();
    CHECK(v.major == NETSOCK_VERSION_MAJOR);
    CHECK(v.minor == NETSOCK_VERSION_MINOR);
    CHECK(v.patch == NETSOCK_VERSION_PATCH);
}

TEST_CASE("version numbers are not negative") {
    CHECK(net::version().major >= 0);
    CHECK(net::version().minor >= 0);
    CHECK(net::version().patch >= 0);
}

TEST_CASE("version string matches NETSOCK_VERSION_STRING") {
    const net::version_info v = net::version();
    REQUIRE(v.string != nullptr);
    CHECK(std::string(v.string) == NETSOCK_VERSION_STRING);
}

TEST_CASE("version string is major.minor.patch built from the numbers") {
    const net::version_info v = net::version();
    const std::string expected =
        std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
    CHECK(std::string(v.string) == expected);
    CHECK(std::string(NETSOCK_VERSION_STRING) == expected);
}

TEST_CASE("version string has no surrounding text") {
    const std::string s = net::version().string;
    REQUIRE_FALSE(s.empty());
    CHECK(s.find_first_not_of("0123456789.") == std::string::npos);
    CHECK(s.front() != '.');
    CHECK(s.back() != '.');
}
