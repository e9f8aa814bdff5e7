// netsock's implementation, compiled once: the one source file of the netsock::compiled CMake
// target (a static library with NETSOCK_SEPARATE_COMPILATION in its usage requirements). Any
// build system can do the same: compile one file like this one with NETSOCK_SEPARATE_COMPILATION
// defined and the same switches as the rest of the program. This spelling works with include/
// and with the single header alike; with include/, `#include <net/impl/src.hpp>` is the same.
#define NETSOCK_IMPLEMENTATION
#include <net/net.hpp>
