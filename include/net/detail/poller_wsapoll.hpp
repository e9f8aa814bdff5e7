#ifndef NETSOCK_DETAIL_POLLER_WSAPOLL_HPP
#define NETSOCK_DETAIL_POLLER_WSAPOLL_HPP

// WSAPoll backend (Windows): the poll() backend over os::poll, which is WSAPoll there.
// Caveat: before Windows 10 2004, WSAPoll does not report a failed non-blocking connect
// (PITFALLS A11); check SO_ERROR (net::socket_error) after a timeout.

#include "poller_poll.hpp"

#endif
