#ifndef NETSOCK_DETAIL_PLATFORM_HPP
#define NETSOCK_DETAIL_PLATFORM_HPP

// The only file that tests the compiler's platform macros. Everything else uses the
// NETSOCK_OS_* and NETSOCK_HAS_* macros defined here, and only under detail/.

#if defined(_WIN32)
#define NETSOCK_OS_WINDOWS 1
#else
#define NETSOCK_OS_POSIX 1
#if defined(__linux__)
#define NETSOCK_OS_LINUX 1
#elif defined(__APPLE__)
#define NETSOCK_OS_APPLE 1
#elif defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || defined(__DragonFly__)
#define NETSOCK_OS_BSD 1
#endif
#endif

// accept4() and SOCK_CLOEXEC: Linux and the BSDs; macOS has neither (PITFALLS B2).
#if defined(NETSOCK_OS_LINUX) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_ACCEPT4 1
#define NETSOCK_HAS_SOCK_CLOEXEC 1
#endif

// sockaddr has an sa_len member on macOS and the BSDs.
#if defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_SA_LEN 1
#endif

// The epoll poller backend (Linux only); kqueue on macOS and the BSDs.
#if defined(NETSOCK_OS_LINUX)
#define NETSOCK_HAS_EPOLL 1
#elif defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_KQUEUE 1
#endif

#if defined(NETSOCK_OS_WINDOWS)
#include "os/windows.hpp"
#else
#include "os/posix.hpp"
#endif

#endif
