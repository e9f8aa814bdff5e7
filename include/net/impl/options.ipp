#ifndef NETSOCK_IMPL_OPTIONS_IPP
#define NETSOCK_IMPL_OPTIONS_IPP

// Definitions of options.hpp: the OS conversions of the typed options.

#include "../options.hpp"

#include "../detail/sys.hpp"

#include <array>
#include <cstring>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

std::error_code unsupported_option() noexcept { return detail::make_errc(std::errc::no_protocol_option); }

std::error_code set_option_bytes(native_handle_type h, int level, int name, const void* value,
                                 std::size_t size) noexcept {
    return sys::setsockopt(h, level, name, value, size);
}

std::error_code get_option_bytes(native_handle_type h, int level, int name, void* value,
                                 std::size_t& size) noexcept {
    return sys::getsockopt(h, level, name, value, size);
}

std::error_code set_timeout_option(native_handle_type h, int name, std::chrono::milliseconds value) noexcept {
    if (value.count() < 0) return detail::make_errc(std::errc::invalid_argument);
    auto v = os::timeout_value::from_ms(static_cast<long long>(value.count()));
    return sys::setsockopt(h, SOL_SOCKET, name, &v, sizeof v);
}

std::error_code get_timeout_option(native_handle_type h, int name,
                                   std::chrono::milliseconds& value) noexcept {
    os::timeout_value v{};
    std::size_t size = sizeof v;
    auto ec = sys::getsockopt(h, SOL_SOCKET, name, &v, size);
    value = std::chrono::milliseconds(v.to_ms());
    return ec;
}

int socket_family(native_handle_type h, std::error_code& ec) noexcept {
    address a;
    auto sink = a.prepare_native();
    ec = sys::getsockname(h, sink.data, sink.size);
    return ec ? AF_UNSPEC : a.data()->sa_family;
}

std::error_code set_membership(native_handle_type h, bool join, const address& group,
                               const address& interface_address, std::uint32_t interface_index) noexcept {
    if (!group.is_multicast()) return detail::make_errc(std::errc::invalid_argument);
    if (group.family() == net::family::ipv4) {
        ::ip_mreq m{};
        std::memcpy(&m.imr_multiaddr, &reinterpret_cast<const ::sockaddr_in*>(group.data())->sin_addr, 4);
        if (interface_address.family() == net::family::ipv4)
            std::memcpy(&m.imr_interface,
                        &reinterpret_cast<const ::sockaddr_in*>(interface_address.data())->sin_addr, 4);
        return sys::setsockopt(h, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof m);
    }
    ::ipv6_mreq m{};
    std::memcpy(&m.ipv6mr_multiaddr, &reinterpret_cast<const ::sockaddr_in6*>(group.data())->sin6_addr, 16);
    m.ipv6mr_interface = interface_index != 0 ? interface_index : group.scope_id();
    return sys::setsockopt(h, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m, sizeof m);
}

std::error_code set_source_membership(native_handle_type h, bool join, const address& group,
                                      const address& source, const address& interface_address,
                                      std::uint32_t interface_index) noexcept {
    if (!group.is_multicast() || source.family() != group.family() || source.is_multicast())
        return detail::make_errc(std::errc::invalid_argument);
    if (group.family() == net::family::ipv4) {
        const int name = join ? os::opt_add_source_membership : os::opt_drop_source_membership;
        if (name < 0) return unsupported_option();
        // By field name: the order of the fields differs between OSes (os::ip_mreq_source_type).
        os::ip_mreq_source_type m{};
        std::memcpy(&m.imr_multiaddr, &reinterpret_cast<const ::sockaddr_in*>(group.data())->sin_addr, 4);
        std::memcpy(&m.imr_sourceaddr, &reinterpret_cast<const ::sockaddr_in*>(source.data())->sin_addr, 4);
        if (interface_address.family() == net::family::ipv4)
            std::memcpy(&m.imr_interface,
                        &reinterpret_cast<const ::sockaddr_in*>(interface_address.data())->sin_addr, 4);
        return sys::setsockopt(h, IPPROTO_IP, name, &m, sizeof m);
    }
    const int name = join ? os::opt_join_source_group : os::opt_leave_source_group;
    if (name < 0) return unsupported_option();
    os::group_source_req_type m{};
    m.gsr_interface =
        static_cast<decltype(m.gsr_interface)>(interface_index != 0 ? interface_index : group.scope_id());
    // The addresses as sockaddr_in6, as the OS wants them (with sin6_len where it has one).
    std::memcpy(&m.gsr_group, group.data(), group.size());
    std::memcpy(&m.gsr_source, source.data(), source.size());
    return sys::setsockopt(h, IPPROTO_IPV6, name, &m, sizeof m);
}

