#ifndef NETSOCK_DETAIL_READ_BUFFER_HPP
#define NETSOCK_DETAIL_READ_BUFFER_HPP

// The buffer behind net::reader (reader.hpp): bytes received but not yet handed out, and the
// search for a separator in them. It knows nothing of sockets or waiting, so a reader of any
// kind (blocking, or a coroutine one) can drive it:
//     while (!(pos = buf.find(sep))) { if (buf.size() >= limit) error; n = recv(buf.prepare(m));
//     buf.commit(n); }
// Growth is geometric and never zero-fills on the receive path; the data is moved to the front
// only when the free tail is too small. A search resumes where the last one stopped, so reading
// a long line in small pieces stays linear. (The storage is a plain new[] array: <memory> would
// add a tenth to the compile time of every file that includes netsock.)

#include "../buffer.hpp"
#include "../config.hpp"

#include <cstddef>
#include <cstring>
#include <string_view>
#include <utility>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

class read_buffer {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    read_buffer() noexcept = default;
    read_buffer(read_buffer&& o) noexcept { take(o); }
    read_buffer& operator=(read_buffer&& o) noexcept {
        if (this != &o) {
            delete[] storage_;
            take(o);
        }
        return *this;
    }
    read_buffer(const read_buffer&) = delete;
    read_buffer& operator=(const read_buffer&) = delete;
    ~read_buffer() { delete[] storage_; }

    // The unread bytes.
    std::string_view data() const noexcept { return {storage_ + begin_, end_ - begin_}; }
    std::size_t size() const noexcept { return end_ - begin_; }
    // Drops the first n unread bytes (all if n > size()).
    void consume(std::size_t n) noexcept {
        n = n < size() ? n : size();
        begin_ += n;
        scanned_ = scanned_ > n ? scanned_ - n : 0;
        if (begin_ == end_) begin_ = end_ = 0;
    }
    // Room for at least `n` more bytes at the end (may move or grow the storage).
    mutable_buffer prepare(std::size_t n) {
        if (capacity_ - end_ < n) {
            const std::size_t live = size();
            if (capacity_ - live >= n && begin_ > 0) {
                std::memmove(storage_, storage_ + begin_, live);
            } else {
                std::size_t grown = capacity_ < 4096 ? 4096 : capacity_ * 2;
                while (grown - live < n) grown *= 2;
                char* bigger = new char[grown]; // not zero-filled
                if (live > 0) std::memcpy(bigger, storage_ + begin_, live);
                delete[] storage_;
                storage_ = bigger;
                capacity_ = grown;
            }
            begin_ = 0;
            end_ = live;
        }
        return {storage_ + end_, capacity_ - end_};
    }
    // Makes `n` bytes written into the last prepare() part of the data.
    void commit(std::size_t n) noexcept { end_ += n; }
    // The length of the data up to and including the first `sep`, or npos if it is not there.
    // Resumes where the last search for the same separator stopped.
    std::size_t find(std::string_view sep) noexcept {
        const std::string_view d = data();
        if (sep.empty()) return 0;
        if (sep != std::string_view(last_sep_, last_sep_size_)) { // another separator: from the start
            scanned_ = 0;
            last_sep_size_ = sep.size() <= sizeof last_sep_ ? sep.size() : 0;
            if (last_sep_size_ > 0) std::memcpy(last_sep_, sep.data(), last_sep_size_);
        }
        const std::size_t from = scanned_ >= sep.size() ? scanned_ - (sep.size() - 1) : 0;
        const std::size_t at = d.find(sep, from);
        if (at == std::string_view::npos) {
            scanned_ = d.size();
            return npos;
        }
        scanned_ = 0;
        last_sep_size_ = 0;
        return at + sep.size();
    }

private:
    void take(read_buffer& o) noexcept {
        storage_ = std::exchange(o.storage_, nullptr);
        capacity_ = std::exchange(o.capacity_, 0);
        begin_ = std::exchange(o.begin_, 0);
        end_ = std::exchange(o.end_, 0);
        scanned_ = std::exchange(o.scanned_, 0);
        last_sep_size_ = std::exchange(o.last_sep_size_, 0);
        std::memcpy(last_sep_, o.last_sep_, sizeof last_sep_);
    }

    char* storage_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0, end_ = 0;
    std::size_t scanned_ = 0; // bytes of data() already searched without a match
    char last_sep_[16] = {};  // the separator scanned_ is for (longer ones never resume)
    std::size_t last_sep_size_ = 0;
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
