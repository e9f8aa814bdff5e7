// Unit tests for <net/result.hpp>: net::result<T> (std::expected under C++23, the bundled type
// before) and net::unexpected.

#include <doctest/doctest.h>

#include <net/net.hpp>

#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

// The standard library's own answer (a feature-test macro, not a platform check).
#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202211L
constexpr bool library_has_std_expected = true;
#else
constexpr bool library_has_std_expected = false;
#endif
static_assert(net::result_is_std_expected == library_has_std_expected,
              "net::result is std::expected exactly when the library has it");

// Before C++23 there is no std::expected: the bundled type must be in use.
static_assert(__cplusplus >= 202302L || !net::result_is_std_expected,
              "before C++23 net::result must be the bundled type");

static_assert(std::is_same_v<net::result<int>::value_type, int>, "value_type");
static_assert(std::is_same_v<net::result<int>::error_type, std::error_code>, "error_type");
static_assert(std::is_same_v<net::result<void>::error_type, std::error_code>, "error_type of void");
static_assert(std::is_nothrow_move_constructible_v<net::result<net::socket>>,
              "result<socket> moves without throwing (vector growth moves, never copies)");
static_assert(std::is_nothrow_move_assignable_v<net::result<net::socket>>,
              "result<socket> move-assigns without throwing");
static_assert(std::is_nothrow_move_constructible_v<net::result<std::unique_ptr<int>>>,
              "result<unique_ptr> moves without throwing");
static_assert(!std::is_convertible_v<net::result<int>, bool>,
              "operator bool is explicit: a result does not silently become a bool");
static_assert(std::is_constructible_v<bool, net::result<int>>, "a result tests as a bool");

namespace {

std::error_code refused() { return std::make_error_code(std::errc::connection_refused); }
std::error_code timed_out() { return std::make_error_code(std::errc::timed_out); }

net::result<int> ok_int(int v) { return v; }
net::result<int> failed_int(std::error_code ec) { return net::unexpected<std::error_code>(ec); }

// A payload that counts live instances and detects double destruction, destruction of
// something never constructed, and use of a destroyed object.
struct tracked {
    static constexpr unsigned alive_mark = 0xA11CEu;
    static constexpr unsigned dead_mark = 0xDEADu;
    static inline int live = 0;
    static inline int bad = 0; // double destroy, or use of a dead/unconstructed object

    int value;
    unsigned mark;

