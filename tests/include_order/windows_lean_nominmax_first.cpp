// <windows.h> with WIN32_LEAN_AND_MEAN and NOMINMAX before netsock compiles, warning free, and
// plain std::min/std::max work after both headers.
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <net/net.hpp>

#include <algorithm>
#include <chrono>

#if defined(min) || defined(max)
#error "min/max macros appeared although the user defined NOMINMAX"
#endif

int netsock_include_order_check() {
    auto s = net::try_make_socket(net::family::ipv4);
    char buf[16];
    if (s) (void)net::try_recv(*s, net::buffer(buf), std::chrono::milliseconds(5));
    return std::min(1, 2) + std::max(3, 4);
}
