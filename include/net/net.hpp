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
#include "timeout.hpp"
#include "cancel.hpp"
#include "buffer.hpp"
#include "address.hpp"
#include "events.hpp"
#include "socket.hpp"
#include "ops.hpp"
#include "options.hpp"
#include "message.hpp"
#include "file.hpp"
#include "resolve.hpp"
#include "poller.hpp"
#include "reader.hpp"
#include "host.hpp"

#endif

// Compile-once mode (NETSOCK_SEPARATE_COMPILATION), the implementation file: outside the include
// guard, so that it works even where <net/net.hpp> was included before NETSOCK_IMPLEMENTATION
// was defined. <net/impl/src.hpp> is the same without the macro.
#if defined(NETSOCK_IMPLEMENTATION) && !NETSOCK_HEADER_ONLY
#include "impl/src.hpp"
#endif
