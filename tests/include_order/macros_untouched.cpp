// Including netsock defines none of the user's macros: NOMINMAX and WIN32_LEAN_AND_MEAN stay
// undefined, and the user's _WIN32_WINNT (here Windows 10, 0x0A00) stays what the user set
// (netsock's own default would be 0x0601).
#define _WIN32_WINNT 0x0A00

// The standard library's own macros first: MinGW's libstdc++ defines NOMINMAX itself in every
// standard header (bits/os_defines.h). Only what netsock adds on top is checked.
#include <cstddef>
#if defined(NOMINMAX)
#define NETSOCK_CHECK_STD_DEFINES_NOMINMAX 1
#endif

#include <net/net.hpp>

#if defined(NOMINMAX) && !defined(NETSOCK_CHECK_STD_DEFINES_NOMINMAX)
#error "<net/net.hpp> defined NOMINMAX"
#endif
#if defined(WIN32_LEAN_AND_MEAN)
#error "<net/net.hpp> defined WIN32_LEAN_AND_MEAN"
#endif
#if _WIN32_WINNT != 0x0A00
#error "<net/net.hpp> changed the user's _WIN32_WINNT"
#endif

int netsock_include_order_check() { return net::try_make_socket(net::family::ipv4) ? 1 : 0; }
