#ifndef NETSOCK_DETAIL_OS_POSIX_HPP
#define NETSOCK_DETAIL_OS_POSIX_HPP

// The OS layer for POSIX (Linux, macOS, BSD): OS headers, types and the raw primitives.
// detail/os/windows.hpp defines the same names for Winsock; detail/sys.hpp is their only
// caller. Included only by detail/platform.hpp.

#include "../../config.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#if defined(NETSOCK_OS_LINUX)
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#endif
#include <signal.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail::os {
using handle = int;
inline constexpr handle invalid = -1;
using socklen_type = socklen_t;
using sockaddr_un_type = ::sockaddr_un;
using pollfd_type = ::pollfd;
using nfds_type = ::nfds_t;
using io_length = std::size_t; // length argument of send/recv

inline constexpr int af_local = AF_UNIX;
inline constexpr int shut_rd = SHUT_RD;
inline constexpr int shut_wr = SHUT_WR;
inline constexpr int shut_rdwr = SHUT_RDWR;

// MSG_NOSIGNAL stops SIGPIPE per send on Linux/BSD; Apple has no MSG_NOSIGNAL and uses the
// SO_NOSIGPIPE socket option instead (set by harden below). Never a fake value.
#if defined(MSG_NOSIGNAL)
inline constexpr int send_flags = MSG_NOSIGNAL;
#else
inline constexpr int send_flags = 0;
#endif
// One send call may pass the whole buffer: a partial send reports what went.
inline constexpr std::size_t send_piece = static_cast<std::size_t>(-1);
// A timed attempt (send_once, ...) does not wait: sys waits with poll.
inline constexpr bool attempt_waits = false;
// accept() honours SO_RCVTIMEO on Linux; macOS and the BSDs sleep in accept without a limit,
// so there netsock makes it apply (sys::accept_deadline), as on Windows.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool accept_uses_rcvtimeo = true;
#else
inline constexpr bool accept_uses_rcvtimeo = false;
#endif
// socketpair() exists.
inline constexpr bool has_socketpair = true;

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

// ---------------------------------------------------------------------------------------------
// Multicast filtering, source-specific multicast, UDP segmentation offload
// Option names and request types; -1 = not available here (the typed options then report
// no_protocol_option). windows.hpp defines the same names.
//
// IP_MULTICAST_ALL / IPV6_MULTICAST_ALL (Linux 2.6.31 / 4.20): whether a socket bound to a
// wildcard address receives datagrams for every group some socket on the host joined on the
// port (1, the default) or only for the groups it joined itself (0). Elsewhere the only
// behaviour is "the groups it joined" and there is no option.
#if defined(IP_MULTICAST_ALL)
inline constexpr int opt_multicast_all_v4 = IP_MULTICAST_ALL;
#else
inline constexpr int opt_multicast_all_v4 = -1;
#endif
#if defined(IPV6_MULTICAST_ALL)
inline constexpr int opt_multicast_all_v6 = IPV6_MULTICAST_ALL;
#elif defined(NETSOCK_OS_LINUX)
inline constexpr int opt_multicast_all_v6 = 29; // <linux/in6.h>; older libc headers lack it
#else
inline constexpr int opt_multicast_all_v6 = -1;
#endif
// Source-specific joins. IPv4: struct ip_mreq_source, whose field order differs between
// glibc/musl (group, interface, source), macOS/BSD and Windows (group, source, interface):
// fill it by field name only. IPv6: struct group_source_req by interface index.
#if defined(IP_ADD_SOURCE_MEMBERSHIP) && defined(IP_DROP_SOURCE_MEMBERSHIP)
using ip_mreq_source_type = ::ip_mreq_source;
inline constexpr int opt_add_source_membership = IP_ADD_SOURCE_MEMBERSHIP;
inline constexpr int opt_drop_source_membership = IP_DROP_SOURCE_MEMBERSHIP;
#else
struct ip_mreq_source_type {
    ::in_addr imr_multiaddr, imr_sourceaddr, imr_interface;
};
inline constexpr int opt_add_source_membership = -1;
inline constexpr int opt_drop_source_membership = -1;
#endif
#if defined(MCAST_JOIN_SOURCE_GROUP) && defined(MCAST_LEAVE_SOURCE_GROUP)
using group_source_req_type = ::group_source_req;
inline constexpr int opt_join_source_group = MCAST_JOIN_SOURCE_GROUP;
inline constexpr int opt_leave_source_group = MCAST_LEAVE_SOURCE_GROUP;
#else
struct group_source_req_type {
    unsigned gsr_interface;
    ::sockaddr_storage gsr_group, gsr_source;
};
inline constexpr int opt_join_source_group = -1;
inline constexpr int opt_leave_source_group = -1;
#endif
// UDP_SEGMENT (GSO, Linux 4.18) and UDP_GRO (Linux 5.0), at level IPPROTO_UDP (= SOL_UDP):
// from <netinet/udp.h> (glibc 2.28+), else the kernel's numbers on Linux; nowhere else.
#if defined(UDP_SEGMENT)
inline constexpr int opt_udp_segment = UDP_SEGMENT;
#elif defined(NETSOCK_OS_LINUX)
inline constexpr int opt_udp_segment = 103;
#else
inline constexpr int opt_udp_segment = -1;
#endif
#if defined(UDP_GRO)
inline constexpr int opt_udp_gro = UDP_GRO;
#elif defined(NETSOCK_OS_LINUX)
inline constexpr int opt_udp_gro = 104;
#else
inline constexpr int opt_udp_gro = -1;
#endif
using udp_segment_value = int; // the kernel reads an int (0 = off, at most 65535)
// (end of the multicast and UDP offload names)

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
inline void set_last_error(int e) noexcept { errno = e; }
inline bool is_interrupted(int e) noexcept { return e == EINTR; }
inline bool is_would_block(int e) noexcept { return e == EAGAIN || e == EWOULDBLOCK; }
inline bool is_connection_aborted(int e) noexcept { return e == ECONNABORTED; }
inline bool is_in_progress(int e) noexcept { return e == EINPROGRESS || e == EALREADY; }

