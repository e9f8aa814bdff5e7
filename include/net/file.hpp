#ifndef NETSOCK_FILE_HPP
#define NETSOCK_FILE_HPP

// Sending a file to a socket without reading it into user memory (Python's socket.sendfile):
//
//     int fd = ::open("index.html", O_RDONLY);            // a HANDLE on Windows
//     net::sendfile_all(conn, fd, 0, size);                // every byte, or net::error
//     std::size_t n = net::sendfile(conn, fd, offset, 1 << 20, 5s); // what went (0: EOF)
//
// The file is given by its OS handle (`net::native_file_type`: an `int` descriptor on POSIX, a
// `HANDLE` on Windows), opened for reading by the caller, who keeps owning it. The file's own
// position (lseek, SetFilePointerEx) is not used: the bytes go from `offset`.
//
// What each OS does, per attempt:
// - Linux: sendfile(socket, file, &offset_copy, count) (at most 0x7ffff000 bytes per call, the
//   kernel's own limit), with SIGPIPE blocked in the calling thread for the call (Linux's
//   sendfile has no MSG_NOSIGNAL; a SIGPIPE the call raised is discarded, as MSG_NOSIGNAL would).
// - macOS: sendfile(file, socket, offset, &len, nullptr, 0); FreeBSD and DragonFly:
//   sendfile(file, socket, offset, count, nullptr, &sbytes, 0). The bytes these report on
//   EAGAIN or EINTR count.
// - Windows: TransmitFile (taken from the provider with WSAIoctl, so no mswsock.lib), overlapped
//   with the offset in the OVERLAPPED, at most 64 KiB per call, waited for up to the deadline
//   and cancelled there like every timed Winsock call; the file's size is read first
//   (GetFileSizeEx).
// - Fallback, a read + send loop (pread / ReadFile at the offset into a 32 KiB stack buffer, then
//   one send): on POSIX systems without sendfile (NetBSD, OpenBSD, ...); when sendfile fails
//   with EINVAL, ENOSYS, EOPNOTSUPP or ENOTSUP (Linux: a file without the page-cache
//   operations sendfile needs, e.g. some FUSE or special files; macOS/FreeBSD: not a regular
//   file, or a socket that is not a stream socket; a file system without sendfile) — the
//   fallback then reports the real error, if there is one (ESPIPE for a pipe); on Windows when
//   the provider has no TransmitFile or refuses it (WSAEOPNOTSUPP, WSAEINVAL), and for an
//   attempt that must not wait at all (a non-blocking socket, a canceller), because an
//   overlapped TransmitFile always completes later and would be cancelled before it moved
//   anything. Each attempt tries sendfile first: no state is remembered between calls.
//
// Traps and guarantees:
// - The file must stay open during the call. Its content should not change during the call
//   and until the peer has the data: Linux may send the page-cache pages themselves, so a write
//   (or a truncation inside a page) after sendfile returned can still change bytes that were
//   counted as sent.
// - A file that shrinks during the transfer makes it end early (sendfile_all: errc::eof);
//   what went is always reported exactly. An offset at or beyond the end of the file sends
//   nothing and returns 0 (not an error); an offset larger than the OS's file offsets can hold
//   (above 2^63 - 1) is invalid_argument.
// - `count` 0 returns 0 at once without a system call (only a closed socket is reported).
// - With a timeout or a canceller on a blocking socket, POSIX switches the socket to
//   non-blocking mode for the duration of the call (as accept and connect do; sendfile has no
//   MSG_DONTWAIT), restoring it after: another thread's call on the same socket in that window
//   sees a non-blocking socket. Make such a socket non-blocking once (`net::set_nonblocking`)
//   and give every call a timeout instead. Windows needs no switch.
// - Datagram sockets: what the OS says. On Linux each attempt on a connected UDP socket is one
//   datagram (message_size when `count` is larger than a datagram can be), and an unconnected
//   one fails with destination_address_required (EDESTADDRREQ); macOS and FreeBSD refuse non-stream sockets
//   (the fallback's send then answers); Windows' TransmitFile needs a connected stream socket (an unconnected
//   UDP socket: not_connected, WSAENOTCONN, under Wine 8). Use a stream socket.
// - On Windows the read+send path reads with ReadFile at the offset, which on a handle opened
//   without FILE_FLAG_OVERLAPPED also moves its file pointer.

#include "config.hpp"
#include "ops.hpp"
#include "result.hpp"
#include "socket.hpp"
#include "timeout.hpp"

#include <cstddef>
#include <cstdint>

NETSOCK_BEGIN_NAMESPACE

/// Sends up to `count` bytes of `file` from `offset` and returns how many went, like `send`:
/// possibly fewer (a partial transfer is reported, never lost); 0 means the end of the file is
/// at `offset` (or `count` was 0). Without a timeout it blocks as the socket's mode says; with
/// one it waits for room (POLLOUT) until then, timed_out if nothing went. On a non-blocking
/// socket with a full send buffer: operation_would_block with nothing sent, or the partial
/// count. Errors: bad_file_descriptor (a closed socket, an invalid file), the OS's (see the top
/// of file.hpp for which call each OS makes and what it refuses).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendfile(const socket& s, native_file_type file,
                                                            std::uint64_t offset, std::size_t count,
                                                            timeout t = timeout::none()) noexcept;
/// Throwing form of `try_sendfile`.
NETSOCK_DECL std::size_t sendfile(const socket& s, native_file_type file, std::uint64_t offset,
                                  std::size_t count, timeout t = timeout::none());

/// Sends `count` bytes of `file` from `offset`, looping over partial transfers (also on
/// non-blocking sockets: it waits for room), and returns `count`; a timeout is one deadline
/// for the whole transfer. The end of the file before `count` bytes is errc::eof. On any
/// failure `*sent` (if given) holds exactly how many bytes went out before it.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendfile_all(const socket& s, native_file_type file,
                                                                std::uint64_t offset, std::size_t count,
                                                                timeout t = timeout::none(),
                                                                std::size_t* sent = nullptr) noexcept;
/// Throwing form of `try_sendfile_all`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t sendfile_all(const socket& s, native_file_type file, std::uint64_t offset,
                                      std::size_t count, timeout t = timeout::none());

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/file.ipp"
#endif

#endif
