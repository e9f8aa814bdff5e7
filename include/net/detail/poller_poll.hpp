#ifndef NETSOCK_DETAIL_POLLER_POLL_HPP
#define NETSOCK_DETAIL_POLLER_POLL_HPP

// The pollfd backend: poll() on POSIX systems without epoll/kqueue (or everywhere with
// NETSOCK_POLLER_POLL), and WSAPoll() on Windows, through sys::poll. Caveat on Windows: before
// Windows 10 2004, WSAPoll does not report a failed non-blocking connect; check SO_ERROR
// (net::socket_error) after a timeout. The pollfd array is kept between waits, so a wait
// allocates nothing; handle -> slot lookups use a vector sorted by handle (Windows handles are
// not small ints; a sorted vector instead of std::unordered_map keeps <unordered_map> out of
// every user's TU, see bench/compile_time.sh). Implementation only: included by
// poller_backend.hpp, which states the backend contract.

#include "poller_common.hpp"
#include "sys.hpp"

#include <cstddef>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The backend code, working on the state a poller keeps (poller_common.hpp).
class poll_backend {
public:
    using state = poll_state;
    // poller::wake through a socket pair, made by impl/poller.ipp (on Windows it is a loopback
    // pair, built by the public socket_pair) and handed over with adopt_wake_pair.
    static constexpr bool wakes_by_pair = true;

    static std::size_t size(const poll_state& s) noexcept { return s.fds.size(); }
    static std::error_code open(poll_state& s, std::size_t) {
        s.fds.reserve(2); // the wake-up and a canceller: a wait never allocates
        return sys::start();
    }
    static void adopt_wake_pair(poll_state& s, socket reader, socket writer) noexcept {
        s.wake_reader = std::move(reader);
        s.wake_writer = std::move(writer);
    }
    // Thread-safe; async-signal-safe on POSIX (one send()).
    static void wake(poll_state& s) noexcept {
        if (s.wake_writer) sys::wake(s.wake_writer.native_handle());
    }

    static std::error_code add(poll_state& s, native_handle_type h, events what, void* data) {
        if (h == invalid_handle) return poller_error(std::errc::bad_file_descriptor);
        const std::size_t at = lower_bound(s, h);
        if (at != s.slots.size() && s.slots[at].first == h) return poller_error(std::errc::file_exists);
        if (!valid(h)) return poller_error(std::errc::bad_file_descriptor);
        os::pollfd_type p{};
        p.fd = h;
        p.events = sys::to_poll(what);
        // Room for two more entries, so that a wait can append the wake-up socket and its
        // canceller without allocating.
        if (s.fds.size() + 3 > s.fds.capacity()) s.fds.reserve(2 * s.fds.size() + 3);
        s.slots.insert(s.slots.begin() + static_cast<std::ptrdiff_t>(at), {h, s.fds.size()});
        s.fds.push_back(p);
        s.data.push_back(data);
        return {};
    }
    static std::error_code modify(poll_state& s, native_handle_type h, events what, void* data) {
        const std::size_t at = find(s, h);
        if (at == s.slots.size()) return poller_error(std::errc::no_such_file_or_directory);
        s.fds[s.slots[at].second].events = sys::to_poll(what);
        s.data[s.slots[at].second] = data;
        return {};
    }
    static std::error_code remove(poll_state& s, native_handle_type h) {
        const std::size_t at = find(s, h);
        if (at == s.slots.size()) return poller_error(std::errc::no_such_file_or_directory);
        const std::size_t slot = s.slots[at].second, last = s.fds.size() - 1;
        s.slots.erase(s.slots.begin() + static_cast<std::ptrdiff_t>(at));
        if (slot != last) { // move the last entry into the hole
            s.fds[slot] = s.fds[last];
            s.data[slot] = s.data[last];
            s.slots[find(s, s.fds[slot].fd)].second = slot;
        }
        s.fds.pop_back();
        s.data.pop_back();
        return {};
    }
    static std::error_code wait(poll_state& s, const sys::deadline& until, ready_list& out) {
        out.clear();
        const cancel_state* stop = until.stop();
        if (stop != nullptr && stop->is_cancelled()) return sys::canceled();
        const bool wakeable = static_cast<bool>(s.wake_reader);
        if (s.fds.empty() && stop == nullptr && !wakeable) { // a moved-from poller: nothing can end
            if (until.infinite()) return poller_error(std::errc::invalid_argument); // a wait for ever
            while (!until.expired()) sys::sleep_ms(until.remaining_ms());
            return {};
        }
        // For the duration of the wait: the wake-up socket, then the canceller's, as the last
        // entries (the room was reserved by open and add).
        if (wakeable) {
            os::pollfd_type p{};
            p.fd = s.wake_reader.native_handle();
            p.events = POLLIN;
            s.fds.push_back(p);
        }
        if (stop != nullptr) {
            os::pollfd_type p{};
            p.fd = stop->reader;
            p.events = POLLIN;
            s.fds.push_back(p);
        }
        std::error_code ec;
        int n = 0;
        for (sys::waiter w(until);;) {
            n = w.injected()
                    ? -1
                    : sys::poll(s.fds.data(), static_cast<sys::nfds_type>(s.fds.size()), w.timeout_ms());
            if (w.done(n, ec)) break;
        }
        bool cancelled = false;
        if (stop != nullptr) {
            cancelled = n > 0 && s.fds.back().revents != 0;
            s.fds.pop_back();
        }
        if (wakeable) {
            if (n > 0 && s.fds.back().revents != 0) {
                sys::drain(s.wake_reader.native_handle());
                --n;
            }
            s.fds.pop_back();
        }
        if (cancelled) return sys::canceled();
        if (n < 0) return ec;
        // Scan from where the last batch stopped, so that with more ready sockets than
        // max_events the ones at the end of the array are not starved.
        const std::size_t count = s.fds.size();
        std::size_t i = s.next < count ? s.next : 0;
        for (std::size_t k = 0; k < count && n > 0 && !out.full(); ++k) {
            const short r = s.fds[i].revents;
            if (r != 0) {
                --n;
                events what = sys::from_poll(r);
                if (r & POLLNVAL) what |= events::error; // closed without remove()
                out.push(s.fds[i].fd, what, s.data[i]);
                s.next = i + 1;
            }
            i = i + 1 == count ? 0 : i + 1;
        }
        return {};
    }

private:
    static bool valid(native_handle_type h) noexcept {
        int type = 0;
        return !sys::get_int_option(h, SOL_SOCKET, SO_TYPE, type);
    }

    // The first entry of s.slots whose handle is not less than h (s.slots.size() if none).
    static std::size_t lower_bound(const poll_state& s, native_handle_type h) noexcept {
        std::size_t lo = 0, hi = s.slots.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (s.slots[mid].first < h) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
    // The entry of h in s.slots, or s.slots.size() if h is not watched.
    static std::size_t find(const poll_state& s, native_handle_type h) noexcept {
        const std::size_t at = lower_bound(s, h);
        return at != s.slots.size() && s.slots[at].first == h ? at : s.slots.size();
    }
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
