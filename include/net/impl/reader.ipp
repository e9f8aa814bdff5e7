#ifndef NETSOCK_IMPL_READER_IPP
#define NETSOCK_IMPL_READER_IPP

// Definitions for reader.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.

#include "../reader.hpp"
#include "../detail/sys.hpp"

#include <cstddef>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {
// One receive into the free end of `buf` (at least `room` bytes of it), with the retry and
// wait rules of sys::recv until `until`; an orderly end of stream is net::errc::eof.
inline std::error_code fill(const socket& s, read_buffer& buf, std::size_t room, const sys::deadline& until) {
    if (!s) return not_open();
    const mutable_buffer space = buffer(buf.prepare(room), room); // never more than `room`
    std::error_code ec;
    std::size_t n = 0;
    do {
        n = sys::recv(s.native_handle(), space.data(), space.size(), 0, until, ec);
        // A non-blocking socket without a deadline reports would-block: wait like recv_exact.
        if (sys::is_would_block(ec)) sys::wait(s.native_handle(), POLLIN, until, ec);
        else break;
    } while (!ec);
    if (ec) return ec;
    if (n == 0) return make_error_code(errc::eof);
    buf.commit(n);
    return {};
}
} // namespace detail

result<std::string_view> reader::try_read_until(std::string_view separator, timeout t) noexcept {
    if (separator.empty()) return detail::fail(std::errc::invalid_argument);
    settle();
    const auto until = detail::sys::deadline::after(t);
    for (;;) {
        if (const std::size_t end = buffer_.find(separator); end != detail::read_buffer::npos) {
            if (end > limit_) return detail::fail(std::errc::message_size);
            return take(end);
        }
        if (buffer_.size() >= limit_) return detail::fail(std::errc::message_size);
        const std::size_t room = limit_ - buffer_.size() < 4096 ? limit_ - buffer_.size() : 4096;
        if (auto ec = detail::fill(*socket_, buffer_, room, until)) return detail::fail(ec);
    }
}

std::string_view reader::read_until(std::string_view separator, timeout t) {
    return detail::unwrap(try_read_until(separator, t), "read_until");
}

result<std::string_view> reader::try_read_exactly(std::size_t n, timeout t) noexcept {
    settle();
    if (n > limit_) return detail::fail(std::errc::message_size);
    const auto until = detail::sys::deadline::after(t);
    while (buffer_.size() < n) {
        if (auto ec = detail::fill(*socket_, buffer_, n - buffer_.size(), until)) return detail::fail(ec);
    }
    return take(n);
}

std::string_view reader::read_exactly(std::size_t n, timeout t) {
    return detail::unwrap(try_read_exactly(n, t), "read_exactly");
}

result<std::string_view> reader::try_read_some(timeout t) noexcept {
    settle();
    if (limit_ == 0) return detail::fail(std::errc::invalid_argument); // a 0 would read as EOF
    if (buffer_.size() == 0) {
        if (auto ec = detail::fill(*socket_, buffer_, limit_ < 4096 ? limit_ : 4096,
                                   detail::sys::deadline::after(t)))
            return detail::fail(ec);
    }
    const std::size_t n = buffer_.size() < limit_ ? buffer_.size() : limit_;
    return take(n);
}

std::string_view reader::read_some(timeout t) { return detail::unwrap(try_read_some(t), "read_some"); }

NETSOCK_END_NAMESPACE

#endif