    explicit tracked(int v = 0) noexcept : value(v), mark(alive_mark) { ++live; }
    tracked(const tracked& o) noexcept : value(o.value), mark(alive_mark) {
        if (o.mark != alive_mark) ++bad;
        ++live;
    }
    tracked(tracked&& o) noexcept : value(o.value), mark(alive_mark) {
        if (o.mark != alive_mark) ++bad;
        o.value = -1;
        ++live;
    }
    tracked& operator=(const tracked& o) noexcept {
        if (mark != alive_mark || o.mark != alive_mark) ++bad;
        value = o.value;
        return *this;
    }
    tracked& operator=(tracked&& o) noexcept {
        if (mark != alive_mark || o.mark != alive_mark) ++bad;
        // Self-move leaves the value as it was, as the standard types do: std::expected passes
        // a self-move straight to the payload, so the self-assignment test depends on it.
        if (this == &o) return *this;
        value = o.value;
        o.value = -1;
        return *this;
    }
    ~tracked() {
        if (mark != alive_mark) ++bad;
        mark = dead_mark;
        --live;
    }
};

// Resets the counters at the start of a test and checks at its end that nothing leaked.
struct leak_check {
    leak_check() noexcept {
        tracked::live = 0;
        tracked::bad = 0;
    }
    leak_check(const leak_check&) = delete;
    leak_check& operator=(const leak_check&) = delete;
    ~leak_check() {
        CHECK(tracked::live == 0);
        CHECK(tracked::bad == 0);
    }
};

net::result<tracked> make_value(int v) { return tracked(v); }
net::result<tracked> make_error(std::error_code ec) { return net::unexpected<std::error_code>(ec); }

// Checks that `r.value()` on a failed result throws, and for the bundled type that it throws
// net::error carrying the stored code.
template <class R> void check_value_throws(R&& r, std::error_code expected) {
    if (net::result_is_std_expected) {
        CHECK_THROWS((void)std::forward<R>(r).value());
        return;
    }
    CHECK_THROWS_AS((void)r.value(), net::error);
    bool thrown = false;
    try {
        (void)std::forward<R>(r).value();
    } catch (const net::error& e) {
        thrown = true;
        CHECK(e.code() == expected);
        CHECK(e.operation() != nullptr);
    } catch (...) {
        FAIL_CHECK("value() threw something other than net::error");
        thrown = true;
    }
    CHECK(thrown);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Which type is in use

TEST_CASE("result is std::expected exactly when the standard library provides it") {
    CHECK(net::result_is_std_expected == library_has_std_expected);
    if (__cplusplus < 202302L) CHECK_FALSE(net::result_is_std_expected);
}

// ---------------------------------------------------------------------------------------------
// Observers

TEST_CASE("a result holding a value reports it through every observer") {
    net::result<int> r = 42;
    CHECK(r.has_value());
    CHECK(static_cast<bool>(r));
    CHECK(r.value() == 42);
    CHECK(*r == 42);
    CHECK(r.value_or(7) == 42);

    const net::result<int>& cr = r;
    CHECK(cr.value() == 42);
    CHECK(*cr == 42);
    CHECK(cr.value_or(7) == 42);

    *r = 43;
    CHECK(r.value() == 43);
    r.value() = 44;
    CHECK(*r == 44);
}

TEST_CASE("a result holding an error reports it and its value_or fallback") {
    net::result<int> r = net::unexpected<std::error_code>(refused());
    CHECK_FALSE(r.has_value());
    CHECK_FALSE(static_cast<bool>(r));
    CHECK(r.error() == refused());
    CHECK(r.error() == std::errc::connection_refused);
    CHECK(r.error().category() == std::generic_category());
    CHECK(r.value_or(7) == 7);
    CHECK(std::move(r).value_or(8) == 8);
}

TEST_CASE("operator arrow reaches the members of the value") {
    net::result<std::string> r = std::string("hello");
    CHECK(r->size() == 5);
    r->append(" world");
    CHECK(*r == "hello world");
    const net::result<std::string>& cr = r;
    CHECK(cr->substr(0, 5) == "hello");
}

TEST_CASE("a result converts from values of other types") {
    net::result<long> l = 5;
    CHECK(*l == 5L);
    net::result<std::string> s = "text";
    CHECK(*s == "text");
    net::result<double> d = 1.5f;
    CHECK(*d == doctest::Approx(1.5));
}

TEST_CASE("a result is constructed in place") {
    net::result<std::pair<int, std::string>> r(std::in_place, 3, "abc");
    REQUIRE(r.has_value());
    CHECK(r->first == 3);
    CHECK(r->second == "abc");
}

TEST_CASE("a default-constructed result holds a value-initialised value") {
    net::result<int> r;
    REQUIRE(r.has_value());
    CHECK(*r == 0);
    net::result<std::string> s;
    REQUIRE(s.has_value());
    CHECK(s->empty());
}

TEST_CASE("value_or on a result of strings returns the stored or the fallback string") {
    net::result<std::string> good = std::string("stored");
    net::result<std::string> bad = net::unexpected<std::error_code>(timed_out());
    CHECK(good.value_or("fallback") == "stored");
    CHECK(bad.value_or("fallback") == "fallback");
    CHECK(std::move(good).value_or("fallback") == "stored");
}

// ---------------------------------------------------------------------------------------------
// net::unexpected

TEST_CASE("net::unexpected builds a failure from an error_code") {
    const std::error_code ec = timed_out();
    net::unexpected<std::error_code> u(ec);
    CHECK(u.error() == ec);
    net::result<int> r = u;
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == ec);
}

TEST_CASE("net::unexpected deduces its error type") {
    net::unexpected u(refused());
    static_assert(std::is_same_v<decltype(u), net::unexpected<std::error_code>>);
    net::result<std::string> r = u;
    CHECK(r.error() == std::errc::connection_refused);
}

TEST_CASE("a failed result keeps the category of its error code") {
    const std::error_code eof = net::errc::eof;
    net::result<int> r = net::unexpected<std::error_code>(eof);
    CHECK(r.error() == net::errc::eof);
    CHECK(r.error().category() == net::netsock_category());
    CHECK(r.error() != std::error_code(eof.value(), std::generic_category()));
}

TEST_CASE("assigning a value or an unexpected to an existing result switches its state") {
    net::result<int> r = 1;
    r = net::unexpected<std::error_code>(refused());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == refused());
    r = 5;
    REQUIRE(r.has_value());
    CHECK(*r == 5);
}

