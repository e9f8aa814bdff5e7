// The implementation file of compile-once mode may come after other netsock includes: net.hpp
// compiles the implementation outside its include guard. (Before, the .ipp files were only
// reached through each header's first inclusion, and this file gave 72 undefined references.)
#include <net/socket.hpp>
#include <net/poller.hpp>
#include <net/net.hpp>
#define NETSOCK_IMPLEMENTATION
#include <net/net.hpp>
