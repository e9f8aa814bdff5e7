#ifndef NETSOCK_IMPL_FILE_IPP
#define NETSOCK_IMPL_FILE_IPP

// Definitions for file.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. One attempt is sys::send_file (os::send_file_once:
// sendfile / TransmitFile / pread + send); the mode switch of a timed call is ops.ipp's
// detail::with_nonblocking.

#include "../file.hpp"
#include "../detail/sys.hpp"

#include <cstddef>
#include <cstdint>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {

// Runs `call` as it is, or, where a timed attempt needs a non-blocking socket (POSIX) and this
// call has a deadline or a canceller, with the socket non-blocking for its duration.
template <class Call>
result<std::size_t> with_file_mode(native_handle_type h, const sys::deadline& until, Call&& call) noexcept {
    if constexpr (sys::send_file_needs_nonblocking) {
        if (!until.blocks()) {
            if (until.cancelled()) return fail(sys::canceled());
            return with_nonblocking(h, call);
        }
    }
    return call();
}

} // namespace detail

result<std::size_t> try_sendfile(const socket& s, native_file_type file, std::uint64_t offset,
                                 std::size_t count, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (count == 0) return std::size_t{0};
    const auto h = s.native_handle();
    const auto until = detail::sys::deadline::at_first_wait(t);
    return detail::with_file_mode(h, until, [&]() -> result<std::size_t> {
        std::error_code ec;
        const std::size_t n = detail::sys::send_file(h, file, offset, count, until, ec);
        if (ec) return detail::fail(ec);
        return n;
    });
}

std::size_t sendfile(const socket& s, native_file_type file, std::uint64_t offset, std::size_t count,
                     timeout t) {
    return detail::unwrap(try_sendfile(s, file, offset, count, t), "sendfile");
}

result<std::size_t> try_sendfile_all(const socket& s, native_file_type file, std::uint64_t offset,
                                     std::size_t count, timeout t, std::size_t* sent) noexcept {
    std::size_t done = 0;
    std::error_code ec;
    if (!s) ec = detail::not_open();
    const auto h = s.native_handle();
    const auto until = detail::sys::deadline::after(t);
    if (!ec && count > 0) {
        auto r = detail::with_file_mode(h, until, [&]() -> result<std::size_t> {
            while (!ec && done < count) {
                const std::size_t n = detail::sys::send_file(h, file, offset + done, count - done, until, ec);
                if (!ec && n == 0) ec = make_error_code(errc::eof);
                done += n;
                if (detail::sys::is_would_block(ec)) detail::sys::wait(h, POLLOUT, until, ec);
            }
            return done;
        });
        if (!r && !ec) ec = r.error(); // the mode switch failed
    }
    if (sent) *sent = done;
    if (ec) return detail::fail(ec);
    return done;
}

std::size_t sendfile_all(const socket& s, native_file_type file, std::uint64_t offset, std::size_t count,
                         timeout t) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendfile_all(s, file, offset, count, t, &sent), "sendfile_all", &sent);
}

NETSOCK_END_NAMESPACE

#endif
