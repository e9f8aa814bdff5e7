#ifndef NETSOCK_DETAIL_POLLER_KQUEUE_HPP
#define NETSOCK_DETAIL_POLLER_KQUEUE_HPP

// kqueue backend (macOS, BSD), mirroring the epoll backend: level-triggered read/write filters,
// user data in a table indexed by descriptor, one kevent() per wait. Not compiled on the Linux
// CI machine; covered by the macOS job of .github/workflows.

#include "poller_common.hpp"
#include "sys.hpp"

#include <sys/event.h>
#include <sys/time.h>

#include <vector>

namespace net::detail {

class kqueue_backend {
public:
    static constexpr const char* name = "kqueue";

    kqueue_backend() = default;
    kqueue_backend(const kqueue_backend&) = delete;
    kqueue_backend& operator=(const kqueue_backend&) = delete;
    kqueue_backend(kqueue_backend&& o) noexcept
        : fd_(o.fd_), table_(std::move(o.table_)), count_(o.count_), raw_(std::move(o.raw_)) {
        o.fd_ = -1;
        o.count_ = 0;
    }
    kqueue_backend& operator=(kqueue_backend&& o) noexcept {
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
    ~kqueue_backend() { close(); }

    std::error_code open(std::size_t max_events) {
        fd_ = ::kqueue();
        if (fd_ < 0) return last_socket_error();
        if (::fcntl(fd_, F_SETFD, FD_CLOEXEC) != 0) return last_socket_error();
        raw_.resize(max_events == 0 ? 1 : max_events);
        return {};
    }

    std::error_code add(native_handle_type h, events what, void* data) {
        if (h < 0) return poller_error(std::errc::bad_file_descriptor);
        if (known(h)) return poller_error(std::errc::file_exists);
        if (auto ec = apply(h, events::none, what)) return ec;
        if (static_cast<std::size_t>(h) >= table_.size()) table_.resize(static_cast<std::size_t>(h) + 1);
        table_[static_cast<std::size_t>(h)] = {data, what, true};
        ++count_;
        return {};
    }
    std::error_code modify(native_handle_type h, events what, void* data) {
        if (!known(h)) return poller_error(std::errc::no_such_file_or_directory);
        auto& e = table_[static_cast<std::size_t>(h)];
        if (auto ec = apply(h, e.what, what)) return ec;
        e.what = what;
        e.data = data;
        return {};
    }
    std::error_code remove(native_handle_type h) {
        if (!known(h)) return poller_error(std::errc::no_such_file_or_directory);
        auto& e = table_[static_cast<std::size_t>(h)];
        const events old = e.what;
        e = {};
        --count_;
        // ENOENT/EBADF: closed before removal; the kernel already dropped the filters.
        if (auto ec = apply(h, old, events::none); ec && ec != std::errc::no_such_file_or_directory &&
                                                   ec != std::errc::bad_file_descriptor)
            return ec;
        return {};
    }
    std::size_t size() const noexcept { return count_; }

    std::error_code wait(const sys::deadline& until, ready_list& out) {
        out.clear();
        for (;;) {
            const int ms = until.remaining_ms();
            ::timespec ts{};
            ts.tv_sec = ms / 1000;
            ts.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
            const int max = static_cast<int>(raw_.size() < out.capacity() ? raw_.size() : out.capacity());
            int n = ::kevent(fd_, nullptr, 0, raw_.data(), max, ms < 0 ? nullptr : &ts);
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
                const auto h = static_cast<native_handle_type>(ev.ident);
                events what = ev.filter == EVFILT_WRITE ? events::writable : events::readable;
                if (ev.flags & EV_EOF) what |= events::hangup;
                if (ev.flags & EV_ERROR) what |= events::error;
                merge(out, h, what, table_[static_cast<std::size_t>(h)].data);
            }
            return {};
        }
    }

private:
    struct entry {
        void* data = nullptr;
        events what = events::none;
        bool used = false;
    };
    bool known(native_handle_type h) const noexcept {
        return h >= 0 && static_cast<std::size_t>(h) < table_.size() && table_[static_cast<std::size_t>(h)].used;
    }
    // Read and write are separate filters: one kevent() call adds/deletes what changed.
    std::error_code apply(native_handle_type h, events from, events to) noexcept {
        struct ::kevent changes[2];
        int n = 0;
        auto change = [&](short filter, bool before, bool after) {
            if (before == after) return;
            EV_SET(&changes[n++], static_cast<uintptr_t>(h), filter, after ? EV_ADD : EV_DELETE, 0, 0, nullptr);
        };
        change(EVFILT_READ, has(from, events::readable), has(to, events::readable));
        change(EVFILT_WRITE, has(from, events::writable), has(to, events::writable));
        if (n == 0) return {};
        if (::kevent(fd_, changes, n, nullptr, 0, nullptr) != 0) return last_socket_error();
        return {};
    }
    // A socket ready for both read and write arrives as two kevents: report it once.
    static void merge(ready_list& out, native_handle_type h, events what, void* data) noexcept {
        for (auto* p = out.begin(); p != out.end(); ++p) {
            if (p->handle == h) {
                const_cast<poll_event*>(p)->what |= what;
                return;
            }
        }
        out.push(h, what, data);
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    int fd_ = -1;
    std::vector<entry> table_;
    std::size_t count_ = 0;
    std::vector<struct ::kevent> raw_;
};

} // namespace net::detail

#endif