inline std::string error_message(int e) { return std::generic_category().message(e); }
inline std::error_condition error_condition_of(int e) noexcept { return {e, std::generic_category()}; }

// The OS code for an error that netsock reports itself (a std::errc value), or 0 to report it
// in std::generic_category(): on POSIX the std::errc values are the errno values, whose text
// the C library has.
inline int native_error(std::errc) noexcept { return 0; }

// Nothing to start on POSIX.
inline int start() noexcept { return 0; }

// setsockopt/getsockopt levels need no check here (the kernel rejects IPPROTO_IPV6 options on
// IPv4 sockets itself, with ENOPROTOOPT).
inline int check_option_level(handle, int) noexcept { return 0; }

// getsockname works on unbound sockets: nothing to fill in.
inline bool unbound_name(handle, int, ::sockaddr*, socklen_type*) noexcept { return false; }

// The listener policy, applied when a TCP socket is bound: SO_REUSEADDR, which on POSIX only
// lets a restarted server bind while old connections are in TIME_WAIT; a second bind to a live
// listener still fails with EADDRINUSE.
inline int listener_policy(handle h) noexcept {
    int one = 1;
    return ::setsockopt(h, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 ? 0 : errno;
}

// Makes a freshly created or accepted socket safe: close-on-exec where SOCK_CLOEXEC/accept4
// could not do it atomically, and SO_NOSIGPIPE on Apple.
inline int harden(handle h, bool cloexec_done) noexcept {
    if (!cloexec_done && ::fcntl(h, F_SETFD, FD_CLOEXEC) != 0) return errno;
#if defined(SO_NOSIGPIPE)
    int one = 1;
    if (::setsockopt(h, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) != 0) return errno;
#endif
    return 0;
}

inline handle open_socket(int family, int type, int protocol, int& err) noexcept {
#if defined(NETSOCK_HAS_SOCK_CLOEXEC)
    handle h = ::socket(family, type | SOCK_CLOEXEC, protocol);
    const bool cloexec_done = true;
#else
    handle h = ::socket(family, type, protocol);
    const bool cloexec_done = false;
#endif
    if (h < 0) {
        err = errno;
        return invalid;
    }
    if ((err = harden(h, cloexec_done)) != 0) {
        ::close(h);
        return invalid;
    }
    return h;
}

inline int set_nonblocking(handle h, bool on) noexcept {
    int flags = ::fcntl(h, F_GETFL, 0);
    if (flags < 0) return errno;
    int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(h, F_SETFL, wanted) != 0) return errno;
    return 0;
}

// Returns 1 if non-blocking, 0 if blocking, -1 if unknown (error in err).
inline int is_nonblocking(handle h, int& err) noexcept {
    int flags = ::fcntl(h, F_GETFL, 0);
    if (flags < 0) {
        err = errno;
        return -1;
    }
    return (flags & O_NONBLOCK) ? 1 : 0;
}

// accept() with close-on-exec, SO_NOSIGPIPE and blocking mode set on the new socket,
// whatever the listener's mode (macOS and the BSDs give an accepted socket the listener's
// O_NONBLOCK; Linux never does).
inline handle accept_socket(handle h, ::sockaddr* sa, socklen_type* len, int& err) noexcept {
#if defined(NETSOCK_HAS_ACCEPT4)
    handle c = ::accept4(h, sa, len, SOCK_CLOEXEC);
    const bool cloexec_done = true;
#else
    handle c = ::accept(h, sa, len);
    const bool cloexec_done = false;
#endif
    if (c < 0) {
        err = errno;
        return invalid;
    }
    err = harden(c, cloexec_done);
#if !defined(NETSOCK_OS_LINUX)
    if (err == 0) err = set_nonblocking(c, false);
#endif
    if (err != 0) {
        ::close(c);
        return invalid;
    }
    return c;
}

// close() is never retried: on Linux the descriptor is gone even after EINTR, and a retry
// could close a descriptor another thread has just opened (close(2), "Dealing with error
// returns from close()").
inline int close_socket(handle h) noexcept { return ::close(h) == 0 ? 0 : errno; }

inline int poll(pollfd_type* fds, nfds_type n, int timeout_ms) noexcept { return ::poll(fds, n, timeout_ms); }

inline void sleep_ms(int ms) noexcept { ::poll(nullptr, 0, ms); }

