#ifndef NETSOCK_OPS_HPP
#define NETSOCK_OPS_HPP

// The BSD/Python-style free functions. Each operation `f` has a `noexcept` twin `try_f`
// returning `net::result<T>`; `f` calls `try_f` and throws `net::error` on failure.
// Blocking calls take a `net::timeout` last (timeout.hpp): by default they wait as long as it
// takes; with one, expiry is std::errc::timed_out.

#include "address.hpp"
#include "buffer.hpp"
#include "config.hpp"
#include "events.hpp"
#include "result.hpp"
#include "socket.hpp"
#include "timeout.hpp"

#include <cstddef>
#include <string_view>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

/// How `shutdown` closes a connection: stop receiving, stop sending (the peer sees EOF), or both.
enum class shutdown_type { receive, send, both };

/// What `accept` returns: the connected socket and the peer's address.
/// `auto [conn, peer] = net::accept(listener);`
struct [[nodiscard]] accept_result {
    net::socket socket;
    net::address peer;
};

/// What `recvfrom` returns: bytes received, the sender, and whether the datagram was larger
/// than the buffer (the rest is discarded; the socket stays usable).
struct [[nodiscard]] recvfrom_result {
    std::size_t size = 0;
    net::address sender;
    bool truncated = false;
};

/// Flags of one transfer, Python's `flags` argument: `net::recv(s, b, net::message_flags::peek)`.
/// Combine with `|`.
/// - `peek`: receive without removing the data from the socket (recv, recvfrom);
/// - `dontwait`: one attempt that never waits, whatever the socket's mode or the timeout:
///   operation_would_block if nothing can move (on every OS; Windows has no MSG_DONTWAIT);
/// - `waitall` (recv only): wait until the buffer is full; if the stream ends, the timeout
///   expires or a canceller fires first, the bytes that came are returned (as with
///   MSG_WAITALL; an error only if none came). For stream sockets. Not with `peek`.
/// Other combinations, and `peek`/`waitall` for sending, are invalid_argument.
enum class message_flags : unsigned { none = 0, peek = 1, dontwait = 2, waitall = 4 };
constexpr message_flags operator|(message_flags a, message_flags b) noexcept {
    return static_cast<message_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(message_flags set, message_flags f) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(f)) != 0;
}

/// The default `listen` backlog (SOMAXCONN).
inline constexpr int default_backlog = SOMAXCONN;

// ---------------------------------------------------------------------------------------------
// Creating, binding, listening

/// A new socket of the given family and type. Every socket netsock creates is close-on-exec
/// (non-inheritable on Windows), never raises SIGPIPE, and, for IPv6, has IPV6_V6ONLY set
/// explicitly to true (the same on every OS; `create_server` offers dual stack).
/// Errors: address_family_not_supported, too_many_files_open, ...
[[nodiscard]] NETSOCK_DECL result<socket> try_make_socket(family f,
                                                          socket_type t = socket_type::stream) noexcept;
/// Throwing form of `try_make_socket`.
NETSOCK_DECL socket make_socket(family f, socket_type t = socket_type::stream);

/// Binds to a local address (port 0 picks a free port; read it back with `local_address`).
/// TCP sockets get the listener policy first: SO_REUSEADDR on POSIX (fast restart after
/// TIME_WAIT), SO_EXCLUSIVEADDRUSE on Windows. A second bind to an address that a live listener
/// holds fails with address_in_use on every OS. Errors: address_in_use, address_not_available,
/// permission_denied, ...
[[nodiscard]] NETSOCK_DECL result<void> try_bind(const socket& s, const address& a) noexcept;
/// Throwing form of `try_bind`.
NETSOCK_DECL void bind(const socket& s, const address& a);

/// Marks a bound stream socket as accepting connections.
[[nodiscard]] NETSOCK_DECL result<void> try_listen(const socket& s, int backlog = default_backlog) noexcept;
/// Throwing form of `try_listen`.
NETSOCK_DECL void listen(const socket& s, int backlog = default_backlog);

