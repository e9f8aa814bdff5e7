// <windows.h> with WIN32_LEAN_AND_MEAN (but without NOMINMAX) before netsock compiles, warning
// free. The min/max macros stay the user's (netsock defines no NOMINMAX, undefines nothing) and
// do not break the library, which writes (std::min)(a, b): the parentheses stop a function-like
// min/max macro from expanding.
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

// MinGW's libstdc++ defines NOMINMAX in every standard header (bits/os_defines.h), so in C++
// its <windows.h> never defines min/max; MSVC's does. Define them as <minwindef.h> does, so the
// check means the same with every toolchain. libstdc++ itself cannot live with these macros
// (<limits> declares max()), so the standard headers netsock uses come first, from a list
// generated at configure time; what is checked here is netsock's own code.
#include "netsock_std_headers.hpp"
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif

#include <net/net.hpp>

#if !defined(min) || !defined(max)
#error "the min/max macros of <windows.h> disappeared after <net/net.hpp>"
#endif

int netsock_include_order_check() {
    // Library templates, instantiated here, after both headers.
    auto s = net::try_make_socket(net::family::ipv4);
    char buf[16];
    if (s) (void)net::try_recv(*s, net::buffer(buf), std::chrono::milliseconds(5));
    (void)net::try_get_option<net::receive_timeout>(net::socket());
    // The user's own code after both headers: std::min/std::max in the macro-proof spelling,
    // and the macros themselves still work.
    return (std::min)(1, 2) + (std::max)(3, 4) + min(5, 6) + max(7, 8) +
           (std::numeric_limits<int>::max)() % 7;
}
