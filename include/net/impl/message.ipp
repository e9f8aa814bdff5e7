#ifndef NETSOCK_IMPL_MESSAGE_IPP
#define NETSOCK_IMPL_MESSAGE_IPP

// Definitions for message.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. Control data is encoded and decoded by the OS layer
// (os::write_control / os::read_control) in stack buffers; batches go through sys::batch in
// pieces of os::batch_chunk slots, also on the stack.

#include "../message.hpp"
#include "../ops.hpp"
#include "../detail/sys.hpp"

#include <chrono>
#include <cstddef>
#include <cstring>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {

inline std::error_code unsupported() noexcept { return make_errc(std::errc::operation_not_supported); }

std::error_code set_receive_flag(native_handle_type h, int name4, int name6, int level4, int level6,
                                 bool on) noexcept {
    std::error_code ec;
    const bool v6 = socket_family(h, ec) == AF_INET6;
    if (ec) return ec;
    const int name = v6 ? name6 : name4;
    if (name < 0) return unsupported_option();
    return set_int_option(h, v6 ? level6 : level4, name, on ? 1 : 0);
}

std::error_code get_receive_flag(native_handle_type h, int name4, int name6, int level4, int level6,
                                 bool& on) noexcept {
    std::error_code ec;
    const bool v6 = socket_family(h, ec) == AF_INET6;
    if (ec) return ec;
    const int name = v6 ? name6 : name4;
    if (name < 0) return unsupported_option();
    int v = 0;
    ec = get_int_option(h, v6 ? level6 : level4, name, v);
    on = v != 0;
    return ec;
}

// The sender of a received datagram into `a`, as recvfrom reports it (an unnamed local socket
// has no address: the kernel reports length 0).
inline void commit_sender(address& a) noexcept {
    if (a.commit_native()) a = address::any(family::local);
}

// The source for a datagram to `to` from `local`, in the family of `to`: an IPv4 source to an
// IPv4-mapped peer (a dual-stack IPv6 socket) is mapped, an IPv4-mapped source to an IPv4
// peer is unmapped. False for a source of the other family (an IPv4 socket would ignore an
// IPv6 source silently: Linux drops the IPV6_PKTINFO of an IPv4 socket).
inline bool source_for(const address& local, const address& to, address& out) noexcept {
    out = local;
    if (to.family() == local.family()) {
        if (to.family() != family::ipv4 || !local.is_v4_mapped()) return true;
    }
    if (to.family() == family::ipv6 && local.family() == family::ipv4 && to.is_v4_mapped()) {
        const auto v4 = local.v4_bytes();
        std::array<std::uint8_t, 16> mapped{};
        mapped[10] = mapped[11] = 0xff;
        for (std::size_t i = 0; i < 4; ++i) mapped[12 + i] = v4[i];
        out = address::ipv6(mapped);
        return true;
    }
    if (to.family() == family::ipv4 && local.family() == family::ipv6 && local.is_v4_mapped()) {
        const auto v6 = local.v6_bytes();
        out = address::ipv4({v6[12], v6[13], v6[14], v6[15]});
        return true;
    }
    return false;
}

// The packet info a received batch slot carried (receive_packet_info), if any.
inline void take_destination(const sys::batch_slot& slot, bool& has, address& destination,
                             unsigned& interface_index) noexcept {
    has = false;
    interface_index = 0;
    if (slot.control_size == 0) return;
    sys::control_fields f;
    sys::read_control(slot.control, slot.control_size, f, nullptr, 0);
    if (f.destination_size == 0) return;
    if (auto d = address::try_from_native(&f.destination, static_cast<std::size_t>(f.destination_size))) {
        destination = *d;
        has = true;
        interface_index = f.interface_index;
    }
}

// A try-once deadline for the later pieces of a batch.
inline sys::deadline try_once() noexcept {
    return sys::deadline::at_first_wait(timeout(std::chrono::seconds(0)));
}