// ---------------------------------------------------------------------------------------------
// Accepting and connecting

/// Waits for and accepts one connection: `auto [conn, peer] = net::accept(listener);`.
/// The new socket is blocking and close-on-exec whatever the listener's mode. A non-blocking
/// listener with nothing pending fails with operation_would_block. EMFILE is reported as
/// too_many_files_open and never retried (back off before accepting again).
/// With a timeout the listener is non-blocking for the duration of the call (readiness can be
/// stale when another thread takes the connection) and its mode is restored afterwards.
/// `receive_timeout` (SO_RCVTIMEO) bounds an accept without a timeout on a blocking listener
/// on every OS (Windows ignores it for accept; netsock makes it apply).
/// On Windows, which cannot report a socket's mode, "non-blocking" means set with
/// `net::set_nonblocking` (a mode set with ioctlsocket directly is not seen).
[[nodiscard]] NETSOCK_DECL result<accept_result> try_accept(const socket& s,
                                                            timeout t = timeout::none()) noexcept;
/// Throwing form of `try_accept`.
NETSOCK_DECL accept_result accept(const socket& s, timeout t = timeout::none());

/// Connects to `a`. EINTR never re-issues connect: netsock waits for the outcome. On a
/// non-blocking socket it fails with operation_in_progress (or would_block on Windows): wait
/// for writability, then check `net::get_option<net::socket_error>`.
/// Errors: connection_refused, timed_out, network_unreachable, ...
/// With a timeout it gives up with timed_out after `timeout`; a refusal is reported as
/// connection_refused, never as a timeout. The socket's blocking mode is restored afterwards
/// (on Windows: as `net::set_nonblocking` left it). After a timeout the socket is in an
/// unspecified state: close it.
/// ```cpp
/// if (auto r = net::try_connect(sock, addr, std::chrono::seconds(2)); !r)
///     std::puts(r.error().message().c_str());
/// ```
[[nodiscard]] NETSOCK_DECL result<void> try_connect(const socket& s, const address& a,
                                                    timeout t = timeout::none()) noexcept;
/// Throwing form of `try_connect`.
NETSOCK_DECL void connect(const socket& s, const address& a, timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Streams

/// Sends some of the bytes; returns how many the OS took (possibly fewer than given: on
/// Windows at most 64 KiB per call, so that a failure never hides how much went). With a
/// timeout it waits at most that long for room to send, on a blocking socket too.
/// Never raises SIGPIPE: a closed peer gives broken_pipe or connection_reset.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send(const socket& s, const_buffer b,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send`.
NETSOCK_DECL std::size_t send(const socket& s, const_buffer b, timeout t = timeout::none());
/// `send` with flags (dontwait; see `message_flags`).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send(const socket& s, const_buffer b, message_flags f,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send` with flags.
NETSOCK_DECL std::size_t send(const socket& s, const_buffer b, message_flags f, timeout t = timeout::none());
/// `send` of text: a string literal (its characters, no NUL), std::string or std::string_view.
[[nodiscard]] inline result<std::size_t> try_send(const socket& s, std::string_view text,
                                                  timeout t = timeout::none()) noexcept {
    return try_send(s, const_buffer(text.data(), text.size()), t);
}
inline std::size_t send(const socket& s, std::string_view text, timeout t = timeout::none()) {
    return send(s, const_buffer(text.data(), text.size()), t);
}

/// Sends every byte (looping over partial sends; also on non-blocking sockets) and returns the
/// count; a timeout is one deadline for the whole buffer. On failure, `*sent` (if given) holds
/// how many bytes went out before the error.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                                           timeout t = timeout::none(),
                                                           std::size_t* sent = nullptr) noexcept;