// ---------------------------------------------------------------------------------------------
// value() on an error

TEST_CASE("value on an error throws net::error carrying the stored code") {
    net::result<int> r = net::unexpected<std::error_code>(refused());
    check_value_throws(r, refused());
    const net::result<int>& cr = r;
    check_value_throws(cr, refused());
    check_value_throws(std::move(r), refused());
}

TEST_CASE("value on an error of netsock_category throws that code unchanged") {
    net::result<std::string> r = net::unexpected<std::error_code>(net::make_error_code(net::errc::eof));
    check_value_throws(r, net::make_error_code(net::errc::eof));
}

TEST_CASE("value on a failed result<void> throws net::error carrying the stored code") {
    net::result<void> r = net::unexpected<std::error_code>(timed_out());
    check_value_throws(r, timed_out());
}

TEST_CASE("value on a successful result does not throw") {
    net::result<int> r = 1;
    CHECK_NOTHROW((void)r.value());
    net::result<void> v;
    CHECK_NOTHROW(v.value());
}

// ---------------------------------------------------------------------------------------------
// and_then / transform / or_else

TEST_CASE("and_then passes the value to the next step") {
    auto r = ok_int(20).and_then([](int v) { return ok_int(v + 1); });
    static_assert(std::is_same_v<decltype(r), net::result<int>>);
    REQUIRE(r.has_value());
    CHECK(*r == 21);
}

TEST_CASE("and_then can change the value type") {
    auto r = ok_int(7).and_then([](int v) -> net::result<std::string> { return std::to_string(v); });
    static_assert(std::is_same_v<decltype(r), net::result<std::string>>);
    REQUIRE(r.has_value());
    CHECK(*r == "7");
}

TEST_CASE("and_then skips the step and passes the error on") {
    int calls = 0;
    auto r = failed_int(refused()).and_then([&](int v) -> net::result<std::string> {
        ++calls;
        return std::to_string(v);
    });
    CHECK(calls == 0);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == refused());
}

TEST_CASE("and_then propagates a failure returned by the step") {
    auto r = ok_int(1).and_then([](int) { return failed_int(timed_out()); });
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == timed_out());
}

TEST_CASE("and_then works on lvalue, const and rvalue results") {
    net::result<int> r = 3;
    const net::result<int>& cr = r;
    CHECK(*r.and_then([](int& v) { return ok_int(v * 2); }) == 6);
    CHECK(*cr.and_then([](const int& v) { return ok_int(v * 3); }) == 9);
    CHECK(*std::move(r).and_then([](int&& v) { return ok_int(v * 4); }) == 12);
}

TEST_CASE("and_then can modify the value of an lvalue result") {
    net::result<int> r = 3;
    (void)r.and_then([](int& v) {
        v = 10;
        return ok_int(v);
    });
    CHECK(*r == 10);
}

TEST_CASE("transform maps the value") {
    auto r = ok_int(4).transform([](int v) { return std::string(static_cast<std::size_t>(v), 'x'); });
    static_assert(std::is_same_v<decltype(r), net::result<std::string>>);
    REQUIRE(r.has_value());
    CHECK(*r == "xxxx");
}