// One piece of a batch: up to os::batch_chunk datagrams through sys::batch.
template <class Fill, class Done>
std::size_t batch_piece(sys::handle h, std::size_t n, bool receive, const sys::deadline& until,
                        std::error_code& ec, Fill&& fill, Done&& done) noexcept {
    os::batch_slot slots[os::batch_chunk];
    sys::packet_control controls[os::batch_chunk];
    if (n > os::batch_chunk) n = os::batch_chunk;
    for (std::size_t i = 0; i < n; ++i) {
        slots[i].control = controls[i].bytes;
        slots[i].control_size = sizeof controls[i].bytes; // a send's fill sets what it wrote
        fill(i, slots[i]);
    }
    const std::size_t got = sys::batch(h, slots, n, receive, until, ec);
    for (std::size_t i = 0; i < got; ++i) done(i, slots[i]);
    return got;
}

// All pieces: the first waits, the rest only take what is ready. Returns the count, or the
// first piece's error.
template <class Fill, class Done>
result<std::size_t> run_batch(const socket& s, std::size_t count, bool receive, timeout t, Fill&& fill,
                              Done&& done) noexcept {
    if (!s) return fail(not_open());
    if (count == 0) return fail(std::errc::invalid_argument);
    std::error_code ec;
    std::size_t total = 0;
    for (bool first = true; total < count; first = false) {
        const std::size_t n = count - total < os::batch_chunk ? count - total : os::batch_chunk;
        const std::size_t base = total;
        const std::size_t got = batch_piece(
            s.native_handle(), n, receive, first ? sys::deadline::at_first_wait(t) : try_once(), ec,
            [&](std::size_t i, os::batch_slot& slot) { fill(base + i, slot); },
            [&](std::size_t i, os::batch_slot& slot) { done(base + i, slot); });
        if (ec) {
            if (first) return fail(ec);
            break;
        }
        total += got;
        if (got < n) break;
    }
    return total;
}

// The buffers of sendv/recvv as the OS's vectors (at most os::max_io_vectors; on Windows a
// send takes at most os::send_piece bytes, so that a failure never hides how much went).
template <class Buffer>
std::size_t to_vectors(const Buffer* b, std::size_t count, os::io_vector* out, std::size_t limit,
                       std::size_t& bytes) noexcept {
    std::size_t n = 0;
    bytes = 0;
    for (std::size_t i = 0; i < count && n < os::max_io_vectors && bytes < limit; ++i) {
        std::size_t size = b[i].size();
        if (size > limit - bytes) size = limit - bytes;
        if (size > static_cast<std::size_t>(0x7fffffff)) size = 0x7fffffff;
        out[n++] = sys::make_io_vector(b[i].data(), size);
        bytes += size;
        // A buffer cut short ends the list: the next one's bytes must not take the place of
        // the rest of this one (the caller resumes from the count as if it were contiguous).
        if (size < b[i].size()) break;
    }
    return n;
}

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Batches

result<std::size_t> try_recv_batch(const socket& s, datagram* batch, std::size_t count, timeout t) noexcept {
    return detail::run_batch(
        s, count, true, t,
        [&](std::size_t i, detail::os::batch_slot& slot) {
            datagram& d = batch[i];
            // The kernel writes the sender into d.peer's storage (not cleared first: a batch
            // has many slots, most often only a few of them filled).
            slot.data = detail::sys::make_io_vector(d.buffer.data(), d.buffer.size());
            slot.name = d.peer.data();
            slot.name_size = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_storage));
            slot.size = 0;
            slot.flags = 0;
        },
        [&](std::size_t i, detail::os::batch_slot& slot) {
            datagram& d = batch[i];
            // No sender address (an unnamed local socket): the kernel reports length 0.
            if (d.peer.commit_native(static_cast<std::size_t>(slot.name_size)))
                d.peer = address::any(family::local);
            d.size = slot.size < d.buffer.size() ? slot.size : d.buffer.size();
            d.truncated = (slot.flags & detail::os::msg_truncated) != 0;
            d.control_truncated = (slot.flags & detail::os::msg_control_truncated) != 0;
            detail::take_destination(slot, d.has_destination, d.destination, d.interface_index);
        });
}