/// `try_sendall` with no time limit, reporting the bytes sent before an error in `*sent`.
[[nodiscard]] inline result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                                     std::size_t* sent) noexcept {
    return try_sendall(s, b, timeout::none(), sent);
}
/// Throwing form of `try_sendall`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t sendall(const socket& s, const_buffer b, timeout t = timeout::none());
/// `sendall` of text: `net::sendall(conn, "HTTP/1.1 200 OK\r\n")`, a std::string, ...
[[nodiscard]] inline result<std::size_t> try_sendall(const socket& s, std::string_view text,
                                                     timeout t = timeout::none(),
                                                     std::size_t* sent = nullptr) noexcept {
    return try_sendall(s, const_buffer(text.data(), text.size()), t, sent);
}
inline std::size_t sendall(const socket& s, std::string_view text, timeout t = timeout::none()) {
    return sendall(s, const_buffer(text.data(), text.size()), t);
}

/// Receives up to `b.size()` bytes; returns how many arrived. 0 means the peer closed the
/// stream (orderly EOF); an empty `b` is invalid_argument (a 0 that is not EOF would look like
/// one). With a timeout it gives up with timed_out if nothing arrives within it.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recv(const socket& s, mutable_buffer b,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv`.
NETSOCK_DECL std::size_t recv(const socket& s, mutable_buffer b, timeout t = timeout::none());
/// `recv` with flags (peek, dontwait, waitall; see `message_flags`).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recv(const socket& s, mutable_buffer b, message_flags f,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv` with flags.
NETSOCK_DECL std::size_t recv(const socket& s, mutable_buffer b, message_flags f,
                              timeout t = timeout::none());

/// Receives exactly `b.size()` bytes; a timeout is one deadline for the whole buffer. If the
/// stream ends first the error is `net::errc::eof`; `*received` (if given) holds how many
/// bytes arrived before any error.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                                              timeout t = timeout::none(),
                                                              std::size_t* received = nullptr) noexcept;
/// `try_recv_exact` with no time limit, reporting the bytes received before an error.
[[nodiscard]] inline result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                                        std::size_t* received) noexcept {
    return try_recv_exact(s, b, timeout::none(), received);
}
/// Throwing form of `try_recv_exact`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t recv_exact(const socket& s, mutable_buffer b, timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Datagrams

/// Sends one datagram to `to`. Errors: message_size if it is too large for the protocol, ...
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to,
                                                          timeout t = timeout::none()) noexcept;
/// Throwing form of `try_sendto`.
NETSOCK_DECL std::size_t sendto(const socket& s, const_buffer b, const address& to,
                                timeout t = timeout::none());
/// `sendto` of text (a string literal's characters, std::string, std::string_view).
[[nodiscard]] inline result<std::size_t> try_sendto(const socket& s, std::string_view text, const address& to,
                                                    timeout t = timeout::none()) noexcept {
    return try_sendto(s, const_buffer(text.data(), text.size()), to, t);
}
inline std::size_t sendto(const socket& s, std::string_view text, const address& to,
                          timeout t = timeout::none()) {
    return sendto(s, const_buffer(text.data(), text.size()), to, t);
}

