#ifndef NETSOCK_DETAIL_OS_WINDOWS_HPP
#define NETSOCK_DETAIL_OS_WINDOWS_HPP

// The OS layer for Windows (Winsock 2): OS headers, types, lazy start-up and the raw
// primitives. detail/os/posix.hpp defines the same names for POSIX; detail/sys.hpp is their
// only caller. Included only by detail/platform.hpp.

// The old winsock.h (pulled in by <windows.h> without WIN32_LEAN_AND_MEAN) cannot coexist with
// winsock2.h: stop here with one clear message instead of hundreds of redefinitions.
#if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_)
#error                                                                                                       \
    "netsock: <windows.h> was included before <net/net.hpp> without WIN32_LEAN_AND_MEAN, which pulled in the old <winsock.h>. Fix: include <net/net.hpp> (or <winsock2.h>) before <windows.h>, or define WIN32_LEAN_AND_MEAN before including <windows.h>."
#endif

// WSAPoll, inet_pton and getaddrinfo need Vista (0x0600) or newer; the headers declare them
// only for _WIN32_WINNT >= 0x0600. Only set the version when the user has not and no Windows
// header has fixed it yet.
#if defined(_WIN32_WINNT)
#if _WIN32_WINNT < 0x0600
#error "netsock needs _WIN32_WINNT >= 0x0600 (Windows Vista or newer)."
#endif
#elif !defined(_WINDOWS_) && !defined(_WINSOCK2API_) && !defined(_INC_WINDOWS)
#define _WIN32_WINNT 0x0601
#endif

#include "../../config.hpp"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>
#include <iphlpapi.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <new>
#include <system_error>

#if defined(_MSC_VER)
#pragma comment(lib, "ws2_32")
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail::os {
using handle = ::SOCKET;
inline constexpr handle invalid = INVALID_SOCKET;
using socklen_type = int;
using sockaddr_un_type = ::sockaddr_un;
using pollfd_type = ::WSAPOLLFD;
using nfds_type = ::ULONG;
using io_length = int; // Winsock takes int lengths: larger requests are clamped to INT_MAX

inline constexpr int af_local = AF_UNIX;
inline constexpr int shut_rd = SD_RECEIVE;
inline constexpr int shut_wr = SD_SEND;
inline constexpr int shut_rdwr = SD_BOTH;
// The most one send call passes to Winsock. A blocking send of a whole buffer is all-or-error
// (if the peer resets half-way, nothing says how much went), so large sends go in pieces whose
// count is exact.
inline constexpr std::size_t send_piece = 65536;
// A timed attempt (send_once, ...) waits itself, up to the milliseconds it is given.
inline constexpr bool attempt_waits = true;
// accept() ignores SO_RCVTIMEO on Windows (it bounds recv only): sys::accept_deadline emulates it.
inline constexpr bool accept_uses_rcvtimeo = false;
// No socketpair(): ops.ipp builds a pair over loopback.
inline constexpr bool has_socketpair = false;

// _WSAIOW(IOC_VENDOR, 12) and (IOC_VENDOR, 15), from <mswsock.h>/<mstcpip.h>, which we
// do not include.
inline constexpr DWORD sio_udp_connreset = 0x9800000C;
inline constexpr DWORD sio_udp_netreset = 0x9800000F;

// Socket option names that differ between systems; -1 = not available here. The TCP keep-alive
// knobs exist since Windows 10 1709 (ws2ipdef.h values; MinGW's headers lack them).
inline constexpr int opt_reuse_port = -1;
inline constexpr int opt_keep_idle = 3;
inline constexpr int opt_keep_interval = 17;
inline constexpr int opt_keep_count = 16;
using multicast_v4_value = DWORD;
using linger_value = u_short;

// ---------------------------------------------------------------------------------------------
// Multicast filtering, source-specific multicast, UDP segmentation offload
// The same names as posix.hpp; -1 = not available here (the typed options then report
// no_protocol_option).
//
// No IP_MULTICAST_ALL: Winsock delivers a group's datagrams to the sockets that joined it
// (not verified here: Wine runs on Linux).
inline constexpr int opt_multicast_all_v4 = -1;
inline constexpr int opt_multicast_all_v6 = -1;
// Source-specific joins (ws2ipdef.h). IP_MREQ_SOURCE is (group, source, interface) here,
// (group, interface, source) in glibc: fill it by field name only.
using ip_mreq_source_type = ::ip_mreq_source;
inline constexpr int opt_add_source_membership = IP_ADD_SOURCE_MEMBERSHIP;
inline constexpr int opt_drop_source_membership = IP_DROP_SOURCE_MEMBERSHIP;
using group_source_req_type = ::group_source_req;
inline constexpr int opt_join_source_group = MCAST_JOIN_SOURCE_GROUP;
inline constexpr int opt_leave_source_group = MCAST_LEAVE_SOURCE_GROUP;
// UDP_SEND_MSG_SIZE (ws2ipdef.h, Windows 10 SDK 2004; MinGW's headers lack it): a DWORD, the
// size each buffer sent is cut into, as Linux's UDP_SEGMENT. Older Windows refuses it.
// UDP_RECV_MAX_COALESCED_SIZE (3) is not UDP_GRO: it takes a byte limit, not a switch, and a
// coalesced buffer is only usable with its UDP_COALESCED_INFO control message, so udp_gro is
// not offered here (the raw net::setsockopt reaches it).
inline constexpr int opt_udp_segment = 2;
inline constexpr int opt_udp_gro = -1;
using udp_segment_value = DWORD;
// (end of the multicast and UDP offload names)

// SO_RCVTIMEO/SO_SNDTIMEO take a DWORD of milliseconds on Windows, not a timeval
// (https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options).
struct timeout_value {
    DWORD ms;
    static timeout_value from_ms(long long v) noexcept {
        return {static_cast<DWORD>(v > 0xfffffffe ? 0xfffffffe : v)};
    }
    long long to_ms() const noexcept { return static_cast<long long>(ms); }
};

inline int last_error() noexcept { return ::WSAGetLastError(); }
inline void set_last_error(int e) noexcept { ::WSASetLastError(e); }
inline bool is_interrupted(int e) noexcept { return e == WSAEINTR; }
inline bool is_would_block(int e) noexcept { return e == WSAEWOULDBLOCK; }
inline bool is_connection_aborted(int e) noexcept { return e == WSAECONNABORTED; }
inline bool is_in_progress(int e) noexcept {
    return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS || e == WSAEALREADY;
}

// The text of the codes netsock reports itself (native_error), for a system without message
// tables for them (Wine has none for WSA codes); nullptr for others.
inline const char* short_message(int e) noexcept {
    switch (e) {
    case WSAETIMEDOUT: return "Connection timed out";
    case WSAECONNREFUSED: return "Connection refused";
    case WSAECONNRESET: return "Connection reset by peer";
    case WSAECONNABORTED: return "Software caused connection abort";
    case WSAEHOSTUNREACH: return "No route to host";
    case WSAENETUNREACH: return "Network is unreachable";
    case WSAEOPNOTSUPP: return "Operation not supported";
    case WSAENOPROTOOPT: return "Protocol not available";
    case WSAEAFNOSUPPORT: return "Address family not supported by protocol";
    case WSAEADDRINUSE: return "Address already in use";
    case WSAEADDRNOTAVAIL: return "Cannot assign requested address";
    case WSAEMSGSIZE: return "Message too long";
    case WSAEWOULDBLOCK: return "Resource temporarily unavailable";
    case WSAEINPROGRESS: return "Operation now in progress";
    case WSAENOTCONN: return "Transport endpoint is not connected";
    case WSAEISCONN: return "Transport endpoint is already connected";
    case WSAENOBUFS: return "No buffer space available";
    case WSAENOTSOCK: return "Socket operation on non-socket";
    case ERROR_OPERATION_ABORTED: return "Operation canceled";
    default: return nullptr;
    }
}

// Message text of a Winsock/Win32 code, from the system: strerror knows only the C runtime's
// errno values, not WSA codes.
inline std::string error_message(int e) {
    char buf[512];
    DWORD n = ::FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                               static_cast<DWORD>(e), 0, buf, sizeof buf, nullptr);
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.')) --n;
    if (n > 0) return std::string(buf, n);
    if (const char* text = short_message(e)) return text;
    std::snprintf(buf, sizeof buf, "Winsock error %d", e);
    return buf;
}