std::size_t recv_batch(const socket& s, datagram* batch, std::size_t count, timeout t) {
    return detail::unwrap(try_recv_batch(s, batch, count, t), "recv_batch");
}

result<std::size_t> try_send_batch(const socket& s, const datagram* batch, std::size_t count,
                                   timeout t) noexcept {
    for (std::size_t i = 0; i < count; ++i)
        if (batch[i].size > batch[i].buffer.size()) return detail::fail(std::errc::invalid_argument);
    return detail::run_batch(
        s, count, false, t,
        [&](std::size_t i, detail::os::batch_slot& slot) {
            const datagram& d = batch[i];
            slot.data = detail::sys::make_io_vector(d.buffer.data(), d.size);
            slot.name = const_cast<::sockaddr*>(d.peer.data());
            slot.name_size = static_cast<detail::os::socklen_type>(d.peer.size());
            slot.size = 0;
            slot.flags = 0;
            // From the address it was sent to, when recv_batch reported one.
            long used = 0;
            address source;
            if (d.has_destination && detail::source_for(d.destination, d.peer, source))
                used = detail::sys::write_control(slot.control, slot.control_size, source.data(), 0, 0,
                                                  nullptr, 0);
            slot.control_size = used > 0 ? static_cast<std::size_t>(used) : 0;
        },
        [](std::size_t, detail::os::batch_slot&) {});
}

result<std::size_t> try_send_batch(const socket& s, const outgoing_datagram* batch, std::size_t count,
                                   timeout t) noexcept {
    return detail::run_batch(
        s, count, false, t,
        [&](std::size_t i, detail::os::batch_slot& slot) {
            const outgoing_datagram& d = batch[i];
            slot.control_size = 0;
            slot.data = detail::sys::make_io_vector(d.data.data(), d.data.size());
            slot.name = d.to != nullptr ? const_cast<::sockaddr*>(d.to->data()) : nullptr;
            slot.name_size = d.to != nullptr ? static_cast<detail::os::socklen_type>(d.to->size()) : 0;
            slot.size = 0;
            slot.flags = 0;
        },
        [](std::size_t, detail::os::batch_slot&) {});
}

std::size_t send_batch(const socket& s, const datagram* batch, std::size_t count, timeout t) {
    return detail::unwrap(try_send_batch(s, batch, count, t), "send_batch");
}

std::size_t send_batch(const socket& s, const outgoing_datagram* batch, std::size_t count, timeout t) {
    return detail::unwrap(try_send_batch(s, batch, count, t), "send_batch");
}

// ---------------------------------------------------------------------------------------------
// Scatter/gather

