// The one translation unit that compiles netsock's implementation when the suite is built in
// compile-once mode (-DNETSOCK_TEST_SEPARATE_COMPILATION=ON: every TU has
// NETSOCK_SEPARATE_COMPILATION). cmake/netsock-warnings.cmake adds it to every executable of
// ours, so it is compiled with that executable's own definitions (NETSOCK_POLLER_POLL,
// NETSOCK_FAULT_INJECTION, -fno-exceptions, ...).
#if !defined(NETSOCK_SEPARATE_COMPILATION)
#error "tests/support/implementation.cpp is for NETSOCK_SEPARATE_COMPILATION builds only"
#endif
#define NETSOCK_IMPLEMENTATION
#include <net/net.hpp>
