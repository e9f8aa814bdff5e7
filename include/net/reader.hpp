#ifndef NETSOCK_READER_HPP
#define NETSOCK_READER_HPP

// net::reader: buffered reading of lines, delimited records and exact counts from a stream
// socket, Python's `sock.makefile("rb").readline()` for blocking sockets.

#include "config.hpp"
#include "detail/read_buffer.hpp"
#include "error.hpp"
#include "result.hpp"
#include "socket.hpp"
#include "timeout.hpp"

#include <cstddef>
#include <string_view>

NETSOCK_BEGIN_NAMESPACE

/// Reads a stream socket through a buffer: `read_until` a separator, `readline`,
/// `read_exactly`, `read_some`.
///
/// ```cpp
/// net::reader in(conn);
/// while (auto line = in.try_readline(std::chrono::seconds(30))) // "GET / HTTP/1.1\r\n"
///     handle(*line);
/// ```
///
/// Traps and guarantees:
/// - A returned view points into the reader's buffer and is valid until the next call on the
///   reader (copy it to keep it). Each call consumes what it returns.
/// - The reader borrows the socket: the socket must outlive it. Bytes the reader has buffered
///   are not in the socket any more: once you read through a reader, read only through it
///   (`buffered()` hands over what it holds).
/// - A timeout (or canceller) is one deadline for the whole call; on expiry, cancellation or an
///   error nothing is consumed: the bytes received so far stay buffered for the next call.
/// - End of stream before the separator or count: the error is `net::errc::eof`, and the
///   partial data is still readable with `buffered()` (and `consume()`); a clean EOF (nothing
///   buffered) is `net::errc::eof` too, so `while (auto line = in.try_readline())` ends there.
/// - The reader never buffers more than `limit` bytes (default 64 KiB): a separator not found
///   within it, or a `read_exactly` of more, is `std::errc::message_size` and the data is
///   kept. Raise the limit for larger records.
/// - Allocation failure terminates (the try_ functions are noexcept). No allocation once the
///   buffer has grown to the largest record.
class reader {
public:
    /// The default bound of `read_until`.
    static constexpr std::size_t default_limit = 64 * 1024;

    explicit reader(const socket& s, std::size_t limit = default_limit) noexcept
        : socket_(&s), limit_(limit) {}
    /// A reader of a temporary socket would point to a destroyed one.
    reader(socket&&, std::size_t = default_limit) = delete;

    /// The data up to and including the first `separator` (not empty).
    /// Errors: eof, message_size, timed_out, operation_canceled, the socket's errors.
    [[nodiscard]] NETSOCK_DECL result<std::string_view> try_read_until(std::string_view separator,
                                                                       timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_read_until`.
    NETSOCK_DECL std::string_view read_until(std::string_view separator, timeout t = timeout::none());

    /// One line, with its "\n" (and "\r\n" if the peer sent it): `read_until("\n")`.
    [[nodiscard]] result<std::string_view> try_readline(timeout t = timeout::none()) noexcept {
        return try_read_until("\n", t);
    }
    /// Throwing form of `try_readline`.
    std::string_view readline(timeout t = timeout::none()) { return read_until("\n", t); }

    /// Exactly `n` bytes. Errors: message_size if `n` is over the limit (a length read from the
    /// peer cannot make the reader allocate without bound), eof, timed_out, operation_canceled,
    /// the socket's errors.
    [[nodiscard]] NETSOCK_DECL result<std::string_view>
    try_read_exactly(std::size_t n, timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_read_exactly`.
    NETSOCK_DECL std::string_view read_exactly(std::size_t n, timeout t = timeout::none());

    /// What is buffered, or else what one `recv` brings (at most `limit` bytes).
    /// Errors: eof, timed_out, operation_canceled, the socket's errors.
    [[nodiscard]] NETSOCK_DECL result<std::string_view> try_read_some(timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_read_some`.
    NETSOCK_DECL std::string_view read_some(timeout t = timeout::none());

    /// The bytes received and not yet consumed (e.g. after eof or message_size).
    std::string_view buffered() const noexcept { return buffer_.data().substr(pending_); }
    /// Drops the first `n` buffered bytes.
    void consume(std::size_t n) noexcept {
        settle();
        buffer_.consume(n);
    }

private:
    // Consumes what the last call handed out (its view is invalid from here on).
    void settle() noexcept {
        buffer_.consume(pending_);
        pending_ = 0;
    }
    // Hands out the first n bytes: consumed at the next call, valid until then.
    std::string_view take(std::size_t n) noexcept {
        pending_ = n;
        return buffer_.data().substr(0, n);
    }

    const socket* socket_;
    std::size_t limit_;
    detail::read_buffer buffer_;
    std::size_t pending_ = 0; // bytes handed out by the last call, consumed at the next one
};

NETSOCK_END_NAMESPACE

#if NETSOCK_HEADER_ONLY
#include "impl/reader.ipp"
#endif

#endif
