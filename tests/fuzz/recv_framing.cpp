// Fuzz target: stream reassembly through a real socket pair, with fuzzer-chosen chunking and
// fuzzer-chosen faults (built with NETSOCK_FAULT_INJECTION).
//
// Input: [flags][n][n control bytes][payload (at most 64 KiB)]
//   flags bit 0: timed calls (recv_exact with a 5 s timeout) instead of blocking ones
//         bit 1: the reading socket is non-blocking
//         bit 2: inject faults into the reader's recv and poll calls
// The control bytes, read cyclically, choose the writer's chunk sizes, the reader's request
// sizes and (bit 2) per call an EINTR, an EAGAIN or a cap of 1..255 bytes on the reader's side.
// A writer thread sends the payload chunk by chunk, then shuts down sending. Two readers run,
// each on a fresh pair:
//   1. raw: recv_exact in fuzzer-chosen sizes must give back exactly the payload, and the read
//      that crosses the end fails with net::errc::eof reporting exactly the bytes that were left;
//   2. framing: a length-prefixed reader ([u16 big-endian length][body], with recv_exact) must
//      yield exactly the frames a parser finds in memory, and stop with eof where the payload
//      ends, with the partial count of the unfinished header or body.
// Built with libFuzzer by tools/fuzz.sh; replayed by reliability.fuzz_replay.recv_framing.
#include <net/net.hpp>
// The hook is an implementation detail: compile-once mode keeps it out of <net/net.hpp> (the
// single header, which has no detail/ files, is header-only in the suite and has it inline).
#if !defined(NETSOCK_DETAIL_FAULT_HPP)
#include <net/detail/fault.hpp>
#endif

#include "fuzz_check.hpp"

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#if !defined(NETSOCK_FAULT_INJECTION)
#error "recv_framing.cpp needs NETSOCK_FAULT_INJECTION"
#endif

