#ifndef NETSOCK_RESOLVE_HPP
#define NETSOCK_RESOLVE_HPP

// Name resolution and the two convenience constructors of Python's socket module:
// create_connection (with Happy Eyeballs, RFC 8305) and create_server.

#include "address.hpp"
#include "config.hpp"
#include "ops.hpp"
#include "options.hpp"
#include "result.hpp"
#include "socket.hpp"
#include "timeout.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

NETSOCK_BEGIN_NAMESPACE

/// What `resolve` looks for.
struct resolve_hints {
    /// Only this family (default: IPv4 and IPv6).
    std::optional<net::family> family;
    /// The socket type the addresses are for.
    socket_type type = socket_type::stream;
    /// For an empty host: the wildcard address (for bind) instead of loopback (for connect).
    bool passive = false;
};

/// Resolves a host name or numeric address and a service (port number or name such as
/// "http") into addresses, in the resolver's order, without duplicates. Numeric hosts never
/// touch DNS (AI_NUMERICHOST), and AI_ADDRCONFIG is never used, so "localhost", "127.0.0.1" and
/// "::1" resolve on a machine with no network. A host with a ':' or one that looks numeric
/// (dot-separated labels of decimal digits or 0x-hex, such as "127.1", "012.0.0.1",
/// "0x7f.0.0.1" or "2130706433", which inet_aton would read) is parsed by `address::parse`'s
/// strict rules on every OS: if they reject it, so does resolve, with the same reason
/// (`net::errc::ipv4_leading_zero`, ..., equal to `std::errc::invalid_argument`), never DNS. Errors (category
/// `net::resolve_category()`) compare equal to `net::resolve_errc::host_not_found`, `service_not_found`,
/// `try_again`, ... Allocation failure terminates (the function is noexcept).
[[nodiscard]] NETSOCK_DECL result<std::vector<address>>
try_resolve(std::string_view host, std::string_view service = {}, const resolve_hints& hints = {}) noexcept;
/// Throwing form of `try_resolve`.
NETSOCK_DECL std::vector<address> resolve(std::string_view host, std::string_view service = {},
                                          const resolve_hints& hints = {});

/// Connects to the first reachable address of `host:port` (Python's `socket.create_connection`):
/// resolves the name, then races the addresses Happy-Eyeballs style (RFC 8305): IPv6 first,
/// alternating families, a new attempt every 250 ms without waiting for the previous one to
/// fail; the first connection wins and the others are closed. Each attempt uses a fresh
/// socket; the timeout (and canceller) is one deadline for resolution and the whole race
/// (without one, each attempt ends when the OS gives up). getaddrinfo cannot be interrupted:
/// with a time limit or a canceller a name is resolved on a thread of its own, and on expiry or
/// cancel the call returns at once and abandons it (the thread finishes the lookup alone). On failure the
/// most specific error is reported (e.g. connection_refused rather than timed_out). The returned socket is
/// blocking; `peer_address` tells which address won.
/// ```cpp
/// net::socket s = net::create_connection("localhost", 8080, std::chrono::seconds(5));
/// ```
[[nodiscard]] NETSOCK_DECL result<socket> try_create_connection(std::string_view host, std::uint16_t port,
                                                                timeout t = timeout::none()) noexcept;
/// Races connects to already-resolved addresses, in the given order.
[[nodiscard]] NETSOCK_DECL result<socket> try_create_connection(const std::vector<address>& targets,
                                                                timeout t = timeout::none()) noexcept;
/// Throwing forms of `try_create_connection`.
NETSOCK_DECL socket create_connection(std::string_view host, std::uint16_t port, timeout t = timeout::none());
NETSOCK_DECL socket create_connection(const std::vector<address>& targets, timeout t = timeout::none());

/// Options of `create_server`.
struct server_options {
    /// The listen backlog.
    int backlog = default_backlog;
    /// SO_REUSEPORT: let several listeners share the port (Linux, macOS, BSD). Off by default,
    /// so a second server on a live port fails with address_in_use.
    bool reuse_port = false;
    /// For an IPv6 address: also accept IPv4 clients (IPV6_V6ONLY off). Fails with
    /// operation_not_supported where the OS cannot do it, invalid_argument for IPv4 addresses.
    bool dual_stack = false;
    /// For a local address whose path is taken: remove a stale socket file (left by a server
    /// that exited without removing it) and bind again. The file is removed only if it is a
    /// socket (not a regular file, directory or symbolic link) and a connect to it is refused,
    /// so a live server keeps its path; otherwise create_server fails with address_in_use and
    /// leaves the file alone. A server started between that check and the bind can still lose
    /// its path: the check is no lock. Off by default.
    bool remove_existing_path = false;
};

/// A listening TCP (or local stream) socket bound to `a` (Python's `socket.create_server`):
/// the listener policy of `bind`, v6-only unless `dual_stack`, and `listen(backlog)`.
/// ```cpp
/// auto server = net::create_server(net::address::parse("127.0.0.1:0"));
/// auto [conn, peer] = net::accept(server);
/// ```
[[nodiscard]] NETSOCK_DECL result<socket> try_create_server(const address& a,
                                                            const server_options& o = {}) noexcept;
/// Throwing form of `try_create_server`.
NETSOCK_DECL socket create_server(const address& a, const server_options& o = {});

/// Python's `socket.create_server((host, port))`: resolves `host` (for binding: "*"-style
/// wildcards come from the resolver, "" is 0.0.0.0 as in Python, "::" the IPv6 wildcard) and
/// returns a server on the first address that binds. Errors: the resolver's, or the first
/// address's error (e.g. address_in_use).
[[nodiscard]] NETSOCK_DECL result<socket> try_create_server(std::string_view host, std::uint16_t port,
                                                            const server_options& o = {}) noexcept;
/// Throwing form of `try_create_server(host, port)`.
NETSOCK_DECL socket create_server(std::string_view host, std::uint16_t port, const server_options& o = {});

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/resolve.ipp"
#endif

#endif
