// lookup: the one file of the program that compiles netsock (README "Compile once"). Every
// file is built with NETSOCK_SEPARATE_COMPILATION; only this one defines NETSOCK_IMPLEMENTATION.
#define NETSOCK_IMPLEMENTATION
#include <net/net.hpp>
