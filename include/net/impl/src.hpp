#ifndef NETSOCK_IMPL_SRC_HPP
#define NETSOCK_IMPL_SRC_HPP

// The implementation of netsock in compile-once mode (NETSOCK_SEPARATE_COMPILATION): compile
// exactly one file of the program that says
//     #include <net/impl/src.hpp>
// with the same switches as every other file (NETSOCK_POLLER_POLL, NETSOCK_NO_EXCEPTIONS, ...;
// a file whose switches differ fails to link, see config.hpp). It may come after any other
// netsock include: each .ipp has its own include guard. CMake's netsock::compiled target is
// this file, built for you.

#include "../config.hpp"

#if NETSOCK_HEADER_ONLY
#error                                                                                                       \
    "<net/impl/src.hpp> is for NETSOCK_SEPARATE_COMPILATION: define it for every file of the program (without it netsock is header-only and needs no implementation file)"
#endif

#include "../net.hpp"

#include "error.ipp"
#include "throw.ipp"
#include "address.ipp"
#include "socket.ipp"
#include "ops.ipp"
#include "cancel.ipp"
#include "options.ipp"
#include "message.ipp"
#include "file.ipp"
#include "resolve.ipp"
#include "poller.ipp"
#include "reader.ipp"
#include "host.ipp"

#endif
