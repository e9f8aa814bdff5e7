// Unit tests for <net/buffer.hpp>: net::const_buffer, net::mutable_buffer and every
// net::buffer(...) overload.

#include <doctest/doctest.h>

#include <net/net.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// std::basic_string<unsigned char> needs std::char_traits<unsigned char>, which libc++ 19
// removed (only the character types have traits there); those checks run elsewhere.
#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION >= 190000
#define NETSOCK_TEST_UCHAR_STRING 0
#else
#define NETSOCK_TEST_UCHAR_STRING 1
#endif

namespace {

// True when net::buffer(Args...) is a valid call (a SFINAE detector, so the negative cases are
// checked without a build that is expected to fail).
template <class Void, class... Args> struct can_buffer_impl : std::false_type {};
template <class... Args>
struct can_buffer_impl<std::void_t<decltype(net::buffer(std::declval<Args>()...))>, Args...>
    : std::true_type {};
template <class... Args> inline constexpr bool can_buffer = can_buffer_impl<void, Args...>::value;

template <class... Args> using buffer_t = decltype(net::buffer(std::declval<Args>()...));

const unsigned char* bytes(const void* p) { return static_cast<const unsigned char*>(p); }

constexpr std::size_t no_limit = static_cast<std::size_t>(-1);

} // namespace

// ---------------------------------------------------------------------------------------------
// Compile-time checks: return types

// pointer + size
static_assert(std::is_same_v<buffer_t<void*, std::size_t>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const void*, std::size_t>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<char*, std::size_t>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const char*, std::size_t>, net::const_buffer>);
// buffers themselves, with and without max_size
static_assert(std::is_same_v<buffer_t<net::mutable_buffer>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<net::const_buffer>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<net::mutable_buffer, std::size_t>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<net::const_buffer, std::size_t>, net::const_buffer>);
// arrays
static_assert(std::is_same_v<buffer_t<char (&)[8]>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const char (&)[8]>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<unsigned char (&)[8]>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<signed char (&)[8]>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<std::byte (&)[8]>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const std::byte (&)[8]>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<char (&)[8], std::size_t>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const char (&)[8], std::size_t>, net::const_buffer>);
// std::array
static_assert(std::is_same_v<buffer_t<std::array<char, 4>&>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const std::array<char, 4>&>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<std::array<std::byte, 4>&, std::size_t>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const std::array<unsigned char, 4>&, std::size_t>, net::const_buffer>);
// std::vector
static_assert(std::is_same_v<buffer_t<std::vector<char>&>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<std::vector<unsigned char>&>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<std::vector<std::byte>&>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const std::vector<char>&>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<const std::vector<std::byte>&, std::size_t>, net::const_buffer>);
// strings
static_assert(std::is_same_v<buffer_t<std::string&>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<const std::string&>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<std::string&, std::size_t>, net::mutable_buffer>);
static_assert(std::is_same_v<buffer_t<std::string_view>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<std::string_view, std::size_t>, net::const_buffer>);
static_assert(std::is_same_v<buffer_t<const std::string_view&>, net::const_buffer>);
// a string literal is a const char array
static_assert(std::is_same_v<decltype(net::buffer("abc")), net::const_buffer>);

// Every overload is noexcept.
static_assert(noexcept(net::buffer(std::declval<void*>(), std::size_t{})));
static_assert(noexcept(net::buffer(std::declval<std::string&>())));
static_assert(noexcept(net::buffer(std::declval<const std::string&>(), std::size_t{})));
static_assert(noexcept(net::buffer(std::declval<std::vector<char>&>())));
static_assert(noexcept(net::buffer(std::declval<std::string_view>())));
static_assert(noexcept(net::buffer(std::declval<std::array<char, 2>&>())));
static_assert(noexcept(net::buffer(std::declval<char (&)[2]>())));
static_assert(noexcept(std::declval<net::mutable_buffer&>() += 1));
static_assert(noexcept(std::declval<net::const_buffer&>() += 1));

// mutable converts to const, never the other way.
static_assert(std::is_convertible_v<net::mutable_buffer, net::const_buffer>);
static_assert(!std::is_convertible_v<net::const_buffer, net::mutable_buffer>);
static_assert(std::is_trivially_copyable_v<net::const_buffer>);
static_assert(std::is_trivially_copyable_v<net::mutable_buffer>);

