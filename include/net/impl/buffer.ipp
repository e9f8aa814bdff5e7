#ifndef NETSOCK_IMPL_BUFFER_IPP
#define NETSOCK_IMPL_BUFFER_IPP

// Definitions for buffer.hpp: inline in header-only mode, compiled once with
// NETSOCK_IMPLEMENTATION under NETSOCK_SEPARATE_COMPILATION.

#include "../buffer.hpp"

#include <cstddef>

namespace net {

const_buffer& const_buffer::operator+=(std::size_t n) noexcept {
    n = n < size_ ? n : size_;
    data_ = static_cast<const unsigned char*>(data_) + n;
    size_ -= n;
    return *this;
}

mutable_buffer& mutable_buffer::operator+=(std::size_t n) noexcept {
    n = n < size_ ? n : size_;
    data_ = static_cast<unsigned char*>(data_) + n;
    size_ -= n;
    return *this;
}

} // namespace net

#endif
