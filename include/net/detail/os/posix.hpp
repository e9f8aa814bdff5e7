#ifndef NETSOCK_DETAIL_OS_POSIX_HPP
#define NETSOCK_DETAIL_OS_POSIX_HPP

// POSIX (Linux, macOS, BSD): OS headers, the handle type and the raw primitives that differ
// from Windows. Included only by detail/platform.hpp.

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <system_error>

namespace net {
/// The OS socket handle: `int` on POSIX, `SOCKET` on Windows.
using native_handle_type = int;
/// The value of a handle that refers to no socket.
inline constexpr native_handle_type invalid_handle = -1;

namespace detail::os {
using socklen_type = socklen_t;
using sockaddr_un_type = ::sockaddr_un;
using pollfd_type = ::pollfd;
using nfds_type = ::nfds_t;
using io_length = std::size_t; // length argument of send/recv

inline constexpr int af_local = AF_UNIX;
inline constexpr int shut_rd = SHUT_RD;
inline constexpr int shut_wr = SHUT_WR;
inline constexpr int shut_rdwr = SHUT_RDWR;

// MSG_NOSIGNAL stops SIGPIPE per send on Linux/BSD; Apple uses SO_NOSIGPIPE per socket
// instead (PITFALLS B1, B2). Never a fake value.
#if defined(MSG_NOSIGNAL)
inline constexpr int send_flags = MSG_NOSIGNAL;
#else
inline constexpr int send_flags = 0;
#endif
inline constexpr int dontwait_flag = MSG_DONTWAIT;

// Socket option names that differ between systems; -1 = not available here.
#if defined(SO_REUSEPORT)
inline constexpr int opt_reuse_port = SO_REUSEPORT;
#else
inline constexpr int opt_reuse_port = -1;
#endif
#if defined(TCP_KEEPIDLE)
inline constexpr int opt_keep_idle = TCP_KEEPIDLE;
#elif defined(TCP_KEEPALIVE) // macOS names the idle time TCP_KEEPALIVE
inline constexpr int opt_keep_idle = TCP_KEEPALIVE;
#else
inline constexpr int opt_keep_idle = -1;
#endif
#if defined(TCP_KEEPINTVL)
inline constexpr int opt_keep_interval = TCP_KEEPINTVL;
#else
inline constexpr int opt_keep_interval = -1;
#endif
#if defined(TCP_KEEPCNT)
inline constexpr int opt_keep_count = TCP_KEEPCNT;
#else
inline constexpr int opt_keep_count = -1;
#endif
// IP_MULTICAST_TTL/LOOP take an unsigned char on macOS and the BSDs, an int on Linux.
#if defined(NETSOCK_OS_LINUX)
using multicast_v4_value = int;
#else
using multicast_v4_value = unsigned char;
#endif
using linger_value = int;

// SO_RCVTIMEO/SO_SNDTIMEO take a timeval, normalised (macOS rejects tv_usec >= 1e6: EDOM).
struct timeout_value {
    ::timeval tv;
    static timeout_value from_ms(long long ms) noexcept {
        timeout_value v{};
        v.tv.tv_sec = static_cast<decltype(v.tv.tv_sec)>(ms / 1000);
        v.tv.tv_usec = static_cast<decltype(v.tv.tv_usec)>((ms % 1000) * 1000);
        return v;
    }
    long long to_ms() const noexcept {
        return static_cast<long long>(tv.tv_sec) * 1000 + static_cast<long long>(tv.tv_usec) / 1000;
    }
};

inline int last_error() noexcept { return errno; }
inline bool is_interrupted(int e) noexcept { return e == EINTR; }
inline bool is_would_block(int e) noexcept { return e == EAGAIN || e == EWOULDBLOCK; }
inline bool is_connection_aborted(int e) noexcept { return e == ECONNABORTED; }
inline bool is_in_progress(int e) noexcept { return e == EINPROGRESS || e == EALREADY; }

inline std::string error_message(int e) { return std::generic_category().message(e); }
inline std::error_condition error_condition_of(int e) noexcept {
    return {e, std::generic_category()};
}

// Nothing to start on POSIX.
inline int start() noexcept { return 0; }

// Makes a freshly created or accepted socket safe: close-on-exec where SOCK_CLOEXEC/accept4
// could not do it atomically, and SO_NOSIGPIPE on Apple.
inline int harden(native_handle_type h, bool cloexec_done) noexcept {
    if (!cloexec_done && ::fcntl(h, F_SETFD, FD_CLOEXEC) != 0) return errno;
#if defined(SO_NOSIGPIPE)
    int one = 1;
    if (::setsockopt(h, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) != 0) return errno;
#endif
    return 0;
}

inline native_handle_type open_socket(int family, int type, int protocol, int& err) noexcept {
#if defined(NETSOCK_HAS_SOCK_CLOEXEC)
    native_handle_type h = ::socket(family, type | SOCK_CLOEXEC, protocol);
    const bool cloexec_done = true;
#else
    native_handle_type h = ::socket(family, type, protocol);
    const bool cloexec_done = false;
#endif
    if (h < 0) {
        err = errno;
        return invalid_handle;
    }
    if ((err = harden(h, cloexec_done)) != 0) {
        ::close(h);
        return invalid_handle;
    }
    return h;
}

inline int set_nonblocking(native_handle_type h, bool on) noexcept {
    int flags = ::fcntl(h, F_GETFL, 0);
    if (flags < 0) return errno;
    int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(h, F_SETFL, wanted) != 0) return errno;
    return 0;
}

// Returns 1 if non-blocking, 0 if blocking, -1 if unknown (error in err).
inline int is_nonblocking(native_handle_type h, int& err) noexcept {
    int flags = ::fcntl(h, F_GETFL, 0);
    if (flags < 0) {
        err = errno;
        return -1;
    }
    return (flags & O_NONBLOCK) ? 1 : 0;
}

// accept() with close-on-exec, SO_NOSIGPIPE and blocking mode set on the new socket,
// whatever the listener's mode (macOS and the BSDs inherit O_NONBLOCK: PITFALLS B4).
inline native_handle_type accept_socket(native_handle_type h, ::sockaddr* sa, socklen_type* len,
                                        int& err) noexcept {
#if defined(NETSOCK_HAS_ACCEPT4)
    native_handle_type c = ::accept4(h, sa, len, SOCK_CLOEXEC);
    const bool cloexec_done = true;
#else
    native_handle_type c = ::accept(h, sa, len);
    const bool cloexec_done = false;
#endif
    if (c < 0) {
        err = errno;
        return invalid_handle;
    }
    err = harden(c, cloexec_done);
#if !defined(NETSOCK_OS_LINUX)
    if (err == 0) err = set_nonblocking(c, false);
#endif
    if (err != 0) {
        ::close(c);
        return invalid_handle;
    }
    return c;
}

// close() is never retried: on Linux the descriptor is gone even after EINTR (PITFALLS B5).
inline int close_socket(native_handle_type h) noexcept { return ::close(h) == 0 ? 0 : errno; }

inline int poll(pollfd_type* fds, nfds_type n, int timeout_ms) noexcept {
    return ::poll(fds, n, timeout_ms);
}

inline void sleep_ms(int ms) noexcept { ::poll(nullptr, 0, ms); }

inline int socket_pair(int type, native_handle_type out[2]) noexcept {
#if defined(NETSOCK_HAS_SOCK_CLOEXEC)
    if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, out) != 0) return errno;
    const bool cloexec_done = true;
