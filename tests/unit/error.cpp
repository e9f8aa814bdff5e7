// Unit tests for <net/error.hpp>: the error categories, net::errc, net::resolve_errc,
// net::is_would_block and the net::error exception.

#include <doctest/doctest.h>

#include <net/net.hpp>

#include <chrono>
#include <cstring>
#include <exception>
#include <ostream>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

const std::vector<net::resolve_errc>& all_resolve_errc() {
    static const std::vector<net::resolve_errc> all = {
        net::resolve_errc::host_not_found,    net::resolve_errc::try_again,
        net::resolve_errc::service_not_found, net::resolve_errc::family_not_supported,
        net::resolve_errc::no_recovery,       net::resolve_errc::other,
    };
    return all;
}

// Resolver codes (EAI_*) are small negative numbers on glibc, small positive ones on macOS and
// the BSDs, and WSA codes (10000-11999) on Windows: this range holds all of them.
constexpr int resolver_code_min = -300;
constexpr int resolver_code_max = 12000;

} // namespace

static_assert(std::is_error_condition_enum<net::resolve_errc>::value,
              "resolve_errc values are error conditions");
static_assert(!std::is_error_code_enum<net::resolve_errc>::value,
              "resolve_errc values are conditions, not codes");
static_assert(std::is_error_code_enum<net::errc>::value, "net::errc values are error codes");
static_assert(std::is_base_of_v<std::system_error, net::error>, "net::error is a system_error");
static_assert(noexcept(net::socket_category()) && noexcept(net::resolve_category()) && noexcept(
                  net::netsock_category()),
              "category accessors are noexcept");
static_assert(noexcept(net::is_would_block(std::error_code())), "is_would_block is noexcept");

// ---------------------------------------------------------------------------------------------
// Categories

TEST_CASE("the three categories have distinct non-empty names") {
    const std::string socket_name = net::socket_category().name();
    const std::string resolve_name = net::resolve_category().name();
    const std::string netsock_name = net::netsock_category().name();
    CHECK_FALSE(socket_name.empty());
    CHECK_FALSE(resolve_name.empty());
    CHECK_FALSE(netsock_name.empty());
    CHECK(socket_name != resolve_name);
    CHECK(socket_name != netsock_name);
    CHECK(resolve_name != netsock_name);
}

TEST_CASE("category names differ from the standard categories") {
    for (const std::error_category* c :
         {&net::socket_category(), &net::resolve_category(), &net::netsock_category()}) {
        CAPTURE(c->name());
        CHECK(std::strcmp(c->name(), std::generic_category().name()) != 0);
        CHECK(std::strcmp(c->name(), std::system_category().name()) != 0);
    }
}

TEST_CASE("each category is one object with a stable name") {
    CHECK(&net::socket_category() == &net::socket_category());
    CHECK(&net::resolve_category() == &net::resolve_category());
    CHECK(&net::netsock_category() == &net::netsock_category());
    CHECK(net::socket_category() != net::resolve_category());
    CHECK(net::socket_category() != net::netsock_category());
    CHECK(net::resolve_category() != net::netsock_category());
    CHECK(std::string(net::socket_category().name()) == net::socket_category().name());
    CHECK(std::string(net::resolve_category().name()) == net::resolve_category().name());
    CHECK(std::string(net::netsock_category().name()) == net::netsock_category().name());
}

TEST_CASE("messages of socket_category codes are never empty") {
    for (int v = 1; v <= 300; ++v) {
        CAPTURE(v);
        CHECK_FALSE(std::error_code(v, net::socket_category()).message().empty());
    }
    // Values the OS does not know still get a message (Winsock range, large, negative).
    for (int v : {10035, 10061, 11001, 99999, -1}) {
        CAPTURE(v);
        CHECK_FALSE(std::error_code(v, net::socket_category()).message().empty());
    }
}