TEST_CASE("transform skips the function on an error") {
    int calls = 0;
    auto r = failed_int(refused()).transform([&](int v) {
        ++calls;
        return v * 2.0;
    });
    static_assert(std::is_same_v<decltype(r), net::result<double>>);
    CHECK(calls == 0);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == refused());
}

TEST_CASE("transform to void gives a result<void>") {
    int seen = 0;
    auto r = ok_int(9).transform([&](int v) { seen = v; });
    static_assert(std::is_same_v<decltype(r), net::result<void>>);
    CHECK(r.has_value());
    CHECK(seen == 9);

    auto f = failed_int(timed_out()).transform([&](int v) { seen = v + 100; });
    CHECK_FALSE(f.has_value());
    CHECK(f.error() == timed_out());
    CHECK(seen == 9);
}

TEST_CASE("transform works on const results") {
    const net::result<int> r = 5;
    auto t = r.transform([](const int& v) { return v + 1; });
    CHECK(*t == 6);
}

TEST_CASE("or_else is called only on an error and can recover") {
    int calls = 0;
    auto recover = [&](const std::error_code& ec) -> net::result<int> {
        ++calls;
        CHECK(ec == refused());
        return -1;
    };
    auto a = ok_int(5).or_else(recover);
    CHECK(calls == 0);
    REQUIRE(a.has_value());
    CHECK(*a == 5);

    auto b = failed_int(refused()).or_else(recover);
    CHECK(calls == 1);
    REQUIRE(b.has_value());
    CHECK(*b == -1);
}

TEST_CASE("or_else can replace the error") {
    auto r = failed_int(refused()).or_else([](const std::error_code&) -> net::result<int> {
        return net::unexpected<std::error_code>(timed_out());
    });
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == timed_out());
}

TEST_CASE("or_else works on lvalue results and leaves them unchanged") {
    net::result<int> r = failed_int(refused());
    auto recovered = r.or_else([](const std::error_code&) { return ok_int(0); });
    CHECK(*recovered == 0);
    CHECK(r.error() == refused());
}

TEST_CASE("and_then, transform and or_else chain") {
    auto parse_port = [](int v) -> net::result<int> {
        if (v < 0 || v > 65535)
            return net::unexpected<std::error_code>(std::make_error_code(std::errc::invalid_argument));
        return v;
    };
    auto good = ok_int(8080).and_then(parse_port).transform([](int p) { return p + 1; });
    CHECK(*good == 8081);
    auto bad = ok_int(70000).and_then(parse_port).transform([](int p) { return p + 1; });
    CHECK(bad.error() == std::errc::invalid_argument);
    auto fixed =
        ok_int(70000).and_then(parse_port).or_else([](const std::error_code&) { return ok_int(80); });
    CHECK(*fixed == 80);
}

// ---------------------------------------------------------------------------------------------
// result<void>

TEST_CASE("a default result<void> is a success") {
    net::result<void> r;
    CHECK(r.has_value());
    CHECK(static_cast<bool>(r));
}

TEST_CASE("a failed result<void> holds its error") {
    net::result<void> r = net::unexpected<std::error_code>(refused());
    CHECK_FALSE(r.has_value());
    CHECK_FALSE(static_cast<bool>(r));
    CHECK(r.error() == refused());
}

TEST_CASE("result<void> and_then, transform and or_else follow the state") {
    net::result<void> ok;
    net::result<void> bad = net::unexpected<std::error_code>(timed_out());

    auto a = ok.and_then([] { return ok_int(1); });
    CHECK(*a == 1);
    int calls = 0;
    auto b = bad.and_then([&] {
        ++calls;
        return ok_int(1);
    });
    CHECK(calls == 0);
    CHECK(b.error() == timed_out());

    auto c = ok.transform([] { return std::string("done"); });
    CHECK(*c == "done");
    auto d = bad.transform([&] {
        ++calls;
        return 0;
    });
    CHECK(calls == 0);
    CHECK(d.error() == timed_out());

    auto e = ok.or_else([&](const std::error_code&) {
        ++calls;
        return net::result<void>();
    });
    CHECK(calls == 0);
    CHECK(e.has_value());
    auto f = bad.or_else([&](const std::error_code& ec) {
        ++calls;
        CHECK(ec == timed_out());
        return net::result<void>();
    });
    CHECK(calls == 1);
    CHECK(f.has_value());
}

