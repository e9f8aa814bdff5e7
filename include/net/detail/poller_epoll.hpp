#ifndef NETSOCK_DETAIL_POLLER_EPOLL_HPP
#define NETSOCK_DETAIL_POLLER_EPOLL_HPP

// epoll backend (Linux), level-triggered like Python's selectors.EpollSelector. The user data
// lives in a table indexed by descriptor, so epoll_data carries only the fd and a wait needs
// no lookup structure and no allocation.

#include "poller_common.hpp"
#include "sys.hpp"

#include <sys/epoll.h>

#include <vector>

namespace net::detail {

class epoll_backend {
public:
    static constexpr const char* name = "epoll";

    epoll_backend() = default;
    epoll_backend(const epoll_backend&) = delete;
    epoll_backend& operator=(const epoll_backend&) = delete;
    epoll_backend(epoll_backend&& o) noexcept
        : fd_(o.fd_), table_(std::move(o.table_)), count_(o.count_), raw_(std::move(o.raw_)) {
        o.fd_ = -1;
        o.count_ = 0;
    }
    epoll_backend& operator=(epoll_backend&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = o.fd_;
            table_ = std::move(o.table_);
            count_ = o.count_;
            raw_ = std::move(o.raw_);
            o.fd_ = -1;
            o.count_ = 0;
        }
        return *this;
    }
    ~epoll_backend() { close(); }

    std::error_code open(std::size_t max_events) {
        fd_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (fd_ < 0) return last_socket_error();
        raw_.resize(max_events == 0 ? 1 : max_events);
        return {};
    }

    std::error_code add(native_handle_type h, events what, void* data) {
        if (h < 0) return poller_error(std::errc::bad_file_descriptor);
        if (static_cast<std::size_t>(h) < table_.size() && table_[static_cast<std::size_t>(h)].used)
            return poller_error(std::errc::file_exists);
        if (auto ec = ctl(EPOLL_CTL_ADD, h, what)) return ec;
        if (static_cast<std::size_t>(h) >= table_.size()) table_.resize(static_cast<std::size_t>(h) + 1);
        table_[static_cast<std::size_t>(h)] = {data, true};
        ++count_;
        return {};
    }
    std::error_code modify(native_handle_type h, events what, void* data) {
        if (!known(h)) return poller_error(std::errc::no_such_file_or_directory);
        if (auto ec = ctl(EPOLL_CTL_MOD, h, what)) return ec;
        table_[static_cast<std::size_t>(h)].data = data;
        return {};
    }
    std::error_code remove(native_handle_type h) {
        if (!known(h)) return poller_error(std::errc::no_such_file_or_directory);
        table_[static_cast<std::size_t>(h)] = {};
        --count_;
        ::epoll_event ev{};
        // ENOENT/EBADF: the descriptor was closed before removal; the kernel already dropped it.
        if (::epoll_ctl(fd_, EPOLL_CTL_DEL, h, &ev) != 0 && errno != ENOENT && errno != EBADF)
            return last_socket_error();
        return {};
    }
    std::size_t size() const noexcept { return count_; }

    // One epoll_wait; EINTR and early wake-ups re-wait for the time left.
    std::error_code wait(const sys::deadline& until, ready_list& out) {
        out.clear();
        for (;;) {
            const int max = static_cast<int>(raw_.size() < out.capacity() ? raw_.size() : out.capacity());
            int n = ::epoll_wait(fd_, raw_.data(), max, until.remaining_ms());
            if (n < 0) {
                if (errno == EINTR) {
                    if (until.expired()) return {};
                    continue;
                }
                return last_socket_error();
            }
            if (n == 0 && !until.expired()) continue;
            for (int i = 0; i < n; ++i) {
                const auto& ev = raw_[static_cast<std::size_t>(i)];
                const int h = ev.data.fd;
                events what = events::none;
                if (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)) what |= events::readable;
                if (ev.events & EPOLLOUT) what |= events::writable;
                if (ev.events & EPOLLERR) what |= events::error;
                if (ev.events & EPOLLHUP) what |= events::hangup;
                out.push(h, what, table_[static_cast<std::size_t>(h)].data);
            }
            return {};
        }
    }

private:
    struct entry {
        void* data = nullptr;
        bool used = false;
    };
    bool known(native_handle_type h) const noexcept {
        return h >= 0 && static_cast<std::size_t>(h) < table_.size() && table_[static_cast<std::size_t>(h)].used;
    }
    std::error_code ctl(int op, native_handle_type h, events what) noexcept {
        ::epoll_event ev{};
        ev.data.fd = h;
        if (has(what, events::readable)) ev.events |= EPOLLIN | EPOLLRDHUP;
        if (has(what, events::writable)) ev.events |= EPOLLOUT;
        if (::epoll_ctl(fd_, op, h, &ev) != 0) return last_socket_error();
        return {};
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    int fd_ = -1;
    std::vector<entry> table_;
    std::size_t count_ = 0;
    std::vector<::epoll_event> raw_;
};

} // namespace net::detail

#endif
