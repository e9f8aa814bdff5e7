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

#include <cstddef>
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

// --- Multicast filtering, source-specific multicast, UDP segmentation offload (issue 17) ---
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
// --- end of issue 17 block ---

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

// A bind that conflicts with an exclusive one (SO_EXCLUSIVEADDRUSE, which netsock's listeners
// carry, also across families: [::]:P against 0.0.0.0:P) fails with WSAEACCES on Windows; it is
// address_in_use on every other OS, and here too.
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