/// Receives one datagram: `{size, sender, truncated}`. A datagram larger than `b` fills `b`,
/// the rest is discarded and `truncated` is true, the same on every OS.
[[nodiscard]] NETSOCK_DECL result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b,
                                                                timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recvfrom`.
NETSOCK_DECL recvfrom_result recvfrom(const socket& s, mutable_buffer b, timeout t = timeout::none());
/// `recvfrom` with flags (peek, dontwait; see `message_flags`).
[[nodiscard]] NETSOCK_DECL result<recvfrom_result>
try_recvfrom(const socket& s, mutable_buffer b, message_flags f, timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recvfrom` with flags.
NETSOCK_DECL recvfrom_result recvfrom(const socket& s, mutable_buffer b, message_flags f,
                                      timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Connection state

/// Shuts down one or both directions. `shutdown_type::send` sends EOF (FIN) to the peer while
/// still allowing to receive. Errors: not_connected, ...
[[nodiscard]] NETSOCK_DECL result<void> try_shutdown(const socket& s, shutdown_type how) noexcept;
/// Throwing form of `try_shutdown`.
NETSOCK_DECL void shutdown(const socket& s, shutdown_type how);

/// The address the socket is bound to (e.g. the port picked by binding port 0).
[[nodiscard]] NETSOCK_DECL result<address> try_local_address(const socket& s) noexcept;
/// Throwing form of `try_local_address`.
NETSOCK_DECL address local_address(const socket& s);

/// The address of the connected peer. Errors: not_connected.
[[nodiscard]] NETSOCK_DECL result<address> try_peer_address(const socket& s) noexcept;
/// Throwing form of `try_peer_address`.
NETSOCK_DECL address peer_address(const socket& s);

/// Switches non-blocking mode on or off. In non-blocking mode send/recv/accept fail with
/// operation_would_block instead of waiting (check with `net::is_would_block(ec)`);
/// sendall/recv_exact still wait, using poll.
[[nodiscard]] NETSOCK_DECL result<void> try_set_nonblocking(const socket& s, bool on = true) noexcept;
/// Throwing form of `try_set_nonblocking`.
NETSOCK_DECL void set_nonblocking(const socket& s, bool on = true);

/// Python's `settimeout`: the default time limit of this socket's blocking calls.
/// - `timeout::none()`: blocking, no limit (Python `settimeout(None)`);
/// - zero: non-blocking (Python `settimeout(0.0)`, `setblocking(False)`);
/// - anything else: blocking, and each accept, connect, send and recv given no timeout of its
///   own fails with timed_out after that long (SO_RCVTIMEO and SO_SNDTIMEO, in whole
///   milliseconds rounded up; netsock makes accept and connect honour them on every OS).
/// Trap: the limit is per system call, so a `sendall`/`recv_exact` of many pieces can take
/// longer (give them a timeout of their own for one deadline). A timeout with a canceller is
/// invalid_argument (a socket cannot hold one).
[[nodiscard]] NETSOCK_DECL result<void> try_set_timeout(const socket& s, timeout t) noexcept;
/// Throwing form of `try_set_timeout`.
NETSOCK_DECL void set_timeout(const socket& s, timeout t);
/// Python's `gettimeout`: what `set_timeout` set (zero for a non-blocking socket, `none()` for
/// no limit; the receive limit if the two differ).
[[nodiscard]] NETSOCK_DECL result<timeout> try_get_timeout(const socket& s) noexcept;
/// Throwing form of `try_get_timeout`.
NETSOCK_DECL timeout get_timeout(const socket& s);

/// Waits until the socket is ready for `wanted` (readable and/or writable) and returns the
/// events seen (which may include error and hangup). Expiry is timed_out.
[[nodiscard]] NETSOCK_DECL result<events> try_wait(const socket& s, events wanted,
                                                   timeout t = timeout::none()) noexcept;
/// Throwing form of `try_wait`.
NETSOCK_DECL events wait(const socket& s, events wanted, timeout t = timeout::none());

/// Closes a stream connection so the peer gets every byte and an orderly EOF rather than a
/// reset: shuts down sending, reads and discards whatever the peer still sends until its EOF or
/// the deadline, then closes. (Closing a socket with unread received data makes the OS send a
/// reset, which can destroy the reply the peer has not read yet.) `s` is closed afterwards in
/// every case. There is no default timeout: a peer that never closes would hold it for ever.
/// Errors: timed_out if the peer did not finish within `t` (the socket is still closed).
[[nodiscard]] NETSOCK_DECL result<void> try_graceful_close(socket& s, timeout t) noexcept;
/// Throwing form of `try_graceful_close`.
NETSOCK_DECL void graceful_close(socket& s, timeout t);

/// Two sockets connected to each other, e.g. for tests and wake-ups:
/// `auto [a, b] = net::socket_pair();`. POSIX: socketpair(AF_UNIX); Windows: a loopback TCP
/// (or UDP) pair.
[[nodiscard]] NETSOCK_DECL result<std::pair<socket, socket>>
try_socket_pair(socket_type t = socket_type::stream) noexcept;
/// Throwing form of `try_socket_pair`.
NETSOCK_DECL std::pair<socket, socket> socket_pair(socket_type t = socket_type::stream);

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/ops.ipp"
#endif

#endif
