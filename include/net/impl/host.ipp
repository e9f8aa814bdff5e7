#ifndef NETSOCK_IMPL_HOST_IPP
#define NETSOCK_IMPL_HOST_IPP

// Definitions for host.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.

#include "../host.hpp"
#include "../detail/sys.hpp"
#include "../resolve.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

NETSOCK_BEGIN_NAMESPACE

result<std::string> try_gethostname() noexcept {
    char name[257] = {}; // 256: MAXHOSTNAMELEN on macOS and the BSDs, NUL included; one more: ours
    if (auto ec = detail::sys::host_name(name, sizeof name - 1)) return detail::fail(ec);
    return std::string(name);
}

std::string gethostname() { return detail::unwrap(try_gethostname(), "gethostname"); }

result<name_info> try_getnameinfo(const address& a, name_flags f) noexcept {
    if (a.family() == family::local) return detail::fail(std::errc::invalid_argument);
    int native = 0;
    if (has(f, name_flags::numeric_host)) native |= NI_NUMERICHOST;
    if (has(f, name_flags::numeric_service)) native |= NI_NUMERICSERV;
    if (has(f, name_flags::name_required)) native |= NI_NAMEREQD;
    if (has(f, name_flags::datagram)) native |= NI_DGRAM;
    if (has(f, name_flags::no_fqdn)) native |= NI_NOFQDN;
    char host[NI_MAXHOST] = {};
    char service[NI_MAXSERV] = {};
    const int rc =
        detail::sys::name_info(a.data(), a.size(), host, sizeof host, service, sizeof service, native);
    // resolve.ipp's EAI_* -> error_code mapping: defined before this file in both modes (resolve.hpp
    // includes resolve.ipp in header-only mode; impl/src.hpp lists resolve.ipp first).
    if (rc != 0) return detail::fail(detail::resolver_error(rc));
    return name_info{host, service};
}

name_info getnameinfo(const address& a, name_flags f) {
    return detail::unwrap(try_getnameinfo(a, f), "getnameinfo", a);
}

net::address interface_address::netmask() const noexcept {
    const int bits = prefix_length;
    auto fill = [bits](auto bytes) {
        for (int i = 0; i < static_cast<int>(bytes.size()); ++i) {
            const int ones = bits - 8 * i;
            bytes[static_cast<std::size_t>(i)] = ones >= 8   ? std::uint8_t{0xff}
                                                 : ones <= 0 ? std::uint8_t{0}
                                                             : static_cast<std::uint8_t>(0xff << (8 - ones));
        }
        return bytes;
    };
    if (address.family() == family::ipv6) return net::address::ipv6(fill(std::array<std::uint8_t, 16>{}));
    return net::address::ipv4(fill(std::array<std::uint8_t, 4>{}));
}

result<std::vector<interface_info>> try_interfaces() noexcept {
    std::vector<interface_info> out;
    auto ec = detail::sys::each_interface([&](const detail::sys::interface_entry& e) {
        interface_info* it = nullptr;
        for (auto& i : out)
            if (i.name == e.name) it = &i;
        if (it == nullptr) {
            interface_info i;
            i.name = e.name;
            i.index = e.index;
            auto flag = [&](bool on, interface_flags v) {
                if (on) i.flags = i.flags | v;
            };
            flag(e.up, interface_flags::up);
            flag(e.running, interface_flags::running);
            flag(e.loopback, interface_flags::loopback);
            flag(e.multicast, interface_flags::multicast);
            flag(e.broadcast, interface_flags::broadcast);
            flag(e.point_to_point, interface_flags::point_to_point);
            out.push_back(std::move(i));
            it = &out.back();
        }
        if (e.address == nullptr) return;
        if (e.address->sa_family != AF_INET && e.address->sa_family != AF_INET6) return; // AF_PACKET, AF_LINK
        const std::size_t size =
            e.address->sa_family == AF_INET ? sizeof(::sockaddr_in) : sizeof(::sockaddr_in6);
        if (auto a = address::try_from_native(e.address, size))
            it->addresses.push_back({*a, e.prefix_length});
    });
    if (ec) return detail::fail(ec);
    return out;
}

std::vector<interface_info> interfaces() { return detail::unwrap(try_interfaces(), "interfaces"); }

NETSOCK_END_NAMESPACE

#endif