// Non-byte element types are rejected.
static_assert(!can_buffer<std::vector<int>&>, "vector<int> is not a byte buffer");
static_assert(!can_buffer<const std::vector<int>&>, "const vector<int> is not a byte buffer");
static_assert(!can_buffer<std::vector<int>&, std::size_t>, "vector<int> with max_size");
static_assert(!can_buffer<std::vector<std::uint16_t>&>, "vector<uint16_t>");
static_assert(!can_buffer<std::vector<float>&>, "vector<float>");
static_assert(!can_buffer<std::vector<bool>&>, "vector<bool>");
static_assert(!can_buffer<std::vector<std::string>&>, "vector<string>");
static_assert(!can_buffer<std::array<int, 4>&>, "array<int>");
static_assert(!can_buffer<const std::array<double, 4>&>, "const array<double>");
static_assert(!can_buffer<int (&)[4]>, "int[4]");
static_assert(!can_buffer<const long (&)[4]>, "const long[4]");
static_assert(!can_buffer<std::u16string&>, "u16string");
static_assert(!can_buffer<std::wstring&>, "wstring");
static_assert(!can_buffer<const std::u32string&>, "const u32string");
static_assert(!can_buffer<std::wstring_view>, "wstring_view");
static_assert(!can_buffer<int>, "an int");
static_assert(!can_buffer<void*>, "a pointer without a size");
// ...while byte-like element types are accepted.
static_assert(can_buffer<std::vector<signed char>&>);
static_assert(can_buffer<const std::array<std::byte, 3>&>);
#if NETSOCK_TEST_UCHAR_STRING
static_assert(can_buffer<std::basic_string<unsigned char>&>);
#endif

// Usable in constant expressions.
namespace {
constexpr char constant_text[] = "hello";
constexpr std::string_view constant_view = "network";
} // namespace
static_assert(net::buffer(constant_view).size() == 7);
static_assert(net::buffer(constant_view, 3).size() == 3);
static_assert(net::buffer(constant_view, 100).size() == 7);
static_assert(net::buffer(constant_text).size() == sizeof constant_text - 1); // text: no NUL
static_assert(net::buffer(constant_text, 2).size() == 2);
static_assert(net::buffer(constant_text).data() == constant_text);
static_assert(net::const_buffer().size() == 0 && net::const_buffer().data() == nullptr);
static_assert(net::mutable_buffer().size() == 0 && net::mutable_buffer().data() == nullptr);

// ---------------------------------------------------------------------------------------------
// Buffer types

TEST_CASE("default-constructed buffers are empty with a null pointer") {
    net::const_buffer c;
    net::mutable_buffer m;
    CHECK(c.data() == nullptr);
    CHECK(c.size() == 0);
    CHECK(m.data() == nullptr);
    CHECK(m.size() == 0);
}

TEST_CASE("a mutable_buffer converts to a const_buffer over the same bytes") {
    char storage[10] = {};
    net::mutable_buffer m(storage, sizeof storage);
    net::const_buffer c = m;
    CHECK(c.data() == storage);
    CHECK(c.size() == sizeof storage);
    net::const_buffer via_buffer = net::buffer(net::const_buffer(m));
    CHECK(via_buffer.data() == storage);
}

TEST_CASE("operator+= advances a const_buffer") {
    const char text[] = "abcdef";
    net::const_buffer b(text, 6);
    b += 2;
    CHECK(b.data() == text + 2);
    CHECK(b.size() == 4);
    CHECK(*bytes(b.data()) == 'c');
    b += 0;
    CHECK(b.data() == text + 2);
    CHECK(b.size() == 4);
    b += 4;
    CHECK(b.data() == text + 6);
    CHECK(b.size() == 0);
}

TEST_CASE("operator+= past the end clamps to an empty buffer at the end") {
    char storage[5] = {};
    net::mutable_buffer m(storage, 5);
    m += 100;
    CHECK(m.size() == 0);
    CHECK(m.data() == storage + 5);
    m += 1;
    CHECK(m.size() == 0);
    CHECK(m.data() == storage + 5);

    net::const_buffer c(storage, 5);
    c += no_limit;
    CHECK(c.size() == 0);
    CHECK(c.data() == storage + 5);
}