TEST_CASE("result<void> copies and assignments keep the state") {
    net::result<void> ok;
    net::result<void> bad = net::unexpected<std::error_code>(refused());
    net::result<void> copy = bad;
    CHECK(copy.error() == refused());
    copy = ok;
    CHECK(copy.has_value());
    copy = bad;
    CHECK_FALSE(copy.has_value());
    CHECK(copy.error() == refused());
    net::result<void> moved = std::move(copy);
    CHECK(moved.error() == refused());
}

// ---------------------------------------------------------------------------------------------
// Move-only payloads

TEST_CASE("result<unique_ptr> holds and gives up a move-only value") {
    net::result<std::unique_ptr<int>> r = std::make_unique<int>(5);
    REQUIRE(r.has_value());
    REQUIRE(*r != nullptr);
    CHECK(**r == 5);
    std::unique_ptr<int> p = std::move(r).value();
    REQUIRE(p != nullptr);
    CHECK(*p == 5);
}

TEST_CASE("result<unique_ptr> moves between results") {
    net::result<std::unique_ptr<int>> a = std::make_unique<int>(1);
    net::result<std::unique_ptr<int>> b = std::move(a);
    REQUIRE(b.has_value());
    CHECK(**b == 1);

    net::result<std::unique_ptr<int>> c = net::unexpected<std::error_code>(refused());
    c = std::move(b);
    REQUIRE(c.has_value());
    CHECK(**c == 1);

    net::result<std::unique_ptr<int>> d = std::make_unique<int>(2);
    d = net::result<std::unique_ptr<int>>(net::unexpected<std::error_code>(timed_out()));
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error() == timed_out());
}

TEST_CASE("result<unique_ptr> passes its value through and_then and transform by move") {
    net::result<std::unique_ptr<int>> r = std::make_unique<int>(6);
    auto doubled = std::move(r).transform([](std::unique_ptr<int> p) { return *p * 2; });
    CHECK(*doubled == 12);

    net::result<std::unique_ptr<int>> s = std::make_unique<int>(7);
    auto kept = std::move(s).and_then(
        [](std::unique_ptr<int>&& p) -> net::result<std::unique_ptr<int>> { return std::move(p); });
    REQUIRE(kept.has_value());
    CHECK(**kept == 7);
}

TEST_CASE("result<unique_ptr> value_or on an rvalue moves the stored value out") {
    net::result<std::unique_ptr<int>> r = std::make_unique<int>(3);
    std::unique_ptr<int> p = std::move(r).value_or(nullptr);
    REQUIRE(p != nullptr);
    CHECK(*p == 3);
    net::result<std::unique_ptr<int>> bad = net::unexpected<std::error_code>(refused());
    CHECK(std::move(bad).value_or(nullptr) == nullptr);
}

TEST_CASE("a result of a move-only type is not copyable") {
    // Checked at run time so a failure is reported instead of stopping the build.
    CHECK_FALSE(std::is_copy_constructible_v<net::result<std::unique_ptr<int>>>);
    CHECK_FALSE(std::is_copy_assignable_v<net::result<std::unique_ptr<int>>>);
    CHECK_FALSE(std::is_copy_constructible_v<net::result<net::socket>>);
    CHECK_FALSE(std::is_copy_assignable_v<net::result<net::socket>>);
    CHECK(std::is_move_constructible_v<net::result<net::socket>>);
    CHECK(std::is_move_assignable_v<net::result<net::socket>>);
}

TEST_CASE("a result of a type without a default constructor is not default constructible") {
    struct no_default {
        explicit no_default(int) {}
    };
    CHECK_FALSE(std::is_default_constructible_v<net::result<no_default>>);
    CHECK(std::is_constructible_v<net::result<no_default>, no_default>);
    net::result<no_default> r = no_default(1);
    CHECK(r.has_value());
}

