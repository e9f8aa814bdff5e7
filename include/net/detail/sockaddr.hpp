#ifndef NETSOCK_DETAIL_SOCKADDR_HPP
#define NETSOCK_DETAIL_SOCKADDR_HPP

// Byte-level helpers over sockaddr storage, shared by net::address.

#include "platform.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

inline std::uint16_t to_net16(std::uint16_t v) noexcept {
    const unsigned char b[2] = {static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    std::uint16_t r;
    std::memcpy(&r, b, 2);
    return r;
}
inline std::uint16_t from_net16(std::uint16_t v) noexcept {
    unsigned char b[2];
    std::memcpy(b, &v, 2);
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}

// Offset of sun_path inside sockaddr_un, for the exact length of local addresses.
inline constexpr std::size_t sun_path_offset = offsetof(os::sockaddr_un_type, sun_path);
inline constexpr std::size_t sun_path_capacity = sizeof(os::sockaddr_un_type{}.sun_path);

// BSD and macOS sockaddrs carry their own length (sin_len, sin6_len, sun_len).
inline void set_sa_len(::sockaddr* sa, std::size_t len) noexcept {
#if defined(NETSOCK_HAS_SA_LEN)
    sa->sa_len = static_cast<std::uint8_t>(len);
#else
    (void)sa;
    (void)len;
#endif
}

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
