// Unit tests for <net/format.hpp>: std::format (where the standard library has <format>: the
// clang-19/libc++ C++23 build of tools/ci/modes.sh) and {fmt} (where <fmt/format.h> exists,
// used header-only), both with the formatted text checked exactly.
#include <doctest/doctest.h>

#if defined(__has_include)
#if __has_include(<fmt/format.h>)
#define FMT_HEADER_ONLY 1
#include <fmt/format.h>
#endif
#endif

#include <net/format.hpp>
#include <net/net.hpp>

#include <string>

TEST_CASE("std::format of addresses, errors and error enums") {
#if defined(__cpp_lib_format) && __cpp_lib_format >= 201907L
    const auto a = net::address::parse("127.0.0.1:8080");
    CHECK(std::format("{}", a) == "127.0.0.1:8080");
    CHECK(std::format("[{:>16}]", a) == "[  127.0.0.1:8080]");
    CHECK(std::format("{:*<16}", net::address::parse("[::1]:443")) == "[::1]:443*******");
    CHECK(std::format("{:.9}", a) == "127.0.0.1");
    CHECK(std::format(L"{}", a) == L"127.0.0.1:8080");
    const net::error e(std::make_error_code(std::errc::address_in_use), "bind", a.to_string());
    CHECK(std::format("{}", e) == std::string(e.what()));
    CHECK(std::format("{}", net::errc::eof) == net::make_error_code(net::errc::eof).message());
    CHECK(std::format("{}", net::resolve_errc::host_not_found) ==
          net::make_error_condition(net::resolve_errc::host_not_found).message());
#else
    MESSAGE("skipped: this standard library has no <format> (std::format is tested in the clang-19/libc++ "
            "C++23 build)");
#endif
}

TEST_CASE("{fmt} formatting of addresses and errors") {
#if defined(FMT_VERSION)
    const auto a = net::address::parse("[fe80::1%1]:22");
    CHECK(fmt::format("{}", a) == a.to_string());
    CHECK(fmt::format("{:>20}", net::address::parse("10.0.0.1:5")) == "          10.0.0.1:5");
    const net::error e(std::make_error_code(std::errc::connection_refused), "connect", "127.0.0.1:9");
    CHECK(fmt::format("{}", e) == std::string(e.what()));
    CHECK(fmt::format("{}", net::errc::eof) == net::make_error_code(net::errc::eof).message());
    CHECK(fmt::format("{}", net::resolve_errc::host_not_found) ==
          net::make_error_condition(net::resolve_errc::host_not_found).message());
#else
    MESSAGE("skipped: no <fmt/format.h> here (Debian: libfmt-dev)");
#endif
}
