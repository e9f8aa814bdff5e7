// netsock before a full <windows.h> (no WIN32_LEAN_AND_MEAN, no NOMINMAX) compiles, warning
// free: <winsock2.h> comes first and keeps the old <winsock.h> out (had <winsock.h> come first,
// <winsock2.h> would redefine sockaddr and friends: hundreds of errors).

// The standard library's own macros first: MinGW's libstdc++ defines NOMINMAX itself in every
// standard header (bits/os_defines.h). Only what netsock adds on top is checked.
#include <cstddef>
#if defined(NOMINMAX)
#define NETSOCK_CHECK_STD_DEFINES_NOMINMAX 1
#endif

#include <net/net.hpp>

// The library defined none of the user's macros.
#if defined(NOMINMAX) && !defined(NETSOCK_CHECK_STD_DEFINES_NOMINMAX)
#error "<net/net.hpp> defined NOMINMAX"
#endif
#if defined(WIN32_LEAN_AND_MEAN)
#error "<net/net.hpp> defined WIN32_LEAN_AND_MEAN"
#endif

#include <windows.h>

#include <algorithm>
#include <chrono>

int netsock_include_order_check() {
    auto s = net::try_make_socket(net::family::ipv4);
    char buf[16];
    if (s) (void)net::try_recv(*s, net::buffer(buf), std::chrono::milliseconds(5));
    ::Sleep(0); // something from the full <windows.h>
    return (std::min)(1, 2) + (std::max)(3, 4);
}