TEST_CASE("a result is not constructible from an unexpected of an unrelated error type") {
    CHECK_FALSE(std::is_constructible_v<net::result<int>, net::unexpected<std::string>>);
    CHECK_FALSE(std::is_convertible_v<net::unexpected<std::string>, net::result<int>>);
    CHECK(std::is_constructible_v<net::result<int>, net::unexpected<std::error_code>>);
}

TEST_CASE("result<socket> carries a move-only socket") {
    net::result<net::socket> r = net::socket();
    REQUIRE(r.has_value());
    CHECK_FALSE(r->is_open());
    net::socket s = std::move(*r);
    CHECK_FALSE(s.is_open());

    net::result<net::socket> bad =
        net::unexpected<std::error_code>(std::make_error_code(std::errc::too_many_files_open));
    CHECK(bad.error() == std::errc::too_many_files_open);
    bad = std::move(r);
    CHECK(bad.has_value());
}

TEST_CASE("result<socket> from make_socket owns an open socket that moves out intact") {
    auto r = net::try_make_socket(net::family::ipv4, net::socket_type::datagram);
    static_assert(std::is_same_v<decltype(r), net::result<net::socket>>);
    REQUIRE(r.has_value());
    REQUIRE(r->is_open());
    const auto handle = r->native_handle();
    net::result<net::socket> moved = std::move(r);
    REQUIRE(moved.has_value());
    CHECK(moved->is_open());
    CHECK(moved->native_handle() == handle);
    net::socket s = std::move(moved).value();
    CHECK(s.is_open());
    CHECK(s.native_handle() == handle);
}