// Winsock codes mapped to portable conditions, so `ec == std::errc::connection_refused` holds
// with MSVC and MinGW alike (system_category maps only some Win32 codes, and not the same ones
// in every standard library).
inline std::error_condition error_condition_of(int e) noexcept {
    using std::errc;
    auto c = [](errc x) { return std::make_error_condition(x); };
    switch (e) {
    case WSAEINTR: return c(errc::interrupted);
    case WSAEBADF: return c(errc::bad_file_descriptor);
    case WSAEACCES: return c(errc::permission_denied);
    case WSAEFAULT: return c(errc::bad_address);
    case WSAEINVAL: return c(errc::invalid_argument);
    case WSAEMFILE: return c(errc::too_many_files_open);
    case WSAEWOULDBLOCK: return c(errc::operation_would_block);
    case WSAEINPROGRESS: return c(errc::operation_in_progress);
    case WSAEALREADY: return c(errc::connection_already_in_progress);
    case WSAENOTSOCK: return c(errc::not_a_socket);
    case WSAEDESTADDRREQ: return c(errc::destination_address_required);
    case WSAEMSGSIZE: return c(errc::message_size);
    case WSAEPROTOTYPE: return c(errc::wrong_protocol_type);
    case WSAENOPROTOOPT: return c(errc::no_protocol_option);
    case WSAEPROTONOSUPPORT: return c(errc::protocol_not_supported);
    case WSAEOPNOTSUPP: return c(errc::operation_not_supported);
    case WSAEAFNOSUPPORT: return c(errc::address_family_not_supported);
    case WSAEADDRINUSE: return c(errc::address_in_use);
    case WSAEADDRNOTAVAIL: return c(errc::address_not_available);
    case WSAENETDOWN: return c(errc::network_down);
    case WSAENETUNREACH: return c(errc::network_unreachable);
    case WSAENETRESET: return c(errc::network_reset);
    case WSAECONNABORTED: return c(errc::connection_aborted);
    case WSAECONNRESET: return c(errc::connection_reset);
    case WSAENOBUFS: return c(errc::no_buffer_space);
    case WSAEISCONN: return c(errc::already_connected);
    case WSAENOTCONN: return c(errc::not_connected);
    case WSAESHUTDOWN: return c(errc::broken_pipe);
    case WSAETIMEDOUT: return c(errc::timed_out);
    case WSAECONNREFUSED: return c(errc::connection_refused);
    case WSAENAMETOOLONG: return c(errc::filename_too_long);
    case WSAEHOSTUNREACH: return c(errc::host_unreachable);
    case WSAENOTEMPTY: return c(errc::directory_not_empty);
    case ERROR_NOT_ENOUGH_MEMORY: return c(errc::not_enough_memory);
    case ERROR_OPERATION_ABORTED: return c(errc::operation_canceled);
    default: return {e, std::system_category()};
    }
}

// The Winsock code for an error that netsock reports itself (a std::errc value), or 0: the C
// runtime of MinGW has no text for the POSIX errno values above 42 (timed_out printed
// "Unknown error"), so such errors are made in socket_category with the Winsock code, whose
// text comes from the system and which still compares equal to the std::errc value.
inline int native_error(std::errc e) noexcept {
    using std::errc;
    switch (e) {
    case errc::timed_out: return WSAETIMEDOUT;
    case errc::connection_refused: return WSAECONNREFUSED;
    case errc::connection_reset: return WSAECONNRESET;
    case errc::connection_aborted: return WSAECONNABORTED;
    case errc::host_unreachable: return WSAEHOSTUNREACH;
    case errc::network_unreachable: return WSAENETUNREACH;
    case errc::operation_not_supported: return WSAEOPNOTSUPP;
    case errc::no_protocol_option: return WSAENOPROTOOPT;
    case errc::address_family_not_supported: return WSAEAFNOSUPPORT;
    case errc::address_in_use: return WSAEADDRINUSE;
    case errc::address_not_available: return WSAEADDRNOTAVAIL;
    case errc::message_size: return WSAEMSGSIZE;
    case errc::operation_would_block: return WSAEWOULDBLOCK;
    case errc::operation_in_progress: return WSAEINPROGRESS;
    case errc::not_connected: return WSAENOTCONN;
    case errc::already_connected: return WSAEISCONN;
    case errc::no_buffer_space: return WSAENOBUFS;
    case errc::not_a_socket: return WSAENOTSOCK;
    case errc::operation_canceled: return ERROR_OPERATION_ABORTED;
    default: return 0;
    }
}

// Winsock starts lazily, once per process, on the first call that needs it: a function-local
// static (thread-safe since C++11), never a namespace-scope object (its order of construction
// across files is unspecified), and never WSACleanup (it would pull Winsock from under sockets
// that other code still uses). Returns 0 or the WSAStartup error.
inline int start() noexcept {
    static const int result = [] {
        ::WSADATA data;
        return ::WSAStartup(MAKEWORD(2, 2), &data);
    }();
    return result;
}