TEST_CASE("operator+= advances a mutable_buffer and returns it") {
    char storage[8] = {};
    net::mutable_buffer m(storage, 8);
    net::mutable_buffer& same = (m += 3);
    CHECK(&same == &m);
    CHECK(m.data() == storage + 3);
    CHECK(m.size() == 5);
    static_cast<char*>(m.data())[0] = 'x';
    CHECK(storage[3] == 'x');

    net::const_buffer c(storage, 8);
    net::const_buffer& csame = (c += 1);
    CHECK(&csame == &c);
}

TEST_CASE("operator+= on an empty buffer changes nothing") {
    net::const_buffer c;
    c += 5;
    CHECK(c.size() == 0);
    CHECK(c.data() == nullptr);
    net::mutable_buffer m;
    m += 5;
    CHECK(m.size() == 0);
    CHECK(m.data() == nullptr);
}

// ---------------------------------------------------------------------------------------------
// buffer(pointer, size) and buffer(buffer)

TEST_CASE("buffer from a mutable pointer and size is a mutable view") {
    char storage[16] = {};
    net::mutable_buffer b = net::buffer(static_cast<void*>(storage), 16);
    CHECK(b.data() == storage);
    CHECK(b.size() == 16);
    net::mutable_buffer c = net::buffer(storage + 4, 3);
    CHECK(c.data() == storage + 4);
    CHECK(c.size() == 3);
    std::memcpy(c.data(), "xyz", 3);
    CHECK(std::string(storage + 4, 3) == "xyz");
}

TEST_CASE("buffer from a const pointer and size is a const view") {
    const char* text = "hello";
    net::const_buffer b = net::buffer(text, 5);
    CHECK(b.data() == text);
    CHECK(b.size() == 5);
    net::const_buffer e = net::buffer(static_cast<const void*>(nullptr), 0);
    CHECK(e.data() == nullptr);
    CHECK(e.size() == 0);
}

TEST_CASE("buffer of a buffer is the same view, and max_size clamps it") {
    char storage[10] = {};
    net::mutable_buffer m(storage, 10);
    CHECK(net::buffer(m).data() == storage);
    CHECK(net::buffer(m).size() == 10);
    CHECK(net::buffer(m, 4).size() == 4);
    CHECK(net::buffer(m, 4).data() == storage);
    CHECK(net::buffer(m, 10).size() == 10);
    CHECK(net::buffer(m, 11).size() == 10);
    CHECK(net::buffer(m, 0).size() == 0);

    net::const_buffer c(storage, 10);
    CHECK(net::buffer(c).size() == 10);
    CHECK(net::buffer(c, 3).size() == 3);
    CHECK(net::buffer(c, no_limit).size() == 10);
    CHECK(net::buffer(c, 3).data() == storage);
}

// ---------------------------------------------------------------------------------------------
// Arrays

TEST_CASE("buffer of a char array covers the whole array") {
    char storage[32] = {};
    auto b = net::buffer(storage);
    CHECK(b.data() == storage);
    CHECK(b.size() == 32);
    static_cast<char*>(b.data())[31] = 'z';
    CHECK(storage[31] == 'z');
}

TEST_CASE("buffer of an array with max_size takes at most max_size bytes") {
    char storage[8] = {};
    CHECK(net::buffer(storage, 3).size() == 3);
    CHECK(net::buffer(storage, 3).data() == storage);
    CHECK(net::buffer(storage, 8).size() == 8);
    CHECK(net::buffer(storage, 100).size() == 8); // never past the array
    CHECK(net::buffer(storage, 0).size() == 0);
    const char cstorage[8] = {};
    CHECK(net::buffer(cstorage, 5).size() == 5);
    CHECK(net::buffer(cstorage, 50).size() == 7); // a const char array ending in NUL is text
    const unsigned char ustorage[8] = {};
    CHECK(net::buffer(ustorage, 50).size() == 8); // binary: all of it
}

TEST_CASE("buffer of byte-like arrays of every element type") {
    unsigned char u[3] = {};
    signed char s[4] = {};
    std::byte y[5] = {};
    const std::byte cy[6] = {};
    CHECK(net::buffer(u).size() == 3);
    CHECK(net::buffer(u).data() == u);
    CHECK(net::buffer(s).size() == 4);
    CHECK(net::buffer(y).size() == 5);
    CHECK(net::buffer(y).data() == y);
    CHECK(net::buffer(cy).size() == 6);
    CHECK(net::buffer(cy, 2).size() == 2);
}