namespace {

using net::detail::fault::call;
using net::detail::fault::injection;

constexpr std::size_t max_payload = 64 * 1024;
constexpr long max_faults = 4096; // per input: faults end, so every read ends

// The control bytes, read cyclically (a fixed sequence if there are none).
class control {
public:
    control(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
    std::uint8_t next() noexcept {
        if (n_ == 0) return static_cast<std::uint8_t>(37 * i_++ + 11);
        return p_[i_++ % n_];
    }
    // A size in 1..limit, biased towards small values but reaching large ones.
    std::size_t size(std::size_t limit) noexcept {
        const std::uint8_t b = next();
        std::size_t s = b < 128 ? 1u + b % 16u : b < 224 ? 1u + (b - 128u) * 64u : 1u + (b - 224u) * 2048u;
        return s > limit ? limit : s;
    }

private:
    const std::uint8_t* p_;
    std::size_t n_;
    std::size_t i_ = 0;
};

struct fault_state {
    control* ctl = nullptr;
    long budget = 0;
};
thread_local fault_state faults;

injection hook(call c) noexcept {
    injection r;
    if (faults.ctl == nullptr || faults.budget <= 0) return r;
    if (c != call::recv && c != call::poll) return r;
    --faults.budget;
    const std::uint8_t b = faults.ctl->next();
    if (b < 24) {
        r.error = EINTR; // recv and poll
    } else if (b < 48) {
        if (c == call::recv) r.error = EAGAIN;
    } else if (c == call::recv) {
        r.max_bytes = b < 96 ? 1u + (b - 48u) / 8u : 1u + b; // 1..6 bytes, or 97..256
    }
    return r;
}

struct pair_with_writer {
    net::socket reader;
    net::socket writer;
    std::thread thread;
    ~pair_with_writer() {
        if (thread.joinable()) thread.join();
    }
};

// A fresh pair; a thread writes `payload` in the given chunk sizes, then shuts down sending.
void start(pair_with_writer& p, const std::vector<std::uint8_t>& payload,
           const std::vector<std::size_t>& chunks, bool nonblocking) {
    auto pr = net::try_socket_pair();
    FUZZ_CHECK(pr.has_value(), "socket_pair failed");
    p.reader = std::move(pr->first);
    p.writer = std::move(pr->second);
    if (nonblocking) FUZZ_CHECK(net::try_set_nonblocking(p.reader).has_value(), "set_nonblocking");
    p.thread = std::thread([&p, &payload, &chunks] {
        std::size_t at = 0;
        for (std::size_t c : chunks) {
            if (!net::try_sendall(p.writer, net::buffer(payload.data() + at, c), std::chrono::seconds(10)))
                break;
            at += c;
        }
        (void)net::try_shutdown(p.writer, net::shutdown_type::send);
    });
}

// recv_exact of `size` bytes into `out`; returns the error (empty on success) and the count.
std::error_code read_exact(const net::socket& s, unsigned char* out, std::size_t size, bool timed,
                           std::size_t& got) {
    got = 0;
    auto r = timed ? net::try_recv_exact(s, net::buffer(out, size), std::chrono::seconds(5), &got)
                   : net::try_recv_exact(s, net::buffer(out, size), &got);
    if (r) {
        FUZZ_CHECK(*r == size && got == size, "recv_exact returned a short count without an error");
        return {};
    }
    FUZZ_CHECK(got < size, "a failed recv_exact reported the full count");
    return r.error();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t flags = data[0];
    const std::size_t n = data[1] < size - 2 ? data[1] : size - 2;
    control ctl(data + 2, n);
    const std::uint8_t* body = data + 2 + n;
    std::size_t body_size = size - 2 - n;
    if (body_size > max_payload) body_size = max_payload;
    const std::vector<std::uint8_t> payload(body, body + body_size);
    const bool timed = flags & 1, nonblocking = flags & 2, with_faults = flags & 4;

    // The writer's chunks (at most 256 of them, the last takes the rest).
    std::vector<std::size_t> chunks;
    for (std::size_t at = 0; at < payload.size();) {
        std::size_t c = chunks.size() == 255 ? payload.size() - at : ctl.size(payload.size() - at);
        chunks.push_back(c);
        at += c;
    }

    net::detail::fault::set_hook(&hook);
    faults.ctl = with_faults ? &ctl : nullptr;
    faults.budget = max_faults;

    // 1. raw reassembly
    {
        pair_with_writer p;
        start(p, payload, chunks, nonblocking);
        std::vector<unsigned char> got(payload.size() + 300);
        std::size_t at = 0;
        for (;;) {
            const std::size_t want = ctl.size(300);
            std::size_t count = 0;
            const auto ec = read_exact(p.reader, got.data() + at, want, timed, count);
            if (ec) {
                FUZZ_CHECK(ec == net::errc::eof, "raw: recv_exact failed with an error other than eof");
                FUZZ_CHECK(at + count == payload.size(), "raw: eof at the wrong place");
                FUZZ_CHECK(want > payload.size() - at, "raw: eof before the end of the payload");
                at += count;
                break;
            }
            at += want;
            FUZZ_CHECK(at <= payload.size(), "raw: more bytes than were sent");
        }
        // (payload.data() may be null when it is empty: memcmp only real bytes.)
        FUZZ_CHECK(payload.empty() || std::memcmp(got.data(), payload.data(), payload.size()) == 0,
                   "raw: the reassembled stream differs from the payload");
    }

    // 2. length-prefixed frames: the reference parse from memory...
    std::vector<std::pair<std::size_t, std::size_t>> frames; // (offset, length) of each body
    std::size_t pos = 0, partial_header = 0, partial_body = 0;
    bool ends_in_header = true;
    for (;;) {
        if (payload.size() - pos < 2) {
            partial_header = payload.size() - pos;
            break;
        }
        const std::size_t len = static_cast<std::size_t>(payload[pos] << 8 | payload[pos + 1]);
        if (payload.size() - pos - 2 < len) {
            ends_in_header = false;
            partial_body = payload.size() - pos - 2;
            break;
        }
        frames.emplace_back(pos + 2, len);
        pos += 2 + len;
    }
    // ...and the same through the socket.
    {
        pair_with_writer p;
        start(p, payload, chunks, nonblocking);
        std::vector<unsigned char> frame(65535);
        std::size_t index = 0;
        for (;;) {
            unsigned char header[2];
            std::size_t count = 0;
            auto ec = read_exact(p.reader, header, 2, timed, count);
            if (ec) {
                FUZZ_CHECK(ec == net::errc::eof, "framing: header read failed with an error other than eof");
                FUZZ_CHECK(ends_in_header && index == frames.size(),
                           "framing: stream ended early in a header");
                FUZZ_CHECK(count == partial_header, "framing: wrong partial header count");
                break;
            }
            const std::size_t len = static_cast<std::size_t>(header[0] << 8 | header[1]);
            ec = read_exact(p.reader, frame.data(), len, timed, count);
            if (ec) {
                FUZZ_CHECK(ec == net::errc::eof, "framing: body read failed with an error other than eof");
                FUZZ_CHECK(!ends_in_header && index == frames.size(),
                           "framing: stream ended early in a body");
                FUZZ_CHECK(count == partial_body, "framing: wrong partial body count");
                FUZZ_CHECK(count == 0 || std::memcmp(frame.data(), payload.data() + pos + 2, count) == 0,
                           "framing: partial body differs");
                break;
            }
            FUZZ_CHECK(index < frames.size(), "framing: more frames than were sent");
            FUZZ_CHECK(frames[index].second == len, "framing: wrong frame length");
            FUZZ_CHECK(len == 0 || std::memcmp(frame.data(), payload.data() + frames[index].first, len) == 0,
                       "framing: frame body differs");
            ++index;
        }
    }
    faults.ctl = nullptr;
    return 0;
}