TEST_CASE("socket_category codes are never equal to resolver conditions") {
    for (int v = 1; v <= 300; ++v) {
        const std::error_code ec(v, net::socket_category());
        for (net::resolve_errc e : all_resolve_errc()) {
            CAPTURE(v);
            CAPTURE(static_cast<int>(e));
            CHECK(ec != e);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// is_would_block

TEST_CASE("is_would_block is true for operation_would_block") {
    CHECK(net::is_would_block(std::make_error_code(std::errc::operation_would_block)));
}

TEST_CASE("is_would_block is true for resource_unavailable_try_again") {
    CHECK(net::is_would_block(std::make_error_code(std::errc::resource_unavailable_try_again)));
}

TEST_CASE("is_would_block is false for timed_out, other errors and success") {
    CHECK_FALSE(net::is_would_block(std::make_error_code(std::errc::timed_out)));
    CHECK_FALSE(net::is_would_block(std::make_error_code(std::errc::operation_in_progress)));
    CHECK_FALSE(net::is_would_block(std::make_error_code(std::errc::interrupted)));
    CHECK_FALSE(net::is_would_block(std::make_error_code(std::errc::connection_refused)));
    CHECK_FALSE(net::is_would_block(std::error_code()));
    CHECK_FALSE(net::is_would_block(net::make_error_code(net::errc::eof)));
}

TEST_CASE("is_would_block recognises the code of a real non-blocking receive") {
    auto pair = net::try_socket_pair();
    REQUIRE(pair.has_value());
    auto& a = pair->first;
    REQUIRE(net::try_set_nonblocking(a).has_value());
    char byte = 0;
    auto r = net::try_recv(a, net::buffer(&byte, 1));
    REQUIRE_FALSE(r.has_value());
    CAPTURE(r.error().message());
    CHECK(net::is_would_block(r.error()));
}

// ---------------------------------------------------------------------------------------------
// socket_category compares with std::errc (libstdc++ does not map WSA codes to std::errc on
// MinGW, so the library must), observed through a real failure

TEST_CASE("a refused loopback connect compares equal to std::errc::connection_refused") {
    // A bound socket that does not listen: connecting to its port is refused on every OS.
    auto holder = net::try_make_socket(net::family::ipv4);
    REQUIRE(holder.has_value());
    REQUIRE(net::try_bind(*holder, net::address::loopback(net::family::ipv4, 0)).has_value());
    auto where = net::try_local_address(*holder);
    REQUIRE(where.has_value());
    REQUIRE(where->port() != 0);

    auto client = net::try_make_socket(net::family::ipv4);
    REQUIRE(client.has_value());
    // Windows retries a refused SYN for ~2 s (0 ms on Linux and macOS): allow plenty of time.
    auto r = net::try_connect(*client, *where, std::chrono::seconds(10));
    REQUIRE_FALSE(r.has_value());
    CAPTURE(r.error().message());
    CAPTURE(r.error().category().name());
    CHECK(r.error() == std::errc::connection_refused);
    CHECK(r.error() != std::errc::timed_out);
    CHECK_FALSE(r.error().message().empty());
}

TEST_CASE("a timed receive that expires says so in words on every OS") {
    // MinGW's C runtime has no text for ETIMEDOUT (it printed "Unknown error"): the message of
    // an error netsock makes itself must come from somewhere that has one.
    auto pair = net::try_socket_pair();
    REQUIRE(pair.has_value());
    char byte = 0;
    auto r = net::try_recv(pair->first, net::buffer(&byte, 1), std::chrono::milliseconds(20));
    REQUIRE_FALSE(r.has_value());
    const std::string text = r.error().message();
    CAPTURE(text);
    CAPTURE(r.error().category().name());
    CHECK(r.error() == std::errc::timed_out);
    CHECK_FALSE(text.empty());
    CHECK_FALSE(contains(text, "nknown"));
    CHECK_FALSE(contains(text, "138"));
}

TEST_CASE("errors netsock makes itself have a text and keep their std::errc value") {
    const std::errc made[] = {
        std::errc::timed_out,           std::errc::host_unreachable,
        std::errc::network_unreachable, std::errc::operation_canceled,
        std::errc::connection_refused,  std::errc::connection_reset,
        std::errc::address_in_use,      std::errc::message_size,
        std::errc::no_protocol_option,  std::errc::operation_not_supported,
        std::errc::not_connected,       std::errc::invalid_argument,
        std::errc::bad_file_descriptor, std::errc::address_family_not_supported,
    };
    for (const std::errc e : made) {
        const std::error_code ec = net::detail::make_errc(e);
        const std::string text = ec.message();
        CAPTURE(static_cast<int>(e));
        CAPTURE(text);
        CHECK(ec == e);
        CHECK(net::detail::make_errc(e) == ec);
        CHECK_FALSE(text.empty());
        CHECK_FALSE(contains(text, "nknown"));
    }
}

// ---------------------------------------------------------------------------------------------
// net::errc (netsock_category)

TEST_CASE("net::errc::eof converts to a netsock_category error code") {
    std::error_code ec = net::errc::eof;
    CHECK(ec);
    CHECK(ec.category() == net::netsock_category());
    CHECK(ec.value() == static_cast<int>(net::errc::eof));
    CHECK(ec == net::errc::eof);
    CHECK(ec == net::make_error_code(net::errc::eof));
}

TEST_CASE("net::errc::eof has a readable message") {
    const std::error_code ec = net::errc::eof;
    const std::string m = ec.message();
    CHECK_FALSE(m.empty());
    CHECK(m != "Success");
    // Distinct from the text for values the category does not define.
    CHECK(m != std::error_code(9999, net::netsock_category()).message());
}

TEST_CASE("unknown netsock_category values still have a message") {
    CHECK_FALSE(std::error_code(9999, net::netsock_category()).message().empty());
    CHECK_FALSE(std::error_code(0, net::netsock_category()).message().empty());
}

TEST_CASE("net::errc::eof is not confused with the generic error of the same number") {
    const std::error_code ec = net::errc::eof;
    CHECK(ec != std::error_condition(static_cast<int>(net::errc::eof), std::generic_category()));
    CHECK(ec != std::error_code(static_cast<int>(net::errc::eof), std::generic_category()));
    CHECK(ec != std::error_code(static_cast<int>(net::errc::eof), net::socket_category()));
    CHECK(ec != std::errc::io_error);
    CHECK(ec != std::errc::connection_reset);
}

// ---------------------------------------------------------------------------------------------
// net::resolve_errc (conditions) and resolve_category (codes)

TEST_CASE("resolve_errc values convert to error conditions of one category") {
    const std::error_condition first = net::resolve_errc::host_not_found;
    for (net::resolve_errc e : all_resolve_errc()) {
        const std::error_condition c = e;
        CAPTURE(static_cast<int>(e));
        CHECK(c.value() == static_cast<int>(e));
        CHECK(c.category() == first.category());
        CHECK(c == net::make_error_condition(e));
        CHECK(c.category() != net::resolve_category());
        CHECK(c.category() != net::socket_category());
        CHECK(c.category() != std::generic_category());
    }
}

TEST_CASE("resolve_errc messages are non-empty, distinct and never Success") {
    std::vector<std::string> seen;
    for (net::resolve_errc e : all_resolve_errc()) {
        const std::string m = std::error_condition(e).message();
        CAPTURE(static_cast<int>(e));
        CAPTURE(m);
        CHECK_FALSE(m.empty());
        CHECK(m != "Success");
        CHECK(m != "success");
        for (const auto& earlier : seen) CHECK(m != earlier);
        seen.push_back(m);
    }
}

TEST_CASE("every resolve_category code maps to a resolve_errc condition") {
    for (int v = resolver_code_min; v <= resolver_code_max; ++v) {
        const std::error_code ec(v, net::resolve_category());
        const std::error_condition c = ec.default_error_condition();
        if (c.category() != std::error_condition(net::resolve_errc::other).category()) {
            FAIL_CHECK("resolve_category code " << v << " maps outside resolve_errc");
            continue;
        }
        int matches = 0;
        for (net::resolve_errc e : all_resolve_errc())
            if (ec == e) ++matches;
        if (matches != 1)
            FAIL_CHECK("resolve_category code " << v << " matches " << matches << " conditions");
    }
}

TEST_CASE("each specific resolve_errc condition is reached by some resolver code") {
    for (net::resolve_errc e : all_resolve_errc()) {
        if (e == net::resolve_errc::other) continue;
        int found = 0;
        for (int v = resolver_code_min; v <= resolver_code_max && found == 0; ++v)
            if (std::error_code(v, net::resolve_category()) == e) found = v;
        CAPTURE(static_cast<int>(e));
        REQUIRE(found != 0);
        const std::error_code ec(found, net::resolve_category());
        CAPTURE(ec.message());
        CHECK_FALSE(ec.message().empty());
        CHECK(ec.message() != "Success");
        // A socket error of the same number is not this resolver condition, and the resolver
        // code is not the generic error of the same number.
        CHECK(std::error_code(found, net::socket_category()) != e);
        CHECK(ec != std::error_condition(found, std::generic_category()));
    }
}

TEST_CASE("resolver codes the category does not know are classified as other") {
    const std::error_code ec(123456, net::resolve_category());
    CHECK(ec == net::resolve_errc::other);
    CHECK(ec != net::resolve_errc::host_not_found);
    CHECK_FALSE(ec.message().empty());
}

// ---------------------------------------------------------------------------------------------
// net::error

TEST_CASE("net::error carries the code, the operation and the byte count") {
    const std::error_code ec = std::make_error_code(std::errc::connection_reset);
    const net::error e(ec, "sendall", 42);
    CHECK(e.code() == ec);
    CHECK(e.code() == std::errc::connection_reset);
    REQUIRE(e.operation() != nullptr);
    CHECK(std::string(e.operation()) == "sendall");
    CHECK(e.bytes_transferred() == 42);
}

TEST_CASE("net::error reports zero bytes transferred by default") {
    const net::error e(std::make_error_code(std::errc::timed_out), "connect");
    CHECK(e.bytes_transferred() == 0);
    CHECK(std::string(e.operation()) == "connect");
}

TEST_CASE("net::error what() names the operation and the reason") {
    const std::error_code ec = std::make_error_code(std::errc::connection_refused);
    const net::error e(ec, "connect");
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(contains(what, "connect"));
    CHECK(contains(what, ec.message()));
}

TEST_CASE("net::error what() includes netsock's own messages") {
    const net::error e(net::make_error_code(net::errc::eof), "recv_exact", 3);
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(contains(what, "recv_exact"));
    CHECK(contains(what, std::error_code(net::errc::eof).message()));
    CHECK(e.code() == net::errc::eof);
}

TEST_CASE("net::error can be caught as std::system_error and std::exception") {
    const std::error_code ec = std::make_error_code(std::errc::timed_out);
    bool caught_system_error = false;
    try {
        throw net::error(ec, "recv");
    } catch (const std::system_error& e) {
        caught_system_error = true;
        CHECK(e.code() == ec);
    }
    CHECK(caught_system_error);

    bool caught_exception = false;
    try {
        throw net::error(ec, "recv");
    } catch (const std::exception& e) {
        caught_exception = true;
        CHECK(contains(e.what(), "recv"));
    }
    CHECK(caught_exception);
}

TEST_CASE("net::error copies keep the code, operation and byte count") {
    const net::error original(std::make_error_code(std::errc::broken_pipe), "send", 7);
    const net::error copy = original; // NOLINT(performance-unnecessary-copy-initialization)
    CHECK(copy.code() == original.code());
    CHECK(std::string(copy.operation()) == "send");
    CHECK(copy.bytes_transferred() == 7);
    CHECK(std::string(copy.what()) == original.what());
}

TEST_CASE("a throwing function throws net::error naming itself") {
    bool thrown = false;
    try {
        (void)net::address::parse("not an address");
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == std::errc::invalid_argument);
        CHECK(std::string(e.operation()).find("parse") != std::string::npos);
        CHECK(contains(e.what(), e.operation()));
    }
    CHECK(thrown);
}

TEST_CASE("a throwing operation on a closed socket reports bad_file_descriptor") {
    const net::socket closed;
    char byte = 0;
    bool thrown = false;
    try {
        (void)net::recv(closed, net::buffer(&byte, 1));
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == std::errc::bad_file_descriptor);
        CHECK(std::string(e.operation()) == "recv");
    }
    CHECK(thrown);
}

// ---------------------------------------------------------------------------------------------
// Errors that say what failed: the address, the reason, a hint

static_assert(std::is_nothrow_copy_constructible_v<net::error>, "copying an exception never throws");

TEST_CASE("net::error with an address reads \"operation address: message\"") {
    const std::error_code ec = std::make_error_code(std::errc::address_in_use);
    const net::error e(ec, "bind", "127.0.0.1:8080");
    CHECK(std::string(e.what()) == "bind 127.0.0.1:8080: " + ec.message());
    CHECK(e.address() == "127.0.0.1:8080");
    CHECK(std::string(e.operation()) == "bind");
    CHECK(e.code() == ec);
    CHECK(e.bytes_transferred() == 0);
    const net::error copy = e; // NOLINT(performance-unnecessary-copy-initialization)
    CHECK(copy.address() == "127.0.0.1:8080");
    CHECK(std::string(copy.what()) == e.what());
}

TEST_CASE("net::error without an address names none") {
    const net::error e(std::make_error_code(std::errc::timed_out), "recv");
    CHECK(e.address().empty());
    CHECK(std::string(e.what()) == "recv: " + std::make_error_code(std::errc::timed_out).message());
}

TEST_CASE("net::error appends a hint in parentheses and keeps the byte count") {
    const std::error_code ec = std::make_error_code(std::errc::connection_reset);
    const net::error e(ec, "sendall", "[::1]:9", 12, "try again");
    CHECK(std::string(e.what()) == "sendall [::1]:9: " + ec.message() + " (try again)");
    CHECK(e.address() == "[::1]:9");
    CHECK(e.bytes_transferred() == 12);
}

namespace {
// What detail::unwrap(result, op, address) throws for `ec`.
std::string unwrap_what(std::error_code ec, const char* op, const net::address& where) {
    try {
        net::detail::unwrap(net::result<void>(net::unexpected<std::error_code>(ec)), op, where);
    } catch (const net::error& e) {
        CHECK(e.address() == where.to_string());
        CHECK(std::string(e.operation()) == op);
        return e.what();
    }
    FAIL_CHECK("no error thrown");
    return {};
}
} // namespace

TEST_CASE("unwrap with an address names it, and hints at privileged ports for bind") {
    const auto denied = std::make_error_code(std::errc::permission_denied);
    const std::string hint = " (ports below 1024 need privileges)";
    const auto low = net::address::parse("0.0.0.0:80");
    CHECK(unwrap_what(denied, "bind", low) == "bind 0.0.0.0:80: " + denied.message() + hint);
    CHECK(unwrap_what(denied, "create_server", net::address::parse("[::]:443")) ==
          "create_server [::]:443: " + denied.message() + hint);
    // No hint for other ports, other errors or other operations.
    CHECK(unwrap_what(denied, "bind", net::address::parse("0.0.0.0:8080")) ==
          "bind 0.0.0.0:8080: " + denied.message());
    CHECK(unwrap_what(denied, "bind", net::address::parse("0.0.0.0:0")) ==
          "bind 0.0.0.0:0: " + denied.message());
    CHECK(unwrap_what(denied, "connect", low) == "connect 0.0.0.0:80: " + denied.message());
    const auto in_use = std::make_error_code(std::errc::address_in_use);
    CHECK(unwrap_what(in_use, "bind", low) == "bind 0.0.0.0:80: " + in_use.message());
    CHECK(unwrap_what(in_use, "bind", net::address::local("/tmp/x.sock")) ==
          "bind /tmp/x.sock: " + in_use.message());
}

TEST_CASE("unwrap with an address passes a value through") {
    CHECK(net::detail::unwrap(net::result<int>(5), "op", net::address()) == 5);
    CHECK(net::detail::unwrap(net::result<int>(6), "op", std::string_view("example.com:80")) == 6);
}

TEST_CASE("a real bind on a port in use names the operation and the address") {
    auto first = net::make_socket(net::family::ipv4, net::socket_type::stream);
    net::bind(first, net::address::parse("127.0.0.1:0"));
    net::listen(first);
    const auto taken = net::local_address(first);
    auto second = net::make_socket(net::family::ipv4, net::socket_type::stream);
    const auto r = net::try_bind(second, taken);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::errc::address_in_use);
    CHECK(unwrap_what(r.error(), "bind", taken) == "bind " + taken.to_string() + ": " + r.error().message());
}

