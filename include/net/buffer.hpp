#ifndef NETSOCK_BUFFER_HPP
#define NETSOCK_BUFFER_HPP

#include "config.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#if defined(__cpp_lib_span) && __cpp_lib_span >= 202002L
#include <span>
#endif

NETSOCK_BEGIN_NAMESPACE

/// A view of bytes to send: pointer and size. Does not own the bytes.
class const_buffer {
public:
    constexpr const_buffer() noexcept = default;
    constexpr const_buffer(const void* data, std::size_t size) noexcept : data_(data), size_(size) {}
    constexpr const void* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    /// Drops the first `n` bytes (all of them if `n > size()`).
    const_buffer& operator+=(std::size_t n) noexcept {
        n = n < size_ ? n : size_;
        data_ = static_cast<const unsigned char*>(data_) + n;
        size_ -= n;
        return *this;
    }

private:
    const void* data_ = nullptr;
    std::size_t size_ = 0;
};

/// A view of writable bytes to receive into: pointer and size. Does not own the bytes.
class mutable_buffer {
public:
    constexpr mutable_buffer() noexcept = default;
    constexpr mutable_buffer(void* data, std::size_t size) noexcept : data_(data), size_(size) {}
    constexpr void* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    /// Drops the first `n` bytes (all of them if `n > size()`).
    mutable_buffer& operator+=(std::size_t n) noexcept {
        n = n < size_ ? n : size_;
        data_ = static_cast<unsigned char*>(data_) + n;
        size_ -= n;
        return *this;
    }
    constexpr operator const_buffer() const noexcept { return {data_, size_}; }

private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

namespace detail {
template <class T>
inline constexpr bool is_byte_like_v =
    std::is_same_v<std::remove_cv_t<T>, char> || std::is_same_v<std::remove_cv_t<T>, signed char> ||
    std::is_same_v<std::remove_cv_t<T>, unsigned char> || std::is_same_v<std::remove_cv_t<T>, std::byte>
#if defined(__cpp_char8_t)
    || std::is_same_v<std::remove_cv_t<T>, char8_t>
#endif
    ;
template <class T> using byte_like = std::enable_if_t<is_byte_like_v<T>, int>;
constexpr std::size_t clamp(std::size_t size, std::size_t max) noexcept { return size < max ? size : max; }
// The bytes a const array means: a character array ending in NUL (a string literal) without
// its terminator; any other array, all of it.
template <class T, std::size_t N> constexpr std::size_t text_size(T (&a)[N]) noexcept {
    constexpr bool text = std::is_same_v<std::remove_cv_t<T>, char>
#if defined(__cpp_char8_t)
                          || std::is_same_v<std::remove_cv_t<T>, char8_t>
#endif
        ;
    if constexpr (text) return a[N - 1] == 0 ? N - 1 : N;
    else return N;
}
} // namespace detail

/// `net::buffer(...)` makes a buffer view over existing bytes, without copying:
/// `(pointer, size)`, arrays, `std::array`, `std::vector`, `std::string` and `std::string_view`
/// of byte-like elements (char, signed/unsigned char, std::byte, char8_t), and `std::span` under
/// C++20. Non-const containers give a `mutable_buffer` (for recv), const ones a `const_buffer`.
/// An extra `max_size` argument limits the view to the first `max_size` bytes:
/// `net::sendall(s, net::buffer(buf, n))`.
///
/// Trap: a `const char` array that ends in NUL is taken as text, so that a string literal means
/// its characters (as `std::string_view` does): `net::buffer("GET / HTTP/1.1\r\n\r\n")` is 18
/// bytes, without the terminator. For binary data in a `const char` array whose last byte is 0
/// (rare), use `unsigned char`/`std::byte` arrays or `net::buffer(pointer, size)`. Non-const
/// arrays (receive buffers) always mean all of their bytes.
constexpr mutable_buffer buffer(void* data, std::size_t size) noexcept { return {data, size}; }
constexpr const_buffer buffer(const void* data, std::size_t size) noexcept { return {data, size}; }
constexpr mutable_buffer buffer(mutable_buffer b) noexcept { return b; }
constexpr const_buffer buffer(const_buffer b) noexcept { return b; }
constexpr mutable_buffer buffer(mutable_buffer b, std::size_t max_size) noexcept {
    return {b.data(), detail::clamp(b.size(), max_size)};
}
constexpr const_buffer buffer(const_buffer b, std::size_t max_size) noexcept {
    return {b.data(), detail::clamp(b.size(), max_size)};
}

template <class T, std::size_t N, detail::byte_like<T> = 0> constexpr auto buffer(T (&a)[N]) noexcept {
    if constexpr (std::is_const_v<T>) return const_buffer(a, detail::text_size(a));
    else return mutable_buffer(a, N);
}
template <class T, std::size_t N, detail::byte_like<T> = 0>
constexpr auto buffer(T (&a)[N], std::size_t max_size) noexcept {
    if constexpr (std::is_const_v<T>) return const_buffer(a, detail::clamp(detail::text_size(a), max_size));
    else return mutable_buffer(a, detail::clamp(N, max_size));
}

template <class T, std::size_t N, detail::byte_like<T> = 0>
constexpr auto buffer(std::array<T, N>& a, std::size_t max_size = N) noexcept {
    if constexpr (std::is_const_v<T>) return const_buffer(a.data(), detail::clamp(N, max_size));
    else return mutable_buffer(a.data(), detail::clamp(N, max_size));
}
template <class T, std::size_t N, detail::byte_like<T> = 0>
constexpr const_buffer buffer(const std::array<T, N>& a, std::size_t max_size = N) noexcept {
    return {a.data(), detail::clamp(N, max_size)};
}

template <class T, class A, detail::byte_like<T> = 0>
mutable_buffer buffer(std::vector<T, A>& v, std::size_t max_size = std::size_t(-1)) noexcept {
    return {v.data(), detail::clamp(v.size(), max_size)};
}
template <class T, class A, detail::byte_like<T> = 0>
const_buffer buffer(const std::vector<T, A>& v, std::size_t max_size = std::size_t(-1)) noexcept {
    return {v.data(), detail::clamp(v.size(), max_size)};
}

template <class C, class Tr, class A, detail::byte_like<C> = 0>
mutable_buffer buffer(std::basic_string<C, Tr, A>& s, std::size_t max_size = std::size_t(-1)) noexcept {
    return {&s[0], detail::clamp(s.size(), max_size)};
}
template <class C, class Tr, class A, detail::byte_like<C> = 0>
const_buffer buffer(const std::basic_string<C, Tr, A>& s, std::size_t max_size = std::size_t(-1)) noexcept {
    return {s.data(), detail::clamp(s.size(), max_size)};
}
template <class C, class Tr, detail::byte_like<C> = 0>
constexpr const_buffer buffer(std::basic_string_view<C, Tr> s,
                              std::size_t max_size = std::size_t(-1)) noexcept {
    return {s.data(), detail::clamp(s.size(), max_size)};
}

#if defined(__cpp_lib_span) && __cpp_lib_span >= 202002L
template <class T, std::size_t E, detail::byte_like<T> = 0>
constexpr auto buffer(std::span<T, E> s, std::size_t max_size = std::size_t(-1)) noexcept {
    if constexpr (std::is_const_v<T>) return const_buffer(s.data(), detail::clamp(s.size(), max_size));
    else return mutable_buffer(s.data(), detail::clamp(s.size(), max_size));
}
#endif

NETSOCK_END_NAMESPACE

#endif
