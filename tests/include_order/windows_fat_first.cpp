// EXPECTED TO FAIL: a full <windows.h> (no WIN32_LEAN_AND_MEAN) before netsock pulls in the
// old <winsock.h>, which cannot coexist with <winsock2.h>. The library must stop with exactly
// one #error that starts with "netsock:" and names the fix, not with hundreds of redefinitions.
// The driver (check.cmake) checks the message and that it is the only error.
#include <windows.h>

#include <net/net.hpp>

int netsock_include_order_check() { return 0; }