inline handle open_socket(int family, int type, int protocol, int& err) noexcept {
    // WSA_FLAG_NO_HANDLE_INHERIT: not inherited by child processes, atomically (no window in
    // which another thread's CreateProcess could inherit it).
    handle h =
        ::WSASocketW(family, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (h == INVALID_SOCKET) {
        err = ::WSAGetLastError();
        return invalid;
    }
    if (type == SOCK_DGRAM) {
        // An ICMP port-unreachable must not break the receive loop: without these, Windows
        // fails the next recvfrom with WSAECONNRESET (SIO_UDP_CONNRESET, Microsoft Learn).
        BOOL off = FALSE;
        DWORD bytes = 0;
        ::WSAIoctl(h, sio_udp_connreset, &off, sizeof off, nullptr, 0, &bytes, nullptr, nullptr);
        ::WSAIoctl(h, sio_udp_netreset, &off, sizeof off, nullptr, 0, &bytes, nullptr, nullptr);
    }
    return h;
}

// The address family of a socket from its protocol info: unlike getsockname, this also works
// before bind. AF_UNSPEC (and err set) on failure.
inline int socket_family(handle h, int& err) noexcept {
    ::WSAPROTOCOL_INFOW info{};
    int len = static_cast<int>(sizeof info);
    if (::getsockopt(h, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &len) != 0) {
        err = ::WSAGetLastError();
        return AF_UNSPEC;
    }
    return info.iAddressFamily;
}

// getsockname before bind fails with WSAEINVAL on Windows (error `err`), while POSIX reports
// the family with a zero address and port. Fills in what POSIX reports; false if that is not
// the case or the family is not IP.
inline bool unbound_name(handle h, int err, ::sockaddr* sa, socklen_type* len) noexcept {
    if (err != WSAEINVAL) return false;
    const int f = socket_family(h, err);
    const socklen_type need = f == AF_INET    ? static_cast<socklen_type>(sizeof(::sockaddr_in))
                              : f == AF_INET6 ? static_cast<socklen_type>(sizeof(::sockaddr_in6))
                                              : 0;
    if (need == 0 || *len < need) return false;
    std::memset(sa, 0, static_cast<std::size_t>(need));
    sa->sa_family = static_cast<ADDRESS_FAMILY>(f);
    *len = need;
    return true;
}

// Windows accepts (and ignores) IPV6_V6ONLY on an unbound IPv4 socket; POSIX fails IPPROTO_IPV6
// options on non-IPv6 sockets with ENOPROTOOPT. Returns WSAENOPROTOOPT for that case, else 0
// (an unknown family is left to the call itself).
inline int check_option_level(handle h, int level) noexcept {
    if (level != IPPROTO_IPV6) return 0;
    int err = 0;
    const int f = socket_family(h, err);
    return err == 0 && f != AF_INET6 ? WSAENOPROTOOPT : 0;
}

// The listener policy, applied when a TCP socket is bound: SO_EXCLUSIVEADDRUSE, so that a
// second bind to a live listener's port fails with WSAEADDRINUSE instead of stealing it —
// unless the user opted into SO_REUSEADDR (setting both fails with WSAEINVAL).
inline int listener_policy(handle h) noexcept {
    BOOL reuse = FALSE;
    int len = static_cast<int>(sizeof reuse);
    if (::getsockopt(h, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&reuse), &len) != 0)
        return ::WSAGetLastError();
    if (reuse) return 0;
    BOOL one = TRUE;
    if (::setsockopt(h, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&one),
                     static_cast<int>(sizeof one)) != 0)
        return ::WSAGetLastError();
    return 0;
}

// Windows cannot report a socket's blocking mode, so this layer remembers the sockets it made
// non-blocking (set_nonblocking), until they are closed. A mode set with ioctlsocket directly
// is not seen: such a socket counts as blocking. A process-wide list under a slim lock: a
// program has few non-blocking sockets whose mode changes rarely.
struct nonblocking_list {
    ::SRWLOCK lock = SRWLOCK_INIT;
    handle* items = nullptr; // never freed: the list lives as long as the process
    std::size_t size = 0, capacity = 0;

    // Adds or removes h; false if it was absent and could not be added (no memory).
    bool set(handle h, bool on) noexcept {
        ::AcquireSRWLockExclusive(&lock);
        std::size_t at = find(h);
        bool ok = true;
        if (on && at == size) {
            ok = grow();
            if (ok) items[size++] = h;
        } else if (!on && at != size) {
            items[at] = items[--size];
        }
        ::ReleaseSRWLockExclusive(&lock);
        return ok;
    }
    bool has(handle h) noexcept {
        ::AcquireSRWLockShared(&lock);
        const bool found = find(h) != size;
        ::ReleaseSRWLockShared(&lock);
        return found;
    }
    static nonblocking_list& get() noexcept {
        static nonblocking_list list;
        return list;
    }

private:
    std::size_t find(handle h) const noexcept {
        std::size_t i = 0;
        while (i != size && items[i] != h) ++i;
        return i;
    }
    bool grow() noexcept {
        if (size < capacity) return true;
        const std::size_t more = capacity == 0 ? 16 : capacity * 2;
        auto* bigger = new (std::nothrow) handle[more];
        if (bigger == nullptr) return false;
        if (size != 0) std::memcpy(bigger, items, size * sizeof(handle));
        delete[] items;
        items = bigger;
        capacity = more;
        return true;
    }
};

inline int set_nonblocking(handle h, bool on) noexcept {
    u_long mode = on ? 1 : 0;
    if (::ioctlsocket(h, FIONBIO, &mode) != 0) return ::WSAGetLastError();
    return nonblocking_list::get().set(h, on) ? 0 : WSAENOBUFS;
}

// 1 if non-blocking, 0 if blocking (as far as set_nonblocking knows).
inline int is_nonblocking(handle h, int&) noexcept { return nonblocking_list::get().has(h) ? 1 : 0; }

// Accepted sockets are made non-inheritable and blocking, whatever the listener's mode.
inline handle accept_socket(handle h, ::sockaddr* sa, socklen_type* len, int& err) noexcept {
    handle c = ::accept(h, sa, len);
    if (c == INVALID_SOCKET) {
        err = ::WSAGetLastError();
        return invalid;
    }
    ::SetHandleInformation(reinterpret_cast<HANDLE>(c), HANDLE_FLAG_INHERIT, 0);
    if ((err = set_nonblocking(c, false)) != 0) {
        ::closesocket(c);
        return invalid;
    }
    return c;
}