inline int socket_pair(int type, handle out[2]) noexcept {
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

// Datagram receive that reports truncation: recvmsg sets MSG_TRUNC in msg_flags when the
// datagram was larger than the buffer (recv(2)).
// ---------------------------------------------------------------------------------------------
// One attempt of each transfer: wait_ms < 0 waits as the socket's mode says; wait_ms >= 0 does
// not wait at all (MSG_DONTWAIT: one non-blocking attempt even on a blocking socket; sys waits
// for readiness with poll and tries again). Each returns the bytes moved, or -1 with err.

inline long send_once(handle h, const void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    const ssize_t n = ::send(h, data, size, flags | send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (n < 0) err = errno;
    return static_cast<long>(n);
}

inline long recv_once(handle h, void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    const ssize_t n = ::recv(h, data, size, flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (n < 0) err = errno;
    return static_cast<long>(n);
}

inline long send_to(handle h, const void* data, io_length size, int flags, const ::sockaddr* sa,
                    socklen_type len, int wait_ms, int& err) noexcept {
    const ssize_t n =
        ::sendto(h, data, size, flags | send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0), sa, len);
    if (n < 0) err = errno;
    return static_cast<long>(n);
}

// A datagram receive that reports truncation (MSG_TRUNC in msg_flags).
inline long recv_from(handle h, void* data, io_length size, int flags, ::sockaddr* sa, socklen_type* len,
                      bool& truncated, int wait_ms, int& err) noexcept {
    ::iovec iov{};
    iov.iov_base = data;
    iov.iov_len = size;
    ::msghdr msg{};
    msg.msg_name = sa;
    msg.msg_namelen = *len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t n = ::recvmsg(h, &msg, flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (n < 0) {
        err = errno;
        return -1;
    }
    *len = msg.msg_namelen;
    truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    return static_cast<long>(n);
}

// ---------------------------------------------------------------------------------------------
// The wake-up of a poller (net::poller::wake): an eventfd on Linux (one descriptor, a counter
// that coalesces wake-ups); elsewhere the poller uses a socket pair (kqueue: EVFILT_USER).

#if defined(NETSOCK_OS_LINUX)
inline constexpr bool has_event_handle = true;
inline handle open_event_handle(int& err) noexcept {
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) err = errno;
    return fd;
}
// Async-signal-safe: one write(), errno kept.
inline void signal_event_handle(handle h) noexcept {
    const int saved = errno;
    const std::uint64_t one = 1;
    for (int i = 0; i < 16; ++i)
        if (::write(h, &one, sizeof one) >= 0 || errno != EINTR) break; // EAGAIN: already signalled
    errno = saved;
}
inline void drain_event_handle(handle h) noexcept {
    std::uint64_t count = 0;
    for (int i = 0; i < 16; ++i)
        if (::read(h, &count, sizeof count) >= 0 || errno != EINTR) break;
}
#else
inline constexpr bool has_event_handle = false;
inline handle open_event_handle(int& err) noexcept {
    err = EOPNOTSUPP;
    return invalid;
}
inline void signal_event_handle(handle) noexcept {}
inline void drain_event_handle(handle) noexcept {}
#endif

// ---------------------------------------------------------------------------------------------
// Messages: scatter/gather, batches of datagrams and ancillary (control) data

using io_vector = ::iovec;
inline io_vector make_io_vector(const void* data, std::size_t size) noexcept {
    io_vector v{};
    v.iov_base = const_cast<void*>(data);
    v.iov_len = size;
    return v;
}
// Buffers passed to one sendmsg/recvmsg (IOV_MAX is at least 1024 where POSIX is honoured; a
// longer array is moved in several calls by the caller, as a partial transfer).
inline constexpr std::size_t max_io_vectors = 64;

// Control buffers: aligned for cmsghdr, big enough for every item netsock receives at once
// (packet info, hop limit, timestamp, GRO size) and, for descriptors, max_passed_handles.
inline constexpr std::size_t control_space = 256;
#if defined(SCM_MAX_FD)
inline constexpr std::size_t max_passed_handles = SCM_MAX_FD;
#else
inline constexpr std::size_t max_passed_handles = 253; // Linux's SCM_MAX_FD; BSDs allow more
#endif
// Linux installs only the descriptors that fit the receiver's control buffer (the rest are
// dropped, MSG_CTRUNC); macOS (XNU) and the BSDs install every one and then copy out what fits,
// so the numbers of those that did not fit are lost. There every receive uses a buffer for
// receive_handle_capacity descriptors, more than a sender can pass on those systems in
// practice, and read_control closes what the caller's array cannot hold.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool kernel_drops_excess_handles = true;
inline constexpr std::size_t receive_handle_capacity = max_passed_handles;
#else
inline constexpr bool kernel_drops_excess_handles = false;
inline constexpr std::size_t receive_handle_capacity = 512;
#endif
// msg_flags bits: the datagram or the control data did not fit.
inline constexpr int msg_truncated = MSG_TRUNC;
inline constexpr int msg_control_truncated = MSG_CTRUNC;
// The control space of one datagram of a batch: its packet info, with room for a timestamp
// and a hop limit beside it (more sets MSG_CTRUNC: datagram::control_truncated).
struct alignas(::cmsghdr) packet_control {
    unsigned char bytes[128];
};
struct alignas(::cmsghdr) control_buffer {
    unsigned char bytes[CMSG_SPACE(sizeof(int) * receive_handle_capacity) > control_space
                            ? CMSG_SPACE(sizeof(int) * receive_handle_capacity)
                            : control_space];
};

// The control space that holds `count` descriptors (recv_handles sizes its buffer with it, so
// that the kernel drops, rather than installs, descriptors beyond what the caller can hold).
inline std::size_t handle_control_size(std::size_t count) noexcept { return CMSG_SPACE(sizeof(int) * count); }

// Receive-side options that make the kernel attach control data; -1 = not available here.
// IPv4 packet info: IP_PKTINFO (Linux, macOS, Windows); FreeBSD and OpenBSD have another
// interface (IP_RECVDSTADDR / IP_SENDSRCADDR), not offered: -1 there.
#if defined(IP_PKTINFO)
inline constexpr int opt_v4_packet_info = IP_PKTINFO;
#else
inline constexpr int opt_v4_packet_info = -1;
#endif
#if defined(IP_RECVTTL)
inline constexpr int opt_v4_receive_hops = IP_RECVTTL;
#else
inline constexpr int opt_v4_receive_hops = -1;
#endif
// IPv6 (RFC 3542): the options and the control message types. macOS names them only when
// __APPLE_USE_RFC_3542 is defined before the first system header, which a header cannot
// promise; its kernel takes the RFC 3542 numbers of <netinet6/in6.h> either way, so they are
// spelled here (not verified on a Mac: netsock's macOS build is compile-checked only).
#if defined(IPV6_RECVPKTINFO)
inline constexpr int opt_v6_packet_info = IPV6_RECVPKTINFO;
inline constexpr int v6_packet_info_type = IPV6_PKTINFO;
inline constexpr int opt_v6_receive_hops = IPV6_RECVHOPLIMIT;
inline constexpr int v6_hop_limit_type = IPV6_HOPLIMIT;
#elif defined(NETSOCK_OS_APPLE)
inline constexpr int opt_v6_packet_info = 61;      // IPV6_RECVPKTINFO
inline constexpr int v6_packet_info_type = 46;     // IPV6_3542PKTINFO
inline constexpr int opt_v6_receive_hops = 37;     // IPV6_RECVHOPLIMIT
inline constexpr int v6_hop_limit_type = 47;       // IPV6_3542HOPLIMIT
#else
inline constexpr int opt_v6_packet_info = -1;
inline constexpr int v6_packet_info_type = -1;
inline constexpr int opt_v6_receive_hops = -1;
inline constexpr int v6_hop_limit_type = -1;
#endif
#if defined(SO_TIMESTAMPNS)
inline constexpr int opt_timestamp = SO_TIMESTAMPNS; // struct timespec
#else
inline constexpr int opt_timestamp = SO_TIMESTAMP; // struct timeval
#endif
// Descriptor passing over local sockets (SCM_RIGHTS).
inline constexpr bool has_handle_passing = true;
// Per-call UDP GSO (a UDP_SEGMENT control message): Linux 4.18 and newer.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool has_segment_control = true;
inline constexpr int segment_level = IPPROTO_UDP;
inline constexpr int segment_control_type = 103; // UDP_SEGMENT, <linux/udp.h>
inline constexpr int gro_control_type = 104;     // UDP_GRO
#else
inline constexpr bool has_segment_control = false;
inline constexpr int segment_level = IPPROTO_UDP;
inline constexpr int segment_control_type = -1;
inline constexpr int gro_control_type = -1;
#endif

// What the control data of one received message said. Each field is set only when the
// message carried that item.
struct control_fields {
    ::sockaddr_storage destination{}; // local address the datagram was sent to (port 0)
    socklen_type destination_size = 0;
    unsigned interface_index = 0; // interface it arrived on
    int hop_limit = -1;           // IPv4 TTL or IPv6 hop limit
    bool has_time = false;        // kernel receive time, since the Unix epoch
    long long seconds = 0;
    long nanoseconds = 0;
    int segment_size = 0;         // UDP GRO: the datagram is segments of this size
    std::size_t handles = 0;      // descriptors stored in the caller's array
    bool handles_dropped = false; // descriptors arrived that the array could not hold (closed)
};

inline void close_passed(int fd) noexcept { ::close(fd); }

// Decodes the control data of a received message. Descriptors go to fds (up to capacity, made
// close-on-exec where MSG_CMSG_CLOEXEC does not exist); any beyond it are closed.
inline void read_control(const void* control, std::size_t size, control_fields& out, handle* fds,
                         std::size_t capacity) noexcept {
    ::msghdr msg{};
    msg.msg_control = const_cast<void*>(control);
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(size);
// musl's CMSG_NXTHDR compares a size_t with a ptrdiff_t.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
    for (::cmsghdr* c = size >= sizeof(::cmsghdr) ? CMSG_FIRSTHDR(&msg) : nullptr; c != nullptr;
         c = CMSG_NXTHDR(&msg, c)) {
        const unsigned char* data = CMSG_DATA(c);
        const auto header = static_cast<std::size_t>(data - reinterpret_cast<unsigned char*>(c));
        const auto offset = static_cast<std::size_t>(data - static_cast<const unsigned char*>(control));
        if (c->cmsg_len < header || offset > size) break;
        // Only what was copied out: XNU keeps the original cmsg_len when it truncates.
        std::size_t len = c->cmsg_len - header;
        if (len > size - offset) len = size - offset;
        if (false) { // a chain whose items below are compiled in or out by what the OS has
#if defined(IP_PKTINFO)
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && len >= sizeof(::in_pktinfo)) {
            ::in_pktinfo info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_addr = info.ipi_addr;
            std::memcpy(&out.destination, &sin, sizeof sin);
            out.destination_size = sizeof sin;
            out.interface_index = static_cast<unsigned>(info.ipi_ifindex);
#endif
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == v6_packet_info_type &&
                   len >= sizeof(::in6_pktinfo)) {
            ::in6_pktinfo info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in6 sin6{};
            sin6.sin6_family = AF_INET6;
            sin6.sin6_addr = info.ipi6_addr;
            std::memcpy(&out.destination, &sin6, sizeof sin6);
            out.destination_size = sizeof sin6;
            out.interface_index = static_cast<unsigned>(info.ipi6_ifindex);
        } else if ((c->cmsg_level == IPPROTO_IP && (c->cmsg_type == IP_TTL
#if defined(IP_RECVTTL)
                                                    || c->cmsg_type == IP_RECVTTL
#endif
                                                    )) ||
                   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == v6_hop_limit_type)) {
            // An int on Linux; IP_RECVTTL on macOS and the BSDs carries one byte.
            if (len >= sizeof(int)) std::memcpy(&out.hop_limit, data, sizeof(int));
            else if (len >= 1) out.hop_limit = data[0];
        } else if (c->cmsg_level == SOL_SOCKET) {
#if defined(SCM_TIMESTAMPNS)
            if (c->cmsg_type == SCM_TIMESTAMPNS && len >= sizeof(::timespec)) {
                ::timespec ts;
                std::memcpy(&ts, data, sizeof ts);
                out.has_time = true;
                out.seconds = static_cast<long long>(ts.tv_sec);
                out.nanoseconds = static_cast<long>(ts.tv_nsec);
            }
#endif
            if (c->cmsg_type == SCM_TIMESTAMP && len >= sizeof(::timeval)) {
                ::timeval tv;
                std::memcpy(&tv, data, sizeof tv);
                out.has_time = true;
                out.seconds = static_cast<long long>(tv.tv_sec);
                out.nanoseconds = static_cast<long>(tv.tv_usec) * 1000;
            }
            if (c->cmsg_type == SCM_RIGHTS) {
                const std::size_t n = len / sizeof(int);
                for (std::size_t i = 0; i < n; ++i) {
                    int fd;
                    std::memcpy(&fd, data + i * sizeof(int), sizeof fd);
                    if (out.handles < capacity) {
#if !defined(MSG_CMSG_CLOEXEC)
                        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
                        fds[out.handles++] = fd;
                    } else {
                        out.handles_dropped = true;
                        ::close(fd);
                    }
                }
            }
        }
#if defined(NETSOCK_OS_LINUX)
        else if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == gro_control_type && len >= sizeof(int)) {
            std::memcpy(&out.segment_size, data, sizeof(int));
        }
#endif
    }
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
}