TEST_CASE("buffer of a string literal means its characters, without the terminating NUL") {
    auto b = net::buffer("abc");
    CHECK(b.size() == 3);
    CHECK(std::memcmp(b.data(), "abc", 3) == 0);
    CHECK(net::buffer("abc", 2).size() == 2);
    CHECK(net::buffer("abc", 10).size() == 3);
    CHECK(net::buffer("").size() == 0);
    static_assert(net::buffer("GET / HTTP/1.1\r\n\r\n").size() == 18);
    // The same as std::string_view, which the rule follows.
    CHECK(net::buffer("abc").size() == net::buffer(std::string_view("abc")).size());
}

TEST_CASE("const arrays that are not NUL-terminated text keep all their bytes") {
    static const char no_terminator[3] = {'a', 'b', 'c'};
    CHECK(net::buffer(no_terminator).size() == 3);
    static const unsigned char binary[4] = {1, 2, 3, 0}; // not char: binary, all of it
    CHECK(net::buffer(binary).size() == 4);
    static const std::byte bytes_[2] = {std::byte{7}, std::byte{0}};
    CHECK(net::buffer(bytes_).size() == 2);
    char receive[4] = {}; // non-const: a receive buffer, all of it
    CHECK(net::buffer(receive).size() == 4);
}

TEST_CASE("a string literal sent over a socket arrives without its NUL") {
    auto [a, b] = net::socket_pair();
    REQUIRE(net::sendall(a, net::buffer("ping")) == 4);
    net::shutdown(a, net::shutdown_type::send);
    char got[16];
    std::size_t total = 0;
    for (int i = 0; i < 16; ++i) {
        const std::size_t n =
            net::recv(b, net::buffer(got + total, sizeof got - total), std::chrono::seconds(10));
        if (n == 0) break;
        total += n;
    }
    CHECK(std::string(got, total) == "ping");
}

// ---------------------------------------------------------------------------------------------
// std::array

TEST_CASE("buffer of a std::array is a mutable view of all its bytes") {
    std::array<char, 6> a{};
    net::mutable_buffer b = net::buffer(a);
    CHECK(b.data() == a.data());
    CHECK(b.size() == 6);
    static_cast<char*>(b.data())[0] = 'q';
    CHECK(a[0] == 'q');
}

TEST_CASE("buffer of a const std::array is a const view") {
    const std::array<unsigned char, 6> a{{1, 2, 3, 4, 5, 6}};
    net::const_buffer b = net::buffer(a);
    CHECK(b.data() == a.data());
    CHECK(b.size() == 6);
    CHECK(bytes(b.data())[5] == 6);
}

TEST_CASE("buffer of a std::array clamps to max_size") {
    std::array<std::byte, 10> a{};
    CHECK(net::buffer(a, 4).size() == 4);
    CHECK(net::buffer(a, 10).size() == 10);
    CHECK(net::buffer(a, 11).size() == 10);
    CHECK(net::buffer(a, 0).size() == 0);
    const std::array<char, 10> ca{};
    CHECK(net::buffer(ca, 7).size() == 7);
    CHECK(net::buffer(ca, 7).data() == ca.data());
    CHECK(net::buffer(ca, 70).size() == 10);
}

// ---------------------------------------------------------------------------------------------
// std::vector

TEST_CASE("buffer of a vector of char is a mutable view of its elements") {
    std::vector<char> v(12, 'a');
    net::mutable_buffer b = net::buffer(v);
    CHECK(b.data() == v.data());
    CHECK(b.size() == 12);
    static_cast<char*>(b.data())[11] = 'b';
    CHECK(v[11] == 'b');
}

TEST_CASE("buffer of a vector of unsigned char and of std::byte") {
    std::vector<unsigned char> u(7);
    std::vector<std::byte> y(9);
    CHECK(net::buffer(u).data() == u.data());
    CHECK(net::buffer(u).size() == 7);
    CHECK(net::buffer(y).data() == y.data());
    CHECK(net::buffer(y).size() == 9);
}

TEST_CASE("buffer of a const vector is a const view") {
    const std::vector<char> v{'x', 'y', 'z'};
    net::const_buffer b = net::buffer(v);
    CHECK(b.data() == v.data());
    CHECK(b.size() == 3);
    const std::vector<std::byte> y(4);
    CHECK(net::buffer(y).size() == 4);
}

