#ifndef NETSOCK_DETAIL_PLATFORM_HPP
#define NETSOCK_DETAIL_PLATFORM_HPP

// The only file that tests the compiler's platform macros. Everything else uses the
// NETSOCK_OS_* and NETSOCK_HAS_* macros defined here, and only under detail/. It includes the
// OS layer of this platform: detail/os/posix.hpp or detail/os/windows.hpp, two files that
// define the same set of names in net::detail::os.

#include "../config.hpp"

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

// accept4() and SOCK_CLOEXEC: Linux and the BSDs; macOS has neither, so there a new socket
// is made close-on-exec by a second call (fcntl), not atomically.
#if defined(NETSOCK_OS_LINUX) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_ACCEPT4 1
#define NETSOCK_HAS_SOCK_CLOEXEC 1
#endif

// sockaddr has an sa_len member on macOS and the BSDs.
#if defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_SA_LEN 1
#endif

// sendfile(2), in its three shapes: Linux's sendfile(out, in, &offset, count), Apple's
// sendfile(fd, s, offset, &len, hdtr, flags) and FreeBSD's (DragonFly's) sendfile(fd, s, offset,
// nbytes, hdtr, &sbytes, flags). Other POSIX systems (NetBSD, OpenBSD, ...) have none: there
// net::sendfile reads and sends (os::send_file_by_copy).
#if defined(NETSOCK_OS_LINUX)
#define NETSOCK_SENDFILE_LINUX 1
#elif defined(NETSOCK_OS_APPLE)
#define NETSOCK_SENDFILE_APPLE 1
#elif defined(__FreeBSD__) || defined(__DragonFly__)
#define NETSOCK_SENDFILE_FREEBSD 1
#endif

// The poller backend, chosen here and nowhere else: epoll on Linux, kqueue on macOS and the
// BSDs, WSAPoll on Windows, and poll() on other POSIX systems or wherever NETSOCK_POLLER_POLL
// is defined (so that the poll backend is tested on Linux too). Exactly one of
// NETSOCK_POLLER_EPOLL, NETSOCK_POLLER_KQUEUE, NETSOCK_POLLER_POLLFD is defined; the last
// is poll() or WSAPoll(), whichever the OS has.
// NETSOCK_POLLER_NAME is what net::poller::backend_name() returns.
#if defined(NETSOCK_OS_WINDOWS)
#define NETSOCK_POLLER_POLLFD 1
#define NETSOCK_POLLER_NAME "wsapoll"
#elif defined(NETSOCK_POLLER_POLL)
#define NETSOCK_POLLER_POLLFD 1
#define NETSOCK_POLLER_NAME "poll"
#elif defined(NETSOCK_OS_LINUX)
#define NETSOCK_POLLER_EPOLL 1
#define NETSOCK_POLLER_NAME "epoll"
#elif defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
#define NETSOCK_POLLER_KQUEUE 1
#define NETSOCK_POLLER_NAME "kqueue"
#else
#define NETSOCK_POLLER_POLLFD 1
#define NETSOCK_POLLER_NAME "poll"
#endif

#if defined(NETSOCK_OS_WINDOWS)
#include "os/windows.hpp"
#else
#include "os/posix.hpp"
#endif

NETSOCK_BEGIN_NAMESPACE
/// The OS socket handle: `int` on POSIX, `SOCKET` on Windows.
using native_handle_type = detail::os::handle;
/// The value of a handle that refers to no socket.
inline constexpr native_handle_type invalid_handle = detail::os::invalid;
/// An open file of the OS, as `net::sendfile` takes it: a descriptor (`int`) on POSIX, a
/// `HANDLE` on Windows. netsock never owns it.
using native_file_type = detail::os::file_handle;
/// The value of a file handle that refers to no file: -1, INVALID_HANDLE_VALUE (a function:
/// the Windows value is a cast, not a constant).
inline native_file_type invalid_file() noexcept { return detail::os::invalid_file(); }
NETSOCK_END_NAMESPACE

#endif