// Builds control data to send: the source address (and interface) of a datagram, a UDP GSO
// segment size (segment > 0), descriptors (count > 0). Returns the bytes used, 0 for none, or
// -1 when an item is not available here or does not fit.
inline long write_control(void* buffer, std::size_t capacity, const ::sockaddr* source,
                          unsigned interface_index, int segment, const handle* fds,
                          std::size_t count) noexcept {
    auto* bytes = static_cast<unsigned char*>(buffer);
    std::memset(bytes, 0, capacity);
    ::msghdr msg{};
    msg.msg_control = bytes;
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(capacity);
    std::size_t used = 0;
    ::cmsghdr* c = CMSG_FIRSTHDR(&msg);
    auto next = [&](int level, int type, std::size_t len) -> unsigned char* {
        if (c == nullptr || used + CMSG_SPACE(len) > capacity) return nullptr;
        ::cmsghdr* here = reinterpret_cast<::cmsghdr*>(bytes + used);
        here->cmsg_level = level;
        here->cmsg_type = type;
        here->cmsg_len = static_cast<decltype(here->cmsg_len)>(CMSG_LEN(len));
        used += CMSG_SPACE(len);
        return CMSG_DATA(here);
    };
    if (source != nullptr && source->sa_family == AF_INET) {
#if defined(IP_PKTINFO)
        ::in_pktinfo info{};
        info.ipi_ifindex = static_cast<decltype(info.ipi_ifindex)>(interface_index);
        info.ipi_spec_dst = reinterpret_cast<const ::sockaddr_in*>(source)->sin_addr;
        unsigned char* d = next(IPPROTO_IP, IP_PKTINFO, sizeof info);
        if (d == nullptr) return -1;
        std::memcpy(d, &info, sizeof info);
#else
        return -1;
#endif
    } else if (source != nullptr && source->sa_family == AF_INET6) {
        ::in6_pktinfo info{};
        info.ipi6_ifindex = interface_index;
        info.ipi6_addr = reinterpret_cast<const ::sockaddr_in6*>(source)->sin6_addr;
        unsigned char* d = next(IPPROTO_IPV6, v6_packet_info_type, sizeof info);
        if (d == nullptr) return -1;
        std::memcpy(d, &info, sizeof info);
    }
    if (segment > 0) {
        if constexpr (!has_segment_control) return -1;
        const std::uint16_t size = static_cast<std::uint16_t>(segment);
        unsigned char* d = next(segment_level, segment_control_type, sizeof size);
        if (d == nullptr) return -1;
        std::memcpy(d, &size, sizeof size);
    }
    if (count > 0) {
        unsigned char* d = next(SOL_SOCKET, SCM_RIGHTS, sizeof(int) * count);
        if (d == nullptr) return -1;
        std::memcpy(d, fds, sizeof(int) * count);
    }
    return static_cast<long>(used);
}

