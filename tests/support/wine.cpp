// Windows implementation of tests/support/wine.hpp. Wine's ntdll.dll exports wine_get_version;
// Windows' does not. Built only for Windows targets (tests/support/CMakeLists.txt).

#include "wine.hpp"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace netsock_test {
namespace {
using wine_get_version_fn = const char*(__cdecl*)();

wine_get_version_fn find_wine_get_version() noexcept {
    HMODULE ntdll = ::GetModuleHandleA("ntdll.dll");
    if (!ntdll) return nullptr;
    FARPROC p = ::GetProcAddress(ntdll, "wine_get_version");
    // Through void(*)(): a cast between function pointer types that -Wcast-function-type allows.
    return p ? reinterpret_cast<wine_get_version_fn>(reinterpret_cast<void (*)()>(p)) : nullptr;
}
} // namespace

bool running_under_wine() noexcept { return find_wine_get_version() != nullptr; }

std::string wine_version() {
    wine_get_version_fn f = find_wine_get_version();
    const char* v = f ? f() : nullptr;
    return v ? v : "";
}
} // namespace netsock_test