inline int close_socket(handle h) noexcept {
    nonblocking_list::get().set(h, false); // before: once closed, the value can be reused
    return ::closesocket(h) == 0 ? 0 : ::WSAGetLastError();
}

inline int poll(pollfd_type* fds, nfds_type n, int timeout_ms) noexcept {
    return ::WSAPoll(fds, n, timeout_ms);
}

inline void sleep_ms(int ms) noexcept { ::Sleep(static_cast<DWORD>(ms < 0 ? 0 : ms)); }

// ---------------------------------------------------------------------------------------------
// One attempt of each transfer: wait_ms < 0 waits as the socket's mode says; wait_ms >= 0 never
// waits longer. Windows has no MSG_DONTWAIT, and after WSAPoll says "writable" a blocking send
// can still wait for ever (it takes the whole buffer), so a timed attempt is an overlapped
// operation (sockets are made with WSA_FLAG_OVERLAPPED; the socket's blocking mode does not
// apply to it), cancelled when the time is up. Each returns the bytes moved, or -1 with err;
// WSAEWOULDBLOCK when the time ran out before any byte moved. A timed attempt costs an event
// (CreateEventW/CloseHandle) beside the transfer.

// Starts `start(overlapped)`, waits up to wait_ms, cancels it if unfinished (CancelIoEx) and
// waits for that. Returns 0 or the error; n is the bytes moved either way.
template <class Start> int overlapped(handle h, int wait_ms, DWORD& n, Start&& start) noexcept {
    n = 0;
    const HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (event == nullptr) return static_cast<int>(::GetLastError());
    ::WSAOVERLAPPED ov{};
    // The low bit keeps the completion off an I/O completion port the socket may be tied to
    // (https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus).
    ov.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(event) | 1);
    if (start(&ov) != 0) {
        const int e = ::WSAGetLastError();
        if (e != WSA_IO_PENDING) {
            ::CloseHandle(event);
            return e;
        }
        if (::WaitForSingleObject(event, static_cast<DWORD>(wait_ms)) != WAIT_OBJECT_0) {
            ::CancelIoEx(reinterpret_cast<HANDLE>(h), &ov);
            ::WaitForSingleObject(event, INFINITE); // the cancellation (or completion) is quick
        }
    }
    DWORD flags = 0;
    const int e = ::WSAGetOverlappedResult(h, &ov, &n, FALSE, &flags) ? 0 : ::WSAGetLastError();
    ::CloseHandle(event);
    return e == WSA_OPERATION_ABORTED ? WSAEWOULDBLOCK : e;
}

// The result of a plain (non-overlapped) Winsock transfer call.
inline long plain_result(int r, int& err) noexcept {
    if (r == SOCKET_ERROR) err = ::WSAGetLastError();
    return r == SOCKET_ERROR ? -1 : r;
}
// The result of an overlapped one: bytes that moved count, even if it was then cancelled.
inline long overlapped_result(int e, DWORD n, int& err) noexcept {
    if (e == 0 || n > 0) return static_cast<long>(n);
    err = e;
    return -1;
}

inline long send_once(handle h, const void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(const_cast<void*>(data))};
    if (wait_ms < 0) return plain_result(::send(h, buf.buf, size, flags), err);
    DWORD n = 0;
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        return ::WSASend(h, &buf, 1, nullptr, static_cast<DWORD>(flags), ov, nullptr);
    });
    return overlapped_result(e, n, err);
}

inline long recv_once(handle h, void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(data)};
    if (wait_ms < 0) return plain_result(::recv(h, buf.buf, size, flags), err);
    DWORD n = 0;
    DWORD in_flags = static_cast<DWORD>(flags);
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        return ::WSARecv(h, &buf, 1, nullptr, &in_flags, ov, nullptr);
    });
    return overlapped_result(e, n, err);
}

inline long send_to(handle h, const void* data, io_length size, int flags, const ::sockaddr* sa,
                    socklen_type len, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(const_cast<void*>(data))};
    if (wait_ms < 0) return plain_result(::sendto(h, buf.buf, size, flags, sa, len), err);
    DWORD n = 0;
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        return ::WSASendTo(h, &buf, 1, nullptr, static_cast<DWORD>(flags), sa, len, ov, nullptr);
    });
    return overlapped_result(e, n, err);
}

// Datagram receive that reports truncation: Winsock fails with WSAEMSGSIZE after copying what
// fits; that is a success with truncated = true, as on POSIX.
inline long recv_from(handle h, void* data, io_length size, int flags, ::sockaddr* sa, socklen_type* len,
                      bool& truncated, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(data)};
    truncated = false;
    DWORD n = 0;
    int e = 0;
    if (wait_ms < 0) {
        const int r = ::recvfrom(h, buf.buf, size, flags, sa, len);
        e = r == SOCKET_ERROR ? ::WSAGetLastError() : 0;
        n = r == SOCKET_ERROR ? static_cast<DWORD>(size) : static_cast<DWORD>(r);
    } else {
        DWORD in_flags = static_cast<DWORD>(flags);
        e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
            return ::WSARecvFrom(h, &buf, 1, nullptr, &in_flags, sa, len, ov, nullptr);
        });
    }
    if (e == WSAEMSGSIZE) {
        truncated = true;
        return static_cast<long>(size);
    }
    return overlapped_result(e, n, err);
}

// ---------------------------------------------------------------------------------------------
// The wake-up of a poller: no eventfd; the WSAPoll backend uses a socket pair.

inline constexpr bool has_event_handle = false;
inline handle open_event_handle(int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return invalid;
}
inline void signal_event_handle(handle) noexcept {}
inline void drain_event_handle(handle) noexcept {}

// ---------------------------------------------------------------------------------------------
// Messages: scatter/gather, batches of datagrams and ancillary (control) data

using io_vector = ::WSABUF;
inline io_vector make_io_vector(const void* data, std::size_t size) noexcept {
    return {static_cast<ULONG>(size > 0x7fffffff ? 0x7fffffff : size),
            static_cast<char*>(const_cast<void*>(data))};
}
// Buffers passed to one WSASend/WSARecv (a longer array is moved in several calls).
inline constexpr std::size_t max_io_vectors = 64;

// The header of one control message (WSACMSGHDR of <mswsock.h>, which we do not include) and
// its alignment rules (WSA_CMSGHDR_ALIGN / WSA_CMSGDATA_ALIGN).
struct control_header {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
};
inline constexpr std::size_t control_align(std::size_t n) noexcept {
    return (n + alignof(control_header) - 1) & ~(alignof(control_header) - 1);
}
// MAX_NATURAL_ALIGNMENT: 8 on 64-bit Windows, 4 on 32-bit.
inline constexpr std::size_t control_data_align(std::size_t n) noexcept {
    return (n + sizeof(void*) - 1) & ~(sizeof(void*) - 1);
}
inline constexpr std::size_t control_data_offset = control_data_align(sizeof(control_header));