TEST_CASE("buffer of a vector clamps to max_size") {
    std::vector<char> v(20);
    CHECK(net::buffer(v, 5).size() == 5);
    CHECK(net::buffer(v, 20).size() == 20);
    CHECK(net::buffer(v, 21).size() == 20);
    CHECK(net::buffer(v, 0).size() == 0);
    const std::vector<unsigned char> cv(20);
    CHECK(net::buffer(cv, 5).size() == 5);
    CHECK(net::buffer(cv, 500).size() == 20);
}

TEST_CASE("buffer of a vector uses its size, not its capacity") {
    std::vector<char> v;
    v.reserve(100);
    v.push_back('1');
    CHECK(net::buffer(v).size() == 1);
    std::vector<char> empty;
    CHECK(net::buffer(empty).size() == 0);
}

// ---------------------------------------------------------------------------------------------
// Strings

TEST_CASE("buffer of a std::string is a mutable view that writes into the string") {
    std::string s = "hello";
    net::mutable_buffer b = net::buffer(s);
    CHECK(b.data() == s.data());
    CHECK(b.size() == 5);
    static_cast<char*>(b.data())[0] = 'j';
    CHECK(s == "jello");
}

TEST_CASE("buffer of a const std::string is a const view without the NUL") {
    const std::string s = "hello";
    net::const_buffer b = net::buffer(s);
    CHECK(b.data() == s.data());
    CHECK(b.size() == 5);
}

TEST_CASE("buffer of a std::string clamps to max_size") {
    std::string s(30, 'x');
    CHECK(net::buffer(s, 10).size() == 10);
    CHECK(net::buffer(s, 30).size() == 30);
    CHECK(net::buffer(s, 31).size() == 30);
    CHECK(net::buffer(s, 0).size() == 0);
    const std::string& cs = s;
    CHECK(net::buffer(cs, 10).size() == 10);
    CHECK(net::buffer(cs, 300).size() == 30);
}

TEST_CASE("buffer of an empty std::string is empty") {
    std::string s;
    CHECK(net::buffer(s).size() == 0);
    const std::string cs;
    CHECK(net::buffer(cs).size() == 0);
}

TEST_CASE("buffer of a std::string keeps embedded NUL bytes") {
    std::string s("a\0b", 3);
    CHECK(net::buffer(s).size() == 3);
    CHECK(net::buffer(std::string_view(s)).size() == 3);
}

TEST_CASE("buffer of a std::string_view is a const view of its characters") {
    const char text[] = "abcdef";
    std::string_view v(text + 1, 4);
    net::const_buffer b = net::buffer(v);
    CHECK(b.data() == text + 1);
    CHECK(b.size() == 4);
}

TEST_CASE("buffer of a std::string_view clamps to max_size") {
    std::string_view v = "0123456789";
    CHECK(net::buffer(v, 4).size() == 4);
    CHECK(net::buffer(v, 10).size() == 10);
    CHECK(net::buffer(v, 11).size() == 10);
    CHECK(net::buffer(v, 0).size() == 0);
    CHECK(net::buffer(v, 4).data() == v.data());
}

#if NETSOCK_TEST_UCHAR_STRING
TEST_CASE("buffer of a basic_string of unsigned char is a byte view") {
    std::basic_string<unsigned char> s(5, 0x7f);
    net::mutable_buffer b = net::buffer(s);
    CHECK(b.size() == 5);
    CHECK(b.data() == s.data());
}
#endif

// ---------------------------------------------------------------------------------------------
// Putting it together

TEST_CASE("a const_buffer walks a message in steps like a send loop") {
    const std::string message = "the quick brown fox";
    net::const_buffer rest = net::buffer(message);
    std::string sent;
    while (rest.size() != 0) {
        const std::size_t step = rest.size() < 4 ? rest.size() : 4;
        sent.append(static_cast<const char*>(rest.data()), step);
        rest += step;
    }
    CHECK(sent == message);
    CHECK(rest.data() == message.data() + message.size());
}

TEST_CASE("a mutable_buffer fills a vector in steps like a receive loop") {
    std::vector<unsigned char> storage(10);
    net::mutable_buffer rest = net::buffer(storage);
    unsigned char next = 1;
    while (rest.size() != 0) {
        const std::size_t step = rest.size() < 3 ? rest.size() : 3;
        for (std::size_t i = 0; i < step; ++i) static_cast<unsigned char*>(rest.data())[i] = next++;
        rest += step;
    }
    for (std::size_t i = 0; i < storage.size(); ++i) CHECK(storage[i] == i + 1);
}
