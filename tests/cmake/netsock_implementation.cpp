// Compile-once mode in a consumer (README "Compile once"): the one file that compiles
// netsock's implementation; every other file sees declarations only.
#define NETSOCK_IMPLEMENTATION
#include <net/net.hpp>
