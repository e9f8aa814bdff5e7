#ifndef NETSOCK_DETAIL_POLLER_POLL_HPP
#define NETSOCK_DETAIL_POLLER_POLL_HPP

// poll() backend for any POSIX system (forced with NETSOCK_POLLER_POLL), and, through
// os::poll = WSAPoll, the Windows backend. The pollfd array is kept between waits, so a wait
// allocates nothing; handle -> slot lookups use a vector sorted by handle (Windows handles are
// not small ints; a sorted vector instead of std::unordered_map keeps <unordered_map> out of
// every user's TU, see bench/compile_time.sh).

#include "poller_common.hpp"
#include "sys.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace net::detail {

template <class Tag> class basic_poll_backend {
public:
    static constexpr const char* name = Tag::name;

    std::error_code open(std::size_t) { return sys::start(); }

    std::error_code add(native_handle_type h, events what, void* data) {
        if (h == invalid_handle) return poller_error(std::errc::bad_file_descriptor);
        const std::size_t at = lower_bound(h);
        if (at != slots_.size() && slots_[at].first == h) return poller_error(std::errc::file_exists);
        if (!valid(h)) return poller_error(std::errc::bad_file_descriptor);
        os::pollfd_type p{};
        p.fd = h;
        p.events = to_poll(what);
        slots_.insert(slots_.begin() + static_cast<std::ptrdiff_t>(at), {h, fds_.size()});
        fds_.push_back(p);
        data_.push_back(data);
        return {};
    }
    std::error_code modify(native_handle_type h, events what, void* data) {
        const std::size_t at = find(h);
        if (at == slots_.size()) return poller_error(std::errc::no_such_file_or_directory);
        fds_[slots_[at].second].events = to_poll(what);
        data_[slots_[at].second] = data;
        return {};
    }
    std::error_code remove(native_handle_type h) {
        const std::size_t at = find(h);
        if (at == slots_.size()) return poller_error(std::errc::no_such_file_or_directory);
        const std::size_t slot = slots_[at].second, last = fds_.size() - 1;
        slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(at));
        if (slot != last) { // move the last entry into the hole
            fds_[slot] = fds_[last];
            data_[slot] = data_[last];
            slots_[find(fds_[slot].fd)].second = slot;
        }
        fds_.pop_back();
        data_.pop_back();
        return {};
    }
    std::size_t size() const noexcept { return fds_.size(); }

    std::error_code wait(const sys::deadline& until, ready_list& out) {
        out.clear();
        if (fds_.empty()) { // nothing can become ready: sleep out the (finite) timeout
            while (!until.expired()) os::sleep_ms(until.remaining_ms());
            return {};
        }
        for (;;) {
            int n = os::poll(fds_.data(), static_cast<os::nfds_type>(fds_.size()), until.remaining_ms());
            if (n < 0) {
                int e = os::last_error();
                if (os::is_interrupted(e)) {
                    if (until.expired()) return {};
                    continue;
                }
                return socket_error(e);
            }
            if (n == 0 && !until.expired()) continue;
            // Scan from where the last batch stopped, so that with more ready sockets than
            // max_events the ones at the end of the array are not starved.
            const std::size_t count = fds_.size();
            std::size_t i = next_ < count ? next_ : 0;
            for (std::size_t k = 0; k < count && n > 0 && !out.full(); ++k) {
                const short r = fds_[i].revents;
                if (r != 0) {
                    --n;
                    events what = from_poll(r);
                    if (r & POLLNVAL) what |= events::error; // closed without remove()
                    out.push(fds_[i].fd, what, data_[i]);
                    next_ = i + 1;
                }
                i = i + 1 == count ? 0 : i + 1;
            }
            return {};
        }
    }

private:
    static bool valid(native_handle_type h) noexcept {
        int type = 0;
        return !sys::get_int_option(h, SOL_SOCKET, SO_TYPE, type);
    }

    // The first entry of slots_ whose handle is not less than h (slots_.size() if none).
    std::size_t lower_bound(native_handle_type h) const noexcept {
        std::size_t lo = 0, hi = slots_.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (slots_[mid].first < h) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
    // The entry of h in slots_, or slots_.size() if h is not watched.
    std::size_t find(native_handle_type h) const noexcept {
        const std::size_t at = lower_bound(h);
        return at != slots_.size() && slots_[at].first == h ? at : slots_.size();
    }

    std::vector<os::pollfd_type> fds_;
    std::vector<void*> data_;
    std::vector<std::pair<native_handle_type, std::size_t>> slots_; // (handle, slot), by handle
    std::size_t next_ = 0; // where the next scan starts
};

struct poll_tag {
    static constexpr const char* name = "poll";
};
struct wsapoll_tag {
    static constexpr const char* name = "wsapoll";
};
using poll_backend = basic_poll_backend<poll_tag>;
using wsapoll_backend = basic_poll_backend<wsapoll_tag>;

} // namespace net::detail

#endif