std::error_code set_family_bool(native_handle_type h, int name4, int name6, bool value) noexcept {
    std::error_code ec;
    const int f = socket_family(h, ec);
    if (ec) return ec;
    const int name = f == AF_INET6 ? name6 : name4;
    if (name < 0) return unsupported_option();
    return sys::set_int_option(h, f == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP, name, value ? 1 : 0);
}

std::error_code get_family_bool(native_handle_type h, int name4, int name6, bool& value) noexcept {
    std::error_code ec;
    const int f = socket_family(h, ec);
    if (ec) return ec;
    const int name = f == AF_INET6 ? name6 : name4;
    if (name < 0) return unsupported_option();
    int v = 0;
    ec = sys::get_int_option(h, f == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP, name, v);
    value = v != 0;
    return ec;
}
} // namespace detail

std::error_code linger::set_on(native_handle_type h) const noexcept {
    if (timeout.count() < 0 || timeout.count() > 65535) return detail::make_errc(std::errc::invalid_argument);
    ::linger v{};
    v.l_onoff = static_cast<detail::os::linger_value>(enabled ? 1 : 0);
    v.l_linger = static_cast<detail::os::linger_value>(timeout.count());
    return detail::sys::setsockopt(h, SOL_SOCKET, SO_LINGER, &v, sizeof v);
}

std::error_code linger::get_from(native_handle_type h) noexcept {
    ::linger v{};
    std::size_t size = sizeof v;
    auto ec = detail::sys::getsockopt(h, SOL_SOCKET, SO_LINGER, &v, size);
    enabled = v.l_onoff != 0;
    timeout = std::chrono::seconds(v.l_linger);
    return ec;
}

std::error_code multicast_interface::set_on(native_handle_type h) const noexcept {
    std::error_code ec;
    const int f = detail::socket_family(h, ec);
    if (ec) return ec;
    if (f == AF_INET6) {
        auto index = static_cast<unsigned>(interface_index);
        return detail::sys::setsockopt(h, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
    }
    if (interface_address.family() != family::ipv4) return detail::make_errc(std::errc::invalid_argument);
    return detail::sys::setsockopt(
        h, IPPROTO_IP, IP_MULTICAST_IF,
        &reinterpret_cast<const ::sockaddr_in*>(interface_address.data())->sin_addr, sizeof(::in_addr));
}

std::error_code multicast_interface::get_from(native_handle_type h) noexcept {
    std::error_code ec;
    const int f = detail::socket_family(h, ec);
    if (ec) return ec;
    if (f == AF_INET6) {
        unsigned index = 0;
        ec = detail::sys::get_int_option(h, IPPROTO_IPV6, IPV6_MULTICAST_IF, index);
        interface_index = index;
        return ec;
    }
    ::in_addr a{};
    std::size_t size = sizeof a;
    ec = detail::sys::getsockopt(h, IPPROTO_IP, IP_MULTICAST_IF, &a, size);
    std::array<std::uint8_t, 4> b{};
    std::memcpy(b.data(), &a, 4);
    interface_address = address::ipv4(b);
    return ec;
}

std::error_code socket_error::get_from(native_handle_type h) noexcept {
    int v = 0;
    auto ec = detail::sys::get_int_option(h, SOL_SOCKET, SO_ERROR, v);
    value = v == 0 ? std::error_code{} : detail::socket_error(v);
    return ec;
}

NETSOCK_END_NAMESPACE

#endif