inline constexpr std::size_t control_space = 256;
inline constexpr std::size_t max_passed_handles = 0;
inline constexpr bool kernel_drops_excess_handles = true; // nothing is ever passed
inline constexpr std::size_t receive_handle_capacity = 0;
// msg_flags bits: the datagram or the control data did not fit (MSG_TRUNC / MSG_CTRUNC).
inline constexpr int msg_truncated = 0x0100;
inline constexpr int msg_control_truncated = 0x0200;
// The control space of one datagram of a batch: its packet info.
struct alignas(ULONGLONG) packet_control {
    unsigned char bytes[128];
};
struct alignas(ULONGLONG) control_buffer {
    unsigned char bytes[control_space];
};

inline std::size_t handle_control_size(std::size_t) noexcept { return 0; }

// Receive-side options that make the stack attach control data; -1 = not available here.
inline constexpr int opt_v4_packet_info = IP_PKTINFO;
inline constexpr int opt_v6_packet_info = IPV6_PKTINFO;
inline constexpr int opt_v4_receive_hops = -1;
inline constexpr int opt_v6_receive_hops = -1;
inline constexpr int v6_packet_info_type = IPV6_PKTINFO;
inline constexpr int v6_hop_limit_type = -1;
inline constexpr int opt_timestamp = -1;
// Descriptor passing (SCM_RIGHTS) does not exist; WSADuplicateSocket is another model.
inline constexpr bool has_handle_passing = false;
// Per-call UDP segmentation offload (a control message) is not offered here.
inline constexpr bool has_segment_control = false;
inline constexpr int segment_level = IPPROTO_UDP;
inline constexpr int segment_control_type = -1;
inline constexpr int gro_control_type = -1;

// What the control data of one received message said (see detail/os/posix.hpp).
struct control_fields {
    ::sockaddr_storage destination{};
    socklen_type destination_size = 0;
    unsigned interface_index = 0;
    int hop_limit = -1;
    bool has_time = false;
    long long seconds = 0;
    long nanoseconds = 0;
    int segment_size = 0;
    std::size_t handles = 0;
    bool handles_dropped = false;
};

inline void close_passed(handle h) noexcept { ::closesocket(h); }

inline void read_control(const void* control, std::size_t size, control_fields& out, handle*,
                         std::size_t) noexcept {
    const auto* p = static_cast<const unsigned char*>(control);
    for (std::size_t at = 0; at + sizeof(control_header) <= size;) {
        control_header c;
        std::memcpy(&c, p + at, sizeof c);
        if (c.cmsg_len < control_data_offset || at + c.cmsg_len > size) break;
        const unsigned char* data = p + at + control_data_offset;
        const std::size_t len = c.cmsg_len - control_data_offset;
        if (c.cmsg_level == IPPROTO_IP && c.cmsg_type == IP_PKTINFO && len >= sizeof(::IN_PKTINFO)) {
            ::IN_PKTINFO info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_addr = info.ipi_addr;
            std::memcpy(&out.destination, &sin, sizeof sin);
            out.destination_size = sizeof sin;
            out.interface_index = static_cast<unsigned>(info.ipi_ifindex);
        } else if (c.cmsg_level == IPPROTO_IPV6 && c.cmsg_type == IPV6_PKTINFO &&
                   len >= sizeof(::IN6_PKTINFO)) {
            ::IN6_PKTINFO info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in6 sin6{};
            sin6.sin6_family = AF_INET6;
            sin6.sin6_addr = info.ipi6_addr;
            std::memcpy(&out.destination, &sin6, sizeof sin6);
            out.destination_size = sizeof sin6;
            out.interface_index = static_cast<unsigned>(info.ipi6_ifindex);
        }
        at += control_align(c.cmsg_len);
    }
}