#else
    if (::socketpair(AF_UNIX, type, 0, out) != 0) return errno;
    const bool cloexec_done = false;
#endif
    for (int i = 0; i < 2; ++i) {
        if (int e = harden(out[i], cloexec_done); e != 0) {
            ::close(out[0]);
            ::close(out[1]);
            return e;
        }
    }
    return 0;
}

// Interface name <-> index for IPv6 scope ids ("fe80::1%eth0"). 0 = unknown.
inline unsigned interface_index(const char* name) noexcept { return ::if_nametoindex(name); }
inline bool interface_name(unsigned index, char (&out)[IF_NAMESIZE + 1]) noexcept {
    return ::if_indextoname(index, out) != nullptr;
}
inline constexpr std::size_t interface_name_size = IF_NAMESIZE + 1;

// Datagram receive that reports truncation: recvmsg + MSG_TRUNC (PITFALLS A16).
inline long recv_from(native_handle_type h, void* data, std::size_t size, int flags, ::sockaddr* sa,
                      socklen_type* len, bool& truncated, int& err) noexcept {
    ::iovec iov{};
    iov.iov_base = data;
    iov.iov_len = size;
    ::msghdr msg{};
    msg.msg_name = sa;
    msg.msg_namelen = *len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t n = ::recvmsg(h, &msg, flags);
    if (n < 0) {
        err = errno;
        return -1;
    }
    *len = msg.msg_namelen;
    truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    return static_cast<long>(n);
}

// Numeric text <-> binary address. Vista+ and POSIX both have these (no shims: PITFALLS A5).
inline bool pton(int family, const char* text, void* out) noexcept {
    return ::inet_pton(family, text, out) == 1;
}
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return ::inet_ntop(family, in, out, static_cast<socklen_t>(size)) != nullptr;
}

inline const char* resolver_message(int code) noexcept { return ::gai_strerror(code); }
} // namespace detail::os
} // namespace net

#endif