TEST_CASE("a real bind below 1024 without privileges gets the hint") {
    auto s = net::make_socket(net::family::ipv4, net::socket_type::stream);
    const auto low = net::address::parse("127.0.0.1:1");
    const auto r = net::try_bind(s, low);
    if (r.has_value() || r.error() != std::errc::permission_denied) {
        MESSAGE("skipped: binding port 1 " << (r ? "worked" : r.error().message())
                                           << " (privileged or a lowered unprivileged port start)");
        return;
    }
    CHECK(unwrap_what(r.error(), "bind", low).find("(ports below 1024 need privileges)") !=
          std::string::npos);
}

TEST_CASE("the reasons of address parsing are netsock codes equal to invalid_argument") {
    const net::errc reasons[] = {
        net::errc::empty_address, net::errc::address_too_long,    net::errc::not_numeric,
        net::errc::invalid_ipv4,  net::errc::ipv4_leading_zero,   net::errc::invalid_ipv6,
        net::errc::invalid_zone,  net::errc::invalid_port,        net::errc::port_out_of_range,
        net::errc::bad_brackets,  net::errc::ipv6_needs_brackets,
    };
    std::vector<std::string> messages;
    for (net::errc why : reasons) {
        const std::error_code ec = why;
        CAPTURE(ec.message());
        CHECK(ec.category() == net::netsock_category());
        CHECK(ec == std::errc::invalid_argument);
        CHECK(ec != net::errc::eof);
        CHECK(ec != std::errc::no_such_device);
        CHECK_FALSE(contains(ec.message(), "unknown"));
        for (const auto& m : messages) CHECK(m != ec.message());
        messages.push_back(ec.message());
    }
    const std::error_code zone = net::errc::unknown_zone;
    CHECK(zone == std::errc::no_such_device);
    CHECK(zone != std::errc::invalid_argument);
    const std::error_code eof = net::errc::eof;
    CHECK(eof != std::errc::invalid_argument);
}