// The source address of a datagram as IP_PKTINFO / IPV6_PKTINFO; segments and descriptors are
// not available here (-1).
inline long write_control(void* buffer, std::size_t capacity, const ::sockaddr* source,
                          unsigned interface_index, int segment, const handle*, std::size_t count) noexcept {
    auto* bytes = static_cast<unsigned char*>(buffer);
    std::memset(bytes, 0, capacity);
    if (segment > 0 || count > 0) return -1;
    auto put = [&](int level, int type, const void* data, std::size_t len) {
        if (control_data_align(control_data_offset + len) > capacity) return -1L;
        control_header c{};
        c.cmsg_len = control_data_offset + len;
        c.cmsg_level = level;
        c.cmsg_type = type;
        std::memcpy(bytes, &c, sizeof c);
        std::memcpy(bytes + control_data_offset, data, len);
        return static_cast<long>(control_data_align(control_data_offset + len));
    };
    if (source != nullptr && source->sa_family == AF_INET) {
        ::IN_PKTINFO info{};
        info.ipi_addr = reinterpret_cast<const ::sockaddr_in*>(source)->sin_addr;
        info.ipi_ifindex = interface_index;
        return put(IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
    }
    if (source != nullptr && source->sa_family == AF_INET6) {
        ::IN6_PKTINFO info{};
        info.ipi6_addr = reinterpret_cast<const ::sockaddr_in6*>(source)->sin6_addr;
        info.ipi6_ifindex = interface_index;
        return put(IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
    }
    return 0;
}

// WSARecvMsg is reached through WSAIoctl (the same pointer for every socket of the provider).
using recv_msg_function = INT(PASCAL*)(SOCKET, ::LPWSAMSG, LPDWORD, ::LPWSAOVERLAPPED,
                                       ::LPWSAOVERLAPPED_COMPLETION_ROUTINE);
inline recv_msg_function recv_msg_pointer(handle h) noexcept {
    static std::atomic<recv_msg_function> cached{nullptr}; // every thread stores the same value
    if (recv_msg_function f = cached.load(std::memory_order_acquire)) return f;
    GUID id = {
        0xf689d7c8, 0x6f1f, 0x436b, {0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22}}; // WSAID_WSARECVMSG
    recv_msg_function f = nullptr;
    DWORD bytes = 0;
    if (::WSAIoctl(h, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &f, sizeof f, &bytes, nullptr,
                   nullptr) != 0)
        return nullptr;
    cached.store(f, std::memory_order_release);
    return f;
}

// WSASendMsg with control data (datagram sockets), else WSASendTo / WSASend with the buffer
// array; wait_ms as in send_once. Returns the bytes sent or -1.
inline long send_message(handle h, const io_vector* v, std::size_t n, const ::sockaddr* to,
                         socklen_type to_size, const void* control, std::size_t control_size, int flags,
                         int wait_ms, int& err) noexcept {
    auto* bufs = const_cast<io_vector*>(v);
    const DWORD count = static_cast<DWORD>(n);
    if (control_size == 0 && wait_ms < 0) {
        DWORD sent = 0;
        const int r = ::WSASendTo(h, bufs, count, &sent, static_cast<DWORD>(flags), to,
                                  to != nullptr ? to_size : 0, nullptr, nullptr);
        if (r != 0) err = ::WSAGetLastError();
        return r != 0 ? -1 : static_cast<long>(sent);
    }
    ::WSAMSG msg{};
    msg.name = const_cast<::sockaddr*>(to);
    msg.namelen = to != nullptr ? to_size : 0;
    msg.lpBuffers = bufs;
    msg.dwBufferCount = count;
    msg.Control.buf = static_cast<char*>(const_cast<void*>(control));
    msg.Control.len = static_cast<ULONG>(control_size);
    DWORD sent = 0;
    if (wait_ms < 0) {
        const int r = ::WSASendMsg(h, &msg, static_cast<DWORD>(flags), &sent, nullptr, nullptr);
        if (r != 0) err = ::WSAGetLastError();
        return r != 0 ? -1 : static_cast<long>(sent);
    }
    const int e = overlapped(h, wait_ms, sent, [&](::WSAOVERLAPPED* ov) {
        if (control_size == 0)
            return ::WSASendTo(h, bufs, count, nullptr, static_cast<DWORD>(flags), to,
                               to != nullptr ? to_size : 0, ov, nullptr);
        return ::WSASendMsg(h, &msg, static_cast<DWORD>(flags), nullptr, ov, nullptr);
    });
    return overlapped_result(e, sent, err);
}

// WSARecvMsg where an address or control data is wanted (datagram sockets), else WSARecv with
// the buffer array. A datagram larger than the buffers is a success with MSG_TRUNC in
// msg_flags, as on POSIX (Winsock reports WSAEMSGSIZE after copying what fits).
inline long recv_message(handle h, io_vector* v, std::size_t n, ::sockaddr* from, socklen_type* from_size,
                         void* control, std::size_t* control_size, int& msg_flags, int flags, int wait_ms,
                         int& err) noexcept {
    msg_flags = 0;
    const DWORD count = static_cast<DWORD>(n);
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += v[i].len;
    DWORD got = 0;
    int e = 0;
    if (from == nullptr && control == nullptr) {
        DWORD in_flags = static_cast<DWORD>(flags);
        if (wait_ms < 0)
            e = ::WSARecv(h, v, count, &got, &in_flags, nullptr, nullptr) != 0 ? ::WSAGetLastError() : 0;
        else
            e = overlapped(h, wait_ms, got, [&](::WSAOVERLAPPED* ov) {
                return ::WSARecv(h, v, count, nullptr, &in_flags, ov, nullptr);
            });
    } else {
        const recv_msg_function recv_msg = recv_msg_pointer(h);
        if (recv_msg == nullptr) {
            err = ::WSAGetLastError();
            return -1;
        }
        ::WSAMSG msg{};
        msg.name = from;
        msg.namelen = from != nullptr ? *from_size : 0;
        msg.lpBuffers = v;
        msg.dwBufferCount = count;
        msg.Control.buf = static_cast<char*>(control);
        msg.Control.len = control != nullptr ? static_cast<ULONG>(*control_size) : 0;
        msg.dwFlags = static_cast<DWORD>(flags);
        if (wait_ms < 0) e = recv_msg(h, &msg, &got, nullptr, nullptr) != 0 ? ::WSAGetLastError() : 0;
        else
            e = overlapped(h, wait_ms, got,
                           [&](::WSAOVERLAPPED* ov) { return recv_msg(h, &msg, nullptr, ov, nullptr); });
        if (e == 0 || e == WSAEMSGSIZE) {
            if (from != nullptr) *from_size = msg.namelen;
            if (control != nullptr) *control_size = msg.Control.len;
            msg_flags = static_cast<int>(msg.dwFlags);
        }
    }
    if (e == WSAEMSGSIZE) {
        msg_flags |= msg_truncated;
        return static_cast<long>(total);
    }
    return overlapped_result(e, got, err);
}

// One datagram of a batch (see detail/os/posix.hpp).
struct batch_slot {
    io_vector data;
    ::sockaddr* name;
    socklen_type name_size;
    void* control;
    std::size_t control_size;
    std::size_t size;
    int flags;
};
inline constexpr std::size_t batch_chunk = 64;
// No recvmmsg/sendmmsg: recv_batch/send_batch loop over single calls.
inline constexpr bool has_message_batch = false;
inline int recv_batch(handle, batch_slot*, std::size_t, int, int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return -1;
}
inline int send_batch(handle, const batch_slot*, std::size_t, int, int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return -1;
}

// A bind that conflicts with an exclusive one (SO_EXCLUSIVEADDRUSE, which netsock's listeners
// carry, also across families: [::]:P against 0.0.0.0:P) fails with WSAEACCES on Windows; it is
// address_in_use on every other OS, and here too.
// ---------------------------------------------------------------------------------------------
// A file sent to a socket (net::sendfile, file.hpp). posix.hpp defines the same names.

using file_handle = HANDLE;
inline file_handle invalid_file() noexcept { return INVALID_HANDLE_VALUE; }
// The most one TransmitFile call is asked for: as send_piece, so that a failure never hides
// much of what went (an overlapped TransmitFile that fails reports no count).
inline constexpr std::size_t file_piece = 65536;
// The stack buffer of the read+send path (send_file_by_copy).
inline constexpr std::size_t file_copy_piece = 32768;
// A timed attempt is an overlapped TransmitFile that waits itself: no mode switch.
inline constexpr bool send_file_needs_nonblocking = false;

// TransmitFile (mswsock) is reached through WSAIoctl, like WSARecvMsg: no mswsock.lib to link.
// The last but one parameter is a TRANSMIT_FILE_BUFFERS*, always null here.
using transmit_file_function = BOOL(PASCAL*)(SOCKET, HANDLE, DWORD, DWORD, LPOVERLAPPED, void*, DWORD);
inline transmit_file_function transmit_file_pointer(handle h) noexcept {
    static transmit_file_function cached = nullptr; // benign race: every thread stores the same value
    if (cached != nullptr) return cached;
    GUID id = {
        0xb5367df0, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}; // WSAID_TRANSMITFILE
    transmit_file_function f = nullptr;
    DWORD bytes = 0;
    if (::WSAIoctl(h, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &f, sizeof f, &bytes, nullptr,
                   nullptr) != 0)
        return nullptr;
    cached = f;
    return f;
}

// A file API error as netsock reports it: an invalid handle is WSAEBADF (bad_file_descriptor),
// as on POSIX; the rest as the system's code.
inline int file_error(DWORD e) noexcept { return e == ERROR_INVALID_HANDLE ? WSAEBADF : static_cast<int>(e); }

// The read+send path: ReadFile at `offset` (given in an OVERLAPPED; on a handle opened without
// FILE_FLAG_OVERLAPPED Windows then also moves the file pointer) of at most file_copy_piece
// bytes, then one send_once of them (wait_ms as there).
inline long send_file_by_copy(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                              int& err) noexcept {
    char buf[file_copy_piece];
    if (size > sizeof buf) size = sizeof buf;
    ::OVERLAPPED ov{};
    ov.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    ov.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    BOOL ok = ::ReadFile(f, buf, static_cast<DWORD>(size), &got, &ov);
    if (!ok && ::GetLastError() == ERROR_IO_PENDING) ok = ::GetOverlappedResult(f, &ov, &got, TRUE);
    if (!ok) {
        const DWORD e = ::GetLastError();
        if (e == ERROR_HANDLE_EOF) return 0;
        err = file_error(e);
        return -1;
    }
    if (got == 0) return 0;
    return send_once(h, buf, static_cast<io_length>(got), 0, wait_ms, err);
}

// One attempt of net::sendfile: up to `size` (> 0) bytes of file f from `offset` to socket h.
// Returns the bytes sent (0: end of file at offset), or -1 with err. The file's size is read
// first (GetFileSizeEx): an offset at or past the end is 0 and the count is cut to what the
// file holds, so a file that shrank ends the transfer early instead of failing. Then
// TransmitFile of at most file_piece bytes, overlapped with the offset in the OVERLAPPED (the
// file pointer is not used), waited for up to wait_ms (-1: until done) and cancelled when the
// time is up, like every timed Winsock transfer (os::overlapped). An attempt that must not wait
// at all (wait_ms 0: a canceller; or a non-blocking socket) reads and sends instead: an
// overlapped TransmitFile completes later and would be cancelled before moving anything. So
// does a provider without TransmitFile, or one that refuses it (WSAEOPNOTSUPP, WSAEINVAL).
inline long send_file_once(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                           int& err) noexcept {
    if (offset > 0x7fffffffffffffffull) { // as POSIX, where off_t cannot hold it
        err = WSAEINVAL;
        return -1;
    }
    ::LARGE_INTEGER end{};
    if (!::GetFileSizeEx(f, &end)) {
        err = file_error(::GetLastError());
        return -1;
    }
    const auto file_size = static_cast<std::uint64_t>(end.QuadPart);
    if (offset >= file_size) return 0;
    if (size > file_size - offset) size = static_cast<std::size_t>(file_size - offset);
    if (size > file_piece) size = file_piece;
    // A non-blocking socket keeps wait_ms -1: the copy path's plain send honours its mode.
    const bool no_wait = wait_ms == 0 || (wait_ms < 0 && nonblocking_list::get().has(h));
    const transmit_file_function transmit = no_wait ? nullptr : transmit_file_pointer(h);
    if (transmit == nullptr) return send_file_by_copy(h, f, offset, size, wait_ms, err);
    DWORD n = 0;
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        ov->Offset = static_cast<DWORD>(offset & 0xffffffffu);
        ov->OffsetHigh = static_cast<DWORD>(offset >> 32);
        return transmit(h, f, static_cast<DWORD>(size), 0, ov, nullptr, 0) ? 0 : SOCKET_ERROR;
    });
    if (n == 0 && (e == WSAEOPNOTSUPP || e == WSAEINVAL))
        return send_file_by_copy(h, f, offset, size, wait_ms, err);
    return overlapped_result(e, n, err);
}