// sendmsg: never raises SIGPIPE; wait_ms >= 0: never waits. Returns the bytes sent or -1.
inline long send_message(handle h, const io_vector* v, std::size_t n, const ::sockaddr* to,
                         socklen_type to_size, const void* control, std::size_t control_size, int flags,
                         int wait_ms, int& err) noexcept {
    ::msghdr msg{};
    msg.msg_name = const_cast<::sockaddr*>(to);
    msg.msg_namelen = to != nullptr ? to_size : 0;
    msg.msg_iov = const_cast<io_vector*>(v);
    msg.msg_iovlen = static_cast<decltype(msg.msg_iovlen)>(n);
    msg.msg_control = control_size > 0 ? const_cast<void*>(control) : nullptr;
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(control_size);
    const ssize_t r = ::sendmsg(h, &msg, flags | send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (r < 0) err = errno;
    return static_cast<long>(r);
}

// recvmsg: descriptors arrive close-on-exec (MSG_CMSG_CLOEXEC where it exists, else
// read_control sets it); wait_ms >= 0: never waits. `from` may be null (a connected socket);
// *control_size is in/out; msg_flags gets the kernel's flags (MSG_TRUNC, MSG_CTRUNC).
inline long recv_message(handle h, io_vector* v, std::size_t n, ::sockaddr* from, socklen_type* from_size,
                         void* control, std::size_t* control_size, int& msg_flags, int flags, int wait_ms,
                         int& err) noexcept {
    ::msghdr msg{};
    msg.msg_name = from;
    msg.msg_namelen = from != nullptr ? *from_size : 0;
    msg.msg_iov = v;
    msg.msg_iovlen = static_cast<decltype(msg.msg_iovlen)>(n);
    msg.msg_control = control;
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(control != nullptr ? *control_size : 0);
#if defined(MSG_CMSG_CLOEXEC)
    flags |= MSG_CMSG_CLOEXEC;
#endif
    const ssize_t r = ::recvmsg(h, &msg, flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (r < 0) {
        err = errno;
        return -1;
    }
    if (from != nullptr) *from_size = msg.msg_namelen;
    if (control != nullptr) *control_size = static_cast<std::size_t>(msg.msg_controllen);
    msg_flags = msg.msg_flags;
    return static_cast<long>(r);
}

// One datagram of a batch: in, its buffer, where the peer's address goes (name_size: the
// capacity) and its control data (control_size: the capacity to receive, the bytes to send;
// 0 for none); out, the bytes received, the address and control lengths, the kernel's
// msg_flags.
struct batch_slot {
    io_vector data;
    ::sockaddr* name;
    socklen_type name_size;
    void* control;
    std::size_t control_size;
    std::size_t size;
    int flags;
};
// Datagrams per recvmmsg/sendmmsg call (the stack arrays of one call).
inline constexpr std::size_t batch_chunk = 64;
// recvmmsg/sendmmsg exist (Linux); elsewhere recv_batch/send_batch loop over single calls.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool has_message_batch = true;
// The flags argument of recvmmsg/sendmmsg: int in glibc, unsigned int in musl.
struct mmsg_flags {
    int value;
    explicit mmsg_flags(int f) noexcept : value(f) {}
    operator int() const noexcept { return value; }
    operator unsigned() const noexcept { return static_cast<unsigned>(value); }
};
#else
inline constexpr bool has_message_batch = false;
#endif

// Receives up to n (<= batch_chunk) datagrams; wait_ms < 0 blocks for the first only
// (MSG_WAITFORONE), else never waits. Returns the count, or -1 with err (none received).
inline int recv_batch(handle h, batch_slot* slots, std::size_t n, int wait_ms, int& err) noexcept {
#if defined(NETSOCK_OS_LINUX)
    ::mmsghdr msgs[batch_chunk];
    if (n > batch_chunk) n = batch_chunk;
    std::memset(msgs, 0, sizeof(::mmsghdr) * n);
    for (std::size_t i = 0; i < n; ++i) {
        msgs[i].msg_hdr.msg_name = slots[i].name;
        msgs[i].msg_hdr.msg_namelen = slots[i].name_size;
        msgs[i].msg_hdr.msg_iov = &slots[i].data;
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = slots[i].control_size > 0 ? slots[i].control : nullptr;
        msgs[i].msg_hdr.msg_controllen =
            static_cast<decltype(msgs[i].msg_hdr.msg_controllen)>(slots[i].control_size);
    }
    const int flags = MSG_CMSG_CLOEXEC | (wait_ms >= 0 ? MSG_DONTWAIT : MSG_WAITFORONE);
    const int r = ::recvmmsg(h, msgs, static_cast<unsigned>(n), mmsg_flags(flags), nullptr);
    if (r < 0) {
        err = errno;
        return -1;
    }
    for (int i = 0; i < r; ++i) {
        slots[i].name_size = msgs[i].msg_hdr.msg_namelen;
        slots[i].size = msgs[i].msg_len;
        slots[i].flags = msgs[i].msg_hdr.msg_flags;
        slots[i].control_size = static_cast<std::size_t>(msgs[i].msg_hdr.msg_controllen);
    }
    return r;
#else
    (void)h, (void)slots, (void)n, (void)wait_ms;
    err = EOPNOTSUPP;
    return -1;
#endif
}

// Sends up to n (<= batch_chunk) datagrams (name null: the connected peer); wait_ms >= 0 never
// waits. Returns how many went, or -1 with err (none went).
inline int send_batch(handle h, const batch_slot* slots, std::size_t n, int wait_ms, int& err) noexcept {
#if defined(NETSOCK_OS_LINUX)
    ::mmsghdr msgs[batch_chunk];
    if (n > batch_chunk) n = batch_chunk;
    std::memset(msgs, 0, sizeof(::mmsghdr) * n);
    for (std::size_t i = 0; i < n; ++i) {
        msgs[i].msg_hdr.msg_name = slots[i].name;
        msgs[i].msg_hdr.msg_namelen = slots[i].name != nullptr ? slots[i].name_size : 0;
        msgs[i].msg_hdr.msg_iov = const_cast<io_vector*>(&slots[i].data);
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = slots[i].control_size > 0 ? slots[i].control : nullptr;
        msgs[i].msg_hdr.msg_controllen =
            static_cast<decltype(msgs[i].msg_hdr.msg_controllen)>(slots[i].control_size);
    }
    const int r = ::sendmmsg(h, msgs, static_cast<unsigned>(n),
                             mmsg_flags(send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0)));
    if (r < 0) err = errno;
    return r;
#else
    (void)h, (void)slots, (void)n, (void)wait_ms;
    err = EOPNOTSUPP;
    return -1;
#endif
}

inline int bind_socket(handle h, const ::sockaddr* sa, socklen_type len) noexcept {
    return ::bind(h, sa, len) == 0 ? 0 : errno;
}

// Numeric text <-> binary address.
inline bool pton(int family, const char* text, void* out) noexcept {
    return ::inet_pton(family, text, out) == 1;
}
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return ::inet_ntop(family, in, out, static_cast<socklen_t>(size)) != nullptr;
}

