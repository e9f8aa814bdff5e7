#ifndef NETSOCK_NET_HPP
#define NETSOCK_NET_HPP

/// netsock: a header-only, cross-platform C++17 socket library.
/// `#include <net/net.hpp>` gives net::socket, net::address and the BSD/Python-style free
/// functions (bind, listen, accept, connect, send, sendall, recv, ...), each with a
/// non-throwing `try_` twin returning net::result<T>.

#include "version.hpp"
#include "config.hpp"
#include "error.hpp"
#include "result.hpp"
#include "buffer.hpp"
#include "address.hpp"
#include "socket.hpp"
#include "ops.hpp"
#include "options.hpp"
#include "resolve.hpp"
#include "poller.hpp"

#endif