TEST_CASE("a vector of move-only results survives reallocation") {
    std::vector<net::result<std::unique_ptr<int>>> v;
    for (int i = 0; i < 100; ++i) {
        if (i % 3 == 0) v.emplace_back(net::unexpected<std::error_code>(refused()));
        else v.emplace_back(std::make_unique<int>(i));
    }
    for (int i = 0; i < 100; ++i) {
        CAPTURE(i);
        if (i % 3 == 0) {
            REQUIRE_FALSE(v[static_cast<std::size_t>(i)].has_value());
            CHECK(v[static_cast<std::size_t>(i)].error() == refused());
        } else {
            REQUIRE(v[static_cast<std::size_t>(i)].has_value());
            CHECK(**v[static_cast<std::size_t>(i)] == i);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lifetime of the payload across copies, moves and assignments

TEST_CASE("a result destroys its value exactly once") {
    leak_check guard;
    {
        net::result<tracked> r = make_value(1);
        CHECK(tracked::live == 1);
        CHECK(r->value == 1);
    }
    CHECK(tracked::live == 0);
    {
        net::result<tracked> e = make_error(refused());
        CHECK(tracked::live == 0);
    }
}

TEST_CASE("copy construction copies the value or the error") {
    leak_check guard;
    net::result<tracked> v = make_value(2);
    net::result<tracked> e = make_error(refused());
    {
        net::result<tracked> v2 = v;
        net::result<tracked> e2 = e;
        CHECK(tracked::live == 2);
        CHECK(v2->value == 2);
        CHECK(v->value == 2);
        CHECK(e2.error() == refused());
    }
    CHECK(tracked::live == 1);
}

TEST_CASE("move construction moves the value or the error") {
    leak_check guard;
    net::result<tracked> v = make_value(3);
    net::result<tracked> v2 = std::move(v);
    REQUIRE(v2.has_value());
    CHECK(v2->value == 3);
    net::result<tracked> e = make_error(timed_out());
    net::result<tracked> e2 = std::move(e);
    REQUIRE_FALSE(e2.has_value());
    CHECK(e2.error() == timed_out());
}

TEST_CASE("copy assignment works across every pair of states") {
    leak_check guard;
    SUBCASE("value to value") {
        net::result<tracked> a = make_value(1);
        const net::result<tracked> b = make_value(2);
        a = b;
        REQUIRE(a.has_value());
        CHECK(a->value == 2);
        CHECK(b->value == 2);
        CHECK(tracked::live == 2);
    }
    SUBCASE("value to error") {
        net::result<tracked> a = make_value(1);
        const net::result<tracked> b = make_error(refused());
        a = b;
        REQUIRE_FALSE(a.has_value());
        CHECK(a.error() == refused());
        CHECK(tracked::live == 0);
    }
    SUBCASE("error to value") {
        net::result<tracked> a = make_error(refused());
        const net::result<tracked> b = make_value(3);
        a = b;
        REQUIRE(a.has_value());
        CHECK(a->value == 3);
        CHECK(tracked::live == 2);
    }
    SUBCASE("error to error") {
        net::result<tracked> a = make_error(refused());
        const net::result<tracked> b = make_error(timed_out());
        a = b;
        REQUIRE_FALSE(a.has_value());
        CHECK(a.error() == timed_out());
        CHECK(tracked::live == 0);
    }
}

TEST_CASE("move assignment works across every pair of states") {
    leak_check guard;
    SUBCASE("value to value") {
        net::result<tracked> a = make_value(1);
        net::result<tracked> b = make_value(2);
        a = std::move(b);
        REQUIRE(a.has_value());
        CHECK(a->value == 2);
        CHECK(tracked::live == 2); // b still holds a moved-from value
    }
    SUBCASE("value to error") {
        net::result<tracked> a = make_value(1);
        net::result<tracked> b = make_error(refused());
        a = std::move(b);
        REQUIRE_FALSE(a.has_value());
        CHECK(a.error() == refused());
        CHECK(tracked::live == 0);
    }
    SUBCASE("error to value") {
        net::result<tracked> a = make_error(refused());
        net::result<tracked> b = make_value(3);
        a = std::move(b);
        REQUIRE(a.has_value());
        CHECK(a->value == 3);
        CHECK(tracked::live == 2);
    }
    SUBCASE("error to error") {
        net::result<tracked> a = make_error(refused());
        net::result<tracked> b = make_error(timed_out());
        a = std::move(b);
        REQUIRE_FALSE(a.has_value());
        CHECK(a.error() == timed_out());
        CHECK(tracked::live == 0);
    }
}

TEST_CASE("self-assignment leaves a result unchanged") {
    leak_check guard;
    net::result<tracked> v = make_value(4);
    net::result<tracked>& alias = v;
    v = alias;
    REQUIRE(v.has_value());
    CHECK(v->value == 4);
    v = std::move(alias);
    REQUIRE(v.has_value());
    CHECK(v->value == 4);
    net::result<tracked> e = make_error(refused());
    net::result<tracked>& ealias = e;
    e = ealias;
    CHECK(e.error() == refused());
    CHECK(tracked::live == 1);
}

TEST_CASE("repeated state changes neither leak nor double-destroy") {
    leak_check guard;
    net::result<tracked> r = make_value(0);
    for (int i = 0; i < 50; ++i) {
        if (i % 2 == 0) r = make_error(refused());
        else r = make_value(i);
        const net::result<tracked> copy = r;
        r = copy;
    }
    REQUIRE(r.has_value());
    CHECK(r->value == 49);
    CHECK(tracked::live == 1);
}

TEST_CASE("transform and and_then do not leak the payload") {
    leak_check guard;
    {
        auto a = make_value(5).transform([](tracked t) { return tracked(t.value + 1); });
        CHECK(a->value == 6);
        auto b = make_error(refused()).transform([](tracked t) { return tracked(t.value + 1); });
        CHECK_FALSE(b.has_value());
        auto c = make_value(7).and_then([](const tracked& t) { return make_value(t.value * 2); });
        CHECK(c->value == 14);
        auto d = make_value(7).or_else([](const std::error_code&) { return make_value(0); });
        CHECK(d->value == 7);
        CHECK(tracked::live == 3);
    }
}