inline const char* resolver_message(int code) noexcept { return ::gai_strerror(code); }
// getaddrinfo codes that not every system has; -1 where absent. EAI_SYSTEM means "see errno".
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
inline constexpr int eai_nodata = EAI_NODATA;
#else
inline constexpr int eai_nodata = -1;
#endif
#if defined(EAI_SYSTEM)
inline constexpr int eai_system = EAI_SYSTEM;
#else
inline constexpr int eai_system = -1;
#endif

// Not inherited by programs this one starts (FD_CLOEXEC); 0 or the error.
inline int set_cloexec(handle h) noexcept { return ::fcntl(h, F_SETFD, FD_CLOEXEC) == 0 ? 0 : errno; }

// Runs f(arg) on a new, detached thread (pthread_create; not std::thread, whose header would
// add a quarter to the compile time of every file that includes netsock); 0 or the error.
struct thread_start {
    void (*f)(void*);
    void* arg;
};
inline void* run_thread_start(void* p) {
    const thread_start s = *static_cast<thread_start*>(p);
    delete static_cast<thread_start*>(p);
    s.f(s.arg);
    return nullptr;
}
inline int start_thread(void (*f)(void*), void* arg) noexcept {
    auto* s = new (std::nothrow) thread_start{f, arg};
    if (s == nullptr) return ENOMEM;
    ::pthread_attr_t attr;
    if (int e = ::pthread_attr_init(&attr); e != 0) {
        delete s;
        return e;
    }
    ::pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ::pthread_t t;
    const int e = ::pthread_create(&t, &attr, &run_thread_start, s);
    ::pthread_attr_destroy(&attr);
    if (e != 0) delete s;
    return e;
}