inline int bind_socket(handle h, const ::sockaddr* sa, socklen_type len) noexcept {
    if (::bind(h, sa, len) == 0) return 0;
    const int e = ::WSAGetLastError();
    const bool ip = sa->sa_family == AF_INET || sa->sa_family == AF_INET6;
    return e == WSAEACCES && ip ? WSAEADDRINUSE : e;
}

// Windows has no socketpair() (has_socketpair is false): ops.ipp builds one over loopback.
inline int socket_pair(int, handle*) noexcept { return WSAEOPNOTSUPP; }

// Windows zone ids are numeric ("fe80::1%12"); names would need iphlpapi.
inline unsigned interface_index(const char*) noexcept { return 0; }
inline constexpr std::size_t interface_name_size = 16;
inline bool interface_name(unsigned, char (&)[interface_name_size]) noexcept { return false; }

// Numeric text <-> binary address (Vista and newer).
inline bool pton(int family, const char* text, void* out) noexcept {
    return ::inet_pton(family, text, out) == 1;
}
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return ::inet_ntop(family, in, out, size) != nullptr;
}

// EAI_* codes are WSA codes on Windows, and gai_strerror is not thread-safe there.
inline const char* resolver_message(int) noexcept { return nullptr; }
// getaddrinfo codes that not every system has; -1 where absent (Windows has no EAI_SYSTEM).
inline constexpr int eai_nodata = EAI_NODATA != EAI_NONAME ? EAI_NODATA : -1;
inline constexpr int eai_system = -1;

// Not inherited by processes this one starts; 0 or the error.
inline int set_cloexec(handle h) noexcept {
    return ::SetHandleInformation(reinterpret_cast<HANDLE>(h), HANDLE_FLAG_INHERIT, 0)
               ? 0
               : static_cast<int>(::GetLastError());
}

// Runs f(arg) on a new thread (CreateThread, handle closed at once); 0 or the error.
struct thread_start {
    void (*f)(void*);
    void* arg;
};
inline DWORD WINAPI run_thread_start(LPVOID p) {
    const thread_start s = *static_cast<thread_start*>(p);
    delete static_cast<thread_start*>(p);
    s.f(s.arg);
    return 0;
}
inline int start_thread(void (*f)(void*), void* arg) noexcept {
    auto* s = new (std::nothrow) thread_start{f, arg};
    if (s == nullptr) return ERROR_NOT_ENOUGH_MEMORY;
    HANDLE h = ::CreateThread(nullptr, 0, &run_thread_start, s, 0, nullptr);
    if (h == nullptr) {
        const int e = static_cast<int>(::GetLastError());
        delete s;
        return e;
    }
    ::CloseHandle(h);
    return 0;
}