result<std::size_t> try_sendv(const socket& s, const const_buffer* buffers, std::size_t count,
                              timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    detail::os::io_vector v[detail::os::max_io_vectors];
    std::size_t bytes = 0;
    const std::size_t n = detail::to_vectors(buffers, count, v, detail::os::send_piece, bytes);
    std::error_code ec;
    const std::size_t sent =
        detail::sys::send_message(s.native_handle(), v, n, nullptr, 0, nullptr, 0, 0,
                                  detail::fault::call::send, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return sent;
}

std::size_t sendv(const socket& s, const const_buffer* buffers, std::size_t count, timeout t) {
    return detail::unwrap(try_sendv(s, buffers, count, t), "sendv");
}

result<std::size_t> try_recvv(const socket& s, const mutable_buffer* buffers, std::size_t count,
                              timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    detail::os::io_vector v[detail::os::max_io_vectors];
    std::size_t bytes = 0;
    const std::size_t n = detail::to_vectors(buffers, count, v, static_cast<std::size_t>(-1), bytes);
    if (bytes == 0) return detail::fail(std::errc::invalid_argument); // a 0 that is not EOF
    std::error_code ec;
    int flags = 0;
    const std::size_t got =
        detail::sys::recv_message(s.native_handle(), v, n, nullptr, nullptr, nullptr, nullptr, flags, 0,
                                  detail::fault::call::recv, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return got;
}

std::size_t recvv(const socket& s, const mutable_buffer* buffers, std::size_t count, timeout t) {
    return detail::unwrap(try_recvv(s, buffers, count, t), "recvv");
}

// ---------------------------------------------------------------------------------------------
// Ancillary data

result<message> try_recvmsg(const socket& s, mutable_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (b.size() == 0) return detail::fail(std::errc::invalid_argument);
    message m;
    detail::os::control_buffer control;
    std::size_t control_size = detail::os::control_space;
    auto v = detail::sys::make_io_vector(b.data(), b.size());
    const auto sink = m.sender.prepare_native();
    std::error_code ec;
    int flags = 0;
    m.size = detail::sys::recv_message(s.native_handle(), &v, 1, sink.data, sink.size, control.bytes,
                                       &control_size, flags, 0, detail::fault::call::recvfrom,
                                       detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    detail::commit_sender(m.sender);
    if (m.size > b.size()) m.size = b.size();
    m.truncated = (flags & detail::os::msg_truncated) != 0;
    m.control_truncated = (flags & detail::os::msg_control_truncated) != 0;
    detail::os::control_fields f;
    detail::sys::read_control(control.bytes, control_size, f, nullptr, 0); // stray descriptors: closed
    if (f.destination_size > 0) {
        if (auto d = address::try_from_native(&f.destination, static_cast<std::size_t>(f.destination_size))) {
            m.destination = *d;
            m.has_destination = true;
        }
    }
    m.interface_index = f.interface_index;
    m.hop_limit = f.hop_limit;
    if (f.has_time) {
        m.has_timestamp = true;
        const auto since = std::chrono::seconds(f.seconds) + std::chrono::nanoseconds(f.nanoseconds);
        m.timestamp = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(since));
    }
    m.segment_size = f.segment_size > 0 ? static_cast<std::size_t>(f.segment_size) : 0;
    if (f.handles_dropped) m.control_truncated = true;
    return m;
}

message recvmsg(const socket& s, mutable_buffer b, timeout t) {
    return detail::unwrap(try_recvmsg(s, b, t), "recvmsg");
}

result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to, const source_address& from,
                               timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (from.local.family() == family::local || to.family() == family::local)
        return detail::fail(std::errc::invalid_argument);
    if (from.local.is_any() && from.interface_index == 0) return try_sendto(s, b, to, t); // the OS chooses
    address source;
    if (!detail::source_for(from.local, to, source))
        return detail::fail(std::errc::address_family_not_supported);
    detail::os::control_buffer control;
    const long used = detail::sys::write_control(control.bytes, sizeof control.bytes, source.data(),
                                                 from.interface_index, 0, nullptr, 0);
    if (used < 0) return detail::fail(detail::unsupported());
    auto v = detail::sys::make_io_vector(b.data(), b.size());
    std::error_code ec;
    const std::size_t n = detail::sys::send_message(
        s.native_handle(), &v, 1, to.data(), to.size(), control.bytes, static_cast<std::size_t>(used), 0,
        detail::fault::call::sendto, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t sendto(const socket& s, const_buffer b, const address& to, const source_address& from,
                   timeout t) {
    return detail::unwrap(try_sendto(s, b, to, from, t), "sendto", to);
}

result<std::size_t> try_send_segments(const socket& s, const_buffer payload, std::size_t segment_size,
                                      const address* to, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if constexpr (!detail::os::has_segment_control) return detail::fail(detail::unsupported());
    if (segment_size == 0 || segment_size > 65535) return detail::fail(std::errc::invalid_argument);
    detail::os::control_buffer control;
    const long used = detail::sys::write_control(control.bytes, sizeof control.bytes, nullptr, 0,
                                                 static_cast<int>(segment_size), nullptr, 0);
    if (used < 0) return detail::fail(detail::unsupported());
    auto v = detail::sys::make_io_vector(payload.data(), payload.size());
    std::error_code ec;
    const std::size_t n = detail::sys::send_message(
        s.native_handle(), &v, 1, to != nullptr ? to->data() : nullptr, to != nullptr ? to->size() : 0,
        control.bytes, static_cast<std::size_t>(used), 0, detail::fault::call::sendto,
        detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t send_segments(const socket& s, const_buffer payload, std::size_t segment_size, const address* to,
                          timeout t) {
    return detail::unwrap(try_send_segments(s, payload, segment_size, to, t), "send_segments");
}

// ---------------------------------------------------------------------------------------------
// Descriptor passing

result<std::size_t> try_send_handles(const socket& s, const_buffer data, const native_handle_type* handles,
                                     std::size_t count, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if constexpr (!detail::os::has_handle_passing) return detail::fail(detail::unsupported());
    if (data.size() == 0 || count > max_passed_handles || (count > 0 && handles == nullptr))
        return detail::fail(std::errc::invalid_argument);
    detail::os::control_buffer control;
    const long used =
        detail::sys::write_control(control.bytes, sizeof control.bytes, nullptr, 0, 0, handles, count);
    if (used < 0) return detail::fail(std::errc::invalid_argument);
    auto v = detail::sys::make_io_vector(data.data(), data.size());
    std::error_code ec;
    const std::size_t n = detail::sys::send_message(
        s.native_handle(), &v, 1, nullptr, 0, control.bytes, static_cast<std::size_t>(used), 0,
        detail::fault::call::send, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t send_handles(const socket& s, const_buffer data, const native_handle_type* handles,
                         std::size_t count, timeout t) {
    return detail::unwrap(try_send_handles(s, data, handles, count, t), "send_handles");
}

result<handles_received> try_recv_handles(const socket& s, mutable_buffer data, socket* out,
                                          std::size_t capacity, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if constexpr (!detail::os::has_handle_passing) return detail::fail(detail::unsupported());
    if (data.size() == 0 || (capacity > 0 && out == nullptr))
        return detail::fail(std::errc::invalid_argument);
    if (capacity > max_passed_handles) capacity = max_passed_handles;
    detail::os::control_buffer control;
    // Linux: sized for `capacity`, the kernel drops (never installs) descriptors beyond it.
    // Elsewhere the kernel installs them all and copies out what fits: the whole buffer, and
    // read_control closes those beyond `capacity`.
    std::size_t control_size = !detail::os::kernel_drops_excess_handles ? sizeof control.bytes
                               : capacity > 0 ? detail::sys::handle_control_size(capacity)
                                              : 0;
    auto v = detail::sys::make_io_vector(data.data(), data.size());
    std::error_code ec;
    int flags = 0;
    handles_received r;
    r.size = detail::sys::recv_message(
        s.native_handle(), &v, 1, nullptr, nullptr, control_size > 0 ? control.bytes : nullptr, &control_size,
        flags, 0, detail::fault::call::recv, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    native_handle_type got[detail::os::max_passed_handles > 0 ? detail::os::max_passed_handles : 1];
    detail::os::control_fields f;
    detail::sys::read_control(control.bytes, control_size, f, got, capacity);
    for (std::size_t i = 0; i < f.handles; ++i) out[i] = socket(got[i]);
    r.handles = f.handles;
    r.truncated = f.handles_dropped || (flags & detail::os::msg_control_truncated) != 0;
    return r;
}

handles_received recv_handles(const socket& s, mutable_buffer data, socket* out, std::size_t capacity,
                              timeout t) {
    return detail::unwrap(try_recv_handles(s, data, out, capacity, t), "recv_handles");
}

NETSOCK_END_NAMESPACE

#endif
