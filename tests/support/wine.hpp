#ifndef NETSOCK_TESTS_SUPPORT_WINE_HPP
#define NETSOCK_TESTS_SUPPORT_WINE_HPP

// Wine detection for the test suite. Wine differs from Windows in places (no AF_UNIX, blocking
// sends that never see a reset, ...): tests skip those checks under Wine only, at run time and
// with the reason printed (doctest MESSAGE), never silently:
//
//   if (netsock_test::running_under_wine()) {
//       MESSAGE("skipped under Wine " << netsock_test::wine_version() << ": <why>");
//       return;
//   }
//
// No <windows.h> here: feature tests include only <net/net.hpp> (and this header). The Windows
// implementation is tests/support/wine.cpp, compiled only for Windows targets.

#include <string>

namespace netsock_test {

#if defined(_WIN32)
/// True in a Windows build (real Windows or Wine).
constexpr bool on_windows() noexcept { return true; }
/// True when this Windows program runs under Wine (ntdll.dll exports wine_get_version); false
/// on real Windows.
bool running_under_wine() noexcept;
/// Wine's version ("8.0"), or "" when not running under Wine.
std::string wine_version();
#else
constexpr bool on_windows() noexcept { return false; }
inline bool running_under_wine() noexcept { return false; }
inline std::string wine_version() { return {}; }
#endif

} // namespace netsock_test

#endif