// What is at a file system path (create_server's remove_existing_path removes a path only if
// it is a socket file): 0 nothing, 1 a socket (itself, not a link to one), 2 anything else,
// -1 the query failed.
inline int path_kind(const char* path) noexcept {
    struct ::stat st;
    if (::lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    return S_ISSOCK(st.st_mode) ? 1 : 2;
}

// ---------------------------------------------------------------------------------------------
// This host: its name, reverse lookup, its interfaces (host.hpp)

// gethostname; 0 or the error.
inline int host_name(char* out, std::size_t size) noexcept {
    return ::gethostname(out, size) == 0 ? 0 : errno;
}

// getnameinfo's own code (EAI_*), 0 on success.
inline int name_info(const ::sockaddr* sa, socklen_type len, char* host, std::size_t host_size, char* service,
                     std::size_t service_size, int flags) noexcept {
    return ::getnameinfo(sa, len, host, static_cast<socklen_t>(host_size), service,
                         static_cast<socklen_t>(service_size), flags);
}

// One address of one interface (an interface without an address comes once, address null).
struct interface_entry {
    const char* name = nullptr; // UTF-8
    unsigned index = 0;
    bool up = false, running = false, loopback = false, multicast = false, broadcast = false,
         point_to_point = false;
    const ::sockaddr* address = nullptr;
    int prefix_length = -1; // -1: unknown
};

// The number of leading one bits of the netmask of an address of `family` (AF_INET, AF_INET6),
// or -1. The family is the address's: macOS and the BSDs build masks like routing messages,
// trimmed after their last non-zero byte (sa_len 5 for 255.0.0.0) and not always with a family.
inline int prefix_of(const ::sockaddr* mask, int family) noexcept {
    if (mask == nullptr) return -1;
    std::size_t offset = 0, n = 0;
    if (family == AF_INET) {
        offset = offsetof(::sockaddr_in, sin_addr);
        n = 4;
    } else if (family == AF_INET6) {
        offset = offsetof(::sockaddr_in6, sin6_addr);
        n = 16;
    } else {
        return -1;
    }
#if defined(NETSOCK_HAS_SA_LEN)
    const std::size_t present = mask->sa_len;
#else
    if (mask->sa_family != family) return -1;
    const std::size_t present = offset + n;
#endif
    const auto* raw = reinterpret_cast<const unsigned char*>(mask);
    int bits = 0;
    for (std::size_t i = offset; i < offset + n; ++i) {
        const unsigned byte = i < present ? raw[i] : 0u;
        for (int b = 7; b >= 0; --b) {
            if ((byte >> b) & 1u) ++bits;
            else return bits;
        }
    }
    return bits;
}

// macOS and the BSDs (KAME) may hand out a link-local IPv6 address with its interface index
// embedded in bytes 2-3 (fe80:4::1) and sin6_scope_id 0, as ifconfig's source notes: move it
// to sin6_scope_id so that the address prints and compares as fe80::1%4. Linux never does it
// (and fe80:4::1 could be a real address there).
inline const ::sockaddr* unembed_scope(const ::sockaddr* sa, ::sockaddr_in6& copy) noexcept {
#if defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
    if (sa == nullptr || sa->sa_family != AF_INET6) return sa;
    std::memcpy(&copy, sa, sizeof copy);
    unsigned char* b = copy.sin6_addr.s6_addr;
    if (b[0] != 0xfe || (b[1] & 0xc0) != 0x80 || (b[2] == 0 && b[3] == 0)) return sa;
    if (copy.sin6_scope_id == 0)
        copy.sin6_scope_id = static_cast<decltype(copy.sin6_scope_id)>(b[2] << 8 | b[3]);
    b[2] = b[3] = 0;
    return reinterpret_cast<const ::sockaddr*>(&copy);
#else
    (void)copy;
    return sa;
#endif
}

// Calls visit(const interface_entry&) for every address of every interface (getifaddrs);
// 0 or the error.
template <class Visit> int each_interface(Visit&& visit) {
    ::ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return errno;
    struct guard {
        ::ifaddrs* p;
        ~guard() { ::freeifaddrs(p); }
    } owner{list};
    for (const ::ifaddrs* p = list; p != nullptr; p = p->ifa_next) {
        if (p->ifa_name == nullptr) continue;
        ::sockaddr_in6 unembedded{};
        interface_entry e;
        e.name = p->ifa_name;
        e.index = ::if_nametoindex(p->ifa_name);
        const unsigned f = p->ifa_flags;
        e.up = (f & IFF_UP) != 0;
        e.running = (f & IFF_RUNNING) != 0;
        e.loopback = (f & IFF_LOOPBACK) != 0;
        e.multicast = (f & IFF_MULTICAST) != 0;
        e.broadcast = (f & IFF_BROADCAST) != 0;
        e.point_to_point = (f & IFF_POINTOPOINT) != 0;
        e.address = unembed_scope(p->ifa_addr, unembedded);
        e.prefix_length = e.address != nullptr ? prefix_of(p->ifa_netmask, e.address->sa_family) : -1;
        visit(e);
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------
// A file sent to a socket (net::sendfile, file.hpp). windows.hpp defines the same names.

using file_handle = int;
inline file_handle invalid_file() noexcept { return -1; }
// The most one attempt asks of the OS: Linux moves at most 0x7ffff000 bytes per sendfile call.
inline constexpr std::size_t file_piece = 0x7ffff000;
// The stack buffer of the read+send fallback (send_file_by_copy): one pread and one send each.
inline constexpr std::size_t file_copy_piece = 32768;
// sendfile has no MSG_DONTWAIT: a timed attempt (wait_ms >= 0) needs a non-blocking socket,
// which impl/file.ipp makes for the duration of the call.
inline constexpr bool send_file_needs_nonblocking = true;

// The errors with which sendfile says "not for this file or socket" rather than "failed":
// EINVAL (Linux: a file without the page-cache operations sendfile needs; macOS, FreeBSD: not
// a regular file, not a stream socket), ENOSYS (no such call), EOPNOTSUPP / ENOTSUP (a file
// system without sendfile support); and EOVERFLOW (Linux: an offset at or past the largest file
// the file system can hold, which pread answers as the end of the file). Then the fallback does
// the same with pread + send, which reports the real error if there is one (ESPIPE for a pipe,
// EDESTADDRREQ for an unconnected datagram socket).
inline bool send_file_unsupported(int e) noexcept {
    return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == ENOTSUP || e == EOVERFLOW;
}

// The fallback: pread (the file position is neither used nor changed) of at most
// file_copy_piece bytes, then one send_once of them (MSG_NOSIGNAL; MSG_DONTWAIT when timed).
// What the socket did not take is simply read again by the next attempt.
inline long send_file_by_copy(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                              int& err) noexcept {
    unsigned char buf[file_copy_piece];
    if (size > sizeof buf) size = sizeof buf;
    const ssize_t got = ::pread(f, buf, size, static_cast<::off_t>(offset));
    if (got < 0) {
        err = errno;
        return -1;
    }
    if (got == 0) return 0; // end of file at offset
    return send_once(h, buf, static_cast<std::size_t>(got), 0, wait_ms, err);
}

#if defined(NETSOCK_SENDFILE_LINUX)
// Linux's sendfile has no MSG_NOSIGNAL: a send to a closed connection raises SIGPIPE. SIGPIPE
// is blocked in this thread for the call, and one that the call made pending is taken back
// (sigtimedwait) before the mask is restored, unless one was pending already.
class sigpipe_block {
public:
    sigpipe_block() noexcept {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
        if (sigismember(&old_, SIGPIPE) == 1) { // blocked by the program: keep what is pending
            ::sigset_t pending;
            sigemptyset(&pending);
            keep_ = ::sigpending(&pending) != 0 || sigismember(&pending, SIGPIPE) == 1;
        }
    }
    sigpipe_block(const sigpipe_block&) = delete;
    sigpipe_block& operator=(const sigpipe_block&) = delete;
    void finish(bool broken_pipe) noexcept {
        if (broken_pipe && !keep_) {
            const int saved = errno;
            ::timespec zero{};
            for (int i = 0; i < 16; ++i)
                if (::sigtimedwait(&pipe_, nullptr, &zero) >= 0 || errno != EINTR) break;
            errno = saved;
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }

private:
    ::sigset_t pipe_{}, old_{};
    bool keep_ = false;
};
#endif

// One attempt of net::sendfile: up to `size` (> 0) bytes of file f from `offset` to socket h;
// the file position is neither used nor changed. Returns the bytes sent (0: end of file at
// offset), or -1 with err. Whether it waits for room is the socket's mode (see
// send_file_needs_nonblocking); wait_ms >= 0 only tells the fallback's send not to wait.
// - Linux: sendfile(h, f, &copy_of_offset, size), SIGPIPE blocked (sigpipe_block);
// - macOS: sendfile(f, h, offset, &len, nullptr, 0), SO_NOSIGPIPE set on every socket; on
//   EAGAIN / EINTR len says how much went, and that counts;
// - FreeBSD, DragonFly: sendfile(f, h, offset, size, nullptr, &sbytes, 0), likewise;
// - elsewhere, and where sendfile says "not for this file" (send_file_unsupported): pread +
//   send (send_file_by_copy).
// An offset that off_t cannot hold is EINVAL.
inline long send_file_once(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                           int& err) noexcept {
    if (offset > static_cast<std::uint64_t>(std::numeric_limits<::off_t>::max())) {
        err = EINVAL;
        return -1;
    }
    if (size > file_piece) size = file_piece;
#if defined(NETSOCK_SENDFILE_LINUX)
    ::off_t at = static_cast<::off_t>(offset); // a copy: sendfile advances it, not the file
    sigpipe_block guard;
    const ssize_t n = ::sendfile(h, f, &at, size);
    err = n < 0 ? errno : 0;
    guard.finish(n < 0 && err == EPIPE);
    if (n >= 0) return static_cast<long>(n);
#elif defined(NETSOCK_SENDFILE_APPLE)
    ::off_t len = static_cast<::off_t>(size); // 0 would mean "to the end of the file"
    if (::sendfile(f, h, static_cast<::off_t>(offset), &len, nullptr, 0) == 0) return static_cast<long>(len);
    err = errno;
    if (len > 0 && (is_would_block(err) || err == EINTR)) return static_cast<long>(len);
#elif defined(NETSOCK_SENDFILE_FREEBSD)
    ::off_t sent = 0;
    if (::sendfile(f, h, static_cast<::off_t>(offset), size, nullptr, &sent, 0) == 0)
        return static_cast<long>(sent);
    err = errno;
    if (sent > 0 && (is_would_block(err) || err == EINTR || err == EBUSY)) return static_cast<long>(sent);
#else
    err = ENOSYS;
#endif
    if (!send_file_unsupported(err)) return -1;
    return send_file_by_copy(h, f, offset, size, wait_ms, err);
}

// A second descriptor for the same socket, close-on-exec (the kernel-queue pollers keep one of
// a canceller's socket); invalid with err set on failure.
inline handle duplicate(handle h, int& err) noexcept {
    const handle d = ::fcntl(h, F_DUPFD_CLOEXEC, 0);
    if (d < 0) err = errno;
    return d < 0 ? invalid : d;
}
} // namespace detail::os
NETSOCK_END_NAMESPACE

#endif