// What is at a file system path: 0 nothing, 1 an AF_UNIX socket file (a reparse point tagged
// IO_REPARSE_TAG_AF_UNIX, which FindFirstFile reports without following it), 2 anything else,
// -1 the query failed.
inline int path_kind(const char* path) noexcept {
    constexpr DWORD af_unix_tag = 0x80000023; // IO_REPARSE_TAG_AF_UNIX; not in every SDK
    WIN32_FIND_DATAA data;
    HANDLE h = ::FindFirstFileA(path, &data);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD e = ::GetLastError();
        return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? 0 : -1;
    }
    ::FindClose(h);
    return (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 && data.dwReserved0 == af_unix_tag ? 1
                                                                                                          : 2;
}

// ---------------------------------------------------------------------------------------------
// This host: its name, reverse lookup, its interfaces (host.hpp)

// UTF-8 of a NUL-terminated wide string into out[size], NUL included; false if it does not fit.
inline bool to_utf8(const wchar_t* in, char* out, std::size_t size) noexcept {
    if (size == 0) return false;
    if (in == nullptr || *in == 0) {
        *out = 0;
        return true;
    }
    return ::WideCharToMultiByte(CP_UTF8, 0, in, -1, out, static_cast<int>(size), nullptr, nullptr) != 0;
}

// The host name in UTF-8, as Python's socket.gethostname() finds it on Windows:
// GetComputerNameExW(ComputerNamePhysicalDnsHostname) (Winsock's gethostname would give it in
// the ANSI code page). 0 or the error.
inline int host_name(char* out, std::size_t size) noexcept {
    wchar_t wide[256] = {};
    DWORD n = 256;
    if (!::GetComputerNameExW(ComputerNamePhysicalDnsHostname, wide, &n)) {
        const DWORD e = ::GetLastError();
        return e == ERROR_MORE_DATA ? WSAENAMETOOLONG : static_cast<int>(e);
    }
    return to_utf8(wide, out, size) ? 0 : WSAENAMETOOLONG;
}

// getnameinfo's own code (EAI_*, that is WSA* on Windows), 0 on success. GetNameInfoW and
// UTF-8, so that a name outside the ANSI code page arrives intact.
inline int name_info(const ::sockaddr* sa, socklen_type len, char* host, std::size_t host_size, char* service,
                     std::size_t service_size, int flags) noexcept {
    wchar_t h[NI_MAXHOST] = {};
    wchar_t s[NI_MAXSERV] = {};
    // The code is the return value (Wine leaves WSAGetLastError at 0); the last error only if
    // it returned SOCKET_ERROR instead.
    if (const int rc = ::GetNameInfoW(sa, len, h, NI_MAXHOST, s, NI_MAXSERV, flags); rc != 0) {
        if (rc != SOCKET_ERROR) return rc;
        const int e = ::WSAGetLastError();
        return e != 0 ? e : WSANO_RECOVERY;
    }
    if (!to_utf8(h, host, host_size) || !to_utf8(s, service, service_size)) return WSAENOBUFS;
    return 0;
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

// Calls visit(const interface_entry&) for every address of every adapter: GetAdaptersAddresses,
// loaded from iphlpapi.dll on first use so that programs need not link iphlpapi.lib. The name
// is the adapter's FriendlyName in UTF-8 ("Ethernet", "Loopback Pseudo-Interface 1").
// 0 or the error (WSAEOPNOTSUPP if the function is not there).
template <class Visit> int each_interface(Visit&& visit) {
    using get_adapters = ULONG(WINAPI*)(ULONG, ULONG, PVOID, PIP_ADAPTER_ADDRESSES, PULONG);
    static const get_adapters get = [] {
        HMODULE m = ::LoadLibraryExW(L"iphlpapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
        return m != nullptr ? reinterpret_cast<get_adapters>(
                                  reinterpret_cast<void (*)()>(::GetProcAddress(m, "GetAdaptersAddresses")))
                            : nullptr;
    }();
    if (get == nullptr) return WSAEOPNOTSUPP;
    // The size it asks for may grow between two calls (an adapter added): a few attempts.
    ULONG size = 16 * 1024;
    std::unique_ptr<char[]> buf;
    ULONG r = ERROR_BUFFER_OVERFLOW;
    for (int attempt = 0; attempt < 4 && r == ERROR_BUFFER_OVERFLOW; ++attempt) {
        buf.reset(new (std::nothrow) char[size]); // operator new[]: aligned for the structures
        if (!buf) return ERROR_NOT_ENOUGH_MEMORY;
        r = get(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                nullptr, reinterpret_cast<PIP_ADAPTER_ADDRESSES>(buf.get()), &size);
    }
    if (r == ERROR_NO_DATA) return 0; // no adapter at all: an empty list
    if (r == ERROR_BUFFER_OVERFLOW) return WSAENOBUFS;
    if (r == ERROR_INVALID_PARAMETER) return WSAEINVAL;
    if (r != NO_ERROR) return static_cast<int>(r); // ERROR_NOT_ENOUGH_MEMORY: not_enough_memory
    for (auto* a = reinterpret_cast<PIP_ADAPTER_ADDRESSES>(buf.get()); a != nullptr; a = a->Next) {
        char name[256] = {};
        if (a->FriendlyName == nullptr || a->FriendlyName[0] == 0 ||
            !to_utf8(a->FriendlyName, name, sizeof name))
            std::snprintf(name, sizeof name, "%s", a->AdapterName != nullptr ? a->AdapterName : "");
        interface_entry e;
        e.name = name;
        e.index = a->IfIndex != 0 ? static_cast<unsigned>(a->IfIndex) : static_cast<unsigned>(a->Ipv6IfIndex);
        e.up = e.running = a->OperStatus == IfOperStatusUp;
        e.loopback = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
        e.multicast = (a->Flags & IP_ADAPTER_NO_MULTICAST) == 0;
        e.point_to_point = a->IfType == IF_TYPE_PPP || a->IfType == IF_TYPE_TUNNEL;
        e.broadcast = a->IfType == IF_TYPE_ETHERNET_CSMACD || a->IfType == IF_TYPE_IEEE80211;
        if (a->FirstUnicastAddress == nullptr) visit(e);
        for (auto* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
            e.address = u->Address.lpSockaddr;
            e.prefix_length = u->OnLinkPrefixLength;
            visit(e);
        }
    }
    return 0;
}

// Only the kernel-queue pollers (epoll, kqueue) duplicate a socket; Windows has WSAPoll, and
// WSADuplicateSocket is for other processes.
inline handle duplicate(handle, int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return invalid;
}
} // namespace detail::os
NETSOCK_END_NAMESPACE

#endif
