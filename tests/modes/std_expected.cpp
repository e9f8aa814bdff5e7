// Which net::result a build uses, asserted at compile time. Built only when tools/ci/modes.sh
// (or you) configure with -DNETSOCK_TEST_EXPECT_STD_EXPECTED=ON or OFF:
//   ON   C++23 with a library that has std::expected (clang-19 + libc++-19): net::result<T> must
//        be std::expected<T, std::error_code>;
//   OFF  C++17/C++20: the bundled fallback net::detail::expected<T>.
#include <net/net.hpp>

#include <system_error>
#include <type_traits>

#if NETSOCK_TEST_EXPECT_STD_EXPECTED
#include <expected>
static_assert(net::result_is_std_expected, "net::result must be std::expected in this build");
static_assert(std::is_same_v<net::result<int>, std::expected<int, std::error_code>>);
static_assert(std::is_same_v<net::result<void>, std::expected<void, std::error_code>>);
static_assert(std::is_same_v<net::unexpected<std::error_code>, std::unexpected<std::error_code>>);
#else
static_assert(!net::result_is_std_expected, "net::result must be the bundled type in this build");
static_assert(std::is_same_v<net::result<int>, net::detail::expected<int>>);
#endif

int main() {
    // One value through each face, so the program exercises what it asserts.
    net::result<int> r = net::address::try_parse("127.0.0.1:80").transform([](const net::address& a) {
        return static_cast<int>(a.port());
    });
    return r && *r == 80 ? 0 : 1;
}
