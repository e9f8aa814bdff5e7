#ifndef NETSOCK_DETAIL_POLLER_POLL_HPP
#define NETSOCK_DETAIL_POLLER_POLL_HPP

// poll() backend for any POSIX system (forced with NETSOCK_POLLER_POLL), and, through
// os::poll = WSAPoll, the Windows backend. The pollfd array is kept between waits, so a wait
// allocates nothing; handle -> slot lookups use a hash map (Windows handles are not small ints).

#include "poller_common.hpp"
#include "sys.hpp"

#include <unordered_map>
#include <vector>

namespace net::detail {

template <class Tag> class basic_poll_backend {
public:
    static constexpr const char* name = Tag::name;

    std::error_code open(std::size_t) { return sys::start(); }

    std::error_code add(native_handle_type h, events what, void* data) {
        if (h == invalid_handle) return poller_error(std::errc::bad_file_descriptor);
        if (slots_.count(h)) return poller_error(std::errc::file_exists);
        if (!valid(h)) return poller_error(std::errc::bad_file_descriptor);
        os::pollfd_type p{};
        p.fd = h;
        p.events = to_poll(what);
        slots_.emplace(h, fds_.size());
        fds_.push_back(p);
        data_.push_back(data);
        return {};
    }
    std::error_code modify(native_handle_type h, events what, void* data) {
        auto it = slots_.find(h);
        if (it == slots_.end()) return poller_error(std::errc::no_such_file_or_directory);
        fds_[it->second].events = to_poll(what);
        data_[it->second] = data;
        return {};
    }
    std::error_code remove(native_handle_type h) {
        auto it = slots_.find(h);
        if (it == slots_.end()) return poller_error(std::errc::no_such_file_or_directory);
        const std::size_t slot = it->second, last = fds_.size() - 1;
        slots_.erase(it);
        if (slot != last) { // move the last entry into the hole
            fds_[slot] = fds_[last];
            data_[slot] = data_[last];
            slots_[fds_[slot].fd] = slot;
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

    std::vector<os::pollfd_type> fds_;
    std::vector<void*> data_;
    std::unordered_map<native_handle_type, std::size_t> slots_;
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
