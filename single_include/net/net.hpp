// netsock 0.1.0: a header-only, cross-platform C++17 socket library.
// SPDX-License-Identifier: MIT
//
// GENERATED FILE - DO NOT EDIT. Made by tools/amalgamate.py from include/net/.
// Edit the headers under include/ and run: python3 tools/amalgamate.py
// ---- begin net/net.hpp ----
#ifndef NETSOCK_NET_HPP
#define NETSOCK_NET_HPP

/// netsock: a header-only, cross-platform C++17 socket library.
/// `#include <net/net.hpp>` gives net::socket, net::address and the BSD/Python-style free
/// functions (bind, listen, accept, connect, send, sendall, recv, ...), each with a
/// non-throwing `try_` twin returning net::result<T>.

// ---- begin net/version.hpp ----
#ifndef NETSOCK_VERSION_HPP
#define NETSOCK_VERSION_HPP

/// netsock version, as numbers and as a string ("major.minor.patch").
#define NETSOCK_VERSION_MAJOR 0
#define NETSOCK_VERSION_MINOR 1
#define NETSOCK_VERSION_PATCH 0
#define NETSOCK_VERSION_STRING "0.1.0"

// ---- begin net/config.hpp ----
#ifndef NETSOCK_CONFIG_HPP
#define NETSOCK_CONFIG_HPP

// C++17 or later. Below it, one error instead of hundreds: #error, then an #include of a file
// that does not exist, which ends the compilation (GCC and Clang go on after #error; MSVC stops).
#if (defined(_MSVC_LANG) ? _MSVC_LANG : __cplusplus) < 201703L
#error "netsock needs C++17 or later: compile with -std=c++17 (MSVC: /std:c++17)"
#include <netsock_needs_cpp17_stopping_here> // NOLINT: stops GCC and Clang
#endif

// Build-mode switches (not platform switches: those live in detail/platform.hpp).
//
// NETSOCK_NO_EXCEPTIONS: define to make the throwing functions call NETSOCK_THROW_HOOK(ec, op)
// (if defined) and then std::abort() instead of throwing. Set automatically when the compiler
// runs without exceptions (-fno-exceptions, /EHs-c-).
#if !defined(NETSOCK_NO_EXCEPTIONS)
#if !defined(__cpp_exceptions) && !defined(__EXCEPTIONS) && !defined(_CPPUNWIND)
#define NETSOCK_NO_EXCEPTIONS 1
#endif
#endif

// NETSOCK_SEPARATE_COMPILATION: define it for every translation unit of a program to compile
// netsock's implementation once instead of in every file that includes it. The headers then
// hold declarations only, and exactly one .cpp of the program compiles the definitions:
//     #include <net/impl/src.hpp>
// (or, also with the single header: `#define NETSOCK_IMPLEMENTATION` before including
// <net/net.hpp>). CMake users can link netsock::compiled instead, which is that file.
// Without it (the default) netsock is header-only and every function is inline.
// NETSOCK_DECL marks the declarations whose definitions live in include/net/impl/*.ipp.
#if defined(NETSOCK_SEPARATE_COMPILATION)
#define NETSOCK_HEADER_ONLY 0
#define NETSOCK_DECL
#else
#define NETSOCK_HEADER_ONLY 1
#define NETSOCK_DECL inline
#endif

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif

// net::result is std::expected where the standard library has it (C++23), else netsock's own.
#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202211L
#define NETSOCK_HAS_STD_EXPECTED 1
#endif

// Every netsock name lives in an inline namespace whose name spells the switches that change
// the layout or the behaviour of netsock's types and functions: `net::v0` by default,
// `net::v0_poller_poll_no_exceptions` with NETSOCK_POLLER_POLL and NETSOCK_NO_EXCEPTIONS, ...
// Two files of one program built with different switches therefore use different names, and
// never two different definitions of one name: in header-only mode each file works with its
// own, and in compile-once mode a file whose switches differ from those of the implementation
// file fails to link, with its switches in the name of every missing symbol
// ("undefined reference to net::v0_poller_poll::poller::poller(...)").
#if defined(NETSOCK_POLLER_POLL)
#define NETSOCK_ABI_POLL _poller_poll
#else
#define NETSOCK_ABI_POLL
#endif
#if defined(NETSOCK_NO_EXCEPTIONS)
#define NETSOCK_ABI_NOEXC _no_exceptions
#else
#define NETSOCK_ABI_NOEXC
#endif
#if defined(NETSOCK_NO_EXCEPTIONS) && defined(NETSOCK_THROW_HOOK)
#define NETSOCK_ABI_HOOK _throw_hook
#else
#define NETSOCK_ABI_HOOK
#endif
#if defined(NETSOCK_FAULT_INJECTION)
#define NETSOCK_ABI_FAULT _fault_injection
#else
#define NETSOCK_ABI_FAULT
#endif
#if defined(NETSOCK_HAS_STD_EXPECTED)
#define NETSOCK_ABI_EXPECTED _std_expected
#else
#define NETSOCK_ABI_EXPECTED
#endif
#define NETSOCK_ABI_PASTE(a, b, c, d, e, f) a##b##c##d##e##f
#define NETSOCK_ABI_NAME(a, b, c, d, e, f) NETSOCK_ABI_PASTE(a, b, c, d, e, f)
#define NETSOCK_ABI                                                                                          \
    NETSOCK_ABI_NAME(v0, NETSOCK_ABI_POLL, NETSOCK_ABI_NOEXC, NETSOCK_ABI_HOOK, NETSOCK_ABI_FAULT,           \
                     NETSOCK_ABI_EXPECTED)
#define NETSOCK_BEGIN_NAMESPACE                                                                              \
    namespace net {                                                                                          \
    inline namespace NETSOCK_ABI {
#define NETSOCK_END_NAMESPACE                                                                                \
    }                                                                                                        \
    }

#endif
// ---- end net/config.hpp ----

NETSOCK_BEGIN_NAMESPACE
/// The version of the netsock headers in use.
struct version_info {
    int major;
    int minor;
    int patch;
    const char* string;
};
/// The version of the netsock headers in use, e.g. `net::version().string == "0.1.0"`.
constexpr version_info version() noexcept {
    return {NETSOCK_VERSION_MAJOR, NETSOCK_VERSION_MINOR, NETSOCK_VERSION_PATCH, NETSOCK_VERSION_STRING};
}
NETSOCK_END_NAMESPACE

#endif
// ---- end net/version.hpp ----
// ---- begin net/error.hpp ----
#ifndef NETSOCK_ERROR_HPP
#define NETSOCK_ERROR_HPP

// Errors: the exception net::error, netsock's error enums (net::errc, net::resolve_errc) and
// the categories of the std::error_code values that every try_ function reports. Codes of
// socket_category() compare equal to std::errc values on every OS:
// `r.error() == std::errc::connection_refused`.


#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

/// Conditions of name resolution, compared against codes of `net::resolve_category()`:
/// `if (r.error() == net::resolve_errc::host_not_found) ...`.
enum class resolve_errc {
    host_not_found = 1,   ///< the name does not exist (EAI_NONAME, EAI_NODATA)
    try_again,            ///< temporary failure, try later (EAI_AGAIN)
    service_not_found,    ///< the service/port is unknown for the socket type (EAI_SERVICE)
    family_not_supported, ///< the address family is not supported (EAI_FAMILY)
    no_recovery,          ///< a non-recoverable failure in the resolver (EAI_FAIL)
    other                 ///< any other resolver failure
};

/// netsock's own error codes (category `net::netsock_category()`).
///
/// All but `eof` say why `address::try_parse` (or `resolve`, for a host that looks numeric)
/// rejected a text. Each of them compares equal to `std::errc::invalid_argument` (and
/// `unknown_zone` to `std::errc::no_such_device`), so `r.error() == std::errc::invalid_argument`
/// keeps working, and `r.error().message()` names the reason without any allocation in the
/// `try_` function. Compare with a value for a specific reason:
/// `if (r.error() == net::errc::port_out_of_range) ...`.
enum class errc {
    eof = 1,             ///< the peer closed the stream before the requested number of bytes arrived
    empty_address,       ///< "" or no host before ":port"
    address_too_long,    ///< longer than any address text (128 characters)
    not_numeric,         ///< a host name such as "localhost": parse never uses DNS
    invalid_ipv4,        ///< not four decimal numbers 0-255 ("127.1", "0x7f.0.0.1", "1.2.3.256")
    ipv4_leading_zero,   ///< "012.0.0.1": octal to inet_aton, decimal to others, so rejected
    invalid_ipv6,        ///< not an RFC 4291 IPv6 address ("1::2::3", "fe801::1", "1:2:3")
    invalid_zone,        ///< an IPv6 zone that is empty, too long or not [A-Za-z0-9._-]
    unknown_zone,        ///< no interface has the zone's name (compares equal to no_such_device)
    invalid_port,        ///< a port that is empty or not decimal digits
    port_out_of_range,   ///< a port above 65535
    ipv6_needs_brackets, ///< "::1:80": an IPv6 address and a port need "[::1]:80"
    bad_brackets,        ///< "[::1", "[::1]x", "[1.2.3.4]": brackets enclose an IPv6 address only
};

/// Category of OS socket errors (errno / WSA codes). Its codes compare equal to `std::errc`
/// values on every platform: `ec == std::errc::connection_refused`. Messages come from the
/// system (FormatMessage on Windows: strerror knows no WSA codes).
NETSOCK_DECL const std::error_category& socket_category() noexcept;

/// Category of the conditions in `net::resolve_errc`.
NETSOCK_DECL const std::error_category& resolve_condition_category() noexcept;

/// Category of netsock's own codes (`net::errc`).
NETSOCK_DECL const std::error_category& netsock_category() noexcept;

/// Category of name-resolution failures (getaddrinfo's EAI_* codes). Compare its codes with
/// `net::resolve_errc` conditions. EAI_SYSTEM never appears: the errno it stands for is
/// reported in `socket_category()` instead.
NETSOCK_DECL const std::error_category& resolve_category() noexcept;

NETSOCK_DECL std::error_condition make_error_condition(resolve_errc e) noexcept;
NETSOCK_DECL std::error_code make_error_code(errc e) noexcept;

/// True for "would block" in all its spellings (EAGAIN, EWOULDBLOCK, WSAEWOULDBLOCK).
NETSOCK_DECL bool is_would_block(const std::error_code& ec) noexcept;

namespace detail {
NETSOCK_DECL std::error_code socket_error(int e) noexcept;
NETSOCK_DECL std::error_code last_socket_error() noexcept;
NETSOCK_DECL std::error_code make_errc(std::errc e) noexcept;
} // namespace detail

/// The exception thrown by every throwing netsock function. Carries the `std::error_code`, the
/// name of the operation that failed, (for `sendall`/`recv_exact`) how many bytes were
/// transferred before the failure and, where the operation had one, the address it used.
/// `what()` reads "connect: Connection refused", "bind 127.0.0.1:8080: Address already in use",
/// or for a text that failed to parse `address::parse "1.2.3.4:99999": port out of range`.
/// Copies never throw (the texts are shared, as in `std::runtime_error`).
class error : public std::system_error {
public:
    /// `operation` must outlive the error (netsock passes string literals).
    NETSOCK_DECL error(std::error_code ec, const char* operation, std::size_t bytes_transferred = 0);
    /// The same naming what the operation used: `address` is an address text
    /// ("127.0.0.1:8080", "[::1]:443", a socket path) or a quoted input; `hint`, if not null,
    /// is advice appended in parentheses: "bind 0.0.0.0:80: Permission denied (ports below 1024
    /// need privileges)".
    NETSOCK_DECL error(std::error_code ec, const char* operation, std::string_view address,
                       std::size_t bytes_transferred = 0, const char* hint = nullptr);

    /// The netsock function that failed, e.g. "connect".
    const char* operation() const noexcept { return operation_; }
    /// Bytes sent or received before the failure (sendall, recv_exact); 0 elsewhere.
    std::size_t bytes_transferred() const noexcept { return bytes_transferred_; }
    /// The address the operation used, as text ("127.0.0.1:8080"); for `address::parse`, the
    /// rejected input as a quoted literal (`"1.2.3.4:99999"`, non-printable bytes as \xNN,
    /// long inputs shortened); "" when the error names no address. A view into this error.
    std::string_view address() const noexcept {
        return std::string_view(text_.what() + address_offset_, address_size_);
    }
    /// "operation address: message (hint)", or "operation: message" without an address.
    const char* what() const noexcept override { return text_.what(); }

private:
    const char* operation_;
    std::size_t bytes_transferred_;
    std::runtime_error text_; // the whole what() text; a runtime_error copies without throwing
    std::size_t address_offset_ = 0;
    std::size_t address_size_ = 0;
};

NETSOCK_END_NAMESPACE

namespace std {
template <> struct is_error_condition_enum<net::resolve_errc> : true_type {};
template <> struct is_error_code_enum<net::errc> : true_type {};
} // namespace std


#endif
// ---- end net/error.hpp ----
// ---- begin net/result.hpp ----
#ifndef NETSOCK_RESULT_HPP
#define NETSOCK_RESULT_HPP

// ---- begin net/detail/throw.hpp ----
#ifndef NETSOCK_DETAIL_THROW_HPP
#define NETSOCK_DETAIL_THROW_HPP


#include <cstddef>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
class address;

namespace detail {

// The one place that throws. Under -fno-exceptions (or NETSOCK_NO_EXCEPTIONS) it calls
// NETSOCK_THROW_HOOK(ec, operation) if the user defined it, then aborts.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation,
                                           std::size_t bytes_transferred = 0);
// The same naming what the operation used: `subject` is an address text or a quoted input
// (net::error::address()), `hint` advice for what() or null.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation,
                                           std::string_view subject, std::size_t bytes_transferred,
                                           const char* hint);
// The error of an operation on `where`: what() reads "bind 127.0.0.1:8080: Address already in
// use", with a hint for a port below 1024 that bind was not allowed to use. Defined in
// impl/address.ipp, where net::address is complete.
[[noreturn]] NETSOCK_DECL void throw_error(std::error_code ec, const char* operation, const address& where,
                                           std::size_t bytes_transferred = 0);

} // namespace detail
NETSOCK_END_NAMESPACE


#endif
// ---- end net/detail/throw.hpp ----

#include <cstddef>
#include <string_view>
#include <system_error>
#include <type_traits>

#if defined(NETSOCK_HAS_STD_EXPECTED)
#include <expected>

NETSOCK_BEGIN_NAMESPACE
/// The outcome of a `try_` function: a value, or the `std::error_code` of the failure.
/// This is `std::expected<T, std::error_code>` where the standard library has it (C++23).
template <class T> using result = std::expected<T, std::error_code>;
using std::unexpected;
/// True when `net::result` is `std::expected`.
inline constexpr bool result_is_std_expected = true;
NETSOCK_END_NAMESPACE

#else
// ---- begin net/detail/expected.hpp ----
#ifndef NETSOCK_DETAIL_EXPECTED_HPP
#define NETSOCK_DETAIL_EXPECTED_HPP

// The bundled stand-in for std::expected<T, std::error_code>, used before C++23. It has the
// members netsock documents: has_value, operator bool, value, error, operator*, operator->,
// value_or, and_then, transform, or_else. value() on an error throws net::error.


#include <new>
#include <system_error>
#include <type_traits>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

/// Wraps an error to construct a failed `net::result` (mirrors `std::unexpected`).
template <class E> class unexpected {
public:
    constexpr explicit unexpected(E e) noexcept(std::is_nothrow_move_constructible_v<E>)
        : error_(std::move(e)) {}
    constexpr const E& error() const& noexcept { return error_; }
    constexpr E& error() & noexcept { return error_; }
    constexpr E&& error() && noexcept { return std::move(error_); }

private:
    E error_;
};
template <class E> unexpected(E) -> unexpected<E>;

namespace detail {

template <class T> class expected;

template <class> struct is_expected : std::false_type {};
template <class T> struct is_expected<expected<T>> : std::true_type {};

// Storage and the copy/move operations that must run by hand (a union member).
template <class T> class expected_storage {
public:
    template <class... A>
    constexpr explicit expected_storage(std::in_place_t, A&&... a)
        : value_(std::forward<A>(a)...), ok_(true) {}
    explicit expected_storage(std::error_code e) noexcept : error_(e), ok_(false) {}

    expected_storage(const expected_storage& o) : ok_(o.ok_) {
        if (ok_) ::new (static_cast<void*>(&value_)) T(o.value_);
        else ::new (static_cast<void*>(&error_)) std::error_code(o.error_);
    }
    expected_storage(expected_storage&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
        if (ok_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
        else ::new (static_cast<void*>(&error_)) std::error_code(o.error_);
    }
    expected_storage& operator=(const expected_storage& o) {
        if (this != &o) assign(o);
        return *this;
    }
    expected_storage& operator=(expected_storage&& o) noexcept(
        std::is_nothrow_move_constructible_v<T>&& std::is_nothrow_move_assignable_v<T>) {
        if (this != &o) assign(std::move(o));
        return *this;
    }
    ~expected_storage() {
        if (ok_) value_.~T();
    }

protected:
    template <class O> void assign(O&& o) {
        if (ok_ && o.ok_) {
            value_ = std::forward<O>(o).value_;
        } else if (!ok_ && !o.ok_) {
            error_ = o.error_;
        } else if (ok_) { // value -> error
            value_.~T();
            ::new (static_cast<void*>(&error_)) std::error_code(o.error_);
            ok_ = false;
        } else { // error -> value
            ::new (static_cast<void*>(&value_)) T(std::forward<O>(o).value_);
            ok_ = true;
        }
    }

    union {
        T value_;
        std::error_code error_;
    };
    bool ok_;
};

// Empty bases that delete copying where T cannot be copied, so the type traits of
// net::result<T> tell the truth (std::optional, std::variant and std::vector rely on them).
template <bool Copyable> struct copy_ctor_gate {};
template <> struct copy_ctor_gate<false> {
    copy_ctor_gate() = default;
    copy_ctor_gate(const copy_ctor_gate&) = delete;
    copy_ctor_gate(copy_ctor_gate&&) = default;
    copy_ctor_gate& operator=(const copy_ctor_gate&) = default;
    copy_ctor_gate& operator=(copy_ctor_gate&&) = default;
};
template <bool Assignable> struct copy_assign_gate {};
template <> struct copy_assign_gate<false> {
    copy_assign_gate() = default;
    copy_assign_gate(const copy_assign_gate&) = default;
    copy_assign_gate(copy_assign_gate&&) = default;
    copy_assign_gate& operator=(const copy_assign_gate&) = delete;
    copy_assign_gate& operator=(copy_assign_gate&&) = default;
};

template <class T>
class [[nodiscard]] expected
    : private expected_storage<T>,
      private copy_ctor_gate<std::is_copy_constructible_v<T>>,
      private copy_assign_gate<std::is_copy_constructible_v<T> && std::is_copy_assignable_v<T>> {
    static_assert(!std::is_reference_v<T>, "net::result<T&> is not supported");
    using base = expected_storage<T>;
    template <class> friend class expected;

public:
    using value_type = T;
    using error_type = std::error_code;
    template <class U> using rebind = expected<U>;

    template <class U = T, std::enable_if_t<std::is_default_constructible_v<U>, int> = 0>
    constexpr expected() noexcept(std::is_nothrow_default_constructible_v<T>) : base(std::in_place) {}

    template <
        class U = T,
        std::enable_if_t<std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, expected> &&
                             !std::is_same_v<std::decay_t<U>, unexpected<std::error_code>> &&
                             !std::is_same_v<std::decay_t<U>, std::in_place_t>,
                         int> = 0>
    constexpr expected(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>)
        : base(std::in_place, std::forward<U>(v)) {}

    template <class... A>
    constexpr explicit expected(std::in_place_t, A&&... a) : base(std::in_place, std::forward<A>(a)...) {}

    template <class G, std::enable_if_t<std::is_constructible_v<std::error_code, const G&>, int> = 0>
    constexpr expected(const unexpected<G>& u) noexcept : base(std::error_code(u.error())) {}
    template <class G, std::enable_if_t<std::is_constructible_v<std::error_code, G&&>, int> = 0>
    constexpr expected(unexpected<G>&& u) noexcept : base(std::error_code(std::move(u).error())) {}

    expected(const expected&) = default;
    expected(expected&&) = default;
    expected& operator=(const expected&) = default;
    expected& operator=(expected&&) = default;
    ~expected() = default;

    constexpr bool has_value() const noexcept { return this->ok_; }
    constexpr explicit operator bool() const noexcept { return this->ok_; }

    T& value() & {
        check();
        return this->value_;
    }
    const T& value() const& {
        check();
        return this->value_;
    }
    T&& value() && {
        check();
        return std::move(this->value_);
    }
    const std::error_code& error() const noexcept { return this->error_; }

    T& operator*() & noexcept { return this->value_; }
    const T& operator*() const& noexcept { return this->value_; }
    T&& operator*() && noexcept { return std::move(this->value_); }
    T* operator->() noexcept { return &this->value_; }
    const T* operator->() const noexcept { return &this->value_; }

    template <class U> T value_or(U&& fallback) const& {
        return this->ok_ ? this->value_ : static_cast<T>(std::forward<U>(fallback));
    }
    template <class U> T value_or(U&& fallback) && {
        return this->ok_ ? std::move(this->value_) : static_cast<T>(std::forward<U>(fallback));
    }

    /// f(value) -> result<U>; skipped (error passed on) when this holds an error.
    template <class F> auto and_then(F&& f) & { return and_then_impl(*this, std::forward<F>(f)); }
    template <class F> auto and_then(F&& f) const& { return and_then_impl(*this, std::forward<F>(f)); }
    template <class F> auto and_then(F&& f) && { return and_then_impl(std::move(*this), std::forward<F>(f)); }
    /// f(value) -> U; gives result<U>.
    template <class F> auto transform(F&& f) & { return transform_impl(*this, std::forward<F>(f)); }
    template <class F> auto transform(F&& f) const& { return transform_impl(*this, std::forward<F>(f)); }
    template <class F> auto transform(F&& f) && {
        return transform_impl(std::move(*this), std::forward<F>(f));
    }
    /// f(error) -> result<T>; called only when this holds an error.
    template <class F> expected or_else(F&& f) const& {
        if (this->ok_) return *this;
        return std::forward<F>(f)(this->error_);
    }
    template <class F> expected or_else(F&& f) && {
        if (this->ok_) return std::move(*this);
        return std::forward<F>(f)(this->error_);
    }

private:
    void check() const {
        if (!this->ok_) throw_error(this->error_, "result::value");
    }
    template <class Self, class F> static auto and_then_impl(Self&& self, F&& f) {
        using R = std::remove_cv_t<
            std::remove_reference_t<std::invoke_result_t<F, decltype((std::forward<Self>(self).value_))>>>;
        static_assert(is_expected<R>::value, "and_then: the function must return a net::result");
        if (self.ok_) return std::forward<F>(f)(std::forward<Self>(self).value_);
        return R(unexpected<std::error_code>(self.error_));
    }
    template <class Self, class F> static auto transform_impl(Self&& self, F&& f) {
        using U = std::remove_cv_t<std::invoke_result_t<F, decltype((std::forward<Self>(self).value_))>>;
        if (!self.ok_) return expected<U>(unexpected<std::error_code>(self.error_));
        if constexpr (std::is_void_v<U>) {
            std::forward<F>(f)(std::forward<Self>(self).value_);
            return expected<U>();
        } else {
            return expected<U>(std::forward<F>(f)(std::forward<Self>(self).value_));
        }
    }
};

template <> class [[nodiscard]] expected<void> {
public:
    using value_type = void;
    using error_type = std::error_code;
    template <class U> using rebind = expected<U>;

    expected() noexcept = default;
    explicit expected(std::in_place_t) noexcept {}
    template <class G, std::enable_if_t<std::is_constructible_v<std::error_code, const G&>, int> = 0>
    expected(const unexpected<G>& u) noexcept : error_(u.error()), ok_(false) {}

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    void value() const {
        if (!ok_) throw_error(error_, "result::value");
    }
    void operator*() const noexcept {}
    const std::error_code& error() const noexcept { return error_; }

    template <class F> auto and_then(F&& f) const {
        using R = std::remove_cv_t<std::remove_reference_t<std::invoke_result_t<F>>>;
        static_assert(is_expected<R>::value, "and_then: the function must return a net::result");
        if (ok_) return std::forward<F>(f)();
        return R(unexpected<std::error_code>(error_));
    }
    template <class F> auto transform(F&& f) const {
        using U = std::remove_cv_t<std::invoke_result_t<F>>;
        if (!ok_) return expected<U>(unexpected<std::error_code>(error_));
        if constexpr (std::is_void_v<U>) {
            std::forward<F>(f)();
            return expected<U>();
        } else {
            return expected<U>(std::forward<F>(f)());
        }
    }
    template <class F> expected or_else(F&& f) const {
        if (ok_) return *this;
        return std::forward<F>(f)(error_);
    }

private:
    std::error_code error_{};
    bool ok_ = true;
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/expected.hpp ----

NETSOCK_BEGIN_NAMESPACE
/// The outcome of a `try_` function: a value, or the `std::error_code` of the failure.
/// Before C++23 this is netsock's bundled type with the same members as `std::expected`
/// (has_value, operator bool, value, error, *, ->, value_or, and_then, transform, or_else);
/// `value()` on an error throws `net::error`.
template <class T> using result = detail::expected<T>;
/// True when `net::result` is `std::expected`.
inline constexpr bool result_is_std_expected = false;
NETSOCK_END_NAMESPACE
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail {
// The failed result of any type: `return fail(ec);`.
inline unexpected<std::error_code> fail(std::error_code ec) noexcept {
    return unexpected<std::error_code>(ec);
}
inline unexpected<std::error_code> fail(std::errc e) noexcept {
    return unexpected<std::error_code>(make_errc(e));
}

// The throwing face of every operation: the value, or net::error naming the operation.
template <class T> T unwrap(result<T>&& r, const char* operation) {
    if (!r) throw_error(r.error(), operation);
    return std::move(*r);
}
inline void unwrap(result<void>&& r, const char* operation) {
    if (!r) throw_error(r.error(), operation);
}
// The same naming the address the operation used: "bind 127.0.0.1:8080: Address already in use".
// A template also for result<void>: throw_error(..., const address&) is defined with address
// (impl/address.ipp), so nothing here may use it before a caller that has an address does.
template <class T> T unwrap(result<T>&& r, const char* operation, const address& where) {
    if (!r) throw_error(r.error(), operation, where);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
}
// The same naming a subject as text, e.g. "example.com:443" for create_connection by name.
template <class T> T unwrap(result<T>&& r, const char* operation, std::string_view subject) {
    if (!r) throw_error(r.error(), operation, subject, 0, nullptr);
    return std::move(*r);
}
// For sendall/recv_exact: the error carries the bytes moved before it (read after the call).
inline std::size_t unwrap_transfer(result<std::size_t>&& r, const char* operation,
                                   const std::size_t* transferred) {
    if (!r) throw_error(r.error(), operation, *transferred);
    return *r;
}
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/result.hpp ----
// ---- begin net/timeout.hpp ----
#ifndef NETSOCK_TIMEOUT_HPP
#define NETSOCK_TIMEOUT_HPP


#include <chrono>

NETSOCK_BEGIN_NAMESPACE

class canceller; // cancel.hpp
namespace detail {
struct cancel_state; // detail/cancel_state.hpp
}

/// How long a blocking call may wait, and what may cut the wait short. Every blocking function takes one as
/// its last argument, defaulting to `timeout::none()` (wait as long as it takes), and any
/// `std::chrono::duration` converts to it: `net::recv(s, buf, std::chrono::seconds(2))`, `net::accept(l,
/// 300ms)`. Expiry is reported as `std::errc::timed_out`.
///
/// One rule for every call:
/// - zero or negative (or NaN) means "do not wait": the call is tried once;
/// - longer than about a century means `none()`;
/// - anything else is rounded up to whole nanoseconds, so a wait never ends early.
/// The time is measured on `std::chrono::steady_clock` from the start of the call, and is one
/// deadline for the whole call (all of `sendall`, not each piece).
///
/// A timeout can also carry a `net::canceller` (cancel.hpp): `net::recv(s, buf, stop)` or
/// `net::recv(s, buf, {std::chrono::seconds(5), stop})`. The call then fails with
/// `std::errc::operation_canceled` as soon as `stop.cancel()` is called, from another thread
/// or a signal handler. The canceller must outlive the call.
class timeout {
public:
    /// No time limit (the same as `none()`).
    constexpr timeout() noexcept = default;
    template <class Rep, class Period>
    constexpr timeout(std::chrono::duration<Rep, Period> d) noexcept // NOLINT: implicit by design
        : ns_(clamp(d)) {}
    /// No time limit, but `c.cancel()` ends the wait. (Defined in cancel.hpp.)
    timeout(const net::canceller& c) noexcept; // NOLINT: implicit by design
    /// At most `d`, and `c.cancel()` ends the wait sooner.
    template <class Rep, class Period>
    timeout(std::chrono::duration<Rep, Period> d, const net::canceller& c) noexcept : timeout(c) {
        ns_ = clamp(d);
    }

    /// No time limit: wait as long as it takes.
    static constexpr timeout none() noexcept { return timeout(); }
    /// True when there is no time limit (a canceller may still end the wait).
    constexpr bool is_none() const noexcept { return ns_ == never; }
    /// The time allowed; `std::chrono::nanoseconds::max()` for `none()`.
    constexpr std::chrono::nanoseconds duration() const noexcept { return ns_; }
    /// True when a canceller can end the wait.
    constexpr bool has_canceller() const noexcept { return stop_ != nullptr; }
    /// (Internal) what the syscall layer watches of the canceller, or nullptr.
    constexpr const detail::cancel_state* cancel_state() const noexcept { return stop_; }

private:
    static constexpr std::chrono::nanoseconds never = (std::chrono::nanoseconds::max)();
    template <class Rep, class Period>
    static constexpr std::chrono::nanoseconds clamp(std::chrono::duration<Rep, Period> d) noexcept {
        if (!(d > d.zero())) return std::chrono::nanoseconds::zero(); // also NaN
        if (std::chrono::duration<double>(d).count() > 3.0e9) return never;
        return std::chrono::ceil<std::chrono::nanoseconds>(d);
    }

    std::chrono::nanoseconds ns_ = never;
    const detail::cancel_state* stop_ = nullptr;
};

NETSOCK_END_NAMESPACE

#endif
// ---- end net/timeout.hpp ----
// ---- begin net/cancel.hpp ----
#ifndef NETSOCK_CANCEL_HPP
#define NETSOCK_CANCEL_HPP

// net::canceller: interrupting blocking calls from another thread or a signal handler.

// ---- begin net/detail/cancel_state.hpp ----
#ifndef NETSOCK_DETAIL_CANCEL_STATE_HPP
#define NETSOCK_DETAIL_CANCEL_STATE_HPP

// What a blocking call needs of a net::canceller (cancel.hpp): the flag to check before each
// attempt and the socket to watch while it waits. net::timeout points to it, so the syscall
// layer (sys.hpp) and the poller backends never need net::canceller itself.

// ---- begin net/detail/platform.hpp ----
#ifndef NETSOCK_DETAIL_PLATFORM_HPP
#define NETSOCK_DETAIL_PLATFORM_HPP

// The only file that tests the compiler's platform macros. Everything else uses the
// NETSOCK_OS_* and NETSOCK_HAS_* macros defined here, and only under detail/. It includes the
// OS layer of this platform: detail/os/posix.hpp or detail/os/windows.hpp, two files that
// define the same set of names in net::detail::os.


#if defined(_WIN32)
#define NETSOCK_OS_WINDOWS 1
#else
#define NETSOCK_OS_POSIX 1
#if defined(__linux__)
#define NETSOCK_OS_LINUX 1
#elif defined(__APPLE__)
#define NETSOCK_OS_APPLE 1
#elif defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || defined(__DragonFly__)
#define NETSOCK_OS_BSD 1
#endif
#endif

// accept4() and SOCK_CLOEXEC: Linux and the BSDs; macOS has neither, so there a new socket
// is made close-on-exec by a second call (fcntl), not atomically.
#if defined(NETSOCK_OS_LINUX) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_ACCEPT4 1
#define NETSOCK_HAS_SOCK_CLOEXEC 1
#endif

// sockaddr has an sa_len member on macOS and the BSDs.
#if defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
#define NETSOCK_HAS_SA_LEN 1
#endif

// sendfile(2), in its three shapes: Linux's sendfile(out, in, &offset, count), Apple's
// sendfile(fd, s, offset, &len, hdtr, flags) and FreeBSD's (DragonFly's) sendfile(fd, s, offset,
// nbytes, hdtr, &sbytes, flags). Other POSIX systems (NetBSD, OpenBSD, ...) have none: there
// net::sendfile reads and sends (os::send_file_by_copy).
#if defined(NETSOCK_OS_LINUX)
#define NETSOCK_SENDFILE_LINUX 1
#elif defined(NETSOCK_OS_APPLE)
#define NETSOCK_SENDFILE_APPLE 1
#elif defined(__FreeBSD__) || defined(__DragonFly__)
#define NETSOCK_SENDFILE_FREEBSD 1
#endif

// The poller backend, chosen here and nowhere else: epoll on Linux, kqueue on macOS and the
// BSDs, WSAPoll on Windows, and poll() on other POSIX systems or wherever NETSOCK_POLLER_POLL
// is defined (so that the poll backend is tested on Linux too). Exactly one of
// NETSOCK_POLLER_EPOLL, NETSOCK_POLLER_KQUEUE, NETSOCK_POLLER_POLLFD is defined; the last
// is poll() or WSAPoll(), whichever the OS has.
// NETSOCK_POLLER_NAME is what net::poller::backend_name() returns.
#if defined(NETSOCK_OS_WINDOWS)
#define NETSOCK_POLLER_POLLFD 1
#define NETSOCK_POLLER_NAME "wsapoll"
#elif defined(NETSOCK_POLLER_POLL)
#define NETSOCK_POLLER_POLLFD 1
#define NETSOCK_POLLER_NAME "poll"
#elif defined(NETSOCK_OS_LINUX)
#define NETSOCK_POLLER_EPOLL 1
#define NETSOCK_POLLER_NAME "epoll"
#elif defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
#define NETSOCK_POLLER_KQUEUE 1
#define NETSOCK_POLLER_NAME "kqueue"
#else
#define NETSOCK_POLLER_POLLFD 1
#define NETSOCK_POLLER_NAME "poll"
#endif

#if defined(NETSOCK_OS_WINDOWS)
// ---- begin net/detail/os/windows.hpp ----
#ifndef NETSOCK_DETAIL_OS_WINDOWS_HPP
#define NETSOCK_DETAIL_OS_WINDOWS_HPP

// The OS layer for Windows (Winsock 2): OS headers, types, lazy start-up and the raw
// primitives. detail/os/posix.hpp defines the same names for POSIX; detail/sys.hpp is their
// only caller. Included only by detail/platform.hpp.

// The old winsock.h (pulled in by <windows.h> without WIN32_LEAN_AND_MEAN) cannot coexist with
// winsock2.h: stop here with one clear message instead of hundreds of redefinitions.
#if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_)
#error                                                                                                       \
    "netsock: <windows.h> was included before <net/net.hpp> without WIN32_LEAN_AND_MEAN, which pulled in the old <winsock.h>. Fix: include <net/net.hpp> (or <winsock2.h>) before <windows.h>, or define WIN32_LEAN_AND_MEAN before including <windows.h>."
#endif

// WSAPoll, inet_pton and getaddrinfo need Vista (0x0600) or newer; the headers declare them
// only for _WIN32_WINNT >= 0x0600. Only set the version when the user has not and no Windows
// header has fixed it yet.
#if defined(_WIN32_WINNT)
#if _WIN32_WINNT < 0x0600
#error "netsock needs _WIN32_WINNT >= 0x0600 (Windows Vista or newer)."
#endif
#elif !defined(_WINDOWS_) && !defined(_WINSOCK2API_) && !defined(_INC_WINDOWS)
#define _WIN32_WINNT 0x0601
#endif


#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>
#include <iphlpapi.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <new>
#include <system_error>

#if defined(_MSC_VER)
#pragma comment(lib, "ws2_32")
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail::os {
using handle = ::SOCKET;
inline constexpr handle invalid = INVALID_SOCKET;
using socklen_type = int;
using sockaddr_un_type = ::sockaddr_un;
using pollfd_type = ::WSAPOLLFD;
using nfds_type = ::ULONG;
using io_length = int; // Winsock takes int lengths: larger requests are clamped to INT_MAX

inline constexpr int af_local = AF_UNIX;
inline constexpr int shut_rd = SD_RECEIVE;
inline constexpr int shut_wr = SD_SEND;
inline constexpr int shut_rdwr = SD_BOTH;
// The most one send call passes to Winsock. A blocking send of a whole buffer is all-or-error
// (if the peer resets half-way, nothing says how much went), so large sends go in pieces whose
// count is exact.
inline constexpr std::size_t send_piece = 65536;
// A timed attempt (send_once, ...) waits itself, up to the milliseconds it is given.
inline constexpr bool attempt_waits = true;
// accept() ignores SO_RCVTIMEO on Windows (it bounds recv only): sys::accept_deadline emulates it.
inline constexpr bool accept_uses_rcvtimeo = false;
// No socketpair(): ops.ipp builds a pair over loopback.
inline constexpr bool has_socketpair = false;

// _WSAIOW(IOC_VENDOR, 12) and (IOC_VENDOR, 15), from <mswsock.h>/<mstcpip.h>, which we
// do not include.
inline constexpr DWORD sio_udp_connreset = 0x9800000C;
inline constexpr DWORD sio_udp_netreset = 0x9800000F;

// Socket option names that differ between systems; -1 = not available here. The TCP keep-alive
// knobs exist since Windows 10 1709 (ws2ipdef.h values; MinGW's headers lack them).
inline constexpr int opt_reuse_port = -1;
inline constexpr int opt_keep_idle = 3;
inline constexpr int opt_keep_interval = 17;
inline constexpr int opt_keep_count = 16;
using multicast_v4_value = DWORD;
using linger_value = u_short;

// ---------------------------------------------------------------------------------------------
// Multicast filtering, source-specific multicast, UDP segmentation offload
// The same names as posix.hpp; -1 = not available here (the typed options then report
// no_protocol_option).
//
// No IP_MULTICAST_ALL: Winsock delivers a group's datagrams to the sockets that joined it
// (not verified here: Wine runs on Linux).
inline constexpr int opt_multicast_all_v4 = -1;
inline constexpr int opt_multicast_all_v6 = -1;
// Source-specific joins (ws2ipdef.h). IP_MREQ_SOURCE is (group, source, interface) here,
// (group, interface, source) in glibc: fill it by field name only.
using ip_mreq_source_type = ::ip_mreq_source;
inline constexpr int opt_add_source_membership = IP_ADD_SOURCE_MEMBERSHIP;
inline constexpr int opt_drop_source_membership = IP_DROP_SOURCE_MEMBERSHIP;
using group_source_req_type = ::group_source_req;
inline constexpr int opt_join_source_group = MCAST_JOIN_SOURCE_GROUP;
inline constexpr int opt_leave_source_group = MCAST_LEAVE_SOURCE_GROUP;
// UDP_SEND_MSG_SIZE (ws2ipdef.h, Windows 10 SDK 2004; MinGW's headers lack it): a DWORD, the
// size each buffer sent is cut into, as Linux's UDP_SEGMENT. Older Windows refuses it.
// UDP_RECV_MAX_COALESCED_SIZE (3) is not UDP_GRO: it takes a byte limit, not a switch, and a
// coalesced buffer is only usable with its UDP_COALESCED_INFO control message, so udp_gro is
// not offered here (the raw net::setsockopt reaches it).
inline constexpr int opt_udp_segment = 2;
inline constexpr int opt_udp_gro = -1;
using udp_segment_value = DWORD;
// (end of the multicast and UDP offload names)

// SO_RCVTIMEO/SO_SNDTIMEO take a DWORD of milliseconds on Windows, not a timeval
// (https://learn.microsoft.com/windows/win32/winsock/sol-socket-socket-options).
struct timeout_value {
    DWORD ms;
    static timeout_value from_ms(long long v) noexcept {
        return {static_cast<DWORD>(v > 0xfffffffe ? 0xfffffffe : v)};
    }
    long long to_ms() const noexcept { return static_cast<long long>(ms); }
};

inline int last_error() noexcept { return ::WSAGetLastError(); }
inline void set_last_error(int e) noexcept { ::WSASetLastError(e); }
inline bool is_interrupted(int e) noexcept { return e == WSAEINTR; }
inline bool is_would_block(int e) noexcept { return e == WSAEWOULDBLOCK; }
inline bool is_connection_aborted(int e) noexcept { return e == WSAECONNABORTED; }
inline bool is_in_progress(int e) noexcept {
    return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS || e == WSAEALREADY;
}

// The text of the codes netsock reports itself (native_error), for a system without message
// tables for them (Wine has none for WSA codes); nullptr for others.
inline const char* short_message(int e) noexcept {
    switch (e) {
    case WSAETIMEDOUT: return "Connection timed out";
    case WSAECONNREFUSED: return "Connection refused";
    case WSAECONNRESET: return "Connection reset by peer";
    case WSAECONNABORTED: return "Software caused connection abort";
    case WSAEHOSTUNREACH: return "No route to host";
    case WSAENETUNREACH: return "Network is unreachable";
    case WSAEOPNOTSUPP: return "Operation not supported";
    case WSAENOPROTOOPT: return "Protocol not available";
    case WSAEAFNOSUPPORT: return "Address family not supported by protocol";
    case WSAEADDRINUSE: return "Address already in use";
    case WSAEADDRNOTAVAIL: return "Cannot assign requested address";
    case WSAEMSGSIZE: return "Message too long";
    case WSAEWOULDBLOCK: return "Resource temporarily unavailable";
    case WSAEINPROGRESS: return "Operation now in progress";
    case WSAENOTCONN: return "Transport endpoint is not connected";
    case WSAEISCONN: return "Transport endpoint is already connected";
    case WSAENOBUFS: return "No buffer space available";
    case WSAENOTSOCK: return "Socket operation on non-socket";
    case ERROR_OPERATION_ABORTED: return "Operation canceled";
    default: return nullptr;
    }
}

// Message text of a Winsock/Win32 code, from the system: strerror knows only the C runtime's
// errno values, not WSA codes.
inline std::string error_message(int e) {
    char buf[512];
    DWORD n = ::FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                               static_cast<DWORD>(e), 0, buf, sizeof buf, nullptr);
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.')) --n;
    if (n > 0) return std::string(buf, n);
    if (const char* text = short_message(e)) return text;
    std::snprintf(buf, sizeof buf, "Winsock error %d", e);
    return buf;
}

// Winsock codes mapped to portable conditions, so `ec == std::errc::connection_refused` holds
// with MSVC and MinGW alike (system_category maps only some Win32 codes, and not the same ones
// in every standard library).
inline std::error_condition error_condition_of(int e) noexcept {
    using std::errc;
    auto c = [](errc x) { return std::make_error_condition(x); };
    switch (e) {
    case WSAEINTR: return c(errc::interrupted);
    case WSAEBADF: return c(errc::bad_file_descriptor);
    case WSAEACCES: return c(errc::permission_denied);
    case WSAEFAULT: return c(errc::bad_address);
    case WSAEINVAL: return c(errc::invalid_argument);
    case WSAEMFILE: return c(errc::too_many_files_open);
    case WSAEWOULDBLOCK: return c(errc::operation_would_block);
    case WSAEINPROGRESS: return c(errc::operation_in_progress);
    case WSAEALREADY: return c(errc::connection_already_in_progress);
    case WSAENOTSOCK: return c(errc::not_a_socket);
    case WSAEDESTADDRREQ: return c(errc::destination_address_required);
    case WSAEMSGSIZE: return c(errc::message_size);
    case WSAEPROTOTYPE: return c(errc::wrong_protocol_type);
    case WSAENOPROTOOPT: return c(errc::no_protocol_option);
    case WSAEPROTONOSUPPORT: return c(errc::protocol_not_supported);
    case WSAEOPNOTSUPP: return c(errc::operation_not_supported);
    case WSAEAFNOSUPPORT: return c(errc::address_family_not_supported);
    case WSAEADDRINUSE: return c(errc::address_in_use);
    case WSAEADDRNOTAVAIL: return c(errc::address_not_available);
    case WSAENETDOWN: return c(errc::network_down);
    case WSAENETUNREACH: return c(errc::network_unreachable);
    case WSAENETRESET: return c(errc::network_reset);
    case WSAECONNABORTED: return c(errc::connection_aborted);
    case WSAECONNRESET: return c(errc::connection_reset);
    case WSAENOBUFS: return c(errc::no_buffer_space);
    case WSAEISCONN: return c(errc::already_connected);
    case WSAENOTCONN: return c(errc::not_connected);
    case WSAESHUTDOWN: return c(errc::broken_pipe);
    case WSAETIMEDOUT: return c(errc::timed_out);
    case WSAECONNREFUSED: return c(errc::connection_refused);
    case WSAENAMETOOLONG: return c(errc::filename_too_long);
    case WSAEHOSTUNREACH: return c(errc::host_unreachable);
    case WSAENOTEMPTY: return c(errc::directory_not_empty);
    case ERROR_NOT_ENOUGH_MEMORY: return c(errc::not_enough_memory);
    case ERROR_OPERATION_ABORTED: return c(errc::operation_canceled);
    default: return {e, std::system_category()};
    }
}

// The Winsock code for an error that netsock reports itself (a std::errc value), or 0: the C
// runtime of MinGW has no text for the POSIX errno values above 42 (timed_out printed
// "Unknown error"), so such errors are made in socket_category with the Winsock code, whose
// text comes from the system and which still compares equal to the std::errc value.
inline int native_error(std::errc e) noexcept {
    using std::errc;
    switch (e) {
    case errc::timed_out: return WSAETIMEDOUT;
    case errc::connection_refused: return WSAECONNREFUSED;
    case errc::connection_reset: return WSAECONNRESET;
    case errc::connection_aborted: return WSAECONNABORTED;
    case errc::host_unreachable: return WSAEHOSTUNREACH;
    case errc::network_unreachable: return WSAENETUNREACH;
    case errc::operation_not_supported: return WSAEOPNOTSUPP;
    case errc::no_protocol_option: return WSAENOPROTOOPT;
    case errc::address_family_not_supported: return WSAEAFNOSUPPORT;
    case errc::address_in_use: return WSAEADDRINUSE;
    case errc::address_not_available: return WSAEADDRNOTAVAIL;
    case errc::message_size: return WSAEMSGSIZE;
    case errc::operation_would_block: return WSAEWOULDBLOCK;
    case errc::operation_in_progress: return WSAEINPROGRESS;
    case errc::not_connected: return WSAENOTCONN;
    case errc::already_connected: return WSAEISCONN;
    case errc::no_buffer_space: return WSAENOBUFS;
    case errc::not_a_socket: return WSAENOTSOCK;
    case errc::operation_canceled: return ERROR_OPERATION_ABORTED;
    default: return 0;
    }
}

// Winsock starts lazily, once per process, on the first call that needs it: a function-local
// static (thread-safe since C++11), never a namespace-scope object (its order of construction
// across files is unspecified), and never WSACleanup (it would pull Winsock from under sockets
// that other code still uses). Returns 0 or the WSAStartup error.
inline int start() noexcept {
    static const int result = [] {
        ::WSADATA data;
        return ::WSAStartup(MAKEWORD(2, 2), &data);
    }();
    return result;
}

inline handle open_socket(int family, int type, int protocol, int& err) noexcept {
    // WSA_FLAG_NO_HANDLE_INHERIT: not inherited by child processes, atomically (no window in
    // which another thread's CreateProcess could inherit it).
    handle h =
        ::WSASocketW(family, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (h == INVALID_SOCKET) {
        err = ::WSAGetLastError();
        return invalid;
    }
    if (type == SOCK_DGRAM) {
        // An ICMP port-unreachable must not break the receive loop: without these, Windows
        // fails the next recvfrom with WSAECONNRESET (SIO_UDP_CONNRESET, Microsoft Learn).
        BOOL off = FALSE;
        DWORD bytes = 0;
        ::WSAIoctl(h, sio_udp_connreset, &off, sizeof off, nullptr, 0, &bytes, nullptr, nullptr);
        ::WSAIoctl(h, sio_udp_netreset, &off, sizeof off, nullptr, 0, &bytes, nullptr, nullptr);
    }
    return h;
}

// The address family of a socket from its protocol info: unlike getsockname, this also works
// before bind. AF_UNSPEC (and err set) on failure.
inline int socket_family(handle h, int& err) noexcept {
    ::WSAPROTOCOL_INFOW info{};
    int len = static_cast<int>(sizeof info);
    if (::getsockopt(h, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &len) != 0) {
        err = ::WSAGetLastError();
        return AF_UNSPEC;
    }
    return info.iAddressFamily;
}

// getsockname before bind fails with WSAEINVAL on Windows (error `err`), while POSIX reports
// the family with a zero address and port. Fills in what POSIX reports; false if that is not
// the case or the family is not IP.
inline bool unbound_name(handle h, int err, ::sockaddr* sa, socklen_type* len) noexcept {
    if (err != WSAEINVAL) return false;
    const int f = socket_family(h, err);
    const socklen_type need = f == AF_INET    ? static_cast<socklen_type>(sizeof(::sockaddr_in))
                              : f == AF_INET6 ? static_cast<socklen_type>(sizeof(::sockaddr_in6))
                                              : 0;
    if (need == 0 || *len < need) return false;
    std::memset(sa, 0, static_cast<std::size_t>(need));
    sa->sa_family = static_cast<ADDRESS_FAMILY>(f);
    *len = need;
    return true;
}

// Windows accepts (and ignores) IPV6_V6ONLY on an unbound IPv4 socket; POSIX fails IPPROTO_IPV6
// options on non-IPv6 sockets with ENOPROTOOPT. Returns WSAENOPROTOOPT for that case, else 0
// (an unknown family is left to the call itself).
inline int check_option_level(handle h, int level) noexcept {
    if (level != IPPROTO_IPV6) return 0;
    int err = 0;
    const int f = socket_family(h, err);
    return err == 0 && f != AF_INET6 ? WSAENOPROTOOPT : 0;
}

// The listener policy, applied when a TCP socket is bound: SO_EXCLUSIVEADDRUSE, so that a
// second bind to a live listener's port fails with WSAEADDRINUSE instead of stealing it —
// unless the user opted into SO_REUSEADDR (setting both fails with WSAEINVAL).
inline int listener_policy(handle h) noexcept {
    BOOL reuse = FALSE;
    int len = static_cast<int>(sizeof reuse);
    if (::getsockopt(h, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&reuse), &len) != 0)
        return ::WSAGetLastError();
    if (reuse) return 0;
    BOOL one = TRUE;
    if (::setsockopt(h, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&one),
                     static_cast<int>(sizeof one)) != 0)
        return ::WSAGetLastError();
    return 0;
}

// Windows cannot report a socket's blocking mode, so this layer remembers the sockets it made
// non-blocking (set_nonblocking), until they are closed. A mode set with ioctlsocket directly
// is not seen: such a socket counts as blocking. A process-wide list under a slim lock: a
// program has few non-blocking sockets whose mode changes rarely.
struct nonblocking_list {
    ::SRWLOCK lock = SRWLOCK_INIT;
    handle* items = nullptr; // never freed: the list lives as long as the process
    std::size_t size = 0, capacity = 0;

    // Adds or removes h; false if it was absent and could not be added (no memory).
    bool set(handle h, bool on) noexcept {
        ::AcquireSRWLockExclusive(&lock);
        std::size_t at = find(h);
        bool ok = true;
        if (on && at == size) {
            ok = grow();
            if (ok) items[size++] = h;
        } else if (!on && at != size) {
            items[at] = items[--size];
        }
        ::ReleaseSRWLockExclusive(&lock);
        return ok;
    }
    bool has(handle h) noexcept {
        ::AcquireSRWLockShared(&lock);
        const bool found = find(h) != size;
        ::ReleaseSRWLockShared(&lock);
        return found;
    }
    static nonblocking_list& get() noexcept {
        static nonblocking_list list;
        return list;
    }

private:
    std::size_t find(handle h) const noexcept {
        std::size_t i = 0;
        while (i != size && items[i] != h) ++i;
        return i;
    }
    bool grow() noexcept {
        if (size < capacity) return true;
        const std::size_t more = capacity == 0 ? 16 : capacity * 2;
        auto* bigger = new (std::nothrow) handle[more];
        if (bigger == nullptr) return false;
        if (size != 0) std::memcpy(bigger, items, size * sizeof(handle));
        delete[] items;
        items = bigger;
        capacity = more;
        return true;
    }
};

inline int set_nonblocking(handle h, bool on) noexcept {
    u_long mode = on ? 1 : 0;
    if (::ioctlsocket(h, FIONBIO, &mode) != 0) return ::WSAGetLastError();
    return nonblocking_list::get().set(h, on) ? 0 : WSAENOBUFS;
}

// 1 if non-blocking, 0 if blocking (as far as set_nonblocking knows).
inline int is_nonblocking(handle h, int&) noexcept { return nonblocking_list::get().has(h) ? 1 : 0; }

// Accepted sockets are made non-inheritable and blocking, whatever the listener's mode.
inline handle accept_socket(handle h, ::sockaddr* sa, socklen_type* len, int& err) noexcept {
    handle c = ::accept(h, sa, len);
    if (c == INVALID_SOCKET) {
        err = ::WSAGetLastError();
        return invalid;
    }
    ::SetHandleInformation(reinterpret_cast<HANDLE>(c), HANDLE_FLAG_INHERIT, 0);
    if ((err = set_nonblocking(c, false)) != 0) {
        ::closesocket(c);
        return invalid;
    }
    return c;
}

inline int close_socket(handle h) noexcept {
    nonblocking_list::get().set(h, false); // before: once closed, the value can be reused
    return ::closesocket(h) == 0 ? 0 : ::WSAGetLastError();
}

inline int poll(pollfd_type* fds, nfds_type n, int timeout_ms) noexcept {
    return ::WSAPoll(fds, n, timeout_ms);
}

inline void sleep_ms(int ms) noexcept { ::Sleep(static_cast<DWORD>(ms < 0 ? 0 : ms)); }

// ---------------------------------------------------------------------------------------------
// One attempt of each transfer: wait_ms < 0 waits as the socket's mode says; wait_ms >= 0 never
// waits longer. Windows has no MSG_DONTWAIT, and after WSAPoll says "writable" a blocking send
// can still wait for ever (it takes the whole buffer), so a timed attempt is an overlapped
// operation (sockets are made with WSA_FLAG_OVERLAPPED; the socket's blocking mode does not
// apply to it), cancelled when the time is up. Each returns the bytes moved, or -1 with err;
// WSAEWOULDBLOCK when the time ran out before any byte moved. A timed attempt costs an event
// (CreateEventW/CloseHandle) beside the transfer.

// Starts `start(overlapped)`, waits up to wait_ms, cancels it if unfinished (CancelIoEx) and
// waits for that. Returns 0 or the error; n is the bytes moved either way.
template <class Start> int overlapped(handle h, int wait_ms, DWORD& n, Start&& start) noexcept {
    n = 0;
    const HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (event == nullptr) return static_cast<int>(::GetLastError());
    ::WSAOVERLAPPED ov{};
    // The low bit keeps the completion off an I/O completion port the socket may be tied to
    // (https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus).
    ov.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(event) | 1);
    if (start(&ov) != 0) {
        const int e = ::WSAGetLastError();
        if (e != WSA_IO_PENDING) {
            ::CloseHandle(event);
            return e;
        }
        if (::WaitForSingleObject(event, static_cast<DWORD>(wait_ms)) != WAIT_OBJECT_0) {
            ::CancelIoEx(reinterpret_cast<HANDLE>(h), &ov);
            ::WaitForSingleObject(event, INFINITE); // the cancellation (or completion) is quick
        }
    }
    DWORD flags = 0;
    const int e = ::WSAGetOverlappedResult(h, &ov, &n, FALSE, &flags) ? 0 : ::WSAGetLastError();
    ::CloseHandle(event);
    return e == WSA_OPERATION_ABORTED ? WSAEWOULDBLOCK : e;
}

// The result of a plain (non-overlapped) Winsock transfer call.
inline long plain_result(int r, int& err) noexcept {
    if (r == SOCKET_ERROR) err = ::WSAGetLastError();
    return r == SOCKET_ERROR ? -1 : r;
}
// The result of an overlapped one: bytes that moved count, even if it was then cancelled.
inline long overlapped_result(int e, DWORD n, int& err) noexcept {
    if (e == 0 || n > 0) return static_cast<long>(n);
    err = e;
    return -1;
}

inline long send_once(handle h, const void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(const_cast<void*>(data))};
    if (wait_ms < 0) return plain_result(::send(h, buf.buf, size, flags), err);
    DWORD n = 0;
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        return ::WSASend(h, &buf, 1, nullptr, static_cast<DWORD>(flags), ov, nullptr);
    });
    return overlapped_result(e, n, err);
}

inline long recv_once(handle h, void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(data)};
    if (wait_ms < 0) return plain_result(::recv(h, buf.buf, size, flags), err);
    DWORD n = 0;
    DWORD in_flags = static_cast<DWORD>(flags);
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        return ::WSARecv(h, &buf, 1, nullptr, &in_flags, ov, nullptr);
    });
    return overlapped_result(e, n, err);
}

inline long send_to(handle h, const void* data, io_length size, int flags, const ::sockaddr* sa,
                    socklen_type len, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(const_cast<void*>(data))};
    if (wait_ms < 0) return plain_result(::sendto(h, buf.buf, size, flags, sa, len), err);
    DWORD n = 0;
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        return ::WSASendTo(h, &buf, 1, nullptr, static_cast<DWORD>(flags), sa, len, ov, nullptr);
    });
    return overlapped_result(e, n, err);
}

// Datagram receive that reports truncation: Winsock fails with WSAEMSGSIZE after copying what
// fits; that is a success with truncated = true, as on POSIX.
inline long recv_from(handle h, void* data, io_length size, int flags, ::sockaddr* sa, socklen_type* len,
                      bool& truncated, int wait_ms, int& err) noexcept {
    ::WSABUF buf{static_cast<ULONG>(size), static_cast<char*>(data)};
    truncated = false;
    DWORD n = 0;
    int e = 0;
    if (wait_ms < 0) {
        const int r = ::recvfrom(h, buf.buf, size, flags, sa, len);
        e = r == SOCKET_ERROR ? ::WSAGetLastError() : 0;
        n = r == SOCKET_ERROR ? static_cast<DWORD>(size) : static_cast<DWORD>(r);
    } else {
        DWORD in_flags = static_cast<DWORD>(flags);
        e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
            return ::WSARecvFrom(h, &buf, 1, nullptr, &in_flags, sa, len, ov, nullptr);
        });
    }
    if (e == WSAEMSGSIZE) {
        truncated = true;
        return static_cast<long>(size);
    }
    return overlapped_result(e, n, err);
}

// ---------------------------------------------------------------------------------------------
// The wake-up of a poller: no eventfd; the WSAPoll backend uses a socket pair.

inline constexpr bool has_event_handle = false;
inline handle open_event_handle(int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return invalid;
}
inline void signal_event_handle(handle) noexcept {}
inline void drain_event_handle(handle) noexcept {}

// ---------------------------------------------------------------------------------------------
// Messages: scatter/gather, batches of datagrams and ancillary (control) data

using io_vector = ::WSABUF;
inline io_vector make_io_vector(const void* data, std::size_t size) noexcept {
    return {static_cast<ULONG>(size > 0x7fffffff ? 0x7fffffff : size),
            static_cast<char*>(const_cast<void*>(data))};
}
// Buffers passed to one WSASend/WSARecv (a longer array is moved in several calls).
inline constexpr std::size_t max_io_vectors = 64;

// The header of one control message (WSACMSGHDR of <mswsock.h>, which we do not include) and
// its alignment rules (WSA_CMSGHDR_ALIGN / WSA_CMSGDATA_ALIGN).
struct control_header {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
};
inline constexpr std::size_t control_align(std::size_t n) noexcept {
    return (n + alignof(control_header) - 1) & ~(alignof(control_header) - 1);
}
// MAX_NATURAL_ALIGNMENT: 8 on 64-bit Windows, 4 on 32-bit.
inline constexpr std::size_t control_data_align(std::size_t n) noexcept {
    return (n + sizeof(void*) - 1) & ~(sizeof(void*) - 1);
}
inline constexpr std::size_t control_data_offset = control_data_align(sizeof(control_header));

inline constexpr std::size_t control_space = 256;
inline constexpr std::size_t max_passed_handles = 0;
inline constexpr bool kernel_drops_excess_handles = true; // nothing is ever passed
inline constexpr std::size_t receive_handle_capacity = 0;
// msg_flags bits: the datagram or the control data did not fit (MSG_TRUNC / MSG_CTRUNC).
inline constexpr int msg_truncated = 0x0100;
inline constexpr int msg_control_truncated = 0x0200;
// The control space of one datagram of a batch: its packet info.
struct alignas(ULONGLONG) packet_control {
    unsigned char bytes[128];
};
struct alignas(ULONGLONG) control_buffer {
    unsigned char bytes[control_space];
};

inline std::size_t handle_control_size(std::size_t) noexcept { return 0; }

// Receive-side options that make the stack attach control data; -1 = not available here.
inline constexpr int opt_v4_packet_info = IP_PKTINFO;
inline constexpr int opt_v6_packet_info = IPV6_PKTINFO;
inline constexpr int opt_v4_receive_hops = -1;
inline constexpr int opt_v6_receive_hops = -1;
inline constexpr int v6_packet_info_type = IPV6_PKTINFO;
inline constexpr int v6_hop_limit_type = -1;
inline constexpr int opt_timestamp = -1;
// Descriptor passing (SCM_RIGHTS) does not exist; WSADuplicateSocket is another model.
inline constexpr bool has_handle_passing = false;
// Per-call UDP segmentation offload (a control message) is not offered here.
inline constexpr bool has_segment_control = false;
inline constexpr int segment_level = IPPROTO_UDP;
inline constexpr int segment_control_type = -1;
inline constexpr int gro_control_type = -1;

// What the control data of one received message said (see detail/os/posix.hpp).
struct control_fields {
    ::sockaddr_storage destination{};
    socklen_type destination_size = 0;
    unsigned interface_index = 0;
    int hop_limit = -1;
    bool has_time = false;
    long long seconds = 0;
    long nanoseconds = 0;
    int segment_size = 0;
    std::size_t handles = 0;
    bool handles_dropped = false;
};

inline void close_passed(handle h) noexcept { ::closesocket(h); }

inline void read_control(const void* control, std::size_t size, control_fields& out, handle*,
                         std::size_t) noexcept {
    const auto* p = static_cast<const unsigned char*>(control);
    for (std::size_t at = 0; at + sizeof(control_header) <= size;) {
        control_header c;
        std::memcpy(&c, p + at, sizeof c);
        if (c.cmsg_len < control_data_offset || at + c.cmsg_len > size) break;
        const unsigned char* data = p + at + control_data_offset;
        const std::size_t len = c.cmsg_len - control_data_offset;
        if (c.cmsg_level == IPPROTO_IP && c.cmsg_type == IP_PKTINFO && len >= sizeof(::IN_PKTINFO)) {
            ::IN_PKTINFO info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_addr = info.ipi_addr;
            std::memcpy(&out.destination, &sin, sizeof sin);
            out.destination_size = sizeof sin;
            out.interface_index = static_cast<unsigned>(info.ipi_ifindex);
        } else if (c.cmsg_level == IPPROTO_IPV6 && c.cmsg_type == IPV6_PKTINFO &&
                   len >= sizeof(::IN6_PKTINFO)) {
            ::IN6_PKTINFO info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in6 sin6{};
            sin6.sin6_family = AF_INET6;
            sin6.sin6_addr = info.ipi6_addr;
            std::memcpy(&out.destination, &sin6, sizeof sin6);
            out.destination_size = sizeof sin6;
            out.interface_index = static_cast<unsigned>(info.ipi6_ifindex);
        }
        at += control_align(c.cmsg_len);
    }
}

// The source address of a datagram as IP_PKTINFO / IPV6_PKTINFO; segments and descriptors are
// not available here (-1).
inline long write_control(void* buffer, std::size_t capacity, const ::sockaddr* source,
                          unsigned interface_index, int segment, const handle*, std::size_t count) noexcept {
    auto* bytes = static_cast<unsigned char*>(buffer);
    std::memset(bytes, 0, capacity);
    if (segment > 0 || count > 0) return -1;
    auto put = [&](int level, int type, const void* data, std::size_t len) {
        if (control_data_align(control_data_offset + len) > capacity) return -1L;
        control_header c{};
        c.cmsg_len = control_data_offset + len;
        c.cmsg_level = level;
        c.cmsg_type = type;
        std::memcpy(bytes, &c, sizeof c);
        std::memcpy(bytes + control_data_offset, data, len);
        return static_cast<long>(control_data_align(control_data_offset + len));
    };
    if (source != nullptr && source->sa_family == AF_INET) {
        ::IN_PKTINFO info{};
        info.ipi_addr = reinterpret_cast<const ::sockaddr_in*>(source)->sin_addr;
        info.ipi_ifindex = interface_index;
        return put(IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
    }
    if (source != nullptr && source->sa_family == AF_INET6) {
        ::IN6_PKTINFO info{};
        info.ipi6_addr = reinterpret_cast<const ::sockaddr_in6*>(source)->sin6_addr;
        info.ipi6_ifindex = interface_index;
        return put(IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
    }
    return 0;
}

// WSARecvMsg is reached through WSAIoctl (the same pointer for every socket of the provider).
using recv_msg_function = INT(PASCAL*)(SOCKET, ::LPWSAMSG, LPDWORD, ::LPWSAOVERLAPPED,
                                       ::LPWSAOVERLAPPED_COMPLETION_ROUTINE);
inline recv_msg_function recv_msg_pointer(handle h) noexcept {
    static std::atomic<recv_msg_function> cached{nullptr}; // every thread stores the same value
    if (recv_msg_function f = cached.load(std::memory_order_acquire)) return f;
    GUID id = {
        0xf689d7c8, 0x6f1f, 0x436b, {0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22}}; // WSAID_WSARECVMSG
    recv_msg_function f = nullptr;
    DWORD bytes = 0;
    if (::WSAIoctl(h, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &f, sizeof f, &bytes, nullptr,
                   nullptr) != 0)
        return nullptr;
    cached.store(f, std::memory_order_release);
    return f;
}

// WSASendMsg with control data (datagram sockets), else WSASendTo / WSASend with the buffer
// array; wait_ms as in send_once. Returns the bytes sent or -1.
inline long send_message(handle h, const io_vector* v, std::size_t n, const ::sockaddr* to,
                         socklen_type to_size, const void* control, std::size_t control_size, int flags,
                         int wait_ms, int& err) noexcept {
    auto* bufs = const_cast<io_vector*>(v);
    const DWORD count = static_cast<DWORD>(n);
    if (control_size == 0 && wait_ms < 0) {
        DWORD sent = 0;
        const int r = ::WSASendTo(h, bufs, count, &sent, static_cast<DWORD>(flags), to,
                                  to != nullptr ? to_size : 0, nullptr, nullptr);
        if (r != 0) err = ::WSAGetLastError();
        return r != 0 ? -1 : static_cast<long>(sent);
    }
    ::WSAMSG msg{};
    msg.name = const_cast<::sockaddr*>(to);
    msg.namelen = to != nullptr ? to_size : 0;
    msg.lpBuffers = bufs;
    msg.dwBufferCount = count;
    msg.Control.buf = static_cast<char*>(const_cast<void*>(control));
    msg.Control.len = static_cast<ULONG>(control_size);
    DWORD sent = 0;
    if (wait_ms < 0) {
        const int r = ::WSASendMsg(h, &msg, static_cast<DWORD>(flags), &sent, nullptr, nullptr);
        if (r != 0) err = ::WSAGetLastError();
        return r != 0 ? -1 : static_cast<long>(sent);
    }
    const int e = overlapped(h, wait_ms, sent, [&](::WSAOVERLAPPED* ov) {
        if (control_size == 0)
            return ::WSASendTo(h, bufs, count, nullptr, static_cast<DWORD>(flags), to,
                               to != nullptr ? to_size : 0, ov, nullptr);
        return ::WSASendMsg(h, &msg, static_cast<DWORD>(flags), nullptr, ov, nullptr);
    });
    return overlapped_result(e, sent, err);
}

// WSARecvMsg where an address or control data is wanted (datagram sockets), else WSARecv with
// the buffer array. A datagram larger than the buffers is a success with MSG_TRUNC in
// msg_flags, as on POSIX (Winsock reports WSAEMSGSIZE after copying what fits).
inline long recv_message(handle h, io_vector* v, std::size_t n, ::sockaddr* from, socklen_type* from_size,
                         void* control, std::size_t* control_size, int& msg_flags, int flags, int wait_ms,
                         int& err) noexcept {
    msg_flags = 0;
    const DWORD count = static_cast<DWORD>(n);
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += v[i].len;
    DWORD got = 0;
    int e = 0;
    if (from == nullptr && control == nullptr) {
        DWORD in_flags = static_cast<DWORD>(flags);
        if (wait_ms < 0)
            e = ::WSARecv(h, v, count, &got, &in_flags, nullptr, nullptr) != 0 ? ::WSAGetLastError() : 0;
        else
            e = overlapped(h, wait_ms, got, [&](::WSAOVERLAPPED* ov) {
                return ::WSARecv(h, v, count, nullptr, &in_flags, ov, nullptr);
            });
    } else {
        const recv_msg_function recv_msg = recv_msg_pointer(h);
        if (recv_msg == nullptr) {
            err = ::WSAGetLastError();
            return -1;
        }
        ::WSAMSG msg{};
        msg.name = from;
        msg.namelen = from != nullptr ? *from_size : 0;
        msg.lpBuffers = v;
        msg.dwBufferCount = count;
        msg.Control.buf = static_cast<char*>(control);
        msg.Control.len = control != nullptr ? static_cast<ULONG>(*control_size) : 0;
        msg.dwFlags = static_cast<DWORD>(flags);
        if (wait_ms < 0) e = recv_msg(h, &msg, &got, nullptr, nullptr) != 0 ? ::WSAGetLastError() : 0;
        else
            e = overlapped(h, wait_ms, got,
                           [&](::WSAOVERLAPPED* ov) { return recv_msg(h, &msg, nullptr, ov, nullptr); });
        if (e == 0 || e == WSAEMSGSIZE) {
            if (from != nullptr) *from_size = msg.namelen;
            if (control != nullptr) *control_size = msg.Control.len;
            msg_flags = static_cast<int>(msg.dwFlags);
        }
    }
    if (e == WSAEMSGSIZE) {
        msg_flags |= msg_truncated;
        return static_cast<long>(total);
    }
    return overlapped_result(e, got, err);
}

// One datagram of a batch (see detail/os/posix.hpp).
struct batch_slot {
    io_vector data;
    ::sockaddr* name;
    socklen_type name_size;
    void* control;
    std::size_t control_size;
    std::size_t size;
    int flags;
};
inline constexpr std::size_t batch_chunk = 64;
// No recvmmsg/sendmmsg: recv_batch/send_batch loop over single calls.
inline constexpr bool has_message_batch = false;
inline int recv_batch(handle, batch_slot*, std::size_t, int, int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return -1;
}
inline int send_batch(handle, const batch_slot*, std::size_t, int, int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return -1;
}

// A bind that conflicts with an exclusive one (SO_EXCLUSIVEADDRUSE, which netsock's listeners
// carry, also across families: [::]:P against 0.0.0.0:P) fails with WSAEACCES on Windows; it is
// address_in_use on every other OS, and here too.
// ---------------------------------------------------------------------------------------------
// A file sent to a socket (net::sendfile, file.hpp). posix.hpp defines the same names.

using file_handle = HANDLE;
inline file_handle invalid_file() noexcept { return INVALID_HANDLE_VALUE; }
// The most one TransmitFile call is asked for: as send_piece, so that a failure never hides
// much of what went (an overlapped TransmitFile that fails reports no count).
inline constexpr std::size_t file_piece = 65536;
// The stack buffer of the read+send path (send_file_by_copy).
inline constexpr std::size_t file_copy_piece = 32768;
// A timed attempt is an overlapped TransmitFile that waits itself: no mode switch.
inline constexpr bool send_file_needs_nonblocking = false;

// TransmitFile (mswsock) is reached through WSAIoctl, like WSARecvMsg: no mswsock.lib to link.
// The last but one parameter is a TRANSMIT_FILE_BUFFERS*, always null here.
using transmit_file_function = BOOL(PASCAL*)(SOCKET, HANDLE, DWORD, DWORD, LPOVERLAPPED, void*, DWORD);
inline transmit_file_function transmit_file_pointer(handle h) noexcept {
    static transmit_file_function cached = nullptr; // benign race: every thread stores the same value
    if (cached != nullptr) return cached;
    GUID id = {
        0xb5367df0, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}; // WSAID_TRANSMITFILE
    transmit_file_function f = nullptr;
    DWORD bytes = 0;
    if (::WSAIoctl(h, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &f, sizeof f, &bytes, nullptr,
                   nullptr) != 0)
        return nullptr;
    cached = f;
    return f;
}

// A file API error as netsock reports it: an invalid handle is WSAEBADF (bad_file_descriptor),
// as on POSIX; the rest as the system's code.
inline int file_error(DWORD e) noexcept { return e == ERROR_INVALID_HANDLE ? WSAEBADF : static_cast<int>(e); }

// The read+send path: ReadFile at `offset` (given in an OVERLAPPED; on a handle opened without
// FILE_FLAG_OVERLAPPED Windows then also moves the file pointer) of at most file_copy_piece
// bytes, then one send_once of them (wait_ms as there).
inline long send_file_by_copy(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                              int& err) noexcept {
    char buf[file_copy_piece];
    if (size > sizeof buf) size = sizeof buf;
    ::OVERLAPPED ov{};
    ov.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    ov.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    BOOL ok = ::ReadFile(f, buf, static_cast<DWORD>(size), &got, &ov);
    if (!ok && ::GetLastError() == ERROR_IO_PENDING) ok = ::GetOverlappedResult(f, &ov, &got, TRUE);
    if (!ok) {
        const DWORD e = ::GetLastError();
        if (e == ERROR_HANDLE_EOF) return 0;
        err = file_error(e);
        return -1;
    }
    if (got == 0) return 0;
    return send_once(h, buf, static_cast<io_length>(got), 0, wait_ms, err);
}

// One attempt of net::sendfile: up to `size` (> 0) bytes of file f from `offset` to socket h.
// Returns the bytes sent (0: end of file at offset), or -1 with err. The file's size is read
// first (GetFileSizeEx): an offset at or past the end is 0 and the count is cut to what the
// file holds, so a file that shrank ends the transfer early instead of failing. Then
// TransmitFile of at most file_piece bytes, overlapped with the offset in the OVERLAPPED (the
// file pointer is not used), waited for up to wait_ms (-1: until done) and cancelled when the
// time is up, like every timed Winsock transfer (os::overlapped). An attempt that must not wait
// at all (wait_ms 0: a canceller; or a non-blocking socket) reads and sends instead: an
// overlapped TransmitFile completes later and would be cancelled before moving anything. So
// does a provider without TransmitFile, or one that refuses it (WSAEOPNOTSUPP, WSAEINVAL).
inline long send_file_once(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                           int& err) noexcept {
    if (offset > 0x7fffffffffffffffull) { // as POSIX, where off_t cannot hold it
        err = WSAEINVAL;
        return -1;
    }
    ::LARGE_INTEGER end{};
    if (!::GetFileSizeEx(f, &end)) {
        err = file_error(::GetLastError());
        return -1;
    }
    const auto file_size = static_cast<std::uint64_t>(end.QuadPart);
    if (offset >= file_size) return 0;
    if (size > file_size - offset) size = static_cast<std::size_t>(file_size - offset);
    if (size > file_piece) size = file_piece;
    // A non-blocking socket keeps wait_ms -1: the copy path's plain send honours its mode.
    const bool no_wait = wait_ms == 0 || (wait_ms < 0 && nonblocking_list::get().has(h));
    const transmit_file_function transmit = no_wait ? nullptr : transmit_file_pointer(h);
    if (transmit == nullptr) return send_file_by_copy(h, f, offset, size, wait_ms, err);
    DWORD n = 0;
    const int e = overlapped(h, wait_ms, n, [&](::WSAOVERLAPPED* ov) {
        ov->Offset = static_cast<DWORD>(offset & 0xffffffffu);
        ov->OffsetHigh = static_cast<DWORD>(offset >> 32);
        return transmit(h, f, static_cast<DWORD>(size), 0, ov, nullptr, 0) ? 0 : SOCKET_ERROR;
    });
    if (n == 0 && (e == WSAEOPNOTSUPP || e == WSAEINVAL))
        return send_file_by_copy(h, f, offset, size, wait_ms, err);
    return overlapped_result(e, n, err);
}

inline int bind_socket(handle h, const ::sockaddr* sa, socklen_type len) noexcept {
    if (::bind(h, sa, len) == 0) return 0;
    const int e = ::WSAGetLastError();
    const bool ip = sa->sa_family == AF_INET || sa->sa_family == AF_INET6;
    return e == WSAEACCES && ip ? WSAEADDRINUSE : e;
}

// Windows has no socketpair() (has_socketpair is false): ops.ipp builds one over loopback.
inline int socket_pair(int, handle*) noexcept { return WSAEOPNOTSUPP; }

// Windows zone ids are numeric ("fe80::1%12"); names would need iphlpapi.
inline unsigned interface_index(const char*) noexcept { return 0; }
inline constexpr std::size_t interface_name_size = 16;
inline bool interface_name(unsigned, char (&)[interface_name_size]) noexcept { return false; }

// Numeric text <-> binary address (Vista and newer).
inline bool pton(int family, const char* text, void* out) noexcept {
    return ::inet_pton(family, text, out) == 1;
}
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return ::inet_ntop(family, in, out, size) != nullptr;
}

// EAI_* codes are WSA codes on Windows, and gai_strerror is not thread-safe there.
inline const char* resolver_message(int) noexcept { return nullptr; }
// getaddrinfo codes that not every system has; -1 where absent (Windows has no EAI_SYSTEM).
inline constexpr int eai_nodata = EAI_NODATA != EAI_NONAME ? EAI_NODATA : -1;
inline constexpr int eai_system = -1;

// Not inherited by processes this one starts; 0 or the error.
inline int set_cloexec(handle h) noexcept {
    return ::SetHandleInformation(reinterpret_cast<HANDLE>(h), HANDLE_FLAG_INHERIT, 0)
               ? 0
               : static_cast<int>(::GetLastError());
}

// Runs f(arg) on a new thread (CreateThread, handle closed at once); 0 or the error.
struct thread_start {
    void (*f)(void*);
    void* arg;
};
inline DWORD WINAPI run_thread_start(LPVOID p) {
    const thread_start s = *static_cast<thread_start*>(p);
    delete static_cast<thread_start*>(p);
    s.f(s.arg);
    return 0;
}
inline int start_thread(void (*f)(void*), void* arg) noexcept {
    auto* s = new (std::nothrow) thread_start{f, arg};
    if (s == nullptr) return ERROR_NOT_ENOUGH_MEMORY;
    HANDLE h = ::CreateThread(nullptr, 0, &run_thread_start, s, 0, nullptr);
    if (h == nullptr) {
        const int e = static_cast<int>(::GetLastError());
        delete s;
        return e;
    }
    ::CloseHandle(h);
    return 0;
}

// What is at a file system path: 0 nothing, 1 an AF_UNIX socket file (a reparse point tagged
// IO_REPARSE_TAG_AF_UNIX, which FindFirstFile reports without following it), 2 anything else,
// -1 the query failed.
inline int path_kind(const char* path) noexcept {
    constexpr DWORD af_unix_tag = 0x80000023; // IO_REPARSE_TAG_AF_UNIX; not in every SDK
    WIN32_FIND_DATAA data;
    HANDLE h = ::FindFirstFileA(path, &data);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD e = ::GetLastError();
        return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? 0 : -1;
    }
    ::FindClose(h);
    return (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 && data.dwReserved0 == af_unix_tag ? 1
                                                                                                          : 2;
}

// ---------------------------------------------------------------------------------------------
// This host: its name, reverse lookup, its interfaces (host.hpp)

// UTF-8 of a NUL-terminated wide string into out[size], NUL included; false if it does not fit.
inline bool to_utf8(const wchar_t* in, char* out, std::size_t size) noexcept {
    if (size == 0) return false;
    if (in == nullptr || *in == 0) {
        *out = 0;
        return true;
    }
    return ::WideCharToMultiByte(CP_UTF8, 0, in, -1, out, static_cast<int>(size), nullptr, nullptr) != 0;
}

// The host name in UTF-8, as Python's socket.gethostname() finds it on Windows:
// GetComputerNameExW(ComputerNamePhysicalDnsHostname) (Winsock's gethostname would give it in
// the ANSI code page). 0 or the error.
inline int host_name(char* out, std::size_t size) noexcept {
    wchar_t wide[256] = {};
    DWORD n = 256;
    if (!::GetComputerNameExW(ComputerNamePhysicalDnsHostname, wide, &n)) {
        const DWORD e = ::GetLastError();
        return e == ERROR_MORE_DATA ? WSAENAMETOOLONG : static_cast<int>(e);
    }
    return to_utf8(wide, out, size) ? 0 : WSAENAMETOOLONG;
}

// getnameinfo's own code (EAI_*, that is WSA* on Windows), 0 on success. GetNameInfoW and
// UTF-8, so that a name outside the ANSI code page arrives intact.
inline int name_info(const ::sockaddr* sa, socklen_type len, char* host, std::size_t host_size, char* service,
                     std::size_t service_size, int flags) noexcept {
    wchar_t h[NI_MAXHOST] = {};
    wchar_t s[NI_MAXSERV] = {};
    // The code is the return value (Wine leaves WSAGetLastError at 0); the last error only if
    // it returned SOCKET_ERROR instead.
    if (const int rc = ::GetNameInfoW(sa, len, h, NI_MAXHOST, s, NI_MAXSERV, flags); rc != 0) {
        if (rc != SOCKET_ERROR) return rc;
        const int e = ::WSAGetLastError();
        return e != 0 ? e : WSANO_RECOVERY;
    }
    if (!to_utf8(h, host, host_size) || !to_utf8(s, service, service_size)) return WSAENOBUFS;
    return 0;
}

// One address of one interface (an interface without an address comes once, address null).
struct interface_entry {
    const char* name = nullptr; // UTF-8
    unsigned index = 0;
    bool up = false, running = false, loopback = false, multicast = false, broadcast = false,
         point_to_point = false;
    const ::sockaddr* address = nullptr;
    int prefix_length = -1; // -1: unknown
};

// Calls visit(const interface_entry&) for every address of every adapter: GetAdaptersAddresses,
// loaded from iphlpapi.dll on first use so that programs need not link iphlpapi.lib. The name
// is the adapter's FriendlyName in UTF-8 ("Ethernet", "Loopback Pseudo-Interface 1").
// 0 or the error (WSAEOPNOTSUPP if the function is not there).
template <class Visit> int each_interface(Visit&& visit) {
    using get_adapters = ULONG(WINAPI*)(ULONG, ULONG, PVOID, PIP_ADAPTER_ADDRESSES, PULONG);
    static const get_adapters get = [] {
        HMODULE m = ::LoadLibraryExW(L"iphlpapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
        return m != nullptr ? reinterpret_cast<get_adapters>(
                                  reinterpret_cast<void (*)()>(::GetProcAddress(m, "GetAdaptersAddresses")))
                            : nullptr;
    }();
    if (get == nullptr) return WSAEOPNOTSUPP;
    // The size it asks for may grow between two calls (an adapter added): a few attempts.
    ULONG size = 16 * 1024;
    std::unique_ptr<char[]> buf;
    ULONG r = ERROR_BUFFER_OVERFLOW;
    for (int attempt = 0; attempt < 4 && r == ERROR_BUFFER_OVERFLOW; ++attempt) {
        buf.reset(new (std::nothrow) char[size]); // operator new[]: aligned for the structures
        if (!buf) return ERROR_NOT_ENOUGH_MEMORY;
        r = get(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                nullptr, reinterpret_cast<PIP_ADAPTER_ADDRESSES>(buf.get()), &size);
    }
    if (r == ERROR_NO_DATA) return 0; // no adapter at all: an empty list
    if (r == ERROR_BUFFER_OVERFLOW) return WSAENOBUFS;
    if (r == ERROR_INVALID_PARAMETER) return WSAEINVAL;
    if (r != NO_ERROR) return static_cast<int>(r); // ERROR_NOT_ENOUGH_MEMORY: not_enough_memory
    for (auto* a = reinterpret_cast<PIP_ADAPTER_ADDRESSES>(buf.get()); a != nullptr; a = a->Next) {
        char name[256] = {};
        if (a->FriendlyName == nullptr || a->FriendlyName[0] == 0 ||
            !to_utf8(a->FriendlyName, name, sizeof name))
            std::snprintf(name, sizeof name, "%s", a->AdapterName != nullptr ? a->AdapterName : "");
        interface_entry e;
        e.name = name;
        e.index = a->IfIndex != 0 ? static_cast<unsigned>(a->IfIndex) : static_cast<unsigned>(a->Ipv6IfIndex);
        e.up = e.running = a->OperStatus == IfOperStatusUp;
        e.loopback = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
        e.multicast = (a->Flags & IP_ADAPTER_NO_MULTICAST) == 0;
        e.point_to_point = a->IfType == IF_TYPE_PPP || a->IfType == IF_TYPE_TUNNEL;
        e.broadcast = a->IfType == IF_TYPE_ETHERNET_CSMACD || a->IfType == IF_TYPE_IEEE80211;
        if (a->FirstUnicastAddress == nullptr) visit(e);
        for (auto* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
            e.address = u->Address.lpSockaddr;
            e.prefix_length = u->OnLinkPrefixLength;
            visit(e);
        }
    }
    return 0;
}

// Only the kernel-queue pollers (epoll, kqueue) duplicate a socket; Windows has WSAPoll, and
// WSADuplicateSocket is for other processes.
inline handle duplicate(handle, int& err) noexcept {
    err = WSAEOPNOTSUPP;
    return invalid;
}
} // namespace detail::os
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/os/windows.hpp ----
#else
// ---- begin net/detail/os/posix.hpp ----
#ifndef NETSOCK_DETAIL_OS_POSIX_HPP
#define NETSOCK_DETAIL_OS_POSIX_HPP

// The OS layer for POSIX (Linux, macOS, BSD): OS headers, types and the raw primitives.
// detail/os/windows.hpp defines the same names for Winsock; detail/sys.hpp is their only
// caller. Included only by detail/platform.hpp.


#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#if defined(NETSOCK_OS_LINUX)
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#endif
#include <signal.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail::os {
using handle = int;
inline constexpr handle invalid = -1;
using socklen_type = socklen_t;
using sockaddr_un_type = ::sockaddr_un;
using pollfd_type = ::pollfd;
using nfds_type = ::nfds_t;
using io_length = std::size_t; // length argument of send/recv

inline constexpr int af_local = AF_UNIX;
inline constexpr int shut_rd = SHUT_RD;
inline constexpr int shut_wr = SHUT_WR;
inline constexpr int shut_rdwr = SHUT_RDWR;

// MSG_NOSIGNAL stops SIGPIPE per send on Linux/BSD; Apple has no MSG_NOSIGNAL and uses the
// SO_NOSIGPIPE socket option instead (set by harden below). Never a fake value.
#if defined(MSG_NOSIGNAL)
inline constexpr int send_flags = MSG_NOSIGNAL;
#else
inline constexpr int send_flags = 0;
#endif
// One send call may pass the whole buffer: a partial send reports what went.
inline constexpr std::size_t send_piece = static_cast<std::size_t>(-1);
// A timed attempt (send_once, ...) does not wait: sys waits with poll.
inline constexpr bool attempt_waits = false;
// accept() honours SO_RCVTIMEO on Linux; macOS and the BSDs sleep in accept without a limit,
// so there netsock makes it apply (sys::accept_deadline), as on Windows.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool accept_uses_rcvtimeo = true;
#else
inline constexpr bool accept_uses_rcvtimeo = false;
#endif
// socketpair() exists.
inline constexpr bool has_socketpair = true;

// Socket option names that differ between systems; -1 = not available here.
#if defined(SO_REUSEPORT)
inline constexpr int opt_reuse_port = SO_REUSEPORT;
#else
inline constexpr int opt_reuse_port = -1;
#endif
#if defined(TCP_KEEPIDLE)
inline constexpr int opt_keep_idle = TCP_KEEPIDLE;
#elif defined(TCP_KEEPALIVE) // macOS names the idle time TCP_KEEPALIVE
inline constexpr int opt_keep_idle = TCP_KEEPALIVE;
#else
inline constexpr int opt_keep_idle = -1;
#endif
#if defined(TCP_KEEPINTVL)
inline constexpr int opt_keep_interval = TCP_KEEPINTVL;
#else
inline constexpr int opt_keep_interval = -1;
#endif
#if defined(TCP_KEEPCNT)
inline constexpr int opt_keep_count = TCP_KEEPCNT;
#else
inline constexpr int opt_keep_count = -1;
#endif
// IP_MULTICAST_TTL/LOOP take an unsigned char on macOS and the BSDs, an int on Linux.
#if defined(NETSOCK_OS_LINUX)
using multicast_v4_value = int;
#else
using multicast_v4_value = unsigned char;
#endif
using linger_value = int;

// ---------------------------------------------------------------------------------------------
// Multicast filtering, source-specific multicast, UDP segmentation offload
// Option names and request types; -1 = not available here (the typed options then report
// no_protocol_option). windows.hpp defines the same names.
//
// IP_MULTICAST_ALL / IPV6_MULTICAST_ALL (Linux 2.6.31 / 4.20): whether a socket bound to a
// wildcard address receives datagrams for every group some socket on the host joined on the
// port (1, the default) or only for the groups it joined itself (0). Elsewhere the only
// behaviour is "the groups it joined" and there is no option.
#if defined(IP_MULTICAST_ALL)
inline constexpr int opt_multicast_all_v4 = IP_MULTICAST_ALL;
#else
inline constexpr int opt_multicast_all_v4 = -1;
#endif
#if defined(IPV6_MULTICAST_ALL)
inline constexpr int opt_multicast_all_v6 = IPV6_MULTICAST_ALL;
#elif defined(NETSOCK_OS_LINUX)
inline constexpr int opt_multicast_all_v6 = 29; // <linux/in6.h>; older libc headers lack it
#else
inline constexpr int opt_multicast_all_v6 = -1;
#endif
// Source-specific joins. IPv4: struct ip_mreq_source, whose field order differs between
// glibc/musl (group, interface, source), macOS/BSD and Windows (group, source, interface):
// fill it by field name only. IPv6: struct group_source_req by interface index.
#if defined(IP_ADD_SOURCE_MEMBERSHIP) && defined(IP_DROP_SOURCE_MEMBERSHIP)
using ip_mreq_source_type = ::ip_mreq_source;
inline constexpr int opt_add_source_membership = IP_ADD_SOURCE_MEMBERSHIP;
inline constexpr int opt_drop_source_membership = IP_DROP_SOURCE_MEMBERSHIP;
#else
struct ip_mreq_source_type {
    ::in_addr imr_multiaddr, imr_sourceaddr, imr_interface;
};
inline constexpr int opt_add_source_membership = -1;
inline constexpr int opt_drop_source_membership = -1;
#endif
#if defined(MCAST_JOIN_SOURCE_GROUP) && defined(MCAST_LEAVE_SOURCE_GROUP)
using group_source_req_type = ::group_source_req;
inline constexpr int opt_join_source_group = MCAST_JOIN_SOURCE_GROUP;
inline constexpr int opt_leave_source_group = MCAST_LEAVE_SOURCE_GROUP;
#else
struct group_source_req_type {
    unsigned gsr_interface;
    ::sockaddr_storage gsr_group, gsr_source;
};
inline constexpr int opt_join_source_group = -1;
inline constexpr int opt_leave_source_group = -1;
#endif
// UDP_SEGMENT (GSO, Linux 4.18) and UDP_GRO (Linux 5.0), at level IPPROTO_UDP (= SOL_UDP):
// from <netinet/udp.h> (glibc 2.28+), else the kernel's numbers on Linux; nowhere else.
#if defined(UDP_SEGMENT)
inline constexpr int opt_udp_segment = UDP_SEGMENT;
#elif defined(NETSOCK_OS_LINUX)
inline constexpr int opt_udp_segment = 103;
#else
inline constexpr int opt_udp_segment = -1;
#endif
#if defined(UDP_GRO)
inline constexpr int opt_udp_gro = UDP_GRO;
#elif defined(NETSOCK_OS_LINUX)
inline constexpr int opt_udp_gro = 104;
#else
inline constexpr int opt_udp_gro = -1;
#endif
using udp_segment_value = int; // the kernel reads an int (0 = off, at most 65535)
// (end of the multicast and UDP offload names)

// SO_RCVTIMEO/SO_SNDTIMEO take a timeval, normalised (macOS rejects tv_usec >= 1e6: EDOM).
struct timeout_value {
    ::timeval tv;
    static timeout_value from_ms(long long ms) noexcept {
        timeout_value v{};
        v.tv.tv_sec = static_cast<decltype(v.tv.tv_sec)>(ms / 1000);
        v.tv.tv_usec = static_cast<decltype(v.tv.tv_usec)>((ms % 1000) * 1000);
        return v;
    }
    long long to_ms() const noexcept {
        return static_cast<long long>(tv.tv_sec) * 1000 + static_cast<long long>(tv.tv_usec) / 1000;
    }
};

inline int last_error() noexcept { return errno; }
inline void set_last_error(int e) noexcept { errno = e; }
inline bool is_interrupted(int e) noexcept { return e == EINTR; }
inline bool is_would_block(int e) noexcept { return e == EAGAIN || e == EWOULDBLOCK; }
inline bool is_connection_aborted(int e) noexcept { return e == ECONNABORTED; }
inline bool is_in_progress(int e) noexcept { return e == EINPROGRESS || e == EALREADY; }

inline std::string error_message(int e) { return std::generic_category().message(e); }
inline std::error_condition error_condition_of(int e) noexcept { return {e, std::generic_category()}; }

// The OS code for an error that netsock reports itself (a std::errc value), or 0 to report it
// in std::generic_category(): on POSIX the std::errc values are the errno values, whose text
// the C library has.
inline int native_error(std::errc) noexcept { return 0; }

// Nothing to start on POSIX.
inline int start() noexcept { return 0; }

// setsockopt/getsockopt levels need no check here (the kernel rejects IPPROTO_IPV6 options on
// IPv4 sockets itself, with ENOPROTOOPT).
inline int check_option_level(handle, int) noexcept { return 0; }

// getsockname works on unbound sockets: nothing to fill in.
inline bool unbound_name(handle, int, ::sockaddr*, socklen_type*) noexcept { return false; }

// The listener policy, applied when a TCP socket is bound: SO_REUSEADDR, which on POSIX only
// lets a restarted server bind while old connections are in TIME_WAIT; a second bind to a live
// listener still fails with EADDRINUSE.
inline int listener_policy(handle h) noexcept {
    int one = 1;
    return ::setsockopt(h, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 ? 0 : errno;
}

// Makes a freshly created or accepted socket safe: close-on-exec where SOCK_CLOEXEC/accept4
// could not do it atomically, and SO_NOSIGPIPE on Apple.
inline int harden(handle h, bool cloexec_done) noexcept {
    if (!cloexec_done && ::fcntl(h, F_SETFD, FD_CLOEXEC) != 0) return errno;
#if defined(SO_NOSIGPIPE)
    int one = 1;
    if (::setsockopt(h, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) != 0) return errno;
#endif
    return 0;
}

inline handle open_socket(int family, int type, int protocol, int& err) noexcept {
#if defined(NETSOCK_HAS_SOCK_CLOEXEC)
    handle h = ::socket(family, type | SOCK_CLOEXEC, protocol);
    const bool cloexec_done = true;
#else
    handle h = ::socket(family, type, protocol);
    const bool cloexec_done = false;
#endif
    if (h < 0) {
        err = errno;
        return invalid;
    }
    if ((err = harden(h, cloexec_done)) != 0) {
        ::close(h);
        return invalid;
    }
    return h;
}

inline int set_nonblocking(handle h, bool on) noexcept {
    int flags = ::fcntl(h, F_GETFL, 0);
    if (flags < 0) return errno;
    int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(h, F_SETFL, wanted) != 0) return errno;
    return 0;
}

// Returns 1 if non-blocking, 0 if blocking, -1 if unknown (error in err).
inline int is_nonblocking(handle h, int& err) noexcept {
    int flags = ::fcntl(h, F_GETFL, 0);
    if (flags < 0) {
        err = errno;
        return -1;
    }
    return (flags & O_NONBLOCK) ? 1 : 0;
}

// accept() with close-on-exec, SO_NOSIGPIPE and blocking mode set on the new socket,
// whatever the listener's mode (macOS and the BSDs give an accepted socket the listener's
// O_NONBLOCK; Linux never does).
inline handle accept_socket(handle h, ::sockaddr* sa, socklen_type* len, int& err) noexcept {
#if defined(NETSOCK_HAS_ACCEPT4)
    handle c = ::accept4(h, sa, len, SOCK_CLOEXEC);
    const bool cloexec_done = true;
#else
    handle c = ::accept(h, sa, len);
    const bool cloexec_done = false;
#endif
    if (c < 0) {
        err = errno;
        return invalid;
    }
    err = harden(c, cloexec_done);
#if !defined(NETSOCK_OS_LINUX)
    if (err == 0) err = set_nonblocking(c, false);
#endif
    if (err != 0) {
        ::close(c);
        return invalid;
    }
    return c;
}

// close() is never retried: on Linux the descriptor is gone even after EINTR, and a retry
// could close a descriptor another thread has just opened (close(2), "Dealing with error
// returns from close()").
inline int close_socket(handle h) noexcept { return ::close(h) == 0 ? 0 : errno; }

inline int poll(pollfd_type* fds, nfds_type n, int timeout_ms) noexcept { return ::poll(fds, n, timeout_ms); }

inline void sleep_ms(int ms) noexcept { ::poll(nullptr, 0, ms); }

inline int socket_pair(int type, handle out[2]) noexcept {
#if defined(NETSOCK_HAS_SOCK_CLOEXEC)
    if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, out) != 0) return errno;
    const bool cloexec_done = true;
#else
    if (::socketpair(AF_UNIX, type, 0, out) != 0) return errno;
    const bool cloexec_done = false;
#endif
    for (int i = 0; i < 2; ++i) {
        if (int e = harden(out[i], cloexec_done); e != 0) {
            ::close(out[0]);
            ::close(out[1]);
            return e;
        }
    }
    return 0;
}

// Interface name <-> index for IPv6 scope ids ("fe80::1%eth0"). 0 = unknown.
inline unsigned interface_index(const char* name) noexcept { return ::if_nametoindex(name); }
inline bool interface_name(unsigned index, char (&out)[IF_NAMESIZE + 1]) noexcept {
    return ::if_indextoname(index, out) != nullptr;
}
inline constexpr std::size_t interface_name_size = IF_NAMESIZE + 1;

// Datagram receive that reports truncation: recvmsg sets MSG_TRUNC in msg_flags when the
// datagram was larger than the buffer (recv(2)).
// ---------------------------------------------------------------------------------------------
// One attempt of each transfer: wait_ms < 0 waits as the socket's mode says; wait_ms >= 0 does
// not wait at all (MSG_DONTWAIT: one non-blocking attempt even on a blocking socket; sys waits
// for readiness with poll and tries again). Each returns the bytes moved, or -1 with err.

inline long send_once(handle h, const void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    const ssize_t n = ::send(h, data, size, flags | send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (n < 0) err = errno;
    return static_cast<long>(n);
}

inline long recv_once(handle h, void* data, io_length size, int flags, int wait_ms, int& err) noexcept {
    const ssize_t n = ::recv(h, data, size, flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (n < 0) err = errno;
    return static_cast<long>(n);
}

inline long send_to(handle h, const void* data, io_length size, int flags, const ::sockaddr* sa,
                    socklen_type len, int wait_ms, int& err) noexcept {
    const ssize_t n =
        ::sendto(h, data, size, flags | send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0), sa, len);
    if (n < 0) err = errno;
    return static_cast<long>(n);
}

// A datagram receive that reports truncation (MSG_TRUNC in msg_flags).
inline long recv_from(handle h, void* data, io_length size, int flags, ::sockaddr* sa, socklen_type* len,
                      bool& truncated, int wait_ms, int& err) noexcept {
    ::iovec iov{};
    iov.iov_base = data;
    iov.iov_len = size;
    ::msghdr msg{};
    msg.msg_name = sa;
    msg.msg_namelen = *len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t n = ::recvmsg(h, &msg, flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (n < 0) {
        err = errno;
        return -1;
    }
    *len = msg.msg_namelen;
    truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    return static_cast<long>(n);
}

// ---------------------------------------------------------------------------------------------
// The wake-up of a poller (net::poller::wake): an eventfd on Linux (one descriptor, a counter
// that coalesces wake-ups); elsewhere the poller uses a socket pair (kqueue: EVFILT_USER).

#if defined(NETSOCK_OS_LINUX)
inline constexpr bool has_event_handle = true;
inline handle open_event_handle(int& err) noexcept {
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) err = errno;
    return fd;
}
// Async-signal-safe: one write(), errno kept.
inline void signal_event_handle(handle h) noexcept {
    const int saved = errno;
    const std::uint64_t one = 1;
    for (int i = 0; i < 16; ++i)
        if (::write(h, &one, sizeof one) >= 0 || errno != EINTR) break; // EAGAIN: already signalled
    errno = saved;
}
inline void drain_event_handle(handle h) noexcept {
    std::uint64_t count = 0;
    for (int i = 0; i < 16; ++i)
        if (::read(h, &count, sizeof count) >= 0 || errno != EINTR) break;
}
#else
inline constexpr bool has_event_handle = false;
inline handle open_event_handle(int& err) noexcept {
    err = EOPNOTSUPP;
    return invalid;
}
inline void signal_event_handle(handle) noexcept {}
inline void drain_event_handle(handle) noexcept {}
#endif

// ---------------------------------------------------------------------------------------------
// Messages: scatter/gather, batches of datagrams and ancillary (control) data

using io_vector = ::iovec;
inline io_vector make_io_vector(const void* data, std::size_t size) noexcept {
    io_vector v{};
    v.iov_base = const_cast<void*>(data);
    v.iov_len = size;
    return v;
}
// Buffers passed to one sendmsg/recvmsg (IOV_MAX is at least 1024 where POSIX is honoured; a
// longer array is moved in several calls by the caller, as a partial transfer).
inline constexpr std::size_t max_io_vectors = 64;

// Control buffers: aligned for cmsghdr, big enough for every item netsock receives at once
// (packet info, hop limit, timestamp, GRO size) and, for descriptors, max_passed_handles.
inline constexpr std::size_t control_space = 256;
#if defined(SCM_MAX_FD)
inline constexpr std::size_t max_passed_handles = SCM_MAX_FD;
#else
inline constexpr std::size_t max_passed_handles = 253; // Linux's SCM_MAX_FD; BSDs allow more
#endif
// Linux installs only the descriptors that fit the receiver's control buffer (the rest are
// dropped, MSG_CTRUNC); macOS (XNU) and the BSDs install every one and then copy out what fits,
// so the numbers of those that did not fit are lost. There every receive uses a buffer for
// receive_handle_capacity descriptors, more than a sender can pass on those systems in
// practice, and read_control closes what the caller's array cannot hold.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool kernel_drops_excess_handles = true;
inline constexpr std::size_t receive_handle_capacity = max_passed_handles;
#else
inline constexpr bool kernel_drops_excess_handles = false;
inline constexpr std::size_t receive_handle_capacity = 512;
#endif
// msg_flags bits: the datagram or the control data did not fit.
inline constexpr int msg_truncated = MSG_TRUNC;
inline constexpr int msg_control_truncated = MSG_CTRUNC;
// The control space of one datagram of a batch: its packet info, with room for a timestamp
// and a hop limit beside it (more sets MSG_CTRUNC: datagram::control_truncated).
struct alignas(::cmsghdr) packet_control {
    unsigned char bytes[128];
};
struct alignas(::cmsghdr) control_buffer {
    unsigned char bytes[CMSG_SPACE(sizeof(int) * receive_handle_capacity) > control_space
                            ? CMSG_SPACE(sizeof(int) * receive_handle_capacity)
                            : control_space];
};

// The control space that holds `count` descriptors (recv_handles sizes its buffer with it, so
// that the kernel drops, rather than installs, descriptors beyond what the caller can hold).
inline std::size_t handle_control_size(std::size_t count) noexcept { return CMSG_SPACE(sizeof(int) * count); }

// Receive-side options that make the kernel attach control data; -1 = not available here.
// IPv4 packet info: IP_PKTINFO (Linux, macOS, Windows); FreeBSD and OpenBSD have another
// interface (IP_RECVDSTADDR / IP_SENDSRCADDR), not offered: -1 there.
#if defined(IP_PKTINFO)
inline constexpr int opt_v4_packet_info = IP_PKTINFO;
#else
inline constexpr int opt_v4_packet_info = -1;
#endif
#if defined(IP_RECVTTL)
inline constexpr int opt_v4_receive_hops = IP_RECVTTL;
#else
inline constexpr int opt_v4_receive_hops = -1;
#endif
// IPv6 (RFC 3542): the options and the control message types. macOS names them only when
// __APPLE_USE_RFC_3542 is defined before the first system header, which a header cannot
// promise; its kernel takes the RFC 3542 numbers of <netinet6/in6.h> either way, so they are
// spelled here (not verified on a Mac: netsock's macOS build is compile-checked only).
#if defined(IPV6_RECVPKTINFO)
inline constexpr int opt_v6_packet_info = IPV6_RECVPKTINFO;
inline constexpr int v6_packet_info_type = IPV6_PKTINFO;
inline constexpr int opt_v6_receive_hops = IPV6_RECVHOPLIMIT;
inline constexpr int v6_hop_limit_type = IPV6_HOPLIMIT;
#elif defined(NETSOCK_OS_APPLE)
inline constexpr int opt_v6_packet_info = 61;      // IPV6_RECVPKTINFO
inline constexpr int v6_packet_info_type = 46;     // IPV6_3542PKTINFO
inline constexpr int opt_v6_receive_hops = 37;     // IPV6_RECVHOPLIMIT
inline constexpr int v6_hop_limit_type = 47;       // IPV6_3542HOPLIMIT
#else
inline constexpr int opt_v6_packet_info = -1;
inline constexpr int v6_packet_info_type = -1;
inline constexpr int opt_v6_receive_hops = -1;
inline constexpr int v6_hop_limit_type = -1;
#endif
#if defined(SO_TIMESTAMPNS)
inline constexpr int opt_timestamp = SO_TIMESTAMPNS; // struct timespec
#else
inline constexpr int opt_timestamp = SO_TIMESTAMP; // struct timeval
#endif
// Descriptor passing over local sockets (SCM_RIGHTS).
inline constexpr bool has_handle_passing = true;
// Per-call UDP GSO (a UDP_SEGMENT control message): Linux 4.18 and newer.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool has_segment_control = true;
inline constexpr int segment_level = IPPROTO_UDP;
inline constexpr int segment_control_type = 103; // UDP_SEGMENT, <linux/udp.h>
inline constexpr int gro_control_type = 104;     // UDP_GRO
#else
inline constexpr bool has_segment_control = false;
inline constexpr int segment_level = IPPROTO_UDP;
inline constexpr int segment_control_type = -1;
inline constexpr int gro_control_type = -1;
#endif

// What the control data of one received message said. Each field is set only when the
// message carried that item.
struct control_fields {
    ::sockaddr_storage destination{}; // local address the datagram was sent to (port 0)
    socklen_type destination_size = 0;
    unsigned interface_index = 0; // interface it arrived on
    int hop_limit = -1;           // IPv4 TTL or IPv6 hop limit
    bool has_time = false;        // kernel receive time, since the Unix epoch
    long long seconds = 0;
    long nanoseconds = 0;
    int segment_size = 0;         // UDP GRO: the datagram is segments of this size
    std::size_t handles = 0;      // descriptors stored in the caller's array
    bool handles_dropped = false; // descriptors arrived that the array could not hold (closed)
};

inline void close_passed(int fd) noexcept { ::close(fd); }

// Decodes the control data of a received message. Descriptors go to fds (up to capacity, made
// close-on-exec where MSG_CMSG_CLOEXEC does not exist); any beyond it are closed.
inline void read_control(const void* control, std::size_t size, control_fields& out, handle* fds,
                         std::size_t capacity) noexcept {
    ::msghdr msg{};
    msg.msg_control = const_cast<void*>(control);
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(size);
// musl's CMSG_NXTHDR compares a size_t with a ptrdiff_t.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
    for (::cmsghdr* c = size >= sizeof(::cmsghdr) ? CMSG_FIRSTHDR(&msg) : nullptr; c != nullptr;
         c = CMSG_NXTHDR(&msg, c)) {
        const unsigned char* data = CMSG_DATA(c);
        const auto header = static_cast<std::size_t>(data - reinterpret_cast<unsigned char*>(c));
        const auto offset = static_cast<std::size_t>(data - static_cast<const unsigned char*>(control));
        if (c->cmsg_len < header || offset > size) break;
        // Only what was copied out: XNU keeps the original cmsg_len when it truncates.
        std::size_t len = c->cmsg_len - header;
        if (len > size - offset) len = size - offset;
        if (false) { // a chain whose items below are compiled in or out by what the OS has
#if defined(IP_PKTINFO)
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && len >= sizeof(::in_pktinfo)) {
            ::in_pktinfo info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in sin{};
            sin.sin_family = AF_INET;
            sin.sin_addr = info.ipi_addr;
            std::memcpy(&out.destination, &sin, sizeof sin);
            out.destination_size = sizeof sin;
            out.interface_index = static_cast<unsigned>(info.ipi_ifindex);
#endif
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == v6_packet_info_type &&
                   len >= sizeof(::in6_pktinfo)) {
            ::in6_pktinfo info;
            std::memcpy(&info, data, sizeof info);
            ::sockaddr_in6 sin6{};
            sin6.sin6_family = AF_INET6;
            sin6.sin6_addr = info.ipi6_addr;
            std::memcpy(&out.destination, &sin6, sizeof sin6);
            out.destination_size = sizeof sin6;
            out.interface_index = static_cast<unsigned>(info.ipi6_ifindex);
        } else if ((c->cmsg_level == IPPROTO_IP && (c->cmsg_type == IP_TTL
#if defined(IP_RECVTTL)
                                                    || c->cmsg_type == IP_RECVTTL
#endif
                                                    )) ||
                   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == v6_hop_limit_type)) {
            // An int on Linux; IP_RECVTTL on macOS and the BSDs carries one byte.
            if (len >= sizeof(int)) std::memcpy(&out.hop_limit, data, sizeof(int));
            else if (len >= 1) out.hop_limit = data[0];
        } else if (c->cmsg_level == SOL_SOCKET) {
#if defined(SCM_TIMESTAMPNS)
            if (c->cmsg_type == SCM_TIMESTAMPNS && len >= sizeof(::timespec)) {
                ::timespec ts;
                std::memcpy(&ts, data, sizeof ts);
                out.has_time = true;
                out.seconds = static_cast<long long>(ts.tv_sec);
                out.nanoseconds = static_cast<long>(ts.tv_nsec);
            }
#endif
            if (c->cmsg_type == SCM_TIMESTAMP && len >= sizeof(::timeval)) {
                ::timeval tv;
                std::memcpy(&tv, data, sizeof tv);
                out.has_time = true;
                out.seconds = static_cast<long long>(tv.tv_sec);
                out.nanoseconds = static_cast<long>(tv.tv_usec) * 1000;
            }
            if (c->cmsg_type == SCM_RIGHTS) {
                const std::size_t n = len / sizeof(int);
                for (std::size_t i = 0; i < n; ++i) {
                    int fd;
                    std::memcpy(&fd, data + i * sizeof(int), sizeof fd);
                    if (out.handles < capacity) {
#if !defined(MSG_CMSG_CLOEXEC)
                        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
                        fds[out.handles++] = fd;
                    } else {
                        out.handles_dropped = true;
                        ::close(fd);
                    }
                }
            }
        }
#if defined(NETSOCK_OS_LINUX)
        else if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == gro_control_type && len >= sizeof(int)) {
            std::memcpy(&out.segment_size, data, sizeof(int));
        }
#endif
    }
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
}

// Builds control data to send: the source address (and interface) of a datagram, a UDP GSO
// segment size (segment > 0), descriptors (count > 0). Returns the bytes used, 0 for none, or
// -1 when an item is not available here or does not fit.
inline long write_control(void* buffer, std::size_t capacity, const ::sockaddr* source,
                          unsigned interface_index, int segment, const handle* fds,
                          std::size_t count) noexcept {
    auto* bytes = static_cast<unsigned char*>(buffer);
    std::memset(bytes, 0, capacity);
    ::msghdr msg{};
    msg.msg_control = bytes;
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(capacity);
    std::size_t used = 0;
    ::cmsghdr* c = CMSG_FIRSTHDR(&msg);
    auto next = [&](int level, int type, std::size_t len) -> unsigned char* {
        if (c == nullptr || used + CMSG_SPACE(len) > capacity) return nullptr;
        ::cmsghdr* here = reinterpret_cast<::cmsghdr*>(bytes + used);
        here->cmsg_level = level;
        here->cmsg_type = type;
        here->cmsg_len = static_cast<decltype(here->cmsg_len)>(CMSG_LEN(len));
        used += CMSG_SPACE(len);
        return CMSG_DATA(here);
    };
    if (source != nullptr && source->sa_family == AF_INET) {
#if defined(IP_PKTINFO)
        ::in_pktinfo info{};
        info.ipi_ifindex = static_cast<decltype(info.ipi_ifindex)>(interface_index);
        info.ipi_spec_dst = reinterpret_cast<const ::sockaddr_in*>(source)->sin_addr;
        unsigned char* d = next(IPPROTO_IP, IP_PKTINFO, sizeof info);
        if (d == nullptr) return -1;
        std::memcpy(d, &info, sizeof info);
#else
        return -1;
#endif
    } else if (source != nullptr && source->sa_family == AF_INET6) {
        ::in6_pktinfo info{};
        info.ipi6_ifindex = interface_index;
        info.ipi6_addr = reinterpret_cast<const ::sockaddr_in6*>(source)->sin6_addr;
        unsigned char* d = next(IPPROTO_IPV6, v6_packet_info_type, sizeof info);
        if (d == nullptr) return -1;
        std::memcpy(d, &info, sizeof info);
    }
    if (segment > 0) {
        if constexpr (!has_segment_control) return -1;
        const std::uint16_t size = static_cast<std::uint16_t>(segment);
        unsigned char* d = next(segment_level, segment_control_type, sizeof size);
        if (d == nullptr) return -1;
        std::memcpy(d, &size, sizeof size);
    }
    if (count > 0) {
        unsigned char* d = next(SOL_SOCKET, SCM_RIGHTS, sizeof(int) * count);
        if (d == nullptr) return -1;
        std::memcpy(d, fds, sizeof(int) * count);
    }
    return static_cast<long>(used);
}

// sendmsg: never raises SIGPIPE; wait_ms >= 0: never waits. Returns the bytes sent or -1.
inline long send_message(handle h, const io_vector* v, std::size_t n, const ::sockaddr* to,
                         socklen_type to_size, const void* control, std::size_t control_size, int flags,
                         int wait_ms, int& err) noexcept {
    ::msghdr msg{};
    msg.msg_name = const_cast<::sockaddr*>(to);
    msg.msg_namelen = to != nullptr ? to_size : 0;
    msg.msg_iov = const_cast<io_vector*>(v);
    msg.msg_iovlen = static_cast<decltype(msg.msg_iovlen)>(n);
    msg.msg_control = control_size > 0 ? const_cast<void*>(control) : nullptr;
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(control_size);
    const ssize_t r = ::sendmsg(h, &msg, flags | send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (r < 0) err = errno;
    return static_cast<long>(r);
}

// recvmsg: descriptors arrive close-on-exec (MSG_CMSG_CLOEXEC where it exists, else
// read_control sets it); wait_ms >= 0: never waits. `from` may be null (a connected socket);
// *control_size is in/out; msg_flags gets the kernel's flags (MSG_TRUNC, MSG_CTRUNC).
inline long recv_message(handle h, io_vector* v, std::size_t n, ::sockaddr* from, socklen_type* from_size,
                         void* control, std::size_t* control_size, int& msg_flags, int flags, int wait_ms,
                         int& err) noexcept {
    ::msghdr msg{};
    msg.msg_name = from;
    msg.msg_namelen = from != nullptr ? *from_size : 0;
    msg.msg_iov = v;
    msg.msg_iovlen = static_cast<decltype(msg.msg_iovlen)>(n);
    msg.msg_control = control;
    msg.msg_controllen = static_cast<decltype(msg.msg_controllen)>(control != nullptr ? *control_size : 0);
#if defined(MSG_CMSG_CLOEXEC)
    flags |= MSG_CMSG_CLOEXEC;
#endif
    const ssize_t r = ::recvmsg(h, &msg, flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0));
    if (r < 0) {
        err = errno;
        return -1;
    }
    if (from != nullptr) *from_size = msg.msg_namelen;
    if (control != nullptr) *control_size = static_cast<std::size_t>(msg.msg_controllen);
    msg_flags = msg.msg_flags;
    return static_cast<long>(r);
}

// One datagram of a batch: in, its buffer, where the peer's address goes (name_size: the
// capacity) and its control data (control_size: the capacity to receive, the bytes to send;
// 0 for none); out, the bytes received, the address and control lengths, the kernel's
// msg_flags.
struct batch_slot {
    io_vector data;
    ::sockaddr* name;
    socklen_type name_size;
    void* control;
    std::size_t control_size;
    std::size_t size;
    int flags;
};
// Datagrams per recvmmsg/sendmmsg call (the stack arrays of one call).
inline constexpr std::size_t batch_chunk = 64;
// recvmmsg/sendmmsg exist (Linux); elsewhere recv_batch/send_batch loop over single calls.
#if defined(NETSOCK_OS_LINUX)
inline constexpr bool has_message_batch = true;
// The flags argument of recvmmsg/sendmmsg: int in glibc, unsigned int in musl.
struct mmsg_flags {
    int value;
    explicit mmsg_flags(int f) noexcept : value(f) {}
    operator int() const noexcept { return value; }
    operator unsigned() const noexcept { return static_cast<unsigned>(value); }
};
#else
inline constexpr bool has_message_batch = false;
#endif

// Receives up to n (<= batch_chunk) datagrams; wait_ms < 0 blocks for the first only
// (MSG_WAITFORONE), else never waits. Returns the count, or -1 with err (none received).
inline int recv_batch(handle h, batch_slot* slots, std::size_t n, int wait_ms, int& err) noexcept {
#if defined(NETSOCK_OS_LINUX)
    ::mmsghdr msgs[batch_chunk];
    if (n > batch_chunk) n = batch_chunk;
    std::memset(msgs, 0, sizeof(::mmsghdr) * n);
    for (std::size_t i = 0; i < n; ++i) {
        msgs[i].msg_hdr.msg_name = slots[i].name;
        msgs[i].msg_hdr.msg_namelen = slots[i].name_size;
        msgs[i].msg_hdr.msg_iov = &slots[i].data;
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = slots[i].control_size > 0 ? slots[i].control : nullptr;
        msgs[i].msg_hdr.msg_controllen =
            static_cast<decltype(msgs[i].msg_hdr.msg_controllen)>(slots[i].control_size);
    }
    const int flags = MSG_CMSG_CLOEXEC | (wait_ms >= 0 ? MSG_DONTWAIT : MSG_WAITFORONE);
    const int r = ::recvmmsg(h, msgs, static_cast<unsigned>(n), mmsg_flags(flags), nullptr);
    if (r < 0) {
        err = errno;
        return -1;
    }
    for (int i = 0; i < r; ++i) {
        slots[i].name_size = msgs[i].msg_hdr.msg_namelen;
        slots[i].size = msgs[i].msg_len;
        slots[i].flags = msgs[i].msg_hdr.msg_flags;
        slots[i].control_size = static_cast<std::size_t>(msgs[i].msg_hdr.msg_controllen);
    }
    return r;
#else
    (void)h, (void)slots, (void)n, (void)wait_ms;
    err = EOPNOTSUPP;
    return -1;
#endif
}

// Sends up to n (<= batch_chunk) datagrams (name null: the connected peer); wait_ms >= 0 never
// waits. Returns how many went, or -1 with err (none went).
inline int send_batch(handle h, const batch_slot* slots, std::size_t n, int wait_ms, int& err) noexcept {
#if defined(NETSOCK_OS_LINUX)
    ::mmsghdr msgs[batch_chunk];
    if (n > batch_chunk) n = batch_chunk;
    std::memset(msgs, 0, sizeof(::mmsghdr) * n);
    for (std::size_t i = 0; i < n; ++i) {
        msgs[i].msg_hdr.msg_name = slots[i].name;
        msgs[i].msg_hdr.msg_namelen = slots[i].name != nullptr ? slots[i].name_size : 0;
        msgs[i].msg_hdr.msg_iov = const_cast<io_vector*>(&slots[i].data);
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = slots[i].control_size > 0 ? slots[i].control : nullptr;
        msgs[i].msg_hdr.msg_controllen =
            static_cast<decltype(msgs[i].msg_hdr.msg_controllen)>(slots[i].control_size);
    }
    const int r = ::sendmmsg(h, msgs, static_cast<unsigned>(n),
                             mmsg_flags(send_flags | (wait_ms >= 0 ? MSG_DONTWAIT : 0)));
    if (r < 0) err = errno;
    return r;
#else
    (void)h, (void)slots, (void)n, (void)wait_ms;
    err = EOPNOTSUPP;
    return -1;
#endif
}

inline int bind_socket(handle h, const ::sockaddr* sa, socklen_type len) noexcept {
    return ::bind(h, sa, len) == 0 ? 0 : errno;
}

// Numeric text <-> binary address.
inline bool pton(int family, const char* text, void* out) noexcept {
    return ::inet_pton(family, text, out) == 1;
}
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return ::inet_ntop(family, in, out, static_cast<socklen_t>(size)) != nullptr;
}

inline const char* resolver_message(int code) noexcept { return ::gai_strerror(code); }
// getaddrinfo codes that not every system has; -1 where absent. EAI_SYSTEM means "see errno".
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
inline constexpr int eai_nodata = EAI_NODATA;
#else
inline constexpr int eai_nodata = -1;
#endif
#if defined(EAI_SYSTEM)
inline constexpr int eai_system = EAI_SYSTEM;
#else
inline constexpr int eai_system = -1;
#endif

// Not inherited by programs this one starts (FD_CLOEXEC); 0 or the error.
inline int set_cloexec(handle h) noexcept { return ::fcntl(h, F_SETFD, FD_CLOEXEC) == 0 ? 0 : errno; }

// Runs f(arg) on a new, detached thread (pthread_create; not std::thread, whose header would
// add a quarter to the compile time of every file that includes netsock); 0 or the error.
struct thread_start {
    void (*f)(void*);
    void* arg;
};
inline void* run_thread_start(void* p) {
    const thread_start s = *static_cast<thread_start*>(p);
    delete static_cast<thread_start*>(p);
    s.f(s.arg);
    return nullptr;
}
inline int start_thread(void (*f)(void*), void* arg) noexcept {
    auto* s = new (std::nothrow) thread_start{f, arg};
    if (s == nullptr) return ENOMEM;
    ::pthread_attr_t attr;
    if (int e = ::pthread_attr_init(&attr); e != 0) {
        delete s;
        return e;
    }
    ::pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ::pthread_t t;
    const int e = ::pthread_create(&t, &attr, &run_thread_start, s);
    ::pthread_attr_destroy(&attr);
    if (e != 0) delete s;
    return e;
}

// What is at a file system path (create_server's remove_existing_path removes a path only if
// it is a socket file): 0 nothing, 1 a socket (itself, not a link to one), 2 anything else,
// -1 the query failed.
inline int path_kind(const char* path) noexcept {
    struct ::stat st;
    if (::lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    return S_ISSOCK(st.st_mode) ? 1 : 2;
}

// ---------------------------------------------------------------------------------------------
// This host: its name, reverse lookup, its interfaces (host.hpp)

// gethostname; 0 or the error.
inline int host_name(char* out, std::size_t size) noexcept {
    return ::gethostname(out, size) == 0 ? 0 : errno;
}

// getnameinfo's own code (EAI_*), 0 on success.
inline int name_info(const ::sockaddr* sa, socklen_type len, char* host, std::size_t host_size, char* service,
                     std::size_t service_size, int flags) noexcept {
    return ::getnameinfo(sa, len, host, static_cast<socklen_t>(host_size), service,
                         static_cast<socklen_t>(service_size), flags);
}

// One address of one interface (an interface without an address comes once, address null).
struct interface_entry {
    const char* name = nullptr; // UTF-8
    unsigned index = 0;
    bool up = false, running = false, loopback = false, multicast = false, broadcast = false,
         point_to_point = false;
    const ::sockaddr* address = nullptr;
    int prefix_length = -1; // -1: unknown
};

// The number of leading one bits of the netmask of an address of `family` (AF_INET, AF_INET6),
// or -1. The family is the address's: macOS and the BSDs build masks like routing messages,
// trimmed after their last non-zero byte (sa_len 5 for 255.0.0.0) and not always with a family.
inline int prefix_of(const ::sockaddr* mask, int family) noexcept {
    if (mask == nullptr) return -1;
    std::size_t offset = 0, n = 0;
    if (family == AF_INET) {
        offset = offsetof(::sockaddr_in, sin_addr);
        n = 4;
    } else if (family == AF_INET6) {
        offset = offsetof(::sockaddr_in6, sin6_addr);
        n = 16;
    } else {
        return -1;
    }
#if defined(NETSOCK_HAS_SA_LEN)
    const std::size_t present = mask->sa_len;
#else
    if (mask->sa_family != family) return -1;
    const std::size_t present = offset + n;
#endif
    const auto* raw = reinterpret_cast<const unsigned char*>(mask);
    int bits = 0;
    for (std::size_t i = offset; i < offset + n; ++i) {
        const unsigned byte = i < present ? raw[i] : 0u;
        for (int b = 7; b >= 0; --b) {
            if ((byte >> b) & 1u) ++bits;
            else return bits;
        }
    }
    return bits;
}

// macOS and the BSDs (KAME) may hand out a link-local IPv6 address with its interface index
// embedded in bytes 2-3 (fe80:4::1) and sin6_scope_id 0, as ifconfig's source notes: move it
// to sin6_scope_id so that the address prints and compares as fe80::1%4. Linux never does it
// (and fe80:4::1 could be a real address there).
inline const ::sockaddr* unembed_scope(const ::sockaddr* sa, ::sockaddr_in6& copy) noexcept {
#if defined(NETSOCK_OS_APPLE) || defined(NETSOCK_OS_BSD)
    if (sa == nullptr || sa->sa_family != AF_INET6) return sa;
    std::memcpy(&copy, sa, sizeof copy);
    unsigned char* b = copy.sin6_addr.s6_addr;
    if (b[0] != 0xfe || (b[1] & 0xc0) != 0x80 || (b[2] == 0 && b[3] == 0)) return sa;
    if (copy.sin6_scope_id == 0)
        copy.sin6_scope_id = static_cast<decltype(copy.sin6_scope_id)>(b[2] << 8 | b[3]);
    b[2] = b[3] = 0;
    return reinterpret_cast<const ::sockaddr*>(&copy);
#else
    (void)copy;
    return sa;
#endif
}

// Calls visit(const interface_entry&) for every address of every interface (getifaddrs);
// 0 or the error.
template <class Visit> int each_interface(Visit&& visit) {
    ::ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return errno;
    struct guard {
        ::ifaddrs* p;
        ~guard() { ::freeifaddrs(p); }
    } owner{list};
    for (const ::ifaddrs* p = list; p != nullptr; p = p->ifa_next) {
        if (p->ifa_name == nullptr) continue;
        ::sockaddr_in6 unembedded{};
        interface_entry e;
        e.name = p->ifa_name;
        e.index = ::if_nametoindex(p->ifa_name);
        const unsigned f = p->ifa_flags;
        e.up = (f & IFF_UP) != 0;
        e.running = (f & IFF_RUNNING) != 0;
        e.loopback = (f & IFF_LOOPBACK) != 0;
        e.multicast = (f & IFF_MULTICAST) != 0;
        e.broadcast = (f & IFF_BROADCAST) != 0;
        e.point_to_point = (f & IFF_POINTOPOINT) != 0;
        e.address = unembed_scope(p->ifa_addr, unembedded);
        e.prefix_length = e.address != nullptr ? prefix_of(p->ifa_netmask, e.address->sa_family) : -1;
        visit(e);
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------
// A file sent to a socket (net::sendfile, file.hpp). windows.hpp defines the same names.

using file_handle = int;
inline file_handle invalid_file() noexcept { return -1; }
// The most one attempt asks of the OS: Linux moves at most 0x7ffff000 bytes per sendfile call.
inline constexpr std::size_t file_piece = 0x7ffff000;
// The stack buffer of the read+send fallback (send_file_by_copy): one pread and one send each.
inline constexpr std::size_t file_copy_piece = 32768;
// sendfile has no MSG_DONTWAIT: a timed attempt (wait_ms >= 0) needs a non-blocking socket,
// which impl/file.ipp makes for the duration of the call.
inline constexpr bool send_file_needs_nonblocking = true;

// The errors with which sendfile says "not for this file or socket" rather than "failed":
// EINVAL (Linux: a file without the page-cache operations sendfile needs; macOS, FreeBSD: not
// a regular file, not a stream socket), ENOSYS (no such call), EOPNOTSUPP / ENOTSUP (a file
// system without sendfile support); and EOVERFLOW (Linux: an offset at or past the largest file
// the file system can hold, which pread answers as the end of the file). Then the fallback does
// the same with pread + send, which reports the real error if there is one (ESPIPE for a pipe,
// EDESTADDRREQ for an unconnected datagram socket).
inline bool send_file_unsupported(int e) noexcept {
    return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == ENOTSUP || e == EOVERFLOW;
}

// The fallback: pread (the file position is neither used nor changed) of at most
// file_copy_piece bytes, then one send_once of them (MSG_NOSIGNAL; MSG_DONTWAIT when timed).
// What the socket did not take is simply read again by the next attempt.
inline long send_file_by_copy(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                              int& err) noexcept {
    unsigned char buf[file_copy_piece];
    if (size > sizeof buf) size = sizeof buf;
    const ssize_t got = ::pread(f, buf, size, static_cast<::off_t>(offset));
    if (got < 0) {
        err = errno;
        return -1;
    }
    if (got == 0) return 0; // end of file at offset
    return send_once(h, buf, static_cast<std::size_t>(got), 0, wait_ms, err);
}

#if defined(NETSOCK_SENDFILE_LINUX)
// Linux's sendfile has no MSG_NOSIGNAL: a send to a closed connection raises SIGPIPE. SIGPIPE
// is blocked in this thread for the call, and one that the call made pending is taken back
// (sigtimedwait) before the mask is restored, unless one was pending already.
class sigpipe_block {
public:
    sigpipe_block() noexcept {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
        if (sigismember(&old_, SIGPIPE) == 1) { // blocked by the program: keep what is pending
            ::sigset_t pending;
            sigemptyset(&pending);
            keep_ = ::sigpending(&pending) != 0 || sigismember(&pending, SIGPIPE) == 1;
        }
    }
    sigpipe_block(const sigpipe_block&) = delete;
    sigpipe_block& operator=(const sigpipe_block&) = delete;
    void finish(bool broken_pipe) noexcept {
        if (broken_pipe && !keep_) {
            const int saved = errno;
            ::timespec zero{};
            for (int i = 0; i < 16; ++i)
                if (::sigtimedwait(&pipe_, nullptr, &zero) >= 0 || errno != EINTR) break;
            errno = saved;
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }

private:
    ::sigset_t pipe_{}, old_{};
    bool keep_ = false;
};
#endif

// One attempt of net::sendfile: up to `size` (> 0) bytes of file f from `offset` to socket h;
// the file position is neither used nor changed. Returns the bytes sent (0: end of file at
// offset), or -1 with err. Whether it waits for room is the socket's mode (see
// send_file_needs_nonblocking); wait_ms >= 0 only tells the fallback's send not to wait.
// - Linux: sendfile(h, f, &copy_of_offset, size), SIGPIPE blocked (sigpipe_block);
// - macOS: sendfile(f, h, offset, &len, nullptr, 0), SO_NOSIGPIPE set on every socket; on
//   EAGAIN / EINTR len says how much went, and that counts;
// - FreeBSD, DragonFly: sendfile(f, h, offset, size, nullptr, &sbytes, 0), likewise;
// - elsewhere, and where sendfile says "not for this file" (send_file_unsupported): pread +
//   send (send_file_by_copy).
// An offset that off_t cannot hold is EINVAL.
inline long send_file_once(handle h, file_handle f, std::uint64_t offset, std::size_t size, int wait_ms,
                           int& err) noexcept {
    if (offset > static_cast<std::uint64_t>(std::numeric_limits<::off_t>::max())) {
        err = EINVAL;
        return -1;
    }
    if (size > file_piece) size = file_piece;
#if defined(NETSOCK_SENDFILE_LINUX)
    ::off_t at = static_cast<::off_t>(offset); // a copy: sendfile advances it, not the file
    sigpipe_block guard;
    const ssize_t n = ::sendfile(h, f, &at, size);
    err = n < 0 ? errno : 0;
    guard.finish(n < 0 && err == EPIPE);
    if (n >= 0) return static_cast<long>(n);
#elif defined(NETSOCK_SENDFILE_APPLE)
    ::off_t len = static_cast<::off_t>(size); // 0 would mean "to the end of the file"
    if (::sendfile(f, h, static_cast<::off_t>(offset), &len, nullptr, 0) == 0) return static_cast<long>(len);
    err = errno;
    if (len > 0 && (is_would_block(err) || err == EINTR)) return static_cast<long>(len);
#elif defined(NETSOCK_SENDFILE_FREEBSD)
    ::off_t sent = 0;
    if (::sendfile(f, h, static_cast<::off_t>(offset), size, nullptr, &sent, 0) == 0)
        return static_cast<long>(sent);
    err = errno;
    if (sent > 0 && (is_would_block(err) || err == EINTR || err == EBUSY)) return static_cast<long>(sent);
#else
    err = ENOSYS;
#endif
    if (!send_file_unsupported(err)) return -1;
    return send_file_by_copy(h, f, offset, size, wait_ms, err);
}

// A second descriptor for the same socket, close-on-exec (the kernel-queue pollers keep one of
// a canceller's socket); invalid with err set on failure.
inline handle duplicate(handle h, int& err) noexcept {
    const handle d = ::fcntl(h, F_DUPFD_CLOEXEC, 0);
    if (d < 0) err = errno;
    return d < 0 ? invalid : d;
}
} // namespace detail::os
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/os/posix.hpp ----
#endif

NETSOCK_BEGIN_NAMESPACE
/// The OS socket handle: `int` on POSIX, `SOCKET` on Windows.
using native_handle_type = detail::os::handle;
/// The value of a handle that refers to no socket.
inline constexpr native_handle_type invalid_handle = detail::os::invalid;
/// An open file of the OS, as `net::sendfile` takes it: a descriptor (`int`) on POSIX, a
/// `HANDLE` on Windows. netsock never owns it.
using native_file_type = detail::os::file_handle;
/// The value of a file handle that refers to no file: -1, INVALID_HANDLE_VALUE (a function:
/// the Windows value is a cast, not a constant).
inline native_file_type invalid_file() noexcept { return detail::os::invalid_file(); }
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/platform.hpp ----

#include <atomic>
#include <cstdint>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
struct cancel_state {
    std::atomic<bool> cancelled{false};
    native_handle_type reader = invalid_handle; // readable while cancelled
    native_handle_type writer = invalid_handle; // cancel() sends one byte here
    std::uint64_t id = 0;                       // unique per canceller in the process (poller)

    bool is_cancelled() const noexcept { return cancelled.load(std::memory_order_acquire); }
};
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/cancel_state.hpp ----

#include <cstdint>

NETSOCK_BEGIN_NAMESPACE

/// Makes blocked calls return `std::errc::operation_canceled`, without closing their sockets.
/// Pass it where a call takes a `net::timeout`, alone or with a time limit:
///
/// ```cpp
/// net::canceller stop;                        // e.g. a global the SIGINT handler can reach
/// extern "C" void on_signal(int) { stop.cancel(); }
/// ...
/// auto [conn, peer] = net::accept(listener, stop);           // until a client or stop
/// auto n = net::try_recv(conn, net::buffer(buf), {30s, stop}); // at most 30 s
/// if (!n && n.error() == std::errc::operation_canceled) ...   // stop.cancel() was called
/// ```
///
/// Every blocking call takes one: accept, connect, send, sendall, recv, recv_exact, sendto,
/// recvfrom, wait, graceful_close, create_connection and `poller::wait`.
///
/// Traps and guarantees:
/// - Cancellation is sticky: after `cancel()`, every call given this canceller fails at once
///   with operation_canceled (before it touches the socket) until `reset()`, so a loop over a
///   busy socket stops too. Any number of threads may wait on one canceller; all wake up.
/// - A cancelled `send`/`recv` has transferred nothing; a cancelled `sendall`/`recv_exact`
///   reports how many bytes moved (`*sent`, `*received`, `net::error::bytes_transferred()`).
///   A cancelled `connect` leaves the socket in an unspecified state, as a timeout does: close it.
/// - A call given a canceller waits with poll() instead of blocking in the kernel, so it works
///   like a call with a timeout: on a non-blocking socket it waits too, and accept and connect
///   switch the socket to non-blocking mode for the duration of the call. That mode belongs to
///   the socket, not the call: a listener accepted from by several threads at once (or
///   processes after fork) should be made non-blocking once (`net::set_nonblocking`) and then
///   given timeouts or cancellers, so that no call switches it under another.
/// - `cancel()` is thread-safe and async-signal-safe on POSIX (one atomic store and one send()
///   to an internal socket pair); on Windows it is safe from any thread, including a console
///   control handler (SetConsoleCtrlHandler).
/// - The canceller must outlive every call it was given, and must not be moved while in use.
///   `reset()` only when no call is using the canceller and no `cancel()` can run (a call
///   between its check and its wait would miss a cancel that reset() drained).
/// - It owns two sockets (a connected pair). `native_handle()` becomes readable on cancel, for
///   your own poll loop.
/// - Name resolution (getaddrinfo in `resolve` and `create_connection(host, port)`) cannot be
///   interrupted: a canceller is checked before and after it.
class canceller {
public:
    /// A canceller that is not cancelled. Throws net::error if the OS gives no sockets.
    NETSOCK_DECL canceller();
    /// Non-throwing construction. Errors: too_many_files_open, ...
    [[nodiscard]] NETSOCK_DECL static result<canceller> try_create() noexcept;
    NETSOCK_DECL canceller(canceller&& other) noexcept;
    NETSOCK_DECL canceller& operator=(canceller&& other) noexcept;
    canceller(const canceller&) = delete;
    canceller& operator=(const canceller&) = delete;
    NETSOCK_DECL ~canceller();

    /// Cancels every call given this canceller, now and until `reset()`. Calling it again does
    /// nothing. Never fails, never blocks.
    NETSOCK_DECL void cancel() noexcept;
    /// True once `cancel()` was called (and `reset()` not since).
    bool is_cancelled() const noexcept { return state_.is_cancelled(); }
    /// Makes the canceller usable again. Only when no `cancel()` can run at the same time.
    NETSOCK_DECL void reset() noexcept;

    /// A handle that is readable while the canceller is cancelled (do not read from it).
    native_handle_type native_handle() const noexcept { return state_.reader; }

private:
    friend class timeout;
    struct tag {};
    explicit canceller(tag) noexcept {}
    [[nodiscard]] NETSOCK_DECL result<void> open() noexcept;
    NETSOCK_DECL void close() noexcept;

    detail::cancel_state state_;
};

inline timeout::timeout(const canceller& c) noexcept : stop_(&c.state_) {}

NETSOCK_END_NAMESPACE


#endif
// ---- end net/cancel.hpp ----
// ---- begin net/buffer.hpp ----
#ifndef NETSOCK_BUFFER_HPP
#define NETSOCK_BUFFER_HPP


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
// ---- end net/buffer.hpp ----
// ---- begin net/address.hpp ----
#ifndef NETSOCK_ADDRESS_HPP
#define NETSOCK_ADDRESS_HPP


#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

/// Address family of a socket or address. (Never named `unix`: that is a predefined macro in
/// GNU mode.)
enum class family { ipv4, ipv6, local };

/// Socket type: a reliable byte stream (TCP, or a local stream) or datagrams (UDP).
enum class socket_type { stream, datagram };

/// A socket address: IPv4 (address + port), IPv6 (address + port + scope id) or local (a Unix
/// socket path). A plain value type: copyable, comparable, hashable, printable.
/// A default-constructed address is `0.0.0.0:0`.
///
/// Parsing is numeric only and never calls DNS (use `net::resolve` for names), and reads the
/// same texts on every OS (netsock's own parser and formatter, not the OS's inet_pton and
/// inet_ntop):
/// ```cpp
/// auto a = net::address::parse("127.0.0.1:8080");
/// auto b = net::address::parse("[fe80::1%lo]:22");
/// if (auto r = net::address::try_parse(user_text); !r) std::puts(r.error().message().c_str());
/// ```
/// The rules, and their traps:
/// - IPv4 is exactly four decimal numbers 0-255. "127.1", "0x7f.0.0.1", "2130706433" and
///   "012.0.0.1" are rejected: inet_aton reads them as 127.0.0.1 and 10.0.0.1 (octal), others
///   do not (CVE-2021-29921); `resolve` applies the same rule to numeric-looking hosts.
/// - IPv6 is RFC 4291 text: groups of 1-4 hex digits, one "::" (for at least one zero group),
///   an optional dotted IPv4 tail without leading zeros, an optional zone "%eth0" or "%2". A
///   zone is an interface name of [A-Za-z0-9._-] (at most 63) or a number below 2^32.
/// - With a port, IPv6 needs brackets: "[::1]:80". Unbracketed IPv6 in the one-argument form is
///   rejected with `net::errc::ipv6_needs_brackets` when it could also be read as an address and
///   a port: "::1:80" (the address ::0.1.0.128, or [::1] port 80?), "fe80::1%lo:8080",
///   "2001:db8::1:2". Texts that cannot, such as "::1", "fe80::1%lo" or
///   "1:2:3:4:5:6:7:8", are accepted with port 0. To pass any bare IPv6 host, use
///   `parse(host, port)` or brackets.
/// - Errors are codes of `net::errc` naming the reason (`port_out_of_range`, `invalid_ipv4`,
///   `ipv4_leading_zero`, ...); each compares equal to `std::errc::invalid_argument`, except
///   `unknown_zone` (a zone name no interface has), equal to `std::errc::no_such_device`. The
///   throwing forms echo the input: `address::parse "1.2.3.4:99999": port out of range`.
/// - Printing follows RFC 5952 ("2001:db8::1", lowercase, the longest zero run as "::", a lone
///   zero group as "0"); only IPv4-mapped addresses print a dotted tail ("::ffff:1.2.3.4"), as
///   Python, Go and Rust print them. `parse(a.to_string()) == a` for every IP address.
class address {
public:
    /// `0.0.0.0:0`.
    NETSOCK_DECL address() noexcept;

    /// Parses "1.2.3.4:80", "1.2.3.4" (port 0), "[::1]:443", "[::1]", "::1" (port 0) and
    /// "[fe80::1%eth0]:22" (zone by interface name or number). Rejects "::1:80" (write
    /// "[::1]:80"; see the rules above). Errors: a `net::errc` reason, equal to
    /// `invalid_argument` for malformed text or a port above 65535, to `no_such_device` for an
    /// unknown zone name. Never allocates.
    [[nodiscard]] NETSOCK_DECL static result<address> try_parse(std::string_view text) noexcept;
    /// Throwing form of `try_parse(text)`; `net::error::address()` holds the quoted input.
    NETSOCK_DECL static address parse(std::string_view text);
    /// Parses a numeric host ("10.0.0.1", "::1", "[::1]", "fe80::1%2", "::1:80" = ::0.1.0.128)
    /// with a separate port: a bare IPv6 host is never ambiguous here.
    [[nodiscard]] NETSOCK_DECL static result<address> try_parse(std::string_view host,
                                                                std::uint16_t port) noexcept;
    /// Throwing form of `try_parse(host, port)`.
    NETSOCK_DECL static address parse(std::string_view host, std::uint16_t port);

    /// IPv4 from a host-order number: `ipv4(0x7f000001, 80)` is `127.0.0.1:80`.
    NETSOCK_DECL static address ipv4(std::uint32_t host_order, std::uint16_t port = 0) noexcept;
    /// IPv4 from its four bytes in network order.
    NETSOCK_DECL static address ipv4(const std::array<std::uint8_t, 4>& bytes,
                                     std::uint16_t port = 0) noexcept;
    /// IPv6 from its sixteen bytes in network order, with an optional scope (interface) id.
    NETSOCK_DECL static address ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port = 0,
                                     std::uint32_t scope_id = 0) noexcept;
    /// `127.0.0.1:port` or `[::1]:port`; for `family::local`, the unnamed local address.
    NETSOCK_DECL static address loopback(net::family f = net::family::ipv4, std::uint16_t port = 0) noexcept;
    /// `0.0.0.0:port` or `[::]:port` (all interfaces); for `family::local`, the unnamed local
    /// address.
    NETSOCK_DECL static address any(net::family f = net::family::ipv4, std::uint16_t port = 0) noexcept;
    /// A local (Unix domain) socket path. A leading NUL makes a Linux abstract name.
    /// Errors: `filename_too_long` if the path does not fit `sun_path` (never truncated),
    /// `invalid_argument` for an empty path or an embedded NUL.
    [[nodiscard]] NETSOCK_DECL static result<address> try_local(std::string_view path) noexcept;
    /// Throwing form of `try_local`.
    NETSOCK_DECL static address local(std::string_view path);
    /// Copies a native `sockaddr` of `size` bytes (AF_INET, AF_INET6 or AF_UNIX).
    /// Errors: `address_family_not_supported`, `invalid_argument` for a bad size.
    [[nodiscard]] NETSOCK_DECL static result<address> try_from_native(const void* sa,
                                                                      std::size_t size) noexcept;
    /// Throwing form of `try_from_native`.
    NETSOCK_DECL static address from_native(const void* sa, std::size_t size);

    /// The address family.
    NETSOCK_DECL net::family family() const noexcept;
    /// The port in host order (0 for local addresses).
    NETSOCK_DECL std::uint16_t port() const noexcept;
    /// A copy with another port (unchanged for local addresses).
    NETSOCK_DECL address with_port(std::uint16_t port) const noexcept;
    /// The IPv6 scope (interface) id; 0 otherwise.
    NETSOCK_DECL std::uint32_t scope_id() const noexcept;
    /// The IPv4 address bytes (network order); zeros for other families.
    NETSOCK_DECL std::array<std::uint8_t, 4> v4_bytes() const noexcept;
    /// The IPv6 address bytes (network order); zeros for other families.
    NETSOCK_DECL std::array<std::uint8_t, 16> v6_bytes() const noexcept;
    /// The local path ("" for unnamed; abstract names keep their leading NUL).
    NETSOCK_DECL std::string path() const;

    /// The host part without port or brackets: "127.0.0.1", "::1", "fe80::1%eth0", or the path.
    NETSOCK_DECL std::string host() const;
    /// "127.0.0.1:80", "[::1]:443", "[fe80::1%eth0]:22"; local: the path ("@name" for
    /// abstract names). `parse(a.to_string()) == a` for IP addresses.
    NETSOCK_DECL std::string to_string() const;

    /// 127.0.0.0/8, ::1, and ::ffff:127.0.0.0/104.
    NETSOCK_DECL bool is_loopback() const noexcept;
    /// 0.0.0.0 or ::.
    NETSOCK_DECL bool is_any() const noexcept;
    /// 224.0.0.0/4 or ff00::/8.
    NETSOCK_DECL bool is_multicast() const noexcept;
    /// An IPv4-mapped IPv6 address (::ffff:a.b.c.d).
    NETSOCK_DECL bool is_v4_mapped() const noexcept;
    /// For an IPv4-mapped IPv6 address, the IPv4 address with the same port; else a copy.
    NETSOCK_DECL address unmapped() const noexcept;

    /// The native `sockaddr` and its length, for interop with OS calls.
    const ::sockaddr* data() const noexcept { return reinterpret_cast<const ::sockaddr*>(&storage_); }
    ::sockaddr* data() noexcept { return reinterpret_cast<::sockaddr*>(&storage_); }
    std::size_t size() const noexcept { return static_cast<std::size_t>(size_); }
    static constexpr std::size_t capacity() noexcept { return sizeof(::sockaddr_storage); }

    friend bool operator==(const address& a, const address& b) noexcept { return a.compare(b) == 0; }
    friend bool operator!=(const address& a, const address& b) noexcept { return a.compare(b) != 0; }
    friend bool operator<(const address& a, const address& b) noexcept { return a.compare(b) < 0; }
    friend bool operator<=(const address& a, const address& b) noexcept { return a.compare(b) <= 0; }
    friend bool operator>(const address& a, const address& b) noexcept { return a.compare(b) > 0; }
    friend bool operator>=(const address& a, const address& b) noexcept { return a.compare(b) >= 0; }

    /// A hash consistent with `==`.
    NETSOCK_DECL std::size_t hash() const noexcept;

    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                         const address& a) {
        const std::string s = a.to_string();
        for (char c : s) os.put(os.widen(c));
        return os;
    }

    // For the library: receives a kernel-filled sockaddr (accept, recvfrom, getsockname).
    struct native_sink {
        ::sockaddr* data;
        detail::os::socklen_type* size;
    };
    NETSOCK_DECL native_sink prepare_native() noexcept;
    NETSOCK_DECL std::error_code commit_native() noexcept;
    // The same for a sockaddr the kernel wrote into data() (size: what it reported), without
    // clearing the storage first (a batch receive's many slots, message.ipp).
    NETSOCK_DECL std::error_code commit_native(std::size_t size) noexcept;

private:
    ::sockaddr_in* as_v4() noexcept { return reinterpret_cast<::sockaddr_in*>(&storage_); }
    const ::sockaddr_in* as_v4() const noexcept { return reinterpret_cast<const ::sockaddr_in*>(&storage_); }
    ::sockaddr_in6* as_v6() noexcept { return reinterpret_cast<::sockaddr_in6*>(&storage_); }
    const ::sockaddr_in6* as_v6() const noexcept {
        return reinterpret_cast<const ::sockaddr_in6*>(&storage_);
    }
    NETSOCK_DECL static address unnamed_local() noexcept;
    NETSOCK_DECL std::string_view local_path() const noexcept;
    NETSOCK_DECL std::error_code normalize() noexcept;
    NETSOCK_DECL int compare(const address& o) const noexcept;

    ::sockaddr_storage storage_;
    detail::os::socklen_type size_;
};

namespace detail {
NETSOCK_DECL int to_native(net::family f) noexcept;
NETSOCK_DECL int to_native(net::socket_type t) noexcept;
} // namespace detail
NETSOCK_END_NAMESPACE

// std::hash is declared by <string_view> (and <system_error>): no <functional>, one of the
// costliest standard headers to compile (bench/compile_time.sh).
namespace std {
template <> struct hash<net::address> {
    std::size_t operator()(const net::address& a) const noexcept { return a.hash(); }
};
} // namespace std


#endif
// ---- end net/address.hpp ----
// ---- begin net/events.hpp ----
#ifndef NETSOCK_EVENTS_HPP
#define NETSOCK_EVENTS_HPP

// Readiness events: what `net::wait` waits for and what `net::poller` reports.


NETSOCK_BEGIN_NAMESPACE

/// Readiness events for `net::wait` and `net::poller` (a bit set).
enum class events : unsigned {
    none = 0,
    readable = 1, ///< data (or EOF, or a pending connection) to read/accept
    writable = 2, ///< send would not block; a connect finished
    error = 4,    ///< an error is pending on the socket (reported only, never requested)
    hangup = 8,   ///< the peer hung up (reported only, never requested)
};
constexpr events operator|(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr events operator&(events a, events b) noexcept {
    return static_cast<events>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr events& operator|=(events& a, events b) noexcept { return a = a | b; }
/// True if `set` contains any event of `which`.
constexpr bool has(events set, events which) noexcept { return (set & which) != events::none; }

/// One ready socket reported by `net::poller::wait`.
struct poll_event {
    native_handle_type handle = invalid_handle; ///< the socket's native handle
    events what = events::none;                 ///< readable / writable / error / hangup
    void* data = nullptr;                       ///< the user data given to add/modify
};

NETSOCK_END_NAMESPACE

#endif
// ---- end net/events.hpp ----
// ---- begin net/socket.hpp ----
#ifndef NETSOCK_SOCKET_HPP
#define NETSOCK_SOCKET_HPP


#include <utility>

NETSOCK_BEGIN_NAMESPACE

/// Move-only RAII owner of one OS socket handle; closes it on destruction. Exactly the size of
/// `native_handle_type`. A default-constructed or moved-from socket is not open, and every
/// operation on it fails with `std::errc::bad_file_descriptor`.
///
/// Thread safety: one thread may send while another receives on the same socket (the OS allows
/// it); two threads sending (or two receiving) at once is not supported. Closing a socket from
/// another thread does not cancel a blocked call: use timeouts or `shutdown`.
class socket {
public:
    using native_handle_type = net::native_handle_type;

    /// A socket that is not open.
    constexpr socket() noexcept = default;
    /// Adopts an open OS handle; the socket closes it.
    explicit constexpr socket(native_handle_type handle) noexcept : handle_(handle) {}
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;
    socket(socket&& other) noexcept : handle_(other.release()) {}
    /// Closes the current handle (if any), then takes over `other`'s.
    NETSOCK_DECL socket& operator=(socket&& other) noexcept;
    NETSOCK_DECL ~socket();

    bool is_open() const noexcept { return handle_ != invalid_handle; }
    explicit operator bool() const noexcept { return is_open(); }
    native_handle_type native_handle() const noexcept { return handle_; }
    /// Gives up ownership: returns the handle and leaves this socket not open.
    native_handle_type release() noexcept { return std::exchange(handle_, invalid_handle); }

    /// Closes the handle. The socket is not open afterwards even if the OS reports an error
    /// (the handle is gone either way; close is never retried). Closing a socket that is not
    /// open does nothing, as in Python.
    [[nodiscard]] NETSOCK_DECL result<void> try_close() noexcept;
    /// Throwing form of `try_close`.
    NETSOCK_DECL void close();

private:
    NETSOCK_DECL void reset() noexcept;

    native_handle_type handle_ = invalid_handle;
};

static_assert(sizeof(socket) == sizeof(native_handle_type));

namespace detail {
// The error of every operation on a socket that is not open.
inline std::error_code not_open() noexcept { return detail::make_errc(std::errc::bad_file_descriptor); }
} // namespace detail

NETSOCK_END_NAMESPACE


#endif
// ---- end net/socket.hpp ----
// ---- begin net/ops.hpp ----
#ifndef NETSOCK_OPS_HPP
#define NETSOCK_OPS_HPP

// The BSD/Python-style free functions. Each operation `f` has a `noexcept` twin `try_f`
// returning `net::result<T>`; `f` calls `try_f` and throws `net::error` on failure.
// Blocking calls take a `net::timeout` last (timeout.hpp): by default they wait as long as it
// takes; with one, expiry is std::errc::timed_out.


#include <cstddef>
#include <string_view>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

/// How `shutdown` closes a connection: stop receiving, stop sending (the peer sees EOF), or both.
enum class shutdown_type { receive, send, both };

/// What `accept` returns: the connected socket and the peer's address.
/// `auto [conn, peer] = net::accept(listener);`
struct [[nodiscard]] accept_result {
    net::socket socket;
    net::address peer;
};

/// What `recvfrom` returns: bytes received, the sender, and whether the datagram was larger
/// than the buffer (the rest is discarded; the socket stays usable).
struct [[nodiscard]] recvfrom_result {
    std::size_t size = 0;
    net::address sender;
    bool truncated = false;
};

/// Flags of one transfer, Python's `flags` argument: `net::recv(s, b, net::message_flags::peek)`.
/// Combine with `|`.
/// - `peek`: receive without removing the data from the socket (recv, recvfrom);
/// - `dontwait`: one attempt that never waits, whatever the socket's mode or the timeout:
///   operation_would_block if nothing can move (on every OS; Windows has no MSG_DONTWAIT);
/// - `waitall` (recv only): wait until the buffer is full; if the stream ends, the timeout
///   expires or a canceller fires first, the bytes that came are returned (as with
///   MSG_WAITALL; an error only if none came). For stream sockets. Not with `peek`.
/// Other combinations, and `peek`/`waitall` for sending, are invalid_argument.
enum class message_flags : unsigned { none = 0, peek = 1, dontwait = 2, waitall = 4 };
constexpr message_flags operator|(message_flags a, message_flags b) noexcept {
    return static_cast<message_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(message_flags set, message_flags f) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(f)) != 0;
}

/// The default `listen` backlog (SOMAXCONN).
inline constexpr int default_backlog = SOMAXCONN;

// ---------------------------------------------------------------------------------------------
// Creating, binding, listening

/// A new socket of the given family and type. Every socket netsock creates is close-on-exec
/// (non-inheritable on Windows), never raises SIGPIPE, and, for IPv6, has IPV6_V6ONLY set
/// explicitly to true (the same on every OS; `create_server` offers dual stack).
/// Errors: address_family_not_supported, too_many_files_open, ...
[[nodiscard]] NETSOCK_DECL result<socket> try_make_socket(family f,
                                                          socket_type t = socket_type::stream) noexcept;
/// Throwing form of `try_make_socket`.
NETSOCK_DECL socket make_socket(family f, socket_type t = socket_type::stream);

/// Binds to a local address (port 0 picks a free port; read it back with `local_address`).
/// TCP sockets get the listener policy first: SO_REUSEADDR on POSIX (fast restart after
/// TIME_WAIT), SO_EXCLUSIVEADDRUSE on Windows. A second bind to an address that a live listener
/// holds fails with address_in_use on every OS. Errors: address_in_use, address_not_available,
/// permission_denied, ...
[[nodiscard]] NETSOCK_DECL result<void> try_bind(const socket& s, const address& a) noexcept;
/// Throwing form of `try_bind`.
NETSOCK_DECL void bind(const socket& s, const address& a);

/// Marks a bound stream socket as accepting connections.
[[nodiscard]] NETSOCK_DECL result<void> try_listen(const socket& s, int backlog = default_backlog) noexcept;
/// Throwing form of `try_listen`.
NETSOCK_DECL void listen(const socket& s, int backlog = default_backlog);

// ---------------------------------------------------------------------------------------------
// Accepting and connecting

/// Waits for and accepts one connection: `auto [conn, peer] = net::accept(listener);`.
/// The new socket is blocking and close-on-exec whatever the listener's mode. A non-blocking
/// listener with nothing pending fails with operation_would_block. EMFILE is reported as
/// too_many_files_open and never retried (back off before accepting again).
/// With a timeout the listener is non-blocking for the duration of the call (readiness can be
/// stale when another thread takes the connection) and its mode is restored afterwards.
/// `receive_timeout` (SO_RCVTIMEO) bounds an accept without a timeout on a blocking listener
/// on every OS (Windows ignores it for accept; netsock makes it apply).
/// On Windows, which cannot report a socket's mode, "non-blocking" means set with
/// `net::set_nonblocking` (a mode set with ioctlsocket directly is not seen).
[[nodiscard]] NETSOCK_DECL result<accept_result> try_accept(const socket& s,
                                                            timeout t = timeout::none()) noexcept;
/// Throwing form of `try_accept`.
NETSOCK_DECL accept_result accept(const socket& s, timeout t = timeout::none());

/// Connects to `a`. EINTR never re-issues connect: netsock waits for the outcome. On a
/// non-blocking socket it fails with operation_in_progress (or would_block on Windows): wait
/// for writability, then check `net::get_option<net::socket_error>`.
/// Errors: connection_refused, timed_out, network_unreachable, ...
/// With a timeout it gives up with timed_out after `timeout`; a refusal is reported as
/// connection_refused, never as a timeout. The socket's blocking mode is restored afterwards
/// (on Windows: as `net::set_nonblocking` left it). After a timeout the socket is in an
/// unspecified state: close it.
/// ```cpp
/// if (auto r = net::try_connect(sock, addr, std::chrono::seconds(2)); !r)
///     std::puts(r.error().message().c_str());
/// ```
[[nodiscard]] NETSOCK_DECL result<void> try_connect(const socket& s, const address& a,
                                                    timeout t = timeout::none()) noexcept;
/// Throwing form of `try_connect`.
NETSOCK_DECL void connect(const socket& s, const address& a, timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Streams

/// Sends some of the bytes; returns how many the OS took (possibly fewer than given: on
/// Windows at most 64 KiB per call, so that a failure never hides how much went). With a
/// timeout it waits at most that long for room to send, on a blocking socket too.
/// Never raises SIGPIPE: a closed peer gives broken_pipe or connection_reset.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send(const socket& s, const_buffer b,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send`.
NETSOCK_DECL std::size_t send(const socket& s, const_buffer b, timeout t = timeout::none());
/// `send` with flags (dontwait; see `message_flags`).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send(const socket& s, const_buffer b, message_flags f,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send` with flags.
NETSOCK_DECL std::size_t send(const socket& s, const_buffer b, message_flags f, timeout t = timeout::none());
/// `send` of text: a string literal (its characters, no NUL), std::string or std::string_view.
[[nodiscard]] inline result<std::size_t> try_send(const socket& s, std::string_view text,
                                                  timeout t = timeout::none()) noexcept {
    return try_send(s, const_buffer(text.data(), text.size()), t);
}
inline std::size_t send(const socket& s, std::string_view text, timeout t = timeout::none()) {
    return send(s, const_buffer(text.data(), text.size()), t);
}

/// Sends every byte (looping over partial sends; also on non-blocking sockets) and returns the
/// count; a timeout is one deadline for the whole buffer. On failure, `*sent` (if given) holds
/// how many bytes went out before the error.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                                           timeout t = timeout::none(),
                                                           std::size_t* sent = nullptr) noexcept;
/// `try_sendall` with no time limit, reporting the bytes sent before an error in `*sent`.
[[nodiscard]] inline result<std::size_t> try_sendall(const socket& s, const_buffer b,
                                                     std::size_t* sent) noexcept {
    return try_sendall(s, b, timeout::none(), sent);
}
/// Throwing form of `try_sendall`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t sendall(const socket& s, const_buffer b, timeout t = timeout::none());
/// `sendall` of text: `net::sendall(conn, "HTTP/1.1 200 OK\r\n")`, a std::string, ...
[[nodiscard]] inline result<std::size_t> try_sendall(const socket& s, std::string_view text,
                                                     timeout t = timeout::none(),
                                                     std::size_t* sent = nullptr) noexcept {
    return try_sendall(s, const_buffer(text.data(), text.size()), t, sent);
}
inline std::size_t sendall(const socket& s, std::string_view text, timeout t = timeout::none()) {
    return sendall(s, const_buffer(text.data(), text.size()), t);
}

/// Receives up to `b.size()` bytes; returns how many arrived. 0 means the peer closed the
/// stream (orderly EOF); an empty `b` is invalid_argument (a 0 that is not EOF would look like
/// one). With a timeout it gives up with timed_out if nothing arrives within it.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recv(const socket& s, mutable_buffer b,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv`.
NETSOCK_DECL std::size_t recv(const socket& s, mutable_buffer b, timeout t = timeout::none());
/// `recv` with flags (peek, dontwait, waitall; see `message_flags`).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recv(const socket& s, mutable_buffer b, message_flags f,
                                                        timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv` with flags.
NETSOCK_DECL std::size_t recv(const socket& s, mutable_buffer b, message_flags f,
                              timeout t = timeout::none());

/// Receives exactly `b.size()` bytes; a timeout is one deadline for the whole buffer. If the
/// stream ends first the error is `net::errc::eof`; `*received` (if given) holds how many
/// bytes arrived before any error.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                                              timeout t = timeout::none(),
                                                              std::size_t* received = nullptr) noexcept;
/// `try_recv_exact` with no time limit, reporting the bytes received before an error.
[[nodiscard]] inline result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b,
                                                        std::size_t* received) noexcept {
    return try_recv_exact(s, b, timeout::none(), received);
}
/// Throwing form of `try_recv_exact`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t recv_exact(const socket& s, mutable_buffer b, timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Datagrams

/// Sends one datagram to `to`. Errors: message_size if it is too large for the protocol, ...
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to,
                                                          timeout t = timeout::none()) noexcept;
/// Throwing form of `try_sendto`.
NETSOCK_DECL std::size_t sendto(const socket& s, const_buffer b, const address& to,
                                timeout t = timeout::none());
/// `sendto` of text (a string literal's characters, std::string, std::string_view).
[[nodiscard]] inline result<std::size_t> try_sendto(const socket& s, std::string_view text, const address& to,
                                                    timeout t = timeout::none()) noexcept {
    return try_sendto(s, const_buffer(text.data(), text.size()), to, t);
}
inline std::size_t sendto(const socket& s, std::string_view text, const address& to,
                          timeout t = timeout::none()) {
    return sendto(s, const_buffer(text.data(), text.size()), to, t);
}

/// Receives one datagram: `{size, sender, truncated}`. A datagram larger than `b` fills `b`,
/// the rest is discarded and `truncated` is true, the same on every OS.
[[nodiscard]] NETSOCK_DECL result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b,
                                                                timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recvfrom`.
NETSOCK_DECL recvfrom_result recvfrom(const socket& s, mutable_buffer b, timeout t = timeout::none());
/// `recvfrom` with flags (peek, dontwait; see `message_flags`).
[[nodiscard]] NETSOCK_DECL result<recvfrom_result>
try_recvfrom(const socket& s, mutable_buffer b, message_flags f, timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recvfrom` with flags.
NETSOCK_DECL recvfrom_result recvfrom(const socket& s, mutable_buffer b, message_flags f,
                                      timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Connection state

/// Shuts down one or both directions. `shutdown_type::send` sends EOF (FIN) to the peer while
/// still allowing to receive. Errors: not_connected, ...
[[nodiscard]] NETSOCK_DECL result<void> try_shutdown(const socket& s, shutdown_type how) noexcept;
/// Throwing form of `try_shutdown`.
NETSOCK_DECL void shutdown(const socket& s, shutdown_type how);

/// The address the socket is bound to (e.g. the port picked by binding port 0).
[[nodiscard]] NETSOCK_DECL result<address> try_local_address(const socket& s) noexcept;
/// Throwing form of `try_local_address`.
NETSOCK_DECL address local_address(const socket& s);

/// The address of the connected peer. Errors: not_connected.
[[nodiscard]] NETSOCK_DECL result<address> try_peer_address(const socket& s) noexcept;
/// Throwing form of `try_peer_address`.
NETSOCK_DECL address peer_address(const socket& s);

/// Switches non-blocking mode on or off. In non-blocking mode send/recv/accept fail with
/// operation_would_block instead of waiting (check with `net::is_would_block(ec)`);
/// sendall/recv_exact still wait, using poll.
[[nodiscard]] NETSOCK_DECL result<void> try_set_nonblocking(const socket& s, bool on = true) noexcept;
/// Throwing form of `try_set_nonblocking`.
NETSOCK_DECL void set_nonblocking(const socket& s, bool on = true);

/// Python's `settimeout`: the default time limit of this socket's blocking calls.
/// - `timeout::none()`: blocking, no limit (Python `settimeout(None)`);
/// - zero: non-blocking (Python `settimeout(0.0)`, `setblocking(False)`);
/// - anything else: blocking, and each accept, connect, send and recv given no timeout of its
///   own fails with timed_out after that long (SO_RCVTIMEO and SO_SNDTIMEO, in whole
///   milliseconds rounded up; netsock makes accept and connect honour them on every OS).
/// Trap: the limit is per system call, so a `sendall`/`recv_exact` of many pieces can take
/// longer (give them a timeout of their own for one deadline). A timeout with a canceller is
/// invalid_argument (a socket cannot hold one).
[[nodiscard]] NETSOCK_DECL result<void> try_set_timeout(const socket& s, timeout t) noexcept;
/// Throwing form of `try_set_timeout`.
NETSOCK_DECL void set_timeout(const socket& s, timeout t);
/// Python's `gettimeout`: what `set_timeout` set (zero for a non-blocking socket, `none()` for
/// no limit; the receive limit if the two differ).
[[nodiscard]] NETSOCK_DECL result<timeout> try_get_timeout(const socket& s) noexcept;
/// Throwing form of `try_get_timeout`.
NETSOCK_DECL timeout get_timeout(const socket& s);

/// Waits until the socket is ready for `wanted` (readable and/or writable) and returns the
/// events seen (which may include error and hangup). Expiry is timed_out.
[[nodiscard]] NETSOCK_DECL result<events> try_wait(const socket& s, events wanted,
                                                   timeout t = timeout::none()) noexcept;
/// Throwing form of `try_wait`.
NETSOCK_DECL events wait(const socket& s, events wanted, timeout t = timeout::none());

/// Closes a stream connection so the peer gets every byte and an orderly EOF rather than a
/// reset: shuts down sending, reads and discards whatever the peer still sends until its EOF or
/// the deadline, then closes. (Closing a socket with unread received data makes the OS send a
/// reset, which can destroy the reply the peer has not read yet.) `s` is closed afterwards in
/// every case. There is no default timeout: a peer that never closes would hold it for ever.
/// Errors: timed_out if the peer did not finish within `t` (the socket is still closed).
[[nodiscard]] NETSOCK_DECL result<void> try_graceful_close(socket& s, timeout t) noexcept;
/// Throwing form of `try_graceful_close`.
NETSOCK_DECL void graceful_close(socket& s, timeout t);

/// Two sockets connected to each other, e.g. for tests and wake-ups:
/// `auto [a, b] = net::socket_pair();`. POSIX: socketpair(AF_UNIX); Windows: a loopback TCP
/// (or UDP) pair.
[[nodiscard]] NETSOCK_DECL result<std::pair<socket, socket>>
try_socket_pair(socket_type t = socket_type::stream) noexcept;
/// Throwing form of `try_socket_pair`.
NETSOCK_DECL std::pair<socket, socket> socket_pair(socket_type t = socket_type::stream);

NETSOCK_END_NAMESPACE


#endif
// ---- end net/ops.hpp ----
// ---- begin net/options.hpp ----
#ifndef NETSOCK_OPTIONS_HPP
#define NETSOCK_OPTIONS_HPP

// Typed socket options: `net::set_option(s, net::no_delay{true})`,
// `bool on = net::get_option<net::no_delay>(s).value;`. Each option is a small struct holding
// `value` (or named fields); the level, name and OS value type are handled here, per platform.


#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

NETSOCK_DECL std::error_code unsupported_option() noexcept;

// The bridges from the option templates to the compiled part: setsockopt/getsockopt with the
// OS value type of each option (sys::setsockopt and sys::getsockopt).
NETSOCK_DECL std::error_code set_option_bytes(native_handle_type h, int level, int name, const void* value,
                                              std::size_t size) noexcept;
NETSOCK_DECL std::error_code get_option_bytes(native_handle_type h, int level, int name, void* value,
                                              std::size_t& size) noexcept;
template <class T>
std::error_code set_int_option(native_handle_type h, int level, int name, T value) noexcept {
    return set_option_bytes(h, level, name, &value, sizeof value);
}
template <class T>
std::error_code get_int_option(native_handle_type h, int level, int name, T& value) noexcept {
    std::size_t size = sizeof value;
    value = T{};
    return get_option_bytes(h, level, name, &value, size);
}

// SO_RCVTIMEO/SO_SNDTIMEO (`name`) in the OS's representation (timeval, or DWORD milliseconds).
NETSOCK_DECL std::error_code set_timeout_option(native_handle_type h, int name,
                                                std::chrono::milliseconds value) noexcept;
NETSOCK_DECL std::error_code get_timeout_option(native_handle_type h, int name,
                                                std::chrono::milliseconds& value) noexcept;

template <int Level, int Name> struct bool_option {
    bool value = false;
    constexpr bool_option() noexcept = default;
    constexpr explicit bool_option(bool v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        if (Name < 0) return unsupported_option();
        return detail::set_int_option(h, Level, Name, value ? 1 : 0);
    }
    std::error_code get_from(native_handle_type h) noexcept {
        if (Name < 0) return unsupported_option();
        int v = 0;
        auto ec = detail::get_int_option(h, Level, Name, v);
        value = v != 0;
        return ec;
    }
};

template <int Level, int Name, class Native = int> struct int_option {
    int value = 0;
    constexpr int_option() noexcept = default;
    constexpr explicit int_option(int v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        if (Name < 0) return unsupported_option();
        if (value < 0) return detail::make_errc(std::errc::invalid_argument);
        return detail::set_int_option(h, Level, Name, static_cast<Native>(value));
    }
    std::error_code get_from(native_handle_type h) noexcept {
        if (Name < 0) return unsupported_option();
        Native v{};
        auto ec = detail::get_int_option(h, Level, Name, v);
        value = static_cast<int>(v);
        return ec;
    }
};

template <int Name> struct timeout_option {
    std::chrono::milliseconds value{0}; ///< 0 = no timeout
    constexpr timeout_option() noexcept = default;
    template <class Rep, class Period>
    constexpr explicit timeout_option(std::chrono::duration<Rep, Period> d) noexcept
        : value(std::chrono::ceil<std::chrono::milliseconds>(d)) {}
    std::error_code set_on(native_handle_type h) const noexcept { return set_timeout_option(h, Name, value); }
    std::error_code get_from(native_handle_type h) noexcept { return get_timeout_option(h, Name, value); }
};

// The family a socket was created with (multicast options differ for IPv4 and IPv6).
NETSOCK_DECL int socket_family(native_handle_type h, std::error_code& ec) noexcept;

// IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP or IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP, by the group's family.
NETSOCK_DECL std::error_code set_membership(native_handle_type h, bool join, const address& group,
                                            const address& interface_address,
                                            std::uint32_t interface_index) noexcept;

template <bool Join> struct membership_option {
    address group;                              ///< the multicast group (IPv4 or IPv6)
    address interface_address = address::any(); ///< IPv4: local interface address (any = default)
    std::uint32_t interface_index = 0;          ///< IPv6: interface index (0 = default)
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_membership(h, Join, group, interface_address, interface_index);
    }
};

// IP_ADD_SOURCE_MEMBERSHIP/IP_DROP_SOURCE_MEMBERSHIP or MCAST_JOIN_SOURCE_GROUP/
// MCAST_LEAVE_SOURCE_GROUP, by the group's family.
NETSOCK_DECL std::error_code set_source_membership(native_handle_type h, bool join, const address& group,
                                                   const address& source, const address& interface_address,
                                                   std::uint32_t interface_index) noexcept;

template <bool Join> struct source_membership_option {
    address group;                              ///< the multicast group (IPv4 or IPv6)
    address source;                             ///< the one sender accepted (same family as `group`)
    address interface_address = address::any(); ///< IPv4: local interface address (any = default)
    std::uint32_t interface_index = 0;          ///< IPv6: interface index (0 = default)
    source_membership_option() noexcept = default;
    /// IPv4 (or IPv6 on the default interface): the interface by its address.
    source_membership_option(const address& g, const address& s,
                             const address& iface = address::any()) noexcept
        : group(g), source(s), interface_address(iface) {}
    /// IPv6: the interface by its index.
    source_membership_option(const address& g, const address& s, std::uint32_t index) noexcept
        : group(g), source(s), interface_index(index) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_source_membership(h, Join, group, source, interface_address, interface_index);
    }
};

// A bool option whose level and name depend on the socket's family; -1 = not on this OS.
NETSOCK_DECL std::error_code set_family_bool(native_handle_type h, int name4, int name6, bool value) noexcept;
NETSOCK_DECL std::error_code get_family_bool(native_handle_type h, int name4, int name6,
                                             bool& value) noexcept;
template <int Name4, int Name6> struct family_bool_option {
    bool value = false;
    constexpr family_bool_option() noexcept = default;
    constexpr explicit family_bool_option(bool v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_family_bool(h, Name4, Name6, value);
    }
    std::error_code get_from(native_handle_type h) noexcept {
        return get_family_bool(h, Name4, Name6, value);
    }
};

// Options whose level depends on the socket's family (IPv4 vs IPv6).
template <int Name4, int Name6, class Native4> struct family_int_option {
    int value = 0;
    constexpr family_int_option() noexcept = default;
    constexpr explicit family_int_option(int v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        std::error_code ec;
        const int f = socket_family(h, ec);
        if (ec) return ec;
        if (value < 0) return detail::make_errc(std::errc::invalid_argument);
        if (f == AF_INET6) return detail::set_int_option(h, IPPROTO_IPV6, Name6, value);
        return detail::set_int_option(h, IPPROTO_IP, Name4, static_cast<Native4>(value));
    }
    std::error_code get_from(native_handle_type h) noexcept {
        std::error_code ec;
        const int f = socket_family(h, ec);
        if (ec) return ec;
        if (f == AF_INET6) return detail::get_int_option(h, IPPROTO_IPV6, Name6, value);
        Native4 v{};
        ec = detail::get_int_option(h, IPPROTO_IP, Name4, v);
        value = static_cast<int>(v);
        return ec;
    }
};
} // namespace detail

/// SO_REUSEADDR. POSIX listeners get it automatically at bind (see `net::bind`); on Windows it
/// lets another socket steal a live port, so netsock never sets it for you there.
struct reuse_address : detail::bool_option<SOL_SOCKET, SO_REUSEADDR> {
    using bool_option::bool_option;
};
/// SO_REUSEPORT (Linux, macOS, BSD): several listeners share a port. Elsewhere setting it fails
/// with no_protocol_option.
struct reuse_port : detail::bool_option<SOL_SOCKET, detail::os::opt_reuse_port> {
    using bool_option::bool_option;
};
/// TCP_NODELAY: send small segments at once (disable Nagle's algorithm).
struct no_delay : detail::bool_option<IPPROTO_TCP, TCP_NODELAY> {
    using bool_option::bool_option;
};
/// SO_KEEPALIVE: probe idle connections.
struct keep_alive : detail::bool_option<SOL_SOCKET, SO_KEEPALIVE> {
    using bool_option::bool_option;
};
/// Seconds of idleness before the first keep-alive probe (TCP_KEEPIDLE; TCP_KEEPALIVE on macOS).
struct keep_alive_idle : detail::int_option<IPPROTO_TCP, detail::os::opt_keep_idle> {
    using int_option::int_option;
};
/// Seconds between keep-alive probes (TCP_KEEPINTVL).
struct keep_alive_interval : detail::int_option<IPPROTO_TCP, detail::os::opt_keep_interval> {
    using int_option::int_option;
};
/// Unanswered probes before the connection is dropped (TCP_KEEPCNT).
struct keep_alive_count : detail::int_option<IPPROTO_TCP, detail::os::opt_keep_count> {
    using int_option::int_option;
};
/// SO_BROADCAST: allow datagrams to broadcast addresses.
struct broadcast : detail::bool_option<SOL_SOCKET, SO_BROADCAST> {
    using bool_option::bool_option;
};
/// IPV6_V6ONLY. netsock sets it to true on every IPv6 socket it creates; set false before
/// bind for a dual-stack socket.
struct v6_only : detail::bool_option<IPPROTO_IPV6, IPV6_V6ONLY> {
    using bool_option::bool_option;
};
/// SO_SNDBUF in bytes. The OS may round or double the value (Linux doubles it).
struct send_buffer_size : detail::int_option<SOL_SOCKET, SO_SNDBUF> {
    using int_option::int_option;
};
/// SO_RCVBUF in bytes. The OS may round or double the value (Linux doubles it).
struct receive_buffer_size : detail::int_option<SOL_SOCKET, SO_RCVBUF> {
    using int_option::int_option;
};
/// IP_TTL: hop limit of outgoing IPv4 packets.
struct ttl : detail::int_option<IPPROTO_IP, IP_TTL> {
    using int_option::int_option;
};
/// IPV6_UNICAST_HOPS: hop limit of outgoing IPv6 unicast packets.
struct unicast_hops : detail::int_option<IPPROTO_IPV6, IPV6_UNICAST_HOPS> {
    using int_option::int_option;
};
/// Multicast TTL/hop limit (IP_MULTICAST_TTL or IPV6_MULTICAST_HOPS, by the socket's family).
struct multicast_ttl
    : detail::family_int_option<IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, detail::os::multicast_v4_value> {
    using family_int_option::family_int_option;
};
/// Whether multicast sent by this host loops back to its own sockets (IP_MULTICAST_LOOP or
/// IPV6_MULTICAST_LOOP, by the socket's family). `value` is 0 or 1.
struct multicast_loop
    : detail::family_int_option<IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, detail::os::multicast_v4_value> {
    using family_int_option::family_int_option;
};

/// Whether a socket bound to a wildcard address receives the datagrams of every multicast group
/// joined on its port by any socket of the host (true), or only of the groups it joined itself
/// (false). IP_MULTICAST_ALL, or IPV6_MULTICAST_ALL on an IPv6 socket (Linux 4.20+).
/// Trap (Linux): the default is true. A socket on 0.0.0.0:5000 that joined 239.1.1.1 also gets
/// the datagrams sent to 239.2.2.2:5000 as soon as another program on the host joins 239.2.2.2;
/// set `multicast_all{false}` on each receiving socket (or bind it to the group's address).
/// Trap: on a dual-stack IPv6 socket (v6_only false) IPv4 groups follow IP_MULTICAST_ALL,
/// which this option does not touch on an IPv6 socket; set it with `net::setsockopt`.
/// Other OSes have no such option, and setting or reading it fails with no_protocol_option:
/// macOS and the BSDs deliver to a socket only the groups joined on that socket (not verified
/// here); Windows likewise by its documentation (not verified here: Wine maps to Linux).
struct multicast_all
    : detail::family_bool_option<detail::os::opt_multicast_all_v4, detail::os::opt_multicast_all_v6> {
    using family_bool_option::family_bool_option;
};

/// UDP_SEGMENT (Linux 4.18+; UDP_SEND_MSG_SIZE on Windows 10 2004+): generic segmentation
/// offload. With `udp_segment{1200}`, every send on the socket of more than 1200 bytes leaves
/// as datagrams of 1200 bytes (the last one may be shorter): one 3000-byte send is received
/// as 1200 + 1200 + 600. 0 (the default) turns it off; at most 65535.
/// Traps: it applies to every send on the socket until set back to 0 (a send no larger than
/// the size goes as one datagram, as without it); the whole send is still one UDP payload of
/// at most about 64 KiB, and Linux refuses with invalid_argument a send of more than 64
/// segments or a size that does not fit the route's MTU (from the kernel's source; not tested
/// here). A kernel without it fails with no_protocol_option, as do macOS and the BSDs, which
/// have no such option. A size per send is a control message of sendmsg, not this option.
struct udp_segment
    : detail::int_option<IPPROTO_UDP, detail::os::opt_udp_segment, detail::os::udp_segment_value> {
    using int_option::int_option;
};
/// UDP_GRO (Linux 5.0+): the socket accepts coalesced datagrams (generic receive offload): a
/// single receive may then return several datagrams of the same sender back to back, all of
/// the same size but the last. Trap: a plain receive does not say where one datagram ends;
/// only the UDP_GRO control message of recvmsg gives the segment size, so enable it only where
/// the reader handles that. On loopback, receives are coalesced only when the sender used
/// udp_segment (the kernel keeps its segments together). Other OSes: no_protocol_option
/// (Windows' UDP_RECV_MAX_COALESCED_SIZE takes a byte limit, not a switch, and has its own
/// control message; reach it with `net::setsockopt`).
struct udp_gro : detail::bool_option<IPPROTO_UDP, detail::os::opt_udp_gro> {
    using bool_option::bool_option;
};

/// SO_LINGER. `{true, 0s}` makes close() reset the connection (RST) instead of a graceful FIN.
struct linger {
    bool enabled = false;
    std::chrono::seconds timeout{0};
    NETSOCK_DECL std::error_code set_on(native_handle_type h) const noexcept;
    NETSOCK_DECL std::error_code get_from(native_handle_type h) noexcept;
};

/// SO_RCVTIMEO: an OS-level timeout for every blocking receive (and accept). Expiry is reported
/// as timed_out. Prefer the timeout overloads of recv/accept, which need no option.
struct receive_timeout : detail::timeout_option<SO_RCVTIMEO> {
    using timeout_option::timeout_option;
};
/// SO_SNDTIMEO: an OS-level timeout for every blocking send. Expiry is reported as timed_out.
struct send_timeout : detail::timeout_option<SO_SNDTIMEO> {
    using timeout_option::timeout_option;
};

/// Joins a multicast group (set only): `net::set_option(s, net::join_group{group})`; for IPv4 the
/// interface is chosen by its address, for IPv6 by its index.
struct join_group : detail::membership_option<true> {};
/// Leaves a multicast group (set only).
struct leave_group : detail::membership_option<false> {};
/// Joins a multicast group for the datagrams of one source only (source-specific multicast,
/// RFC 4607; set only): `net::set_option(s, net::join_source_group{group, source, iface})`
/// (`iface`: an IPv4 interface address, or an IPv6 interface index).
/// IPv4: IP_ADD_SOURCE_MEMBERSHIP, the interface chosen by its address; IPv6:
/// MCAST_JOIN_SOURCE_GROUP, the interface by its index (0 = the group's scope id, or the
/// default). Join once per source to accept several. The SSM ranges are 232.0.0.0/8 and
/// ff3x::/32, but the OS does not insist on them.
/// Traps: on a group the socket joined for any source (join_group), Linux accepts the call and
/// narrows the membership to this one source (other OSes may refuse it, as RFC 3678 says; not
/// verified here); leave with the same group, source and interface. Errors: invalid_argument if `group` is
/// not multicast or `source` is not of its family; no_protocol_option where the OS has no source-specific
/// joins (OpenBSD, for example).
struct join_source_group : detail::source_membership_option<true> {
    using source_membership_option::source_membership_option;
};
/// Leaves a source of a group joined with join_source_group (set only); IP_DROP_SOURCE_MEMBERSHIP
/// or MCAST_LEAVE_SOURCE_GROUP. Leaving the last source leaves the group.
struct leave_source_group : detail::source_membership_option<false> {
    using source_membership_option::source_membership_option;
};

/// The interface for outgoing multicast: IPv4 by local address (IP_MULTICAST_IF), IPv6 by
/// interface index (IPV6_MULTICAST_IF).
struct multicast_interface {
    address interface_address = address::any(); ///< IPv4 sockets
    std::uint32_t interface_index = 0;          ///< IPv6 sockets
    NETSOCK_DECL std::error_code set_on(native_handle_type h) const noexcept;
    NETSOCK_DECL std::error_code get_from(native_handle_type h) noexcept;
};

/// SO_ERROR (get only): the pending error of the socket, e.g. the outcome of a non-blocking
/// connect. Reading it clears it.
struct socket_error {
    std::error_code value;
    NETSOCK_DECL std::error_code get_from(native_handle_type h) noexcept;
};

/// Sets a typed option. Errors: no_protocol_option where the OS lacks the option,
/// invalid_argument for a negative size or timeout, bad_file_descriptor for a closed socket.
template <class Option>
[[nodiscard]] result<void> try_set_option(const socket& s, const Option& option) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = option.set_on(s.native_handle())) return detail::fail(ec);
    return {};
}
/// Throwing form of `try_set_option`.
template <class Option> void set_option(const socket& s, const Option& option) {
    detail::unwrap(try_set_option(s, option), "set_option");
}

/// Reads a typed option: `auto size = net::get_option<net::receive_buffer_size>(s).value;`.
template <class Option> [[nodiscard]] result<Option> try_get_option(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    Option option{};
    if (auto ec = option.get_from(s.native_handle())) return detail::fail(ec);
    return option;
}
/// Throwing form of `try_get_option`.
template <class Option> Option get_option(const socket& s) {
    return detail::unwrap(try_get_option<Option>(s), "get_option");
}

/// The escape hatch for an option netsock has no type for, Python's
/// `s.setsockopt(level, name, value)`: `net::setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, 1)`. The
/// level and name constants come from the OS headers, which netsock includes; the value is
/// passed as it is (an int, or `size` bytes). Errors: the OS's (no_protocol_option,
/// invalid_argument, ...), bad_file_descriptor for a closed socket.
[[nodiscard]] inline result<void> try_setsockopt(const socket& s, int level, int name, const void* value,
                                                 std::size_t size) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::set_option_bytes(s.native_handle(), level, name, value, size))
        return detail::fail(ec);
    return {};
}
/// `try_setsockopt` of an int value.
[[nodiscard]] inline result<void> try_setsockopt(const socket& s, int level, int name, int value) noexcept {
    return try_setsockopt(s, level, name, &value, sizeof value);
}
/// Throwing forms of `try_setsockopt`.
inline void setsockopt(const socket& s, int level, int name, const void* value, std::size_t size) {
    detail::unwrap(try_setsockopt(s, level, name, value, size), "setsockopt");
}
inline void setsockopt(const socket& s, int level, int name, int value) {
    detail::unwrap(try_setsockopt(s, level, name, value), "setsockopt");
}

/// Python's `s.getsockopt(level, name, buflen)`: fills at most `size` bytes of `value` and
/// returns how many the OS wrote.
[[nodiscard]] inline result<std::size_t> try_getsockopt(const socket& s, int level, int name, void* value,
                                                        std::size_t size) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::get_option_bytes(s.native_handle(), level, name, value, size))
        return detail::fail(ec);
    return size;
}
/// Python's `s.getsockopt(level, name)`: the option as an int.
[[nodiscard]] inline result<int> try_getsockopt(const socket& s, int level, int name) noexcept {
    int value = 0;
    auto r = try_getsockopt(s, level, name, &value, sizeof value);
    if (!r) return detail::fail(r.error());
    return value;
}
/// Throwing forms of `try_getsockopt`.
inline std::size_t getsockopt(const socket& s, int level, int name, void* value, std::size_t size) {
    return detail::unwrap(try_getsockopt(s, level, name, value, size), "getsockopt");
}
inline int getsockopt(const socket& s, int level, int name) {
    return detail::unwrap(try_getsockopt(s, level, name), "getsockopt");
}

NETSOCK_END_NAMESPACE


#endif
// ---- end net/options.hpp ----
// ---- begin net/message.hpp ----
#ifndef NETSOCK_MESSAGE_HPP
#define NETSOCK_MESSAGE_HPP

// Beyond one buffer per call: batches of datagrams, scatter/gather, and what a message carries
// besides its bytes (ancillary data: the address a datagram was sent to, its hop limit, the
// kernel's receive time, a GRO segment size, descriptors passed over a local socket).
//
//     net::datagram batch[64];                    // each batch[i].buffer set once
//     std::size_t n = net::recv_batch(s, batch);  // waits for one, takes what is queued
//     net::send_batch(s, batch, n);               // echoes them back to their senders
//
// No call allocates: control data is encoded and decoded on the stack. What an OS lacks is
// reported, never emulated silently: a call as std::errc::operation_not_supported, an option
// (receive_packet_info, ...) as no_protocol_option, like every option (options.hpp).
//
// What each OS offers:
// - recv_batch / send_batch: recvmmsg / sendmmsg on Linux (64 datagrams per call); a loop of
//   single calls on macOS, the BSDs and Windows.
// - sendv / recvv: sendmsg / recvmsg; WSASend / WSARecv on Windows.
// - packet info (destination address, interface, reply source): IP_PKTINFO and
//   IPV6_RECVPKTINFO / IPV6_PKTINFO on Linux and macOS (there by the RFC 3542 numbers, which
//   <netinet6/in6.h> names only under __APPLE_USE_RFC_3542); WSARecvMsg / WSASendMsg on Windows.
// - hop limit: IP_RECVTTL, IPV6_RECVHOPLIMIT (Linux, macOS); not on Windows.
// - receive time: SO_TIMESTAMPNS (nanoseconds) on Linux, SO_TIMESTAMP (microseconds) on macOS
//   and the BSDs; not on Windows.
// - send_segments (UDP GSO) and the GRO segment size: Linux only (UDP_SEGMENT, UDP_GRO).
// - send_handles / recv_handles: SCM_RIGHTS (Linux with MSG_CMSG_CLOEXEC; macOS and the BSDs
//   set FD_CLOEXEC right after receipt); not on Windows.


#include <array> // std::data and std::size come with it (<iterator> would add <streambuf> and more)
#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <system_error>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Batches of datagrams

/// One datagram of a batch. For `recv_batch`, set `buffer` (the space for its payload); the call
/// sets `size`, `peer` (the sender), `truncated` and, with `receive_packet_info` on, the local
/// address it was sent to. For `send_batch`, it sends the first `size` bytes of `buffer` to
/// `peer`, from `destination` when `has_destination`: a received batch can be echoed as it is,
/// each reply leaving from the address its client used.
struct datagram {
    mutable_buffer buffer;        ///< the payload's storage
    std::size_t size = 0;         ///< bytes received / bytes of `buffer` to send
    net::address peer;            ///< the sender / the destination
    bool truncated = false;       ///< received: larger than `buffer` (the rest was discarded)
    bool has_destination = false; ///< received with packet info / send from `destination`
    net::address destination;     ///< the local address it was sent to (port 0) / the source
    unsigned interface_index = 0; ///< received: the interface it arrived on
    /// received: more control data came than a slot holds (128 bytes: packet info with a
    /// timestamp and a hop limit beside it); the packet info may be missing
    bool control_truncated = false;
};

/// A datagram to send from const bytes: `{net::buffer("ping"), &to}`; `to == nullptr` sends to
/// the connected peer. The address is not copied: it must outlive the call.
struct outgoing_datagram {
    const_buffer data;
    const address* to = nullptr;
};

/// Receives up to `count` datagrams: waits (up to `t`) for the first, then takes those already
/// queued without waiting. Returns how many arrived (at least 1). Each gets its `size`, `peer`
/// and `truncated`. An error that follows the first datagram is reported by the next call
/// (Linux; elsewhere, where this is a loop of single receives, an ICMP error report met after
/// the first datagram is dropped). `count == 0` is invalid_argument.
[[nodiscard]] NETSOCK_DECL result<std::size_t>
try_recv_batch(const socket& s, datagram* batch, std::size_t count, timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv_batch`.
NETSOCK_DECL std::size_t recv_batch(const socket& s, datagram* batch, std::size_t count,
                                    timeout t = timeout::none());
/// `recv_batch` over an array, std::array or std::vector of `datagram`.
template <class Range>
[[nodiscard]] auto try_recv_batch(const socket& s, Range& batch, timeout t = timeout::none()) noexcept
    -> decltype(try_recv_batch(s, std::data(batch), std::size(batch), t)) {
    return try_recv_batch(s, std::data(batch), std::size(batch), t);
}
template <class Range>
auto recv_batch(const socket& s, Range& batch, timeout t = timeout::none())
    -> decltype(recv_batch(s, std::data(batch), std::size(batch), t)) {
    return recv_batch(s, std::data(batch), std::size(batch), t);
}

/// Sends up to `count` datagrams in order: waits (up to `t`) for room for the first, then sends
/// as many more as the socket takes. Returns how many went (at least 1); send the rest with
/// another call. Trap: on a blocking socket without a timeout, Linux's sendmmsg may also wait
/// for room for the later datagrams of a piece (UDP rarely waits; a local datagram socket
/// can). A datagram that fails after the first is reported when a later
/// call starts with it (message_size for one too large, ...): skip it there.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_batch(const socket& s, const datagram* batch,
                                                              std::size_t count,
                                                              timeout t = timeout::none()) noexcept;
/// `try_send_batch` of const bytes, each to its own destination (or the connected peer).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_batch(const socket& s, const outgoing_datagram* batch,
                                                              std::size_t count,
                                                              timeout t = timeout::none()) noexcept;
/// Throwing forms of `try_send_batch`.
NETSOCK_DECL std::size_t send_batch(const socket& s, const datagram* batch, std::size_t count,
                                    timeout t = timeout::none());
NETSOCK_DECL std::size_t send_batch(const socket& s, const outgoing_datagram* batch, std::size_t count,
                                    timeout t = timeout::none());
template <class Range>
[[nodiscard]] auto try_send_batch(const socket& s, const Range& batch, timeout t = timeout::none()) noexcept
    -> decltype(try_send_batch(s, std::data(batch), std::size(batch), t)) {
    return try_send_batch(s, std::data(batch), std::size(batch), t);
}
template <class Range>
auto send_batch(const socket& s, const Range& batch, timeout t = timeout::none())
    -> decltype(send_batch(s, std::data(batch), std::size(batch), t)) {
    return send_batch(s, std::data(batch), std::size(batch), t);
}

// ---------------------------------------------------------------------------------------------
// Scatter/gather

/// Sends the buffers in order as one stream write or one datagram (writev/sendmsg, WSASend):
/// `net::sendv(conn, {net::buffer(head), net::buffer(body)})`. Returns the bytes the OS took,
/// possibly fewer than the total (as `send`; at most 64 buffers go per call). Errors as `send`.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendv(const socket& s, const const_buffer* buffers,
                                                         std::size_t count,
                                                         timeout t = timeout::none()) noexcept;
[[nodiscard]] inline result<std::size_t> try_sendv(const socket& s,
                                                   std::initializer_list<const_buffer> buffers,
                                                   timeout t = timeout::none()) noexcept {
    return try_sendv(s, buffers.begin(), buffers.size(), t);
}
/// Throwing forms of `try_sendv`.
NETSOCK_DECL std::size_t sendv(const socket& s, const const_buffer* buffers, std::size_t count,
                               timeout t = timeout::none());
inline std::size_t sendv(const socket& s, std::initializer_list<const_buffer> buffers,
                         timeout t = timeout::none()) {
    return sendv(s, buffers.begin(), buffers.size(), t);
}
/// Receives into the buffers in order, filling each before the next (readv/recvmsg, WSARecv).
/// Returns the bytes received; 0 is the peer's EOF on a stream (as `recv`; buffers that are all
/// empty are invalid_argument). At most 64 buffers are filled per call.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_recvv(const socket& s, const mutable_buffer* buffers,
                                                         std::size_t count,
                                                         timeout t = timeout::none()) noexcept;
[[nodiscard]] inline result<std::size_t> try_recvv(const socket& s,
                                                   std::initializer_list<mutable_buffer> buffers,
                                                   timeout t = timeout::none()) noexcept {
    return try_recvv(s, buffers.begin(), buffers.size(), t);
}
/// Throwing forms of `try_recvv`.
NETSOCK_DECL std::size_t recvv(const socket& s, const mutable_buffer* buffers, std::size_t count,
                               timeout t = timeout::none());
inline std::size_t recvv(const socket& s, std::initializer_list<mutable_buffer> buffers,
                         timeout t = timeout::none()) {
    return recvv(s, buffers.begin(), buffers.size(), t);
}

// ---------------------------------------------------------------------------------------------
// Ancillary data of datagrams

namespace detail {
NETSOCK_DECL std::error_code set_receive_flag(native_handle_type h, int name4, int name6, int level4,
                                              int level6, bool on) noexcept;
NETSOCK_DECL std::error_code get_receive_flag(native_handle_type h, int name4, int name6, int level4,
                                              int level6, bool& on) noexcept;
// A bool option whose name depends on the socket's family; -1: not available here.
template <int Name4, int Name6, int Level4 = IPPROTO_IP, int Level6 = IPPROTO_IPV6> struct receive_flag {
    bool value = false;
    constexpr receive_flag() noexcept = default;
    constexpr explicit receive_flag(bool v) noexcept : value(v) {}
    std::error_code set_on(native_handle_type h) const noexcept {
        return set_receive_flag(h, Name4, Name6, Level4, Level6, value);
    }
    std::error_code get_from(native_handle_type h) noexcept {
        return get_receive_flag(h, Name4, Name6, Level4, Level6, value);
    }
};
} // namespace detail

/// Report, with each datagram `recvmsg` receives, the local address it was sent to and the
/// interface it came in on (IP_PKTINFO; IPV6_RECVPKTINFO on IPv6 sockets, which covers IPv4
/// datagrams of a dual-stack socket as mapped addresses). What a server bound to 0.0.0.0 needs
/// to answer from the address the client used: `net::sendto(s, b, m.sender, m.reply_source())`.
struct receive_packet_info
    : detail::receive_flag<detail::os::opt_v4_packet_info, detail::os::opt_v6_packet_info> {
    using receive_flag::receive_flag;
};
/// Report the IPv4 TTL / IPv6 hop limit of each datagram (IP_RECVTTL, IPV6_RECVHOPLIMIT).
/// Not supported on Windows.
struct receive_hop_limit
    : detail::receive_flag<detail::os::opt_v4_receive_hops, detail::os::opt_v6_receive_hops> {
    using receive_flag::receive_flag;
};
/// Report the time the kernel received each datagram (SO_TIMESTAMPNS on Linux, SO_TIMESTAMP,
/// microseconds, on macOS/BSD). Not supported on Windows.
struct receive_timestamp
    : detail::receive_flag<detail::os::opt_timestamp, detail::os::opt_timestamp, SOL_SOCKET, SOL_SOCKET> {
    using receive_flag::receive_flag;
};

/// The local end a datagram is sent from: its source address (and, if not 0, the interface it
/// leaves by). Port ignored: the socket's own is used.
struct source_address {
    net::address local;
    unsigned interface_index = 0;
};

/// What `recvmsg` reports: the `recvfrom` triple, plus each item whose receive option is on.
struct [[nodiscard]] message {
    std::size_t size = 0;
    net::address sender;
    bool truncated = false; ///< larger than the buffer (the rest was discarded)
    /// receive_packet_info: the local address the datagram was sent to (port 0) and the index
    /// of the interface it arrived on; `has_destination` false when the message said nothing.
    bool has_destination = false;
    net::address destination;
    unsigned interface_index = 0;
    /// receive_hop_limit: the IPv4 TTL / IPv6 hop limit, -1 when not reported.
    int hop_limit = -1;
    /// receive_timestamp: the kernel's receive time; `has_timestamp` false when not reported.
    bool has_timestamp = false;
    std::chrono::system_clock::time_point timestamp{};
    /// UDP GRO (`net::udp_gro` on the socket): the datagram is several the sender sent, each
    /// `segment_size` bytes (the last may be shorter); 0 for an ordinary datagram.
    std::size_t segment_size = 0;
    /// The kernel had more control data than fits netsock's buffer (MSG_CTRUNC): some items are
    /// missing.
    bool control_truncated = false;

    /// The source for a reply that leaves from the address this datagram was sent to (without
    /// packet info: the unset address of the sender's family, the OS chooses).
    source_address reply_source() const {
        return {has_destination ? destination : address::any(sender.family()), 0};
    }
};

/// Receives one datagram with its ancillary data (recvmsg / WSARecvMsg). Turn the items on per
/// socket first: `net::set_option(s, net::receive_packet_info{true})`.
[[nodiscard]] NETSOCK_DECL result<message> try_recvmsg(const socket& s, mutable_buffer b,
                                                       timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recvmsg`.
NETSOCK_DECL message recvmsg(const socket& s, mutable_buffer b, timeout t = timeout::none());

/// Sends one datagram to `to` from the local address `from.local` (IP_PKTINFO / IPV6_PKTINFO;
/// on a socket bound to 0.0.0.0 or ::). An unset source (0.0.0.0 or ::, interface 0) is plain
/// `sendto`: the OS chooses. Errors: a source of the other family than `to` is
/// address_family_not_supported (an IPv4 source to an IPv4-mapped peer, and an IPv4-mapped
/// source to an IPv4 peer, are converted); one that is not this host's fails in the OS
/// (Linux: network_unreachable); an unknown `interface_index`: no_such_device (Linux).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to,
                                                          const source_address& from,
                                                          timeout t = timeout::none()) noexcept;
/// Throwing form of `try_sendto` with a source.
NETSOCK_DECL std::size_t sendto(const socket& s, const_buffer b, const address& to,
                                const source_address& from, timeout t = timeout::none());
/// `sendto` with a source, of text (a string literal's characters, std::string, std::string_view).
[[nodiscard]] inline result<std::size_t> try_sendto(const socket& s, std::string_view text, const address& to,
                                                    const source_address& from,
                                                    timeout t = timeout::none()) noexcept {
    return try_sendto(s, const_buffer(text.data(), text.size()), to, from, t);
}
inline std::size_t sendto(const socket& s, std::string_view text, const address& to,
                          const source_address& from, timeout t = timeout::none()) {
    return sendto(s, const_buffer(text.data(), text.size()), to, from, t);
}

/// UDP GSO (Linux 4.18+): sends `payload` as datagrams of `segment_size` bytes each (the last
/// may be shorter) in one call; the receiver sees ordinary datagrams. At most 64 segments and
/// 65507 bytes per call on IPv4 (the kernel's limits: invalid_argument or message_size
/// beyond). `to == nullptr`: the connected peer. Elsewhere operation_not_supported.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_segments(const socket& s, const_buffer payload,
                                                                 std::size_t segment_size, const address* to,
                                                                 timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send_segments`.
NETSOCK_DECL std::size_t send_segments(const socket& s, const_buffer payload, std::size_t segment_size,
                                       const address* to, timeout t = timeout::none());

// ---------------------------------------------------------------------------------------------
// Passing descriptors over local sockets (SCM_RIGHTS)

/// The most descriptors one message carries (253 on Linux; 0 where passing is not supported).
inline constexpr std::size_t max_passed_handles = detail::os::max_passed_handles;

/// Sends `data` (at least one byte: a stream needs a byte to carry them) with duplicates of
/// the descriptors `handles[0..count)` (sockets, files, pipes), over a local socket. The
/// originals stay open here. Returns the bytes of `data` sent; if that is fewer than all, the
/// descriptors went with the first byte. More than `max_passed_handles` is invalid_argument.
/// Windows: operation_not_supported.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_send_handles(const socket& s, const_buffer data,
                                                                const native_handle_type* handles,
                                                                std::size_t count,
                                                                timeout t = timeout::none()) noexcept;
/// Throwing form of `try_send_handles`.
NETSOCK_DECL std::size_t send_handles(const socket& s, const_buffer data, const native_handle_type* handles,
                                      std::size_t count, timeout t = timeout::none());

/// What `recv_handles` reports.
struct [[nodiscard]] handles_received {
    std::size_t size = 0;    ///< bytes of data (0: the peer closed the stream)
    std::size_t handles = 0; ///< descriptors stored in the caller's array
    /// More descriptors arrived than the array holds, or the kernel cut the control data
    /// (MSG_CTRUNC): the ones that did not fit were closed (Linux never installs them). Trap on
    /// macOS and the BSDs: their kernels install every descriptor before copying out what fits,
    /// so netsock receives into room for 512 and closes the extras; a sender passing more than
    /// that would leak the rest there.
    bool truncated = false;
};

/// Receives data and the descriptors that came with it into `out[0..capacity)`, as owning
/// `net::socket`s (closing one closes the descriptor, whatever it is). They are close-on-exec
/// (atomically with MSG_CMSG_CLOEXEC on Linux; set right after receipt elsewhere). Windows:
/// operation_not_supported.
[[nodiscard]] NETSOCK_DECL result<handles_received> try_recv_handles(const socket& s, mutable_buffer data,
                                                                     socket* out, std::size_t capacity,
                                                                     timeout t = timeout::none()) noexcept;
/// Throwing form of `try_recv_handles`.
NETSOCK_DECL handles_received recv_handles(const socket& s, mutable_buffer data, socket* out,
                                           std::size_t capacity, timeout t = timeout::none());

NETSOCK_END_NAMESPACE


#endif
// ---- end net/message.hpp ----
// ---- begin net/file.hpp ----
#ifndef NETSOCK_FILE_HPP
#define NETSOCK_FILE_HPP

// Sending a file to a socket without reading it into user memory (Python's socket.sendfile):
//
//     int fd = ::open("index.html", O_RDONLY);            // a HANDLE on Windows
//     net::sendfile_all(conn, fd, 0, size);                // every byte, or net::error
//     std::size_t n = net::sendfile(conn, fd, offset, 1 << 20, 5s); // what went (0: EOF)
//
// The file is given by its OS handle (`net::native_file_type`: an `int` descriptor on POSIX, a
// `HANDLE` on Windows), opened for reading by the caller, who keeps owning it. The file's own
// position (lseek, SetFilePointerEx) is not used: the bytes go from `offset`.
//
// What each OS does, per attempt:
// - Linux: sendfile(socket, file, &offset_copy, count) (at most 0x7ffff000 bytes per call, the
//   kernel's own limit), with SIGPIPE blocked in the calling thread for the call (Linux's
//   sendfile has no MSG_NOSIGNAL; a SIGPIPE the call raised is discarded, as MSG_NOSIGNAL would).
// - macOS: sendfile(file, socket, offset, &len, nullptr, 0); FreeBSD and DragonFly:
//   sendfile(file, socket, offset, count, nullptr, &sbytes, 0). The bytes these report on
//   EAGAIN or EINTR count.
// - Windows: TransmitFile (taken from the provider with WSAIoctl, so no mswsock.lib), overlapped
//   with the offset in the OVERLAPPED, at most 64 KiB per call, waited for up to the deadline
//   and cancelled there like every timed Winsock call; the file's size is read first
//   (GetFileSizeEx).
// - Fallback, a read + send loop (pread / ReadFile at the offset into a 32 KiB stack buffer, then
//   one send): on POSIX systems without sendfile (NetBSD, OpenBSD, ...); when sendfile fails
//   with EINVAL, ENOSYS, EOPNOTSUPP or ENOTSUP (Linux: a file without the page-cache
//   operations sendfile needs, e.g. some FUSE or special files; macOS/FreeBSD: not a regular
//   file, or a socket that is not a stream socket; a file system without sendfile) — the
//   fallback then reports the real error, if there is one (ESPIPE for a pipe); on Windows when
//   the provider has no TransmitFile or refuses it (WSAEOPNOTSUPP, WSAEINVAL), and for an
//   attempt that must not wait at all (a non-blocking socket, a canceller), because an
//   overlapped TransmitFile always completes later and would be cancelled before it moved
//   anything. Each attempt tries sendfile first: no state is remembered between calls.
//
// Traps and guarantees:
// - The file must stay open during the call. Its content should not change during the call
//   and until the peer has the data: Linux may send the page-cache pages themselves, so a write
//   (or a truncation inside a page) after sendfile returned can still change bytes that were
//   counted as sent.
// - A file that shrinks during the transfer makes it end early (sendfile_all: errc::eof);
//   what went is always reported exactly. An offset at or beyond the end of the file sends
//   nothing and returns 0 (not an error); an offset larger than the OS's file offsets can hold
//   (above 2^63 - 1) is invalid_argument.
// - `count` 0 returns 0 at once without a system call (only a closed socket is reported).
// - With a timeout or a canceller on a blocking socket, POSIX switches the socket to
//   non-blocking mode for the duration of the call (as accept and connect do; sendfile has no
//   MSG_DONTWAIT), restoring it after: another thread's call on the same socket in that window
//   sees a non-blocking socket. Make such a socket non-blocking once (`net::set_nonblocking`)
//   and give every call a timeout instead. Windows needs no switch.
// - Datagram sockets: what the OS says. On Linux each attempt on a connected UDP socket is one
//   datagram (message_size when `count` is larger than a datagram can be), and an unconnected
//   one fails with destination_address_required (EDESTADDRREQ); macOS and FreeBSD refuse non-stream sockets
//   (the fallback's send then answers); Windows' TransmitFile needs a connected stream socket (an unconnected
//   UDP socket: not_connected, WSAENOTCONN, under Wine 8). Use a stream socket.
// - On Windows the read+send path reads with ReadFile at the offset, which on a handle opened
//   without FILE_FLAG_OVERLAPPED also moves its file pointer.


#include <cstddef>
#include <cstdint>

NETSOCK_BEGIN_NAMESPACE

/// Sends up to `count` bytes of `file` from `offset` and returns how many went, like `send`:
/// possibly fewer (a partial transfer is reported, never lost); 0 means the end of the file is
/// at `offset` (or `count` was 0). Without a timeout it blocks as the socket's mode says; with
/// one it waits for room (POLLOUT) until then, timed_out if nothing went. On a non-blocking
/// socket with a full send buffer: operation_would_block with nothing sent, or the partial
/// count. Errors: bad_file_descriptor (a closed socket, an invalid file), the OS's (see the top
/// of file.hpp for which call each OS makes and what it refuses).
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendfile(const socket& s, native_file_type file,
                                                            std::uint64_t offset, std::size_t count,
                                                            timeout t = timeout::none()) noexcept;
/// Throwing form of `try_sendfile`.
NETSOCK_DECL std::size_t sendfile(const socket& s, native_file_type file, std::uint64_t offset,
                                  std::size_t count, timeout t = timeout::none());

/// Sends `count` bytes of `file` from `offset`, looping over partial transfers (also on
/// non-blocking sockets: it waits for room), and returns `count`; a timeout is one deadline
/// for the whole transfer. The end of the file before `count` bytes is errc::eof. On any
/// failure `*sent` (if given) holds exactly how many bytes went out before it.
[[nodiscard]] NETSOCK_DECL result<std::size_t> try_sendfile_all(const socket& s, native_file_type file,
                                                                std::uint64_t offset, std::size_t count,
                                                                timeout t = timeout::none(),
                                                                std::size_t* sent = nullptr) noexcept;
/// Throwing form of `try_sendfile_all`; the `net::error` carries `bytes_transferred()`.
NETSOCK_DECL std::size_t sendfile_all(const socket& s, native_file_type file, std::uint64_t offset,
                                      std::size_t count, timeout t = timeout::none());

NETSOCK_END_NAMESPACE


#endif
// ---- end net/file.hpp ----
// ---- begin net/resolve.hpp ----
#ifndef NETSOCK_RESOLVE_HPP
#define NETSOCK_RESOLVE_HPP

// Name resolution and the two convenience constructors of Python's socket module:
// create_connection (with Happy Eyeballs, RFC 8305) and create_server.


#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

NETSOCK_BEGIN_NAMESPACE

/// What `resolve` looks for.
struct resolve_hints {
    /// Only this family (default: IPv4 and IPv6).
    std::optional<net::family> family;
    /// The socket type the addresses are for.
    socket_type type = socket_type::stream;
    /// For an empty host: the wildcard address (for bind) instead of loopback (for connect).
    bool passive = false;
};

/// Resolves a host name or numeric address and a service (port number or name such as
/// "http") into addresses, in the resolver's order, without duplicates. Numeric hosts never
/// touch DNS (AI_NUMERICHOST), and AI_ADDRCONFIG is never used, so "localhost", "127.0.0.1" and
/// "::1" resolve on a machine with no network. A host with a ':' or one that looks numeric
/// (dot-separated labels of decimal digits or 0x-hex, such as "127.1", "012.0.0.1",
/// "0x7f.0.0.1" or "2130706433", which inet_aton would read) is parsed by `address::parse`'s
/// strict rules on every OS: if they reject it, so does resolve, with the same reason
/// (`net::errc::ipv4_leading_zero`, ..., equal to `std::errc::invalid_argument`), never DNS. Errors (category
/// `net::resolve_category()`) compare equal to `net::resolve_errc::host_not_found`, `service_not_found`,
/// `try_again`, ... Allocation failure terminates (the function is noexcept).
[[nodiscard]] NETSOCK_DECL result<std::vector<address>>
try_resolve(std::string_view host, std::string_view service = {}, const resolve_hints& hints = {}) noexcept;
/// Throwing form of `try_resolve`.
NETSOCK_DECL std::vector<address> resolve(std::string_view host, std::string_view service = {},
                                          const resolve_hints& hints = {});

/// Connects to the first reachable address of `host:port` (Python's `socket.create_connection`):
/// resolves the name, then races the addresses Happy-Eyeballs style (RFC 8305): IPv6 first,
/// alternating families, a new attempt every 250 ms without waiting for the previous one to
/// fail; the first connection wins and the others are closed. Each attempt uses a fresh
/// socket; the timeout (and canceller) is one deadline for resolution and the whole race
/// (without one, each attempt ends when the OS gives up). getaddrinfo cannot be interrupted:
/// with a time limit or a canceller a name is resolved on a thread of its own, and on expiry or
/// cancel the call returns at once and abandons it (the thread finishes the lookup alone). On failure the
/// most specific error is reported (e.g. connection_refused rather than timed_out). The returned socket is
/// blocking; `peer_address` tells which address won.
/// ```cpp
/// net::socket s = net::create_connection("localhost", 8080, std::chrono::seconds(5));
/// ```
[[nodiscard]] NETSOCK_DECL result<socket> try_create_connection(std::string_view host, std::uint16_t port,
                                                                timeout t = timeout::none()) noexcept;
/// Races connects to already-resolved addresses, in the given order.
[[nodiscard]] NETSOCK_DECL result<socket> try_create_connection(const std::vector<address>& targets,
                                                                timeout t = timeout::none()) noexcept;
/// Throwing forms of `try_create_connection`.
NETSOCK_DECL socket create_connection(std::string_view host, std::uint16_t port, timeout t = timeout::none());
NETSOCK_DECL socket create_connection(const std::vector<address>& targets, timeout t = timeout::none());

/// Options of `create_server`.
struct server_options {
    /// The listen backlog.
    int backlog = default_backlog;
    /// SO_REUSEPORT: let several listeners share the port (Linux, macOS, BSD). Off by default,
    /// so a second server on a live port fails with address_in_use.
    bool reuse_port = false;
    /// For an IPv6 address: also accept IPv4 clients (IPV6_V6ONLY off). Fails with
    /// operation_not_supported where the OS cannot do it, invalid_argument for IPv4 addresses.
    bool dual_stack = false;
    /// For a local address whose path is taken: remove a stale socket file (left by a server
    /// that exited without removing it) and bind again. The file is removed only if it is a
    /// socket (not a regular file, directory or symbolic link) and a connect to it is refused,
    /// so a live server keeps its path; otherwise create_server fails with address_in_use and
    /// leaves the file alone. A server started between that check and the bind can still lose
    /// its path: the check is no lock. Off by default.
    bool remove_existing_path = false;
};

/// A listening TCP (or local stream) socket bound to `a` (Python's `socket.create_server`):
/// the listener policy of `bind`, v6-only unless `dual_stack`, and `listen(backlog)`.
/// ```cpp
/// auto server = net::create_server(net::address::parse("127.0.0.1:0"));
/// auto [conn, peer] = net::accept(server);
/// ```
[[nodiscard]] NETSOCK_DECL result<socket> try_create_server(const address& a,
                                                            const server_options& o = {}) noexcept;
/// Throwing form of `try_create_server`.
NETSOCK_DECL socket create_server(const address& a, const server_options& o = {});

/// Python's `socket.create_server((host, port))`: resolves `host` (for binding: "*"-style
/// wildcards come from the resolver, "" is 0.0.0.0 as in Python, "::" the IPv6 wildcard) and
/// returns a server on the first address that binds. Errors: the resolver's, or the first
/// address's error (e.g. address_in_use).
[[nodiscard]] NETSOCK_DECL result<socket> try_create_server(std::string_view host, std::uint16_t port,
                                                            const server_options& o = {}) noexcept;
/// Throwing form of `try_create_server(host, port)`.
NETSOCK_DECL socket create_server(std::string_view host, std::uint16_t port, const server_options& o = {});

NETSOCK_END_NAMESPACE


#endif
// ---- end net/resolve.hpp ----
// ---- begin net/poller.hpp ----
#ifndef NETSOCK_POLLER_HPP
#define NETSOCK_POLLER_HPP

// net::poller: many sockets on one thread, in the spirit of Python's `selectors`.

// ---- begin net/detail/poller_common.hpp ----
#ifndef NETSOCK_DETAIL_POLLER_COMMON_HPP
#define NETSOCK_DETAIL_POLLER_COMMON_HPP

// What every poller backend shares: the ready-event record and the buffer it fills, and the
// state a backend keeps inside net::poller. This header is on the public path (it gives
// net::poller its layout), so it names no OS poll API: the backends (poller_backend.hpp) are
// included by impl/poller.ipp only, and complete the types declared here for the backend in use.


#include <cstddef>
#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
// The events of one wait. Entries of sockets removed during the event loop are blanked
// (handle = invalid_handle) and skipped by iteration, so no stale event is ever delivered.
class ready_list {
public:
    explicit ready_list(std::size_t capacity) : items_(capacity == 0 ? 1 : capacity) {}
    std::size_t capacity() const noexcept { return items_.size(); }
    void clear() noexcept { size_ = 0; }
    void push(native_handle_type h, events what, void* data) noexcept {
        items_[size_++] = poll_event{h, what, data};
    }
    bool full() const noexcept { return size_ == items_.size(); }
    NETSOCK_DECL void forget(native_handle_type h) noexcept;
    NETSOCK_DECL void update(native_handle_type h, void* data) noexcept;
    const poll_event* begin() const noexcept { return items_.data(); }
    const poll_event* end() const noexcept { return items_.data() + size_; }

private:
    std::vector<poll_event> items_;
    std::size_t size_ = 0;
};

// The state of the poll() and WSAPoll backends (poller_poll.hpp): the pollfd array is kept
// between waits, so a wait allocates nothing.
struct poll_state {
    std::vector<os::pollfd_type> fds;
    std::vector<void*> data;
    std::vector<std::pair<native_handle_type, std::size_t>> slots; // (handle, slot), by handle
    std::size_t next = 0;                                          // where the next scan starts
    // poller::wake: a byte sent on wake_writer makes wake_reader readable; each wait watches it.
    socket wake_reader;
    socket wake_writer;
};

// The state of the kernel-queue backends (poller_epoll.hpp, poller_kqueue.hpp): the queue's
// descriptor, the user data by descriptor, and the array one wait fills. The two element types
// are completed by the backend in use, whose header also defines the members declared here
// (they close the descriptor). Only impl/poller.ipp creates, moves and destroys this state, so
// user code sees neither <sys/epoll.h> nor <sys/event.h> (a vector of an incomplete type may be
// declared, C++17 [vector.overview]).
// Declared only where a queue backend is in use: its members are defined by that backend.
#if defined(NETSOCK_POLLER_EPOLL) || defined(NETSOCK_POLLER_KQUEUE)
struct queue_entry; // the user data (kqueue: and the watched events) of one descriptor
struct queue_event; // ::epoll_event or struct ::kevent
struct queue_state {
    NETSOCK_DECL queue_state() noexcept;
    NETSOCK_DECL queue_state(queue_state&& o) noexcept;
    NETSOCK_DECL queue_state& operator=(queue_state&& o) noexcept;
    queue_state(const queue_state&) = delete;
    queue_state& operator=(const queue_state&) = delete;
    NETSOCK_DECL ~queue_state();

    int fd = -1;
    std::vector<queue_entry> table;
    std::size_t count = 0;
    std::vector<queue_event> raw;
    // The canceller of the last wait that had one (net::timeout): a duplicate of its socket,
    // owned by the poller and kept in the queue while waits use the same canceller.
    int stop_fd = -1;
    std::uint64_t stop_id = 0;
    // poller::wake: epoll's eventfd (wake_writer -1); kqueue without EVFILT_USER: a socket
    // pair's reading end and writing end; kqueue with EVFILT_USER: neither.
    int wake_fd = -1;
    int wake_writer = -1;
};
#endif

// The state net::poller holds, for the backend detail/platform.hpp chose.
#if defined(NETSOCK_POLLER_EPOLL) || defined(NETSOCK_POLLER_KQUEUE)
using poller_state = queue_state;
#else
using poller_state = poll_state;
#endif

inline std::error_code poller_error(std::errc e) noexcept { return make_errc(e); }
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/poller_common.hpp ----

#include <cstddef>
#include <system_error>
// std::forward_iterator_tag comes with <vector> (poller_common.hpp) in every standard library;
// <iterator> itself would add <streambuf> and more to every file (bench/compile_time.sh).

NETSOCK_BEGIN_NAMESPACE

/// Waits for readiness on many sockets at once (epoll on Linux, kqueue on macOS/BSD, WSAPoll on
/// Windows, poll() elsewhere or when NETSOCK_POLLER_POLL is defined). Level-triggered: a socket
/// is reported on every wait while it stays ready.
///
/// Readiness contract: an event is a hint, not a promise. A readable socket may still have
/// nothing to read (spurious wake-ups happen), so use non-blocking sockets and read/accept
/// until `net::is_would_block(ec)`. `error` and `hangup` are always reported, even if not
/// requested. Removing a socket inside the event loop drops its still-pending events from the
/// current batch. Close a socket only after removing it.
///
/// ```cpp
/// net::poller p;
/// p.add(listener, net::events::readable);
/// for (;;)
///     for (const net::poll_event& ev : p.wait(std::chrono::seconds(1)))
///         handle(ev.handle, ev.what, ev.data);
/// ```
/// Not thread-safe: use one poller from one thread (only `wake` may be called from others). No
/// heap allocation per `wait`.
class poller {
public:
    /// The events of one `wait`, valid until the next `wait`: iterate with range-for.
    class ready_events {
    public:
        class iterator {
        public:
            using value_type = poll_event;
            using reference = const poll_event&;
            using pointer = const poll_event*;
            using difference_type = std::ptrdiff_t;
            using iterator_category = std::forward_iterator_tag;
            iterator() = default;
            iterator(const poll_event* p, const poll_event* end) : p_(p), end_(end) { skip(); }
            reference operator*() const noexcept { return *p_; }
            pointer operator->() const noexcept { return p_; }
            iterator& operator++() noexcept {
                ++p_;
                skip();
                return *this;
            }
            iterator operator++(int) noexcept {
                iterator old = *this;
                ++*this;
                return old;
            }
            friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.p_ == b.p_; }
            friend bool operator!=(const iterator& a, const iterator& b) noexcept { return a.p_ != b.p_; }

        private:
            void skip() noexcept { // entries of sockets removed during the loop are blank
                while (p_ != end_ && p_->handle == invalid_handle) ++p_;
            }
            const poll_event* p_ = nullptr;
            const poll_event* end_ = nullptr;
        };
        explicit ready_events(const detail::ready_list* list) noexcept : list_(list) {}
        iterator begin() const noexcept { return {list_->begin(), list_->end()}; }
        iterator end() const noexcept { return {list_->end(), list_->end()}; }
        /// The number of events still to be delivered (removed sockets excluded).
        NETSOCK_DECL std::size_t size() const noexcept;
        bool empty() const noexcept { return begin() == end(); }

    private:
        const detail::ready_list* list_;
    };

    /// A poller reporting at most `max_events` sockets per wait (the rest come next time).
    /// Throws net::error if the OS cannot create one (see `try_create`).
    NETSOCK_DECL explicit poller(std::size_t max_events = 256);
    /// Non-throwing construction. Errors: too_many_files_open, ...
    [[nodiscard]] NETSOCK_DECL static result<poller> try_create(std::size_t max_events = 256) noexcept;
    poller(poller&&) noexcept = default;
    poller& operator=(poller&&) noexcept = default;
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;

    /// Watches `s` for `what` (readable and/or writable) with user `data` returned in events.
    /// Errors: file_exists if already added, bad_file_descriptor for a closed socket.
    [[nodiscard]] NETSOCK_DECL result<void> try_add(const socket& s, events what,
                                                    void* data = nullptr) noexcept;
    NETSOCK_DECL void add(const socket& s, events what, void* data = nullptr);
    /// Changes the events and data of a watched socket. Errors: no_such_file_or_directory if it
    /// is not watched.
    [[nodiscard]] NETSOCK_DECL result<void> try_modify(const socket& s, events what,
                                                       void* data = nullptr) noexcept;
    NETSOCK_DECL void modify(const socket& s, events what, void* data = nullptr);
    /// Stops watching `s`; its events still pending in the current batch are dropped.
    /// Errors: no_such_file_or_directory if it is not watched.
    [[nodiscard]] NETSOCK_DECL result<void> try_remove(const socket& s) noexcept;
    NETSOCK_DECL void remove(const socket& s);

    /// Waits until at least one watched socket is ready, `wake()` is called or `t` passes (then
    /// the result is empty: neither is an error). Signals (EINTR) never end the wait early.
    [[nodiscard]] NETSOCK_DECL result<ready_events> try_wait(timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_wait`.
    NETSOCK_DECL ready_events wait(timeout t = timeout::none());

    /// Ends a `wait` in progress on another thread at once (it returns the events ready by
    /// then, possibly none), or, if none is in progress, makes the next `wait` return at once.
    /// Wake-ups coalesce: several before a wait end that one wait. The one member another
    /// thread may call, while this poller exists and is not being moved; async-signal-safe on
    /// Linux (one write to an eventfd) and under poll (one send on a socket pair); kqueue uses
    /// an EVFILT_USER event, WSAPoll a loopback socket pair.
    /// ```cpp
    /// // another thread:  { std::lock_guard l(m); work.push_back(item); } p.wake();
    /// // the poller's:    for (;;) { auto ready = p.wait(); take_work(); handle(ready); }
    /// ```
    NETSOCK_DECL void wake() noexcept;

    /// The number of watched sockets.
    NETSOCK_DECL std::size_t size() const noexcept;
    /// "epoll", "kqueue", "poll" or "wsapoll".
    static constexpr const char* backend_name() noexcept { return NETSOCK_POLLER_NAME; }

private:
    struct tag {};
    NETSOCK_DECL poller(tag, std::size_t max_events);

    // The backend's data (detail/poller_common.hpp); the backend code is in impl/poller.ipp.
    detail::poller_state state_;
    detail::ready_list ready_;
};

NETSOCK_END_NAMESPACE


#endif
// ---- end net/poller.hpp ----
// ---- begin net/reader.hpp ----
#ifndef NETSOCK_READER_HPP
#define NETSOCK_READER_HPP

// net::reader: buffered reading of lines, delimited records and exact counts from a stream
// socket, Python's `sock.makefile("rb").readline()` for blocking sockets.

// ---- begin net/detail/read_buffer.hpp ----
#ifndef NETSOCK_DETAIL_READ_BUFFER_HPP
#define NETSOCK_DETAIL_READ_BUFFER_HPP

// The buffer behind net::reader (reader.hpp): bytes received but not yet handed out, and the
// search for a separator in them. It knows nothing of sockets or waiting, so a reader of any
// kind (blocking, or a coroutine one) can drive it:
//     while (!(pos = buf.find(sep))) { if (buf.size() >= limit) error; n = recv(buf.prepare(m));
//     buf.commit(n); }
// Growth is geometric and never zero-fills on the receive path; the data is moved to the front
// only when the free tail is too small. A search resumes where the last one stopped, so reading
// a long line in small pieces stays linear. (The storage is a plain new[] array: <memory> would
// add a tenth to the compile time of every file that includes netsock.)


#include <cstddef>
#include <cstring>
#include <string_view>
#include <utility>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

class read_buffer {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    read_buffer() noexcept = default;
    read_buffer(read_buffer&& o) noexcept { take(o); }
    read_buffer& operator=(read_buffer&& o) noexcept {
        if (this != &o) {
            delete[] storage_;
            take(o);
        }
        return *this;
    }
    read_buffer(const read_buffer&) = delete;
    read_buffer& operator=(const read_buffer&) = delete;
    ~read_buffer() { delete[] storage_; }

    // The unread bytes.
    std::string_view data() const noexcept { return {storage_ + begin_, end_ - begin_}; }
    std::size_t size() const noexcept { return end_ - begin_; }
    // Drops the first n unread bytes (all if n > size()).
    void consume(std::size_t n) noexcept {
        n = n < size() ? n : size();
        begin_ += n;
        scanned_ = scanned_ > n ? scanned_ - n : 0;
        if (begin_ == end_) begin_ = end_ = 0;
    }
    // Room for at least `n` more bytes at the end (may move or grow the storage).
    mutable_buffer prepare(std::size_t n) {
        if (capacity_ - end_ < n) {
            const std::size_t live = size();
            if (capacity_ - live >= n && begin_ > 0) {
                std::memmove(storage_, storage_ + begin_, live);
            } else {
                std::size_t grown = capacity_ < 4096 ? 4096 : capacity_ * 2;
                while (grown - live < n) grown *= 2;
                char* bigger = new char[grown]; // not zero-filled
                if (live > 0) std::memcpy(bigger, storage_ + begin_, live);
                delete[] storage_;
                storage_ = bigger;
                capacity_ = grown;
            }
            begin_ = 0;
            end_ = live;
        }
        return {storage_ + end_, capacity_ - end_};
    }
    // Makes `n` bytes written into the last prepare() part of the data.
    void commit(std::size_t n) noexcept { end_ += n; }
    // The length of the data up to and including the first `sep`, or npos if it is not there.
    // Resumes where the last search for the same separator stopped.
    std::size_t find(std::string_view sep) noexcept {
        const std::string_view d = data();
        if (sep.empty()) return 0;
        if (sep != std::string_view(last_sep_, last_sep_size_)) { // another separator: from the start
            scanned_ = 0;
            last_sep_size_ = sep.size() <= sizeof last_sep_ ? sep.size() : 0;
            if (last_sep_size_ > 0) std::memcpy(last_sep_, sep.data(), last_sep_size_);
        }
        const std::size_t from = scanned_ >= sep.size() ? scanned_ - (sep.size() - 1) : 0;
        const std::size_t at = d.find(sep, from);
        if (at == std::string_view::npos) {
            scanned_ = d.size();
            return npos;
        }
        scanned_ = 0;
        last_sep_size_ = 0;
        return at + sep.size();
    }

private:
    void take(read_buffer& o) noexcept {
        storage_ = std::exchange(o.storage_, nullptr);
        capacity_ = std::exchange(o.capacity_, 0);
        begin_ = std::exchange(o.begin_, 0);
        end_ = std::exchange(o.end_, 0);
        scanned_ = std::exchange(o.scanned_, 0);
        last_sep_size_ = std::exchange(o.last_sep_size_, 0);
        std::memcpy(last_sep_, o.last_sep_, sizeof last_sep_);
    }

    char* storage_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0, end_ = 0;
    std::size_t scanned_ = 0; // bytes of data() already searched without a match
    char last_sep_[16] = {};  // the separator scanned_ is for (longer ones never resume)
    std::size_t last_sep_size_ = 0;
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/read_buffer.hpp ----

#include <cstddef>
#include <string_view>

NETSOCK_BEGIN_NAMESPACE

/// Reads a stream socket through a buffer: `read_until` a separator, `readline`,
/// `read_exactly`, `read_some`.
///
/// ```cpp
/// net::reader in(conn);
/// while (auto line = in.try_readline(std::chrono::seconds(30))) // "GET / HTTP/1.1\r\n"
///     handle(*line);
/// ```
///
/// Traps and guarantees:
/// - A returned view points into the reader's buffer and is valid until the next call on the
///   reader (copy it to keep it). Each call consumes what it returns.
/// - The reader borrows the socket: the socket must outlive it. Bytes the reader has buffered
///   are not in the socket any more: once you read through a reader, read only through it
///   (`buffered()` hands over what it holds).
/// - A timeout (or canceller) is one deadline for the whole call; on expiry, cancellation or an
///   error nothing is consumed: the bytes received so far stay buffered for the next call.
/// - End of stream before the separator or count: the error is `net::errc::eof`, and the
///   partial data is still readable with `buffered()` (and `consume()`); a clean EOF (nothing
///   buffered) is `net::errc::eof` too, so `while (auto line = in.try_readline())` ends there.
/// - The reader never buffers more than `limit` bytes (default 64 KiB): a separator not found
///   within it, or a `read_exactly` of more, is `std::errc::message_size` and the data is
///   kept. Raise the limit for larger records.
/// - Allocation failure terminates (the try_ functions are noexcept). No allocation once the
///   buffer has grown to the largest record.
class reader {
public:
    /// The default bound of `read_until`.
    static constexpr std::size_t default_limit = 64 * 1024;

    explicit reader(const socket& s, std::size_t limit = default_limit) noexcept
        : socket_(&s), limit_(limit) {}
    /// A reader of a temporary socket would point to a destroyed one.
    reader(socket&&, std::size_t = default_limit) = delete;

    /// The data up to and including the first `separator` (not empty).
    /// Errors: eof, message_size, timed_out, operation_canceled, the socket's errors.
    [[nodiscard]] NETSOCK_DECL result<std::string_view> try_read_until(std::string_view separator,
                                                                       timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_read_until`.
    NETSOCK_DECL std::string_view read_until(std::string_view separator, timeout t = timeout::none());

    /// One line, with its "\n" (and "\r\n" if the peer sent it): `read_until("\n")`.
    [[nodiscard]] result<std::string_view> try_readline(timeout t = timeout::none()) noexcept {
        return try_read_until("\n", t);
    }
    /// Throwing form of `try_readline`.
    std::string_view readline(timeout t = timeout::none()) { return read_until("\n", t); }

    /// Exactly `n` bytes. Errors: message_size if `n` is over the limit (a length read from the
    /// peer cannot make the reader allocate without bound), eof, timed_out, operation_canceled,
    /// the socket's errors.
    [[nodiscard]] NETSOCK_DECL result<std::string_view>
    try_read_exactly(std::size_t n, timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_read_exactly`.
    NETSOCK_DECL std::string_view read_exactly(std::size_t n, timeout t = timeout::none());

    /// What is buffered, or else what one `recv` brings (at most `limit` bytes).
    /// Errors: eof, timed_out, operation_canceled, the socket's errors.
    [[nodiscard]] NETSOCK_DECL result<std::string_view> try_read_some(timeout t = timeout::none()) noexcept;
    /// Throwing form of `try_read_some`.
    NETSOCK_DECL std::string_view read_some(timeout t = timeout::none());

    /// The bytes received and not yet consumed (e.g. after eof or message_size).
    std::string_view buffered() const noexcept { return buffer_.data().substr(pending_); }
    /// Drops the first `n` buffered bytes.
    void consume(std::size_t n) noexcept {
        settle();
        buffer_.consume(n);
    }

private:
    // Consumes what the last call handed out (its view is invalid from here on).
    void settle() noexcept {
        buffer_.consume(pending_);
        pending_ = 0;
    }
    // Hands out the first n bytes: consumed at the next call, valid until then.
    std::string_view take(std::size_t n) noexcept {
        pending_ = n;
        return buffer_.data().substr(0, n);
    }

    const socket* socket_;
    std::size_t limit_;
    detail::read_buffer buffer_;
    std::size_t pending_ = 0; // bytes handed out by the last call, consumed at the next one
};

NETSOCK_END_NAMESPACE


#endif
// ---- end net/reader.hpp ----
// ---- begin net/host.hpp ----
#ifndef NETSOCK_HOST_HPP
#define NETSOCK_HOST_HPP

// This host: its name, its network interfaces, and reverse name lookup (Python's
// socket.gethostname, socket.getnameinfo and socket.if_nameindex / psutil.net_if_addrs).


#include <string>
#include <vector>

NETSOCK_BEGIN_NAMESPACE

/// This machine's host name, Python's `socket.gethostname()`: `"build-07"`, sometimes a fully
/// qualified `"build-07.example.org"` (whatever the administrator set).
/// - POSIX: `gethostname(2)` (`uname -n`).
/// - Windows: `GetComputerNameExW(ComputerNamePhysicalDnsHostname)` in UTF-8, as Python does
///   (Winsock's `gethostname` would give it in the ANSI code page); Winsock is not needed.
/// Trap: it is not necessarily a name that resolves, nor one that resolves to this machine.
/// Errors: filename_too_long if the name does not fit in 255 bytes (not seen in practice).
[[nodiscard]] NETSOCK_DECL result<std::string> try_gethostname() noexcept;
/// Throwing form of `try_gethostname`.
NETSOCK_DECL std::string gethostname();

/// What `getnameinfo` does (combine with `|`), the NI_* flags of getnameinfo(3).
enum class name_flags : unsigned {
    none = 0,
    numeric_host = 1,    ///< the numeric address, never a lookup (NI_NUMERICHOST)
    numeric_service = 2, ///< the port number, not its service name (NI_NUMERICSERV)
    name_required = 4,   ///< fail with host_not_found when the address has no name (NI_NAMEREQD)
    datagram = 8,        ///< service names for UDP, where they differ (NI_DGRAM)
    no_fqdn = 16,        ///< only the first label of a local host's name (NI_NOFQDN)
};
constexpr name_flags operator|(name_flags a, name_flags b) noexcept {
    return static_cast<name_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr name_flags operator&(name_flags a, name_flags b) noexcept {
    return static_cast<name_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr name_flags& operator|=(name_flags& a, name_flags b) noexcept { return a = a | b; }
/// True if `set` contains any flag of `f`.
constexpr bool has(name_flags set, name_flags f) noexcept { return (set & f) != name_flags::none; }

/// What `getnameinfo` returns: the host's name (or its numeric text) and the service's.
struct name_info {
    std::string host;    ///< "localhost", "example.org", or "127.0.0.1" / "fe80::1%eth0"
    std::string service; ///< "http", or the port number as text ("8080")
};

/// Reverse lookup, Python's `socket.getnameinfo((host, port), flags)`: the name of `a`'s host
/// (from the hosts file, DNS, mDNS... as the OS is configured) and the name of its port
/// (`/etc/services`, or the number as text when it has none).
/// - Without `name_required`, an address with no name gives its numeric text, not an error.
/// - An IPv6 address with a scope id gives its zone too ("fe80::1%eth0" or "fe80::1%2").
/// - POSIX: `getnameinfo(3)`. Windows: `GetNameInfoW`, host and service converted to UTF-8.
/// Traps: it may query DNS (a PTR lookup) and wait for it: the resolver's own timeout applies
/// (seconds, per configured server), not a netsock timeout, and the call cannot be cancelled;
/// use `numeric_host` when you only want text. A name found is not proof of identity: anyone
/// who controls the reverse zone chooses it (resolve it forwards and compare if that matters).
/// Errors in `net::resolve_category()`, as `resolve` reports them (compare with
/// `net::resolve_errc`): host_not_found (`name_required` and no name), try_again (the DNS
/// server did not answer), family_not_supported (a default-constructed address); a resolver
/// failure that is an OS error (EAI_SYSTEM) is that errno in `socket_category()` instead.
/// A local (Unix) address is `std::errc::invalid_argument`: it has no host to look up (its
/// path is `a.path()`).
[[nodiscard]] NETSOCK_DECL result<name_info> try_getnameinfo(const address& a,
                                                             name_flags f = name_flags::none) noexcept;
/// Throwing form of `try_getnameinfo`; what() names the address.
NETSOCK_DECL name_info getnameinfo(const address& a, name_flags f = name_flags::none);

/// The state of a network interface (combine with `|`, test with `has`).
enum class interface_flags : unsigned {
    none = 0,
    up = 1,             ///< administratively up, IFF_UP (Windows: operational, as `running`)
    running = 2,        ///< the link is up and resources allocated, IFF_RUNNING
    loopback = 4,       ///< the loopback interface (Windows: IF_TYPE_SOFTWARE_LOOPBACK)
    multicast = 8,      ///< supports multicast
    broadcast = 16,     ///< has a broadcast address (Windows: Ethernet and Wi-Fi adapters)
    point_to_point = 32 ///< a point-to-point link: PPP, tunnels
};
constexpr interface_flags operator|(interface_flags a, interface_flags b) noexcept {
    return static_cast<interface_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr interface_flags operator&(interface_flags a, interface_flags b) noexcept {
    return static_cast<interface_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr interface_flags& operator|=(interface_flags& a, interface_flags b) noexcept { return a = a | b; }
/// True if `set` contains any flag of `f`.
constexpr bool has(interface_flags set, interface_flags f) noexcept {
    return (set & f) != interface_flags::none;
}

/// One IP address of an interface and the length of its network prefix: "127.0.0.1" and 8,
/// "::1" and 128.
struct interface_address {
    net::address address;   ///< port 0; link-local IPv6 addresses carry the interface's index as scope id
    int prefix_length = -1; ///< leading one bits of the netmask; -1 when the OS does not say
    /// The netmask as an address of the same family (255.0.0.0 for a prefix length of 8),
    /// port 0; the unspecified address (0.0.0.0, ::) when `prefix_length` is -1.
    NETSOCK_DECL net::address netmask() const noexcept;
};

/// One network interface: its name, its index, its state and its IPv4 and IPv6 addresses.
/// - `name`: POSIX: the name of getifaddrs, "lo", "eth0", "en0" (what a zone "%eth0" and
///   if_nametoindex take). Windows: the adapter's FriendlyName in UTF-8 ("Ethernet",
///   "Loopback Pseudo-Interface 1"; the AdapterName GUID "{4D36E972-...}" if it has none).
///   Trap: on Windows that is a display name that the user may rename, and not the name an
///   IPv6 zone takes: use the index there ("fe80::1%12").
/// - `index`: POSIX: if_nametoindex(name). Windows: IfIndex, or Ipv6IfIndex on an adapter
///   without IPv4 (0 on one with neither). It is the scope id of the interface's link-local
///   IPv6 addresses and what multicast options take. Indexes can be reused once an interface
///   goes away.
/// Linux lists an IPv4 alias with a label ("eth0:1") as an interface of its own, with the
/// index of "eth0".
struct interface_info {
    std::string name;
    unsigned index = 0;
    interface_flags flags = interface_flags::none;
    std::vector<interface_address> addresses; ///< may be empty: an interface without IP address
};

/// The network interfaces of this host, in the order the OS lists them (Python:
/// `socket.if_nameindex()` plus psutil's `net_if_addrs()` and `net_if_stats()`). Down
/// interfaces are listed too: test `interface_flags::up`.
/// - POSIX: getifaddrs (Linux, macOS, the BSDs, musl); link-layer entries (AF_PACKET, AF_LINK)
///   are not addresses here. macOS/BSD's link-local addresses with the scope embedded in the
///   address bytes (fe80:4::1) come back as fe80::1 with scope id 4.
/// - Windows: GetAdaptersAddresses (unicast addresses), loaded from iphlpapi.dll at run time,
///   once: nothing more to link.
/// Errors: not_enough_memory; operation_not_supported where the OS has no list (Windows
/// without GetAdaptersAddresses in iphlpapi.dll); otherwise the OS's error (getifaddrs'
/// errno). A host with no interface at all gives an empty list, not an error.
[[nodiscard]] NETSOCK_DECL result<std::vector<interface_info>> try_interfaces() noexcept;
/// Throwing form of `try_interfaces`.
NETSOCK_DECL std::vector<interface_info> interfaces();

NETSOCK_END_NAMESPACE


#endif
// ---- end net/host.hpp ----

#endif

// Compile-once mode (NETSOCK_SEPARATE_COMPILATION), the implementation file: outside the include
// guard, so that it works even where <net/net.hpp> was included before NETSOCK_IMPLEMENTATION
// was defined. <net/impl/src.hpp> is the same without the macro.
// ---- end net/net.hpp ----

// ==== the implementation: inline by default; with NETSOCK_SEPARATE_COMPILATION, only in
// the one file that defines NETSOCK_IMPLEMENTATION (see config.hpp). Outside every
// include guard but each file's own, so that file may include this header again. ====
#if NETSOCK_HEADER_ONLY || defined(NETSOCK_IMPLEMENTATION)
// ---- begin net/impl/error.ipp ----
#ifndef NETSOCK_IMPL_ERROR_IPP
#define NETSOCK_IMPL_ERROR_IPP

// Definitions for error.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.

// ---- begin net/detail/sys.hpp ----
#ifndef NETSOCK_DETAIL_SYS_HPP
#define NETSOCK_DETAIL_SYS_HPP

// The syscall layer: the same functions on every OS, built on the OS layer (detail/os/*.hpp,
// the only code it calls) and the only layer the implementation (impl/*.ipp) and the poller
// backends call. Here and nowhere else:
// - each call's error becomes a std::error_code right after the failing call, before anything
//   else can overwrite errno / WSAGetLastError();
// - EINTR is retried for every call except connect (never re-issued: the connect goes on in
//   the kernel, so wait for writability and read SO_ERROR) and close (never retried);
// - a deadline or a canceller turns a blocking call into "try, wait for readiness, try again"
//   (struct retry), and every wait also watches the canceller's socket (cancel.hpp);
// - every wait is one loop over poll()/WSAPoll() (or epoll_wait/kevent for the pollers) with a
//   steady-clock deadline (waiter), never select(), which cannot watch descriptors above
//   FD_SETSIZE;
// - the test fault hook (detail/fault.hpp) is asked before each call that has a fault point.

// ---- begin net/detail/fault.hpp ----
#ifndef NETSOCK_DETAIL_FAULT_HPP
#define NETSOCK_DETAIL_FAULT_HPP

// Fault injection for tests. The calls of sys.hpp that can fail at run time in ways a test
// cannot provoke (and the waits of the poller backends) ask fault::next() first; a test build
// (NETSOCK_FAULT_INJECTION defined) installs a hook that can fail the call with an error value
// or cap its byte count (short writes). In normal builds next() is a constexpr no-op and the
// compiler removes every trace of it. Calls whose failures a test can cause for real (bind,
// listen, setsockopt, ...) have no fault point.
//
// Semantics:
// - send, recv, sendto, recvfrom, accept, poll (every wait: poll, WSAPoll, epoll_wait, kevent):
//   an injected errno/WSA value replaces the call (the call is not made); sys::send_file (a
//   sendfile attempt) asks as send, and a byte cap shortens its count;
// - connect, close: the real call is made first and the injected value replaces its result
//   (as a signal arriving during a blocking connect would; a close is never skipped, so no
//   descriptor leaks);
// - getaddrinfo: an injected EAI_* value replaces the call.


#include <cstddef>

#if defined(NETSOCK_FAULT_INJECTION)
#include <atomic>
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail::fault {

enum class call { send, recv, sendto, recvfrom, accept, connect, poll, close, getaddrinfo };

struct injection {
    int error = 0;                                        ///< errno / WSA / EAI value, or 0
    std::size_t max_bytes = static_cast<std::size_t>(-1); ///< cap on the bytes of this call
};

#if defined(NETSOCK_FAULT_INJECTION)
using hook_type = injection (*)(call) noexcept;
inline std::atomic<hook_type>& hook_slot() noexcept {
    static std::atomic<hook_type> slot{nullptr};
    return slot;
}
/// Installs (or with nullptr removes) the process-wide fault hook.
inline void set_hook(hook_type h) noexcept { hook_slot().store(h, std::memory_order_release); }
inline injection next(call c) noexcept {
    hook_type h = hook_slot().load(std::memory_order_acquire);
    return h ? h(c) : injection{};
}
#else
constexpr injection next(call) noexcept { return {}; }
#endif

constexpr std::size_t cap(std::size_t size, const injection& f) noexcept {
    return size < f.max_bytes ? size : f.max_bytes;
}

} // namespace detail::fault
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/fault.hpp ----


#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

NETSOCK_BEGIN_NAMESPACE
namespace detail::sys {

using handle = os::handle;
using clock = std::chrono::steady_clock;
using os::nfds_type;
using os::pollfd_type;
using os::socklen_type;

// A point in time after which a blocking call gives up with timed_out (`never()`: no limit),
// and the canceller that can end it sooner with operation_canceled. Made from a net::timeout,
// which has already clamped the value (timeout.hpp).
// - after(t): the time counts from now (one deadline shared by the calls of a composed
//   operation: sendall, recv_exact, connect races);
// - at_first_wait(t): for a single call (send, recv, sendto, recvfrom, ...): the clock is read
//   the first time the time left is asked, i.e. only when the call must wait, so that a
//   transfer whose data is already there costs the system call alone. Each copy starts its own
//   clock: give such a deadline to one sys:: call only.
class deadline {
public:
    static deadline never() noexcept { return deadline(); }
    static deadline after(timeout t) noexcept {
        deadline d = at_first_wait(t);
        d.start();
        return d;
    }
    static deadline at_first_wait(timeout t) noexcept {
        deadline d;
        d.stop_ = t.cancel_state();
        if (!t.is_none()) {
            d.infinite_ = false;
            d.pending_ = true;
            d.span_ = std::chrono::ceil<clock::duration>(t.duration());
        }
        return d;
    }
    bool infinite() const noexcept { return infinite_; }
    // True when nothing can end the call early: it may block in the kernel.
    bool blocks() const noexcept { return infinite_ && stop_ == nullptr; }
    const cancel_state* stop() const noexcept { return stop_; }
    bool cancelled() const noexcept { return stop_ != nullptr && stop_->is_cancelled(); }
    clock::time_point time() const noexcept {
        start();
        return at_;
    }
    // Milliseconds left for poll(): -1 for never, rounded up so poll never returns early.
    int remaining_ms() const noexcept {
        if (infinite_) return -1;
        start();
        const auto left = at_ - clock::now();
        if (left <= clock::duration::zero()) return 0;
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
    }
    bool expired() const noexcept {
        if (infinite_) return false;
        start();
        return clock::now() >= at_;
    }
    // The earlier of two deadlines, with the canceller of either (this one's first).
    deadline earliest(const deadline& o) const noexcept {
        start();
        o.start();
        deadline d = infinite_ || (!o.infinite_ && o.at_ < at_) ? o : *this;
        d.stop_ = stop_ != nullptr ? stop_ : o.stop_;
        return d;
    }

private:
    // Fixes the point in time of an at_first_wait deadline (mutable: asking the time left of a
    // deadline that was not started yet starts it).
    void start() const noexcept {
        if (!pending_) return;
        pending_ = false;
        at_ = clock::now() + span_;
    }

    mutable clock::time_point at_{};
    clock::duration span_{};
    bool infinite_ = true;
    mutable bool pending_ = false;
    const cancel_state* stop_ = nullptr;
};

inline std::error_code timed_out() noexcept { return make_errc(std::errc::timed_out); }
inline std::error_code canceled() noexcept { return make_errc(std::errc::operation_canceled); }

inline bool is_in_progress(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_in_progress(ec.value());
}
inline bool is_would_block(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_would_block(ec.value());
}
inline bool is_interrupted(const std::error_code& ec) noexcept {
    return ec.category() == socket_category() && os::is_interrupted(ec.value());
}

// ---------------------------------------------------------------------------------------------
// Waiting

// The rules of every wait (sys::wait, sys::poll_until, the connect race and the poller
// backends), which call their poll(), WSAPoll(), epoll_wait() or kevent() like this:
//     for (sys::waiter w(until);;) {
//         const int n = w.injected() ? -1 : ::epoll_wait(fd, events, max, w.timeout_ms());
//         if (w.done(n, ec)) return n; // the number ready, 0 on expiry, or -1 with ec set
//     }
// EINTR and early wake-ups (clock granularity) wait again for the time left; under a signal
// storm even a zero timeout can fail with EINTR, so the deadline ends that too. injected()
// asks the test fault hook (fault::call::poll) whether to fail the call instead of making it.
class waiter {
public:
    explicit waiter(const deadline& until) noexcept : until_(until) {}
    bool injected() noexcept {
        injected_ = fault::next(fault::call::poll).error;
        return injected_ != 0;
    }
    int timeout_ms() const noexcept { return until_.remaining_ms(); }
    // After a call that returned n: true when the wait is over (n is then the result).
    bool done(int& n, std::error_code& ec) const noexcept {
        if (n > 0 || (n == 0 && until_.expired())) {
            ec.clear();
            return true;
        }
        if (n == 0) return false;
        const int e = injected_ != 0 ? injected_ : os::last_error();
        if (!os::is_interrupted(e)) {
            ec = socket_error(e);
            return true;
        }
        if (!until_.expired()) return false;
        ec.clear();
        n = 0;
        return true;
    }

private:
    deadline until_; // a copy: `waiter w(deadline::after(t))` must not dangle
    int injected_ = 0;
};

// One poll()/WSAPoll() call (no loop): what sys::waiter loops over.
using os::poll;

// poll()/WSAPoll() over `n` entries until the deadline: the number ready, 0 on expiry, -1 on
// failure (ec set).
inline int poll_until(pollfd_type* fds, std::size_t n, const deadline& until, std::error_code& ec) noexcept {
    for (waiter w(until);;) {
        int ready = w.injected() ? -1 : os::poll(fds, static_cast<os::nfds_type>(n), w.timeout_ms());
        if (w.done(ready, ec)) return ready;
    }
}

// Waits until `events` (POLLIN/POLLOUT) are ready on h; expiry is timed_out, a cancel
// operation_canceled. Returns the revents seen (a closed descriptor, POLLNVAL, is
// bad_file_descriptor).
inline short wait(handle h, short events, const deadline& until, std::error_code& ec) noexcept {
    pollfd_type p[2]{};
    p[0].fd = h;
    p[0].events = events;
    os::nfds_type count = 1;
    if (const cancel_state* c = until.stop()) {
        if (c->is_cancelled()) {
            ec = canceled();
            return 0;
        }
        p[1].fd = c->reader;
        p[1].events = POLLIN;
        count = 2;
    }
    for (waiter w(until);;) {
        int n = w.injected() ? -1 : os::poll(p, count, w.timeout_ms());
        if (!w.done(n, ec)) continue;
        if (n == 0) ec = timed_out();
        else if (n > 0 && p[1].revents != 0) ec = canceled();
        else if (n > 0 && (p[0].revents & POLLNVAL)) ec = make_errc(std::errc::bad_file_descriptor);
        return n > 0 && !ec ? p[0].revents : 0;
    }
}

// The canceller's two ends (cancel.ipp): one byte makes the reading end readable; drain empties
// it. Both sockets are non-blocking; wake is async-signal-safe on POSIX (one send()).
inline void wake(handle h) noexcept {
    const int saved = os::last_error(); // a signal handler must leave errno as it found it
    const char byte = 1;
    int e = 0;
    for (int i = 0; i < 16; ++i)
        if (os::send_once(h, &byte, 1, 0, -1, e) >= 0 || !os::is_interrupted(e)) break;
    os::set_last_error(saved);
}
inline void drain(handle h) noexcept {
    char sink[64];
    int e = 0;
    for (int i = 0; i < 1024; ++i) {
        const long n = os::recv_once(h, sink, sizeof sink, 0, -1, e);
        if (n <= 0 && !(n < 0 && os::is_interrupted(e))) return;
    }
}

// A poller's wake-up counter (Linux eventfd; os::has_event_handle): signal is
// async-signal-safe, drain resets it.
inline handle open_event(std::error_code& ec) noexcept {
    int e = 0;
    const handle h = os::open_event_handle(e);
    ec = h == os::invalid ? socket_error(e) : std::error_code{};
    return h;
}
inline void signal_event(handle h) noexcept { os::signal_event_handle(h); }
inline void drain_event(handle h) noexcept { os::drain_event_handle(h); }

inline void sleep_ms(int ms) noexcept { os::sleep_ms(ms); }

// net::events <-> poll() bits.
inline short to_poll(events e) noexcept {
    short p = 0;
    if (has(e, events::readable)) p |= POLLIN;
    if (has(e, events::writable)) p |= POLLOUT;
    return p;
}
inline events from_poll(short p) noexcept {
    events e = events::none;
    if (p & POLLIN) e |= events::readable;
    if (p & POLLOUT) e |= events::writable;
    if (p & POLLERR) e |= events::error;
    if (p & POLLHUP) e |= events::hangup;
    return e;
}

// ---------------------------------------------------------------------------------------------
// Options and modes

inline std::error_code setsockopt(handle h, int level, int name, const void* value,
                                  std::size_t size) noexcept {
    if (int e = os::check_option_level(h, level); e != 0) return socket_error(e);
    if (::setsockopt(h, level, name, static_cast<const char*>(value), static_cast<socklen_type>(size)) != 0)
        return last_socket_error();
    return {};
}

inline std::error_code getsockopt(handle h, int level, int name, void* value, std::size_t& size) noexcept {
    if (int e = os::check_option_level(h, level); e != 0) return socket_error(e);
    auto len = static_cast<socklen_type>(size);
    if (::getsockopt(h, level, name, static_cast<char*>(value), &len) != 0) return last_socket_error();
    size = static_cast<std::size_t>(len);
    return {};
}

template <class T> std::error_code set_int_option(handle h, int level, int name, T value) noexcept {
    return sys::setsockopt(h, level, name, &value, sizeof value);
}
template <class T> std::error_code get_int_option(handle h, int level, int name, T& value) noexcept {
    std::size_t size = sizeof value;
    value = T{};
    return sys::getsockopt(h, level, name, &value, size);
}

// SO_RCVTIMEO / SO_SNDTIMEO (`option`) in milliseconds; 0 when unset or unreadable.
inline long long socket_timeout_ms(handle h, int option) noexcept {
    os::timeout_value v{};
    std::size_t size = sizeof v;
    return sys::getsockopt(h, SOL_SOCKET, option, &v, size) ? 0 : v.to_ms();
}

inline std::error_code set_nonblocking(handle h, bool on) noexcept {
    if (int e = os::set_nonblocking(h, on); e != 0) return socket_error(e);
    return {};
}

// 1 if non-blocking, 0 if blocking, -1 if that failed (ec set). On Windows, which cannot report
// the mode, it is what os::set_nonblocking remembers.
inline int is_nonblocking(handle h, std::error_code& ec) noexcept {
    int e = 0;
    const int r = os::is_nonblocking(h, e);
    ec = e != 0 ? socket_error(e) : std::error_code{};
    return r;
}

// SO_ERROR: the outcome of a non-blocking connect.
inline std::error_code pending_error(handle h) noexcept {
    int value = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_ERROR, value)) return ec;
    return value == 0 ? std::error_code{} : socket_error(value);
}

// ---------------------------------------------------------------------------------------------
// The retry policy of accept, send, recv, sendto and recvfrom

// What a call does after it failed with OS error `e`:
// - EINTR: try again. On a blocking socket with no deadline but SO_RCVTIMEO/SO_SNDTIMEO
//   (`option`) set, re-issuing the call would restart the kernel's timer, so signals arriving
//   faster than the timeout would block it for ever: on the first EINTR the option is read
//   once and becomes the deadline (counted from that interruption).
// - would-block with a deadline: wait for readiness until it, then try again without
//   blocking; expiry is timed_out. Readiness can be stale, so only the deadline ends this.
// - would-block without one: a blocking socket whose SO_RCVTIMEO/SO_SNDTIMEO expired (POSIX
//   reports that as EAGAIN; netsock reports every timeout as timed_out), or a non-blocking
//   socket (would-block, for the caller).
// - anything else: that error.
// With a deadline, no attempt waits past it (os::send_once and the others, given wait_ms()).
// A canceller works as a deadline that poll() watches: attempts never block, the waits between
// them end on cancel, and a cancelled canceller fails the call before its first attempt.
class retry {
public:
    retry(handle h, short events, int option, const deadline& until) noexcept
        : h_(h), events_(events), option_(option), until_(until) {}

    // operation_canceled before the first attempt if the canceller already fired.
    bool stopped(std::error_code& ec) const noexcept {
        if (!until_.cancelled()) return false;
        ec = canceled();
        return true;
    }

    // The wait_ms of the next attempt: -1 when it may block (no deadline, no canceller), else
    // the milliseconds left where the attempt itself waits (os::attempt_waits; 0 with a
    // canceller, which only poll() can watch), 0 where it only must not block (no clock read on
    // that fast path).
    int wait_ms() const noexcept {
        if (until_.blocks()) return -1;
        if constexpr (os::attempt_waits) return until_.stop() != nullptr ? 0 : until_.remaining_ms();
        return 0;
    }

    // After a failed attempt with error e: true to try again, false with ec set.
    bool again(int e, std::error_code& ec) noexcept {
        if (os::is_interrupted(e) && until_.blocks()) {
            if (checked_) return true;
            checked_ = true;
            const long long ms = socket_timeout_ms(h_, option_);
            if (ms <= 0) return true;
            until_ = deadline::after(std::chrono::milliseconds(ms));
            return wait_for_readiness(ec);
        }
        if (os::is_interrupted(e) || (os::is_would_block(e) && !until_.blocks()))
            return wait_for_readiness(ec);
        ec = socket_error(e);
        if (os::is_would_block(e) && !checked_) {
            std::error_code unknown;
            if (is_nonblocking(h_, unknown) == 0 && socket_timeout_ms(h_, option_) > 0) ec = timed_out();
        }
        return false;
    }

private:
    bool wait_for_readiness(std::error_code& ec) noexcept {
        if (until_.cancelled()) {
            ec = canceled();
            return false;
        }
        if (until_.expired()) {
            ec = timed_out();
            return false;
        }
        wait(h_, events_, until_, ec);
        return !ec;
    }

    handle h_;
    short events_;
    int option_;
    deadline until_;
    bool checked_ = false; // SO_RCVTIMEO/SO_SNDTIMEO already read after an EINTR
};

// The length argument of send/recv: Winsock takes an int, so larger requests are clamped.
inline os::io_length clamp_io(std::size_t n) noexcept {
    if constexpr (sizeof(os::io_length) < sizeof(std::size_t) || !std::is_unsigned_v<os::io_length>) {
        if (n > static_cast<std::size_t>(INT_MAX)) return static_cast<os::io_length>(INT_MAX);
    }
    return static_cast<os::io_length>(n);
}

// ---------------------------------------------------------------------------------------------
// Sockets

inline std::error_code start() noexcept {
    if (int e = os::start(); e != 0) return socket_error(e);
    return {};
}

inline handle open(int family, int type, int protocol, std::error_code& ec) noexcept {
    if ((ec = start())) return os::invalid;
    int e = 0;
    handle h = os::open_socket(family, type, protocol, e);
    ec = h == os::invalid ? socket_error(e) : std::error_code{};
    return h;
}

// Never retried (see os::close_socket).
inline std::error_code close(handle h) noexcept {
    const int e = os::close_socket(h);
    if (const int injected = fault::next(fault::call::close).error; injected != 0)
        return socket_error(injected);
    return e != 0 ? socket_error(e) : std::error_code{};
}

// A connected pair (POSIX socketpair(AF_UNIX)); operation_not_supported where the OS has none
// (os::has_socketpair is false: ops.ipp then builds one over loopback).
inline std::error_code socket_pair(int type, handle out[2]) noexcept {
    if (int e = os::socket_pair(type, out); e != 0) return socket_error(e);
    return {};
}

// The listener policy of the OS (os::listener_policy), for TCP sockets bound to IP addresses.
inline std::error_code prepare_bind(handle h, int family) noexcept {
    if (family != AF_INET && family != AF_INET6) return {};
    int type = 0;
    if (auto ec = get_int_option(h, SOL_SOCKET, SO_TYPE, type)) return ec;
    if (type != SOCK_STREAM) return {};
    if (int e = os::listener_policy(h); e != 0) return socket_error(e);
    return {};
}

inline std::error_code bind(handle h, const ::sockaddr* sa, std::size_t len) noexcept {
    if (int e = os::bind_socket(h, sa, static_cast<socklen_type>(len)); e != 0) return socket_error(e);
    return {};
}

inline std::error_code listen(handle h, int backlog) noexcept {
    if (::listen(h, backlog) != 0) return last_socket_error();
    return {};
}

// One connect() call; "in progress" and EINTR are returned to the caller, which waits
// (finish_connect): re-issuing connect after EINTR would fail with EALREADY or EISCONN.
inline std::error_code connect(handle h, const ::sockaddr* sa, std::size_t len) noexcept {
    const int r = ::connect(h, sa, static_cast<socklen_type>(len));
    const int e = r != 0 ? os::last_error() : 0;
    if (const int injected = fault::next(fault::call::connect).error; injected != 0)
        return socket_error(injected);
    return e != 0 ? socket_error(e) : std::error_code{};
}

// Waits for a connect started on h to finish. On expiry SO_ERROR is still read: WSAPoll before
// Windows 10 2004 never reports a failed connect, so "refused" must not become "timed out".
inline std::error_code finish_connect(handle h, const deadline& until) noexcept {
    std::error_code ec;
    wait(h, POLLOUT, until, ec);
    if (ec && ec != std::errc::timed_out) return ec;
    auto pending = pending_error(h);
    return pending ? pending : ec;
}

// The deadline of an accept without a timeout: SO_RCVTIMEO where the OS ignores it for accept
// (os::accept_uses_rcvtimeo is false: Windows), so that accept on a blocking socket honours it
// on every OS (on a non-blocking one it does not apply).
inline deadline accept_deadline(handle h) noexcept {
    if constexpr (os::accept_uses_rcvtimeo) return deadline::never();
    int e = 0;
    if (os::is_nonblocking(h, e) != 0) return deadline::never();
    const long long ms = socket_timeout_ms(h, SO_RCVTIMEO);
    return ms > 0 ? deadline::after(std::chrono::milliseconds(ms)) : deadline::never();
}

// accept() of a blocking, close-on-exec (non-inheritable) socket, with the retry policy.
// ECONNABORTED (a client gave up before it was accepted; BSD reports it, Linux does not) takes
// the next connection rather than fail the server.
inline handle accept(handle h, ::sockaddr* sa, socklen_type* len, const deadline& until,
                     std::error_code& ec) noexcept {
    const socklen_type capacity = len ? *len : 0;
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return os::invalid;
    for (;;) {
        if (len) *len = capacity;
        int e = fault::next(fault::call::accept).error;
        handle c = e != 0 ? os::invalid : os::accept_socket(h, sa, len, e);
        if (c != os::invalid) {
            ec.clear();
            return c;
        }
        if (os::is_connection_aborted(e)) continue;
        if (!policy.again(e, ec)) return os::invalid;
    }
}

// send() that never raises SIGPIPE (os::send_once), with the retry policy. Returns the bytes
// the OS took: at most os::send_piece.
inline std::size_t send(handle h, const void* data, std::size_t size, int flags, const deadline& until,
                        std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    if (size > os::send_piece) size = os::send_piece;
    for (;;) {
        const auto f = fault::next(fault::call::send);
        int e = f.error;
        const long n =
            e != 0 ? -1 : os::send_once(h, data, clamp_io(fault::cap(size, f)), flags, policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

inline std::size_t recv(handle h, void* data, std::size_t size, int flags, const deadline& until,
                        std::error_code& ec) noexcept {
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        const auto f = fault::next(fault::call::recv);
        int e = f.error;
        const long n =
            e != 0 ? -1 : os::recv_once(h, data, clamp_io(fault::cap(size, f)), flags, policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

inline std::size_t sendto(handle h, const void* data, std::size_t size, int flags, const ::sockaddr* sa,
                          std::size_t len, const deadline& until, std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        int e = fault::next(fault::call::sendto).error;
        const long n = e != 0 ? -1
                              : os::send_to(h, data, clamp_io(size), flags, sa,
                                            static_cast<socklen_type>(len), policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// A datagram receive that reports truncation the same way on every OS (os::recv_from).
inline std::size_t recvfrom(handle h, void* data, std::size_t size, int flags, ::sockaddr* sa,
                            socklen_type* len, bool& truncated, const deadline& until,
                            std::error_code& ec) noexcept {
    const socklen_type capacity = *len;
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        *len = capacity;
        int e = fault::next(fault::call::recvfrom).error;
        const long n =
            e != 0 ? -1
                   : os::recv_from(h, data, clamp_io(size), flags, sa, len, truncated, policy.wait_ms(), e);
        if (n >= 0) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Messages: scatter/gather, control data and batches (impl/message.ipp)

using os::batch_slot;
using os::control_buffer;
using os::control_fields;
using os::io_vector;
using os::packet_control;

inline io_vector make_io_vector(const void* data, std::size_t size) noexcept {
    return os::make_io_vector(data, size);
}

// Control data, encoded and decoded by the OS layer (its CMSG_* / WSA_CMSG_* rules): see
// os::write_control and os::read_control.
inline long write_control(void* buf, std::size_t capacity, const ::sockaddr* source, unsigned interface_index,
                          int segment, const handle* fds, std::size_t count) noexcept {
    return os::write_control(buf, capacity, source, interface_index, segment, fds, count);
}
inline void read_control(const void* control, std::size_t size, control_fields& out, handle* fds,
                         std::size_t capacity) noexcept {
    os::read_control(control, size, out, fds, capacity);
}
inline std::size_t handle_control_size(std::size_t count) noexcept { return os::handle_control_size(count); }

// sendmsg / WSASendMsg (WSASend with no control data) with the retry policy of send;
// `which` names the call for the fault hook (send for a stream, sendto for a datagram).
inline std::size_t send_message(handle h, const os::io_vector* v, std::size_t n, const ::sockaddr* to,
                                std::size_t to_size, const void* control, std::size_t control_size, int flags,
                                fault::call which, const deadline& until, std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        int e = fault::next(which).error;
        const long r = e != 0 ? -1
                              : os::send_message(h, v, n, to, static_cast<socklen_type>(to_size), control,
                                                 control_size, flags, policy.wait_ms(), e);
        if (r >= 0) {
            ec.clear();
            return static_cast<std::size_t>(r);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// recvmsg / WSARecvMsg (WSARecv when neither address nor control data is wanted) with the
// retry policy of recv. *from_size and *control_size are capacities in, lengths out.
inline std::size_t recv_message(handle h, os::io_vector* v, std::size_t n, ::sockaddr* from,
                                socklen_type* from_size, void* control, std::size_t* control_size,
                                int& msg_flags, int flags, fault::call which, const deadline& until,
                                std::error_code& ec) noexcept {
    const socklen_type name_capacity = from_size != nullptr ? *from_size : 0;
    const std::size_t control_capacity = control_size != nullptr ? *control_size : 0;
    retry policy(h, POLLIN, SO_RCVTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        if (from_size != nullptr) *from_size = name_capacity;
        if (control_size != nullptr) *control_size = control_capacity;
        int e = fault::next(which).error;
        const long r = e != 0 ? -1
                              : os::recv_message(h, v, n, from, from_size, control, control_size, msg_flags,
                                                 flags, policy.wait_ms(), e);
        if (r >= 0) {
            ec.clear();
            return static_cast<std::size_t>(r);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

// One attempt at up to n datagrams: recvmmsg/sendmmsg where they exist, else one
// recvmsg/sendmsg (os::has_message_batch). Returns the count, or -1 with e.
inline int batch_attempt(handle h, os::batch_slot* slots, std::size_t n, bool receive, int wait_ms,
                         int& e) noexcept {
    if constexpr (os::has_message_batch) {
        return receive ? os::recv_batch(h, slots, n, wait_ms, e) : os::send_batch(h, slots, n, wait_ms, e);
    } else {
        os::batch_slot& s = slots[0];
        long r = 0;
        if (receive) {
            int flags = 0;
            r = os::recv_message(h, &s.data, 1, s.name, &s.name_size,
                                 s.control_size > 0 ? s.control : nullptr, &s.control_size, flags, 0, wait_ms,
                                 e);
            s.flags = flags;
        } else {
            r = os::send_message(h, &s.data, 1, s.name, s.name_size, s.control, s.control_size, 0, wait_ms,
                                 e);
        }
        if (r < 0) return -1;
        s.size = static_cast<std::size_t>(r);
        return 1;
    }
}

// A batch of datagrams: waits (the retry policy of recvfrom/sendto) for the first, then moves
// as many more as the socket takes or holds without waiting, in chunks of os::batch_chunk.
// Returns how many moved (>= 1), or 0 with ec. An error after the first is left for the next
// call (recvmmsg/sendmmsg report it there; the single-call loop of other OSes drops an ICMP
// error report it meets after the first datagram).
inline std::size_t batch(handle h, os::batch_slot* slots, std::size_t n, bool receive, const deadline& until,
                         std::error_code& ec) noexcept {
    retry policy(h, receive ? POLLIN : POLLOUT, receive ? SO_RCVTIMEO : SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    const std::size_t chunk = os::has_message_batch ? os::batch_chunk : 1;
    std::size_t done = 0, last = 0, want = n < chunk ? n : chunk;
    for (;;) {
        int e = fault::next(receive ? fault::call::recvfrom : fault::call::sendto).error;
        const int r = e != 0 ? -1 : batch_attempt(h, slots, want, receive, policy.wait_ms(), e);
        if (r > 0) {
            done = last = static_cast<std::size_t>(r);
            break;
        }
        if (!policy.again(e, ec)) return 0;
    }
    ec.clear();
    // A short attempt means the socket is empty (or full): no call that would only fail.
    while (last == want && done < n) {
        want = n - done < chunk ? n - done : chunk;
        int e = 0;
        const int r = batch_attempt(h, slots + done, want, receive, 0, e);
        if (r <= 0) break;
        last = static_cast<std::size_t>(r);
        done += last;
    }
    return done;
}

// ---------------------------------------------------------------------------------------------
// A file sent to a socket (impl/file.ipp)

using os::file_handle;
// True where a timed attempt needs a non-blocking socket (POSIX sendfile has no MSG_DONTWAIT):
// file.ipp switches the socket's mode for the duration of a timed or cancellable call.
using os::send_file_needs_nonblocking;

// sendfile / TransmitFile / pread + send (os::send_file_once) with the retry policy of send and
// its fault point (fault::call::send). Returns the bytes sent, 0 at the end of the file; the
// file position is not used. size must not be 0 (macOS and FreeBSD read 0 as "to the end").
inline std::size_t send_file(handle h, file_handle f, std::uint64_t offset, std::size_t size,
                             const deadline& until, std::error_code& ec) noexcept {
    retry policy(h, POLLOUT, SO_SNDTIMEO, until);
    if (policy.stopped(ec)) return 0;
    for (;;) {
        const auto injected = fault::next(fault::call::send);
        int e = injected.error;
        const std::size_t n = fault::cap(size, injected);
        const long r = e != 0 ? -1 : os::send_file_once(h, f, offset, n > 0 ? n : 1, policy.wait_ms(), e);
        if (r >= 0) {
            ec.clear();
            return static_cast<std::size_t>(r);
        }
        if (!policy.again(e, ec)) return 0;
    }
}

inline std::error_code shutdown(handle h, int how) noexcept {
    if (::shutdown(h, how) != 0) return last_socket_error();
    return {};
}

// getsockname; on an unbound socket Windows fails where POSIX reports the family and a zero
// address, so the OS layer fills that in (os::unbound_name) and every OS answers alike.
inline std::error_code getsockname(handle h, ::sockaddr* sa, socklen_type* len) noexcept {
    if (::getsockname(h, sa, len) == 0) return {};
    const int e = os::last_error();
    if (os::unbound_name(h, e, sa, len)) return {};
    return socket_error(e);
}

inline std::error_code getpeername(handle h, ::sockaddr* sa, socklen_type* len) noexcept {
    if (::getpeername(h, sa, len) != 0) return last_socket_error();
    return {};
}

// ---------------------------------------------------------------------------------------------
// Names and text

// getaddrinfo's own error code (EAI_*), 0 on success.
inline int getaddrinfo(const char* host, const char* service, const ::addrinfo* hints,
                       ::addrinfo** out) noexcept {
    if (const int injected = fault::next(fault::call::getaddrinfo).error; injected != 0) return injected;
    return ::getaddrinfo(host, service, hints, out);
}
inline void freeaddrinfo(::addrinfo* list) noexcept { ::freeaddrinfo(list); }
inline int last_error() noexcept { return os::last_error(); }
inline std::string error_message(int e) { return os::error_message(e); }
inline std::error_condition error_condition_of(int e) noexcept { return os::error_condition_of(e); }
inline int native_error(std::errc e) noexcept { return os::native_error(e); }
inline const char* resolver_message(int code) noexcept { return os::resolver_message(code); }
using os::eai_nodata;
using os::eai_system;

inline std::error_code set_cloexec(handle h) noexcept {
    if (int e = os::set_cloexec(h); e != 0) return socket_error(e);
    return {};
}

// This host (host.hpp): its name, reverse lookup (getnameinfo's EAI_* code), its interfaces.
// The name needs no Winsock (GetComputerNameExW on Windows); the other two start it.
inline std::error_code host_name(char* out, std::size_t size) noexcept {
    if (int e = os::host_name(out, size); e != 0) return socket_error(e);
    return {};
}
inline int name_info(const ::sockaddr* sa, std::size_t len, char* host, std::size_t host_size, char* service,
                     std::size_t service_size, int flags) noexcept {
    if (start()) return os::eai_system;
    return os::name_info(sa, static_cast<socklen_type>(len), host, host_size, service, service_size, flags);
}
using os::interface_entry;
template <class Visit> std::error_code each_interface(Visit&& visit) {
    if (auto ec = start()) return ec;
    if (int e = os::each_interface(visit); e != 0) return socket_error(e);
    return {};
}

// Runs f(arg) on a new, detached thread (a lookup under a deadline: impl/resolve.ipp).
inline std::error_code start_thread(void (*f)(void*), void* arg) noexcept {
    if (int e = os::start_thread(f, arg); e != 0) return socket_error(e);
    return {};
}

// What is at a file system path, for create_server's remove_existing_path.
enum class path_kind { none, socket, other, unknown };
inline path_kind kind_of_path(const char* path) noexcept {
    switch (os::path_kind(path)) {
    case 0: return path_kind::none;
    case 1: return path_kind::socket;
    case 2: return path_kind::other;
    default: return path_kind::unknown;
    }
}

// A second, close-on-exec handle for the same socket (POSIX; operation_not_supported on Windows).
inline handle duplicate(handle h, std::error_code& ec) noexcept {
    int e = 0;
    const handle d = os::duplicate(h, e);
    ec = d == os::invalid ? socket_error(e) : std::error_code{};
    return d;
}

inline bool pton(int family, const char* text, void* out) noexcept { return os::pton(family, text, out); }
inline bool ntop(int family, const void* in, char* out, std::size_t size) noexcept {
    return os::ntop(family, in, out, size);
}
inline unsigned interface_index(const char* name) noexcept { return os::interface_index(name); }
inline bool interface_name(unsigned index, char (&out)[os::interface_name_size]) noexcept {
    return os::interface_name(index, out);
}

} // namespace detail::sys
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/sys.hpp ----

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

error::error(std::error_code ec, const char* operation, std::size_t bytes_transferred)
    : std::system_error(ec, operation), operation_(operation), bytes_transferred_(bytes_transferred),
      text_(std::system_error::what()) {}

namespace detail {
// Where the address starts in error_text's result.
inline std::size_t error_address_offset(const char* operation, std::string_view address) noexcept {
    return address.empty() || !operation || !*operation ? 0 : std::char_traits<char>::length(operation) + 1;
}

// "operation address: message (hint)".
inline std::string error_text(const std::error_code& ec, const char* operation, std::string_view address,
                              const char* hint) {
    std::string text = operation ? operation : "";
    if (!address.empty()) {
        if (!text.empty()) text += ' ';
        text.append(address.data(), address.size());
    }
    text += ": ";
    text += ec.message();
    if (hint && *hint) {
        text += " (";
        text += hint;
        text += ')';
    }
    return text;
}
} // namespace detail

error::error(std::error_code ec, const char* operation, std::string_view address,
             std::size_t bytes_transferred, const char* hint)
    : std::system_error(ec, operation), operation_(operation), bytes_transferred_(bytes_transferred),
      text_(detail::error_text(ec, operation, address, hint)),
      address_offset_(detail::error_address_offset(operation, address)), address_size_(address.size()) {}

namespace detail {
// errno / WSAGetLastError() values.
class socket_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.socket"; }
    std::string message(int ev) const override { return sys::error_message(ev); }
    std::error_condition default_error_condition(int ev) const noexcept override {
        return sys::error_condition_of(ev);
    }
};

class resolve_condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.resolve_condition"; }
    std::string message(int ev) const override {
        switch (static_cast<resolve_errc>(ev)) {
        case resolve_errc::host_not_found: return "host not found";
        case resolve_errc::try_again: return "temporary failure in name resolution";
        case resolve_errc::service_not_found: return "service not found";
        case resolve_errc::family_not_supported: return "address family not supported";
        case resolve_errc::no_recovery: return "non-recoverable failure in name resolution";
        default: return "name resolution failed";
        }
    }
};

class netsock_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::eof: return "end of stream";
        case errc::empty_address: return "empty address, or no host before the port";
        case errc::address_too_long: return "address text too long";
        case errc::not_numeric: return "not a numeric address (net::resolve looks up host names)";
        case errc::invalid_ipv4: return "invalid IPv4 address (four decimal numbers 0-255)";
        case errc::ipv4_leading_zero: return "leading zero in an IPv4 number (octal or decimal?)";
        case errc::invalid_ipv6: return "invalid IPv6 address";
        case errc::invalid_zone: return "invalid IPv6 zone (an interface name of [A-Za-z0-9._-] or a number)";
        case errc::unknown_zone: return "no interface of the IPv6 zone's name";
        case errc::invalid_port: return "invalid port (decimal digits expected)";
        case errc::port_out_of_range: return "port out of range";
        case errc::ipv6_needs_brackets: return "an IPv6 address with a port needs brackets: [address]:port";
        case errc::bad_brackets: return "brackets must enclose an IPv6 address, followed by nothing or :port";
        default: return "unknown netsock error";
        }
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
        case errc::eof: return {ev, *this};
        case errc::unknown_zone: return std::errc::no_such_device;
        default:
            if (ev > static_cast<int>(errc::eof) && ev <= static_cast<int>(errc::bad_brackets))
                return std::errc::invalid_argument;
            return {ev, *this};
        }
    }
};

// getaddrinfo() failures (EAI_* values): not errno values, hence a category of their own.
class resolve_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "netsock.resolve"; }
    std::string message(int ev) const override {
        if (const char* m = sys::resolver_message(ev)) return m;
        return sys::error_message(ev);
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        return {static_cast<int>(classify(ev)), resolve_condition_category()};
    }

private:
    static resolve_errc classify(int ev) noexcept {
        if (ev == sys::eai_nodata) return resolve_errc::host_not_found;
        switch (ev) {
        case EAI_NONAME: return resolve_errc::host_not_found;
        case EAI_AGAIN: return resolve_errc::try_again;
        case EAI_SERVICE: return resolve_errc::service_not_found;
        case EAI_FAMILY: return resolve_errc::family_not_supported;
        case EAI_FAIL: return resolve_errc::no_recovery;
        default: return resolve_errc::other;
        }
    }
};
} // namespace detail

const std::error_category& socket_category() noexcept {
    static const detail::socket_category_impl category;
    return category;
}

const std::error_category& resolve_condition_category() noexcept {
    static const detail::resolve_condition_category_impl category;
    return category;
}

const std::error_category& netsock_category() noexcept {
    static const detail::netsock_category_impl category;
    return category;
}

const std::error_category& resolve_category() noexcept {
    static const detail::resolve_category_impl category;
    return category;
}

std::error_condition make_error_condition(resolve_errc e) noexcept {
    return {static_cast<int>(e), resolve_condition_category()};
}
std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), netsock_category()}; }

bool is_would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

namespace detail {
std::error_code socket_error(int e) noexcept { return {e, socket_category()}; }
std::error_code last_socket_error() noexcept { return socket_error(sys::last_error()); }
std::error_code make_errc(std::errc e) noexcept {
    if (const int native = sys::native_error(e); native != 0) return socket_error(native);
    return std::make_error_code(e);
}
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/error.ipp ----
// ---- begin net/impl/throw.ipp ----
#ifndef NETSOCK_IMPL_THROW_IPP
#define NETSOCK_IMPL_THROW_IPP

// Definitions for detail/throw.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION (NETSOCK_NO_EXCEPTIONS and
// NETSOCK_THROW_HOOK must then be the same in every file: they are part of the ABI name).
// throw_error(ec, operation, const address&) is in impl/address.ipp.


#include <cstddef>
#include <cstdlib>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

[[noreturn]] void throw_error(std::error_code ec, const char* operation, std::size_t bytes_transferred) {
#if defined(NETSOCK_NO_EXCEPTIONS)
#if defined(NETSOCK_THROW_HOOK)
    NETSOCK_THROW_HOOK(ec, operation);
#endif
    (void)ec;
    (void)operation;
    (void)bytes_transferred;
    std::abort();
#else
    throw net::error(ec, operation, bytes_transferred);
#endif
}

[[noreturn]] void throw_error(std::error_code ec, const char* operation, std::string_view subject,
                              std::size_t bytes_transferred, const char* hint) {
#if defined(NETSOCK_NO_EXCEPTIONS)
#if defined(NETSOCK_THROW_HOOK)
    NETSOCK_THROW_HOOK(ec, operation);
#endif
    (void)ec;
    (void)operation;
    (void)subject;
    (void)bytes_transferred;
    (void)hint;
    std::abort();
#else
    throw net::error(ec, operation, subject, bytes_transferred, hint);
#endif
}

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/throw.ipp ----
// ---- begin net/impl/cancel.ipp ----
#ifndef NETSOCK_IMPL_CANCEL_IPP
#define NETSOCK_IMPL_CANCEL_IPP

// Definitions for cancel.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. The canceller is a connected socket pair, both ends
// non-blocking: cancel() sends one byte, so the reading end stays readable (for every poll()
// that watches it) until reset() drains it.


#include <atomic>
#include <cstdint>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

static_assert(std::atomic<bool>::is_always_lock_free, "cancel() must be async-signal-safe");

namespace detail {
inline std::uint64_t next_canceller_id() noexcept {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}
} // namespace detail

canceller::canceller() {
    if (auto r = open(); !r) detail::throw_error(r.error(), "canceller");
}

result<canceller> canceller::try_create() noexcept {
    canceller c{tag{}};
    if (auto r = c.open(); !r) return detail::fail(r.error());
    return c;
}

result<void> canceller::open() noexcept {
    auto pair = try_socket_pair(socket_type::stream);
    if (!pair) return detail::fail(pair.error());
    for (const socket* s : {&pair->first, &pair->second}) {
        if (auto ec = detail::sys::set_nonblocking(s->native_handle(), true)) return detail::fail(ec);
        // Where the pair is loopback TCP (Windows), the byte of a cancel must not wait for Nagle
        // (a cancel right after a reset() would else arrive late, after reset() drained). The
        // option fails on a Unix socketpair, which needs none.
        (void)detail::sys::set_int_option(s->native_handle(), IPPROTO_TCP, TCP_NODELAY, 1);
    }
    state_.reader = pair->first.release();
    state_.writer = pair->second.release();
    state_.id = detail::next_canceller_id();
    return {};
}

canceller::canceller(canceller&& other) noexcept { *this = std::move(other); }

canceller& canceller::operator=(canceller&& other) noexcept {
    if (this != &other) {
        close();
        state_.cancelled.store(other.state_.is_cancelled(), std::memory_order_release);
        state_.reader = std::exchange(other.state_.reader, invalid_handle);
        state_.writer = std::exchange(other.state_.writer, invalid_handle);
        state_.id = std::exchange(other.state_.id, 0);
    }
    return *this;
}

canceller::~canceller() { close(); }

void canceller::close() noexcept {
    for (native_handle_type* h : {&state_.reader, &state_.writer})
        if (*h != invalid_handle) (void)detail::sys::close(std::exchange(*h, invalid_handle));
}

void canceller::cancel() noexcept {
    // The flag first: a call that sees the byte (or starts later) sees the flag too.
    if (!state_.cancelled.exchange(true, std::memory_order_acq_rel) && state_.writer != invalid_handle)
        detail::sys::wake(state_.writer);
}

void canceller::reset() noexcept {
    if (state_.reader != invalid_handle) detail::sys::drain(state_.reader);
    state_.cancelled.store(false, std::memory_order_release);
}

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/cancel.ipp ----
// ---- begin net/impl/address.ipp ----
#ifndef NETSOCK_IMPL_ADDRESS_IPP
#define NETSOCK_IMPL_ADDRESS_IPP

// Definitions for address.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION.

// ---- begin net/detail/sockaddr.hpp ----
#ifndef NETSOCK_DETAIL_SOCKADDR_HPP
#define NETSOCK_DETAIL_SOCKADDR_HPP

// Byte-level helpers over sockaddr storage, shared by net::address.


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
// ---- end net/detail/sockaddr.hpp ----

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {
// The longest text parse accepts and format writes.
inline constexpr std::size_t max_text = 128;
// The longest zone (interface name) parse accepts.
inline constexpr std::size_t max_zone = 63;

// A parse result: errc{} is success, anything else the reason (net::errc).
using parse_status = net::errc;
inline constexpr parse_status parse_ok{};

inline std::error_code parse_failure(parse_status why) noexcept { return make_error_code(why); }

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
inline bool all_digits(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

inline parse_status parse_port(std::string_view s, std::uint16_t& out) noexcept {
    if (!all_digits(s)) return errc::invalid_port;
    if (s.size() > 5) return errc::port_out_of_range;
    std::uint32_t v = 0;
    for (char c : s) v = v * 10 + static_cast<std::uint32_t>(c - '0');
    if (v > 65535) return errc::port_out_of_range;
    out = static_cast<std::uint16_t>(v);
    return parse_ok;
}

// Exactly four decimal numbers 0-255 without leading zeros: what inet_pton accepts on glibc,
// never inet_aton's octal, hex or fewer parts ("012.0.0.1", "0x7f.0.0.1", "127.1").
inline parse_status parse_v4(std::string_view s, std::uint8_t out[4]) noexcept {
    std::size_t part = 0, i = 0;
    bool leading_zero = false;
    while (true) {
        std::size_t j = i;
        while (j < s.size() && is_digit(s[j])) ++j;
        const std::size_t len = j - i;
        if (len == 0 || len > 3 || part == 4) return errc::invalid_ipv4;
        unsigned v = 0;
        for (std::size_t k = i; k < j; ++k) v = v * 10 + static_cast<unsigned>(s[k] - '0');
        if (v > 255) return errc::invalid_ipv4;
        if (len > 1 && s[i] == '0') leading_zero = true;
        out[part++] = static_cast<std::uint8_t>(v);
        if (j == s.size()) break;
        if (s[j] != '.') return errc::invalid_ipv4;
        i = j + 1;
    }
    if (part != 4) return errc::invalid_ipv4;
    return leading_zero ? errc::ipv4_leading_zero : parse_ok;
}

// RFC 4291 section 2.2 text without a zone: up to eight groups of 1-4 hex digits, one "::"
// standing for at least one zero group, optionally a dotted IPv4 address as the last 32 bits.
inline parse_status parse_v6(std::string_view s, std::uint8_t out[16]) noexcept {
    std::uint16_t groups[8] = {};
    std::size_t n = 0, i = 0;
    int gap = -1;
    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (s.empty() || s[0] == ':') {
        return errc::invalid_ipv6;
    }
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && s[j] != ':') ++j;
        const std::string_view token = s.substr(i, j - i);
        if (token.find('.') != std::string_view::npos) { // the trailing IPv4 part
            if (j != s.size() || n > 6) return errc::invalid_ipv6;
            std::uint8_t v4[4];
            const parse_status st = parse_v4(token, v4);
            if (st == errc::ipv4_leading_zero) return st;
            if (st != parse_ok) return errc::invalid_ipv6;
            groups[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
            groups[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
            break;
        }
        if (token.empty() || token.size() > 4 || n == 8) return errc::invalid_ipv6;
        unsigned v = 0;
        for (char c : token) {
            const int h = hex_value(c);
            if (h < 0) return errc::invalid_ipv6;
            v = v * 16 + static_cast<unsigned>(h);
        }
        groups[n++] = static_cast<std::uint16_t>(v);
        if (j == s.size()) break;
        if (j + 1 < s.size() && s[j + 1] == ':') { // "::"
            if (gap >= 0) return errc::invalid_ipv6;
            gap = static_cast<int>(n);
            i = j + 2;
            if (i < s.size() && s[i] == ':') return errc::invalid_ipv6; // ":::"
        } else {
            i = j + 1;
            if (i == s.size()) return errc::invalid_ipv6; // a trailing single ':'
        }
    }
    if (gap < 0 ? n != 8 : n > 7) return errc::invalid_ipv6;
    std::uint16_t full[8] = {};
    const std::size_t head = gap < 0 ? n : static_cast<std::size_t>(gap);
    for (std::size_t k = 0; k < head; ++k) full[k] = groups[k];
    for (std::size_t k = head; k < n; ++k) full[8 - (n - k)] = groups[k];
    for (std::size_t k = 0; k < 8; ++k) {
        out[2 * k] = static_cast<std::uint8_t>(full[k] >> 8);
        out[2 * k + 1] = static_cast<std::uint8_t>(full[k] & 0xff);
    }
    return parse_ok;
}

// Characters of a zone: interface names on Linux, macOS and Windows ("eth0", "en0",
// "br-lan", "vlan.10", "ethernet_32768") and numbers.
inline bool is_zone_char(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
           c == '-';
}
inline bool zone_syntax_ok(std::string_view zone) noexcept {
    if (zone.empty() || zone.size() > max_zone) return false;
    for (char c : zone)
        if (!is_zone_char(c)) return false;
    return true;
}

inline parse_status parse_zone(std::string_view zone, std::uint32_t& scope) noexcept {
    if (!zone_syntax_ok(zone)) return errc::invalid_zone;
    if (all_digits(zone)) {
        if (zone.size() > 10) return errc::invalid_zone;
        std::uint64_t v = 0;
        for (char c : zone) v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > 0xffffffffu) return errc::invalid_zone;
        scope = static_cast<std::uint32_t>(v);
        return parse_ok;
    }
    if (sys::start()) return errc::unknown_zone; // Winsock for if_nametoindex
    char name[max_zone + 1];
    std::memcpy(name, zone.data(), zone.size());
    name[zone.size()] = '\0';
    scope = sys::interface_index(name);
    return scope == 0 ? errc::unknown_zone : parse_ok;
}

// A host name rather than a mangled number: letters beyond hex digits and 'x', and nothing
// but the characters of a name.
inline bool looks_like_name(std::string_view s) noexcept {
    bool letter = false;
    for (char c : s) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alpha && !is_digit(c) && c != '.' && c != '-') return false;
        if (alpha && hex_value(c) < 0 && c != 'x' && c != 'X') letter = true;
    }
    return letter;
}

inline parse_status parse_host_v4(std::string_view host, std::uint16_t port, address& out) noexcept {
    std::uint8_t b[4];
    const parse_status st = parse_v4(host, b);
    if (st != parse_ok) return st == errc::invalid_ipv4 && looks_like_name(host) ? errc::not_numeric : st;
    out = address::ipv4({b[0], b[1], b[2], b[3]}, port);
    return parse_ok;
}

// "addr" or "addr%zone".
inline parse_status parse_host_v6(std::string_view host, std::uint16_t port, address& out) noexcept {
    std::uint32_t scope = 0;
    const auto pct = host.find('%');
    std::array<std::uint8_t, 16> b{};
    if (parse_status st = parse_v6(host.substr(0, pct), b.data()); st != parse_ok) return st;
    if (pct != std::string_view::npos) {
        if (parse_status st = parse_zone(host.substr(pct + 1), scope); st != parse_ok) return st;
    }
    out = address::ipv6(b, port, scope);
    return parse_ok;
}

// A bare host, IPv4 or IPv6 by the presence of ':'.
inline parse_status parse_host(std::string_view host, std::uint16_t port, address& out) noexcept {
    if (host.empty()) return errc::empty_address;
    if (host.find(':') == std::string_view::npos) return parse_host_v4(host, port, out);
    return parse_host_v6(host, port, out);
}

// True when unbracketed IPv6 text could also be read as an address and a port: "::1:80" is
// ::0.1.0.128 or [::1]:80, "fe80::1%lo:8080" a zone "lo:8080" or port 8080.
inline bool ambiguous_port(std::string_view text) noexcept {
    const auto last = text.rfind(':');
    if (last == std::string_view::npos || !all_digits(text.substr(last + 1)) || text.size() - last - 1 > 5)
        return false;
    const std::string_view host = text.substr(0, last);
    const auto pct = host.find('%');
    std::uint8_t b[16];
    if (parse_v6(host.substr(0, pct), b) != parse_ok) return false;
    return pct == std::string_view::npos || zone_syntax_ok(host.substr(pct + 1));
}

inline parse_status parse_text(std::string_view text, address& out) noexcept {
    if (text.empty()) return errc::empty_address;
    if (text.size() > max_text) return errc::address_too_long;
    std::uint16_t port = 0;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return errc::bad_brackets;
        const std::string_view host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return errc::bad_brackets;
            if (parse_status st = parse_port(rest.substr(1), port); st != parse_ok) return st;
        }
        if (host.empty()) return errc::empty_address;
        if (host.find(':') == std::string_view::npos) return errc::bad_brackets;
        return parse_host_v6(host, port, out);
    }
    if (text.find_first_of("[]") != std::string_view::npos) return errc::bad_brackets;
    const auto first = text.find(':');
    if (first == std::string_view::npos) return parse_host_v4(text, 0, out);
    if (text.find(':', first + 1) == std::string_view::npos) { // one colon: IPv4 host and port
        if (parse_status st = parse_port(text.substr(first + 1), port); st != parse_ok) return st;
        if (first == 0) return errc::empty_address;
        return parse_host_v4(text.substr(0, first), port, out);
    }
    if (ambiguous_port(text)) return errc::ipv6_needs_brackets;
    return parse_host_v6(text, 0, out);
}

inline parse_status parse_host_and_port(std::string_view host, std::uint16_t port, address& out) noexcept {
    if (host.empty()) return errc::empty_address;
    if (host.size() > max_text) return errc::address_too_long;
    if (host.front() == '[') {
        if (host.size() < 2 || host.back() != ']') return errc::bad_brackets;
        host = host.substr(1, host.size() - 2);
        if (host.empty()) return errc::empty_address;
        if (host.find(':') == std::string_view::npos) return errc::bad_brackets;
        return parse_host_v6(host, port, out);
    }
    if (host.find_first_of("[]") != std::string_view::npos) return errc::bad_brackets;
    return parse_host(host, port, out);
}

// `text` as a C++-style quoted literal for error messages: printable ASCII as is, '"' and '\'
// escaped, other bytes as \xNN, at most 64 bytes shown.
inline std::string quoted(std::string_view text) {
    constexpr std::size_t shown = 64;
    std::string out = "\"";
    const char* hex = "0123456789abcdef";
    for (std::size_t i = 0; i < text.size() && i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out += '"';
    if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

inline std::size_t format_uint(char* out, std::uint32_t v) noexcept {
    char tmp[10];
    std::size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
    return n;
}

inline std::size_t format_v4(const std::uint8_t* b, char* out) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i) out[n++] = '.';
        n += format_uint(out + n, b[i]);
    }
    return n;
}

// RFC 5952 section 4, the same on every OS (glibc's inet_ntop prints ::1:1 as ::0.1.0.1):
// lowercase hex without leading zeros; the longest run of two or more zero groups, the first
// of equal runs, as "::"; a lone zero group as "0". Only an IPv4-mapped address
// (::ffff:0:0/96) ends in dotted decimal, as Python's ipaddress, Go's net/netip and Rust's
// std::net print it; IPv4-compatible ::a.b.c.d (deprecated) prints in hex: ::102:304.
inline std::size_t format_v6(const std::uint8_t* b, char* out) noexcept {
    std::size_t n = 0;
    bool mapped = b[10] == 0xff && b[11] == 0xff;
    for (std::size_t i = 0; i < 10 && mapped; ++i) mapped = b[i] == 0;
    if (mapped) {
        std::memcpy(out, "::ffff:", 7);
        return 7 + format_v4(b + 12, out + 7);
    }
    std::uint16_t g[8];
    for (std::size_t i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>(b[2 * i] << 8 | b[2 * i + 1]);
    std::size_t best = 8, best_len = 0;
    for (std::size_t i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i >= 2 && j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    const char* hex = "0123456789abcdef";
    for (std::size_t i = 0; i < 8;) {
        if (i == best) {
            out[n++] = ':';
            out[n++] = ':';
            i += best_len;
            continue;
        }
        if (i > 0 && i != best + best_len) out[n++] = ':';
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned d = (g[i] >> shift) & 0xfu;
            if (d != 0 || started || shift == 0) {
                out[n++] = hex[d];
                started = true;
            }
        }
        ++i;
    }
    return n;
}

// Writes the host text of an IP address into out (at least max_text bytes), returns its length.
// The zone is the interface name if it has one that parse reads back, else the number; with
// `numeric_zone`, always the number (for getaddrinfo).
inline std::size_t format_host(const address& a, char* out, bool numeric_zone = false) noexcept {
    if (a.family() == family::ipv4) {
        const auto b = a.v4_bytes();
        return format_v4(b.data(), out);
    }
    const auto b = a.v6_bytes();
    std::size_t n = format_v6(b.data(), out);
    if (std::uint32_t scope = a.scope_id(); scope != 0) {
        out[n++] = '%';
        char name[os::interface_name_size] = {};
        std::size_t len = 0;
        if (!numeric_zone && sys::interface_name(scope, name)) len = std::strlen(name);
        if (len != 0 && zone_syntax_ok(std::string_view(name, len)) &&
            !all_digits(std::string_view(name, len))) {
            std::memcpy(out + n, name, len);
            n += len;
        } else {
            n += format_uint(out + n, scope);
        }
    }
    return n;
}

} // namespace detail

[[noreturn]] void detail::throw_error(std::error_code ec, const char* operation, const address& where,
                                      std::size_t bytes_transferred) {
    const char* hint = nullptr;
    const bool binds = std::strcmp(operation, "bind") == 0 || std::strcmp(operation, "create_server") == 0;
    if (binds && ec == std::errc::permission_denied && where.family() != family::local && where.port() != 0 &&
        where.port() < 1024)
        hint = "ports below 1024 need privileges";
    const std::string text = where.to_string();
    detail::throw_error(ec, operation, std::string_view(text), bytes_transferred, hint);
}

address::address() noexcept {
    std::memset(&storage_, 0, sizeof storage_);
    auto* sin = reinterpret_cast<::sockaddr_in*>(&storage_);
    sin->sin_family = AF_INET;
    size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in));
    detail::set_sa_len(data(), sizeof(::sockaddr_in));
}

result<address> address::try_parse(std::string_view text) noexcept {
    address a;
    if (auto why = detail::parse_text(text, a); why != detail::parse_ok)
        return detail::fail(detail::parse_failure(why));
    return a;
}

address address::parse(std::string_view text) {
    auto r = try_parse(text);
    if (!r) {
        std::string hint;
        if (r.error() == errc::ipv6_needs_brackets) { // "write [::1]:80, or [::1:80] for no port"
            const auto colon = text.rfind(':');
            hint = "write [" + std::string(text.substr(0, colon)) + "]" + std::string(text.substr(colon));
            if (text.find('%') == std::string_view::npos)
                hint += ", or [" + std::string(text) + "] for that address without a port";
        }
        detail::throw_error(r.error(), "address::parse", detail::quoted(text), 0,
                            hint.empty() ? nullptr : hint.c_str());
    }
    return *r;
}

result<address> address::try_parse(std::string_view host, std::uint16_t port) noexcept {
    address a;
    if (auto why = detail::parse_host_and_port(host, port, a); why != detail::parse_ok)
        return detail::fail(detail::parse_failure(why));
    return a;
}

address address::parse(std::string_view host, std::uint16_t port) {
    auto r = try_parse(host, port);
    if (!r) detail::throw_error(r.error(), "address::parse", detail::quoted(host), 0, nullptr);
    return *r;
}

address address::ipv4(std::uint32_t host_order, std::uint16_t port) noexcept {
    return ipv4({static_cast<std::uint8_t>(host_order >> 24), static_cast<std::uint8_t>(host_order >> 16),
                 static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order)},
                port);
}

address address::ipv4(const std::array<std::uint8_t, 4>& bytes, std::uint16_t port) noexcept {
    address a;
    auto* sin = a.as_v4();
    std::memcpy(&sin->sin_addr, bytes.data(), 4);
    sin->sin_port = detail::to_net16(port);
    return a;
}

address address::ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port,
                      std::uint32_t scope_id) noexcept {
    address a;
    std::memset(&a.storage_, 0, sizeof a.storage_);
    auto* sin6 = reinterpret_cast<::sockaddr_in6*>(&a.storage_);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
    sin6->sin6_port = detail::to_net16(port);
    sin6->sin6_scope_id = scope_id;
    a.size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in6));
    detail::set_sa_len(a.data(), sizeof(::sockaddr_in6));
    return a;
}

address address::loopback(net::family f, std::uint16_t port) noexcept {
    switch (f) {
    case net::family::ipv6: {
        std::array<std::uint8_t, 16> b{};
        b[15] = 1;
        return ipv6(b, port);
    }
    case net::family::local: return unnamed_local();
    default: return ipv4(0x7f000001u, port);
    }
}

address address::any(net::family f, std::uint16_t port) noexcept {
    switch (f) {
    case net::family::ipv6: return ipv6({}, port);
    case net::family::local: return unnamed_local();
    default: return ipv4(0u, port);
    }
}

result<address> address::try_local(std::string_view path) noexcept {
    if (path.empty()) return detail::fail(std::errc::invalid_argument);
    const bool abstract = path.front() == '\0';
    if (!abstract && path.find('\0') != std::string_view::npos)
        return detail::fail(std::errc::invalid_argument);
    // A path name needs room for its terminating NUL; an abstract name does not.
    if (path.size() + (abstract ? 0 : 1) > detail::sun_path_capacity)
        return detail::fail(std::errc::filename_too_long);
    address a = unnamed_local();
    auto* sun = reinterpret_cast<detail::os::sockaddr_un_type*>(&a.storage_);
    std::memcpy(sun->sun_path, path.data(), path.size());
    const std::size_t len = detail::sun_path_offset + path.size() + (abstract ? 0 : 1);
    a.size_ = static_cast<detail::os::socklen_type>(len);
    detail::set_sa_len(a.data(), len);
    return a;
}

address address::local(std::string_view path) { return detail::unwrap(try_local(path), "address::local"); }

result<address> address::try_from_native(const void* sa, std::size_t size) noexcept {
    address a;
    if (sa == nullptr || size < sizeof(a.storage_.ss_family) || size > sizeof a.storage_)
        return detail::fail(std::errc::invalid_argument);
    std::memset(&a.storage_, 0, sizeof a.storage_);
    std::memcpy(&a.storage_, sa, size);
    a.size_ = static_cast<detail::os::socklen_type>(size);
    if (auto ec = a.normalize()) return detail::fail(ec);
    return a;
}

address address::from_native(const void* sa, std::size_t size) {
    return detail::unwrap(try_from_native(sa, size), "address::from_native");
}

net::family address::family() const noexcept {
    switch (storage_.ss_family) {
    case AF_INET6: return net::family::ipv6;
    case detail::os::af_local: return net::family::local;
    default: return net::family::ipv4;
    }
}

std::uint16_t address::port() const noexcept {
    switch (family()) {
    case net::family::ipv4: return detail::from_net16(as_v4()->sin_port);
    case net::family::ipv6: return detail::from_net16(as_v6()->sin6_port);
    default: return 0;
    }
}

address address::with_port(std::uint16_t port) const noexcept {
    address a = *this;
    if (family() == net::family::ipv4) a.as_v4()->sin_port = detail::to_net16(port);
    else if (family() == net::family::ipv6) a.as_v6()->sin6_port = detail::to_net16(port);
    return a;
}

std::uint32_t address::scope_id() const noexcept {
    return family() == net::family::ipv6 ? as_v6()->sin6_scope_id : 0;
}

std::array<std::uint8_t, 4> address::v4_bytes() const noexcept {
    std::array<std::uint8_t, 4> b{};
    if (family() == net::family::ipv4) std::memcpy(b.data(), &as_v4()->sin_addr, 4);
    return b;
}

std::array<std::uint8_t, 16> address::v6_bytes() const noexcept {
    std::array<std::uint8_t, 16> b{};
    if (family() == net::family::ipv6) std::memcpy(b.data(), &as_v6()->sin6_addr, 16);
    return b;
}

std::string address::path() const { return std::string(local_path()); }

std::string address::host() const {
    if (family() == net::family::local) return path();
    char buf[detail::max_text + 1];
    return std::string(buf, detail::format_host(*this, buf));
}

std::string address::to_string() const {
    if (family() == net::family::local) {
        auto p = local_path();
        if (!p.empty() && p.front() == '\0') return "@" + std::string(p.substr(1));
        return std::string(p);
    }
    char buf[detail::max_text + 1];
    std::size_t n = 0;
    const bool v6 = family() == net::family::ipv6;
    if (v6) buf[n++] = '[';
    n += detail::format_host(*this, buf + n);
    if (v6) buf[n++] = ']';
    buf[n++] = ':';
    n += detail::format_uint(buf + n, port());
    return std::string(buf, n);
}

bool address::is_loopback() const noexcept {
    if (family() == net::family::ipv4) return v4_bytes()[0] == 127;
    if (family() != net::family::ipv6) return false;
    if (is_v4_mapped()) return v6_bytes()[12] == 127;
    std::array<std::uint8_t, 16> one{};
    one[15] = 1;
    return v6_bytes() == one;
}

bool address::is_any() const noexcept {
    if (family() == net::family::ipv4) return v4_bytes() == std::array<std::uint8_t, 4>{};
    if (family() == net::family::ipv6) return v6_bytes() == std::array<std::uint8_t, 16>{};
    return false;
}

bool address::is_multicast() const noexcept {
    if (family() == net::family::ipv4) return (v4_bytes()[0] & 0xf0) == 0xe0;
    if (family() == net::family::ipv6) return v6_bytes()[0] == 0xff;
    return false;
}

bool address::is_v4_mapped() const noexcept {
    if (family() != net::family::ipv6) return false;
    auto b = v6_bytes();
    for (std::size_t i = 0; i < 10; ++i)
        if (b[i] != 0) return false;
    return b[10] == 0xff && b[11] == 0xff;
}

address address::unmapped() const noexcept {
    if (!is_v4_mapped()) return *this;
    auto b = v6_bytes();
    return ipv4({b[12], b[13], b[14], b[15]}, port());
}

std::size_t address::hash() const noexcept {
    std::size_t h = static_cast<std::size_t>(family()) + 0x9e3779b9u;
    auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2); };
    if (family() == net::family::local) {
        mix(std::hash<std::string_view>{}(local_path()));
        return h;
    }
    if (family() == net::family::ipv4)
        for (auto x : v4_bytes()) mix(x);
    else
        for (auto x : v6_bytes()) mix(x);
    mix(port());
    mix(scope_id());
    return h;
}

address::native_sink address::prepare_native() noexcept {
    std::memset(&storage_, 0, sizeof storage_);
    size_ = static_cast<detail::os::socklen_type>(sizeof storage_);
    return {data(), &size_};
}

std::error_code address::commit_native() noexcept { return normalize(); }

std::error_code address::commit_native(std::size_t size) noexcept {
    if (size > sizeof storage_) return detail::make_errc(std::errc::invalid_argument);
    size_ = static_cast<detail::os::socklen_type>(size);
    return normalize();
}

address address::unnamed_local() noexcept {
    address a;
    std::memset(&a.storage_, 0, sizeof a.storage_);
    a.storage_.ss_family = static_cast<decltype(a.storage_.ss_family)>(detail::os::af_local);
    a.size_ = static_cast<detail::os::socklen_type>(detail::sun_path_offset);
    detail::set_sa_len(a.data(), detail::sun_path_offset);
    return a;
}

std::string_view address::local_path() const noexcept {
    if (family() != net::family::local || size() <= detail::sun_path_offset) return {};
    const auto* sun = reinterpret_cast<const detail::os::sockaddr_un_type*>(&storage_);
    std::size_t n = size() - detail::sun_path_offset;
    if (n > detail::sun_path_capacity) n = detail::sun_path_capacity;
    if (sun->sun_path[0] != '\0') { // path name: up to the first NUL
        std::size_t len = 0;
        while (len < n && sun->sun_path[len] != '\0') ++len;
        n = len;
    }
    return {sun->sun_path, n};
}

// Checks the family and size of a kernel- or user-provided sockaddr.
std::error_code address::normalize() noexcept {
    switch (storage_.ss_family) {
    case AF_INET:
        if (size() < sizeof(::sockaddr_in)) return detail::make_errc(std::errc::invalid_argument);
        size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in));
        return {};
    case AF_INET6:
        if (size() < sizeof(::sockaddr_in6)) return detail::make_errc(std::errc::invalid_argument);
        size_ = static_cast<detail::os::socklen_type>(sizeof(::sockaddr_in6));
        return {};
    case detail::os::af_local:
        if (size() < detail::sun_path_offset)
            size_ = static_cast<detail::os::socklen_type>(detail::sun_path_offset);
        if (size() > sizeof(detail::os::sockaddr_un_type))
            size_ = static_cast<detail::os::socklen_type>(sizeof(detail::os::sockaddr_un_type));
        return {};
    default: return detail::make_errc(std::errc::address_family_not_supported);
    }
}

int address::compare(const address& o) const noexcept {
    const auto f = family(), g = o.family();
    if (f != g) return f < g ? -1 : 1;
    if (f == net::family::local) return local_path().compare(o.local_path());
    int c = f == net::family::ipv4 ? std::memcmp(&as_v4()->sin_addr, &o.as_v4()->sin_addr, 4)
                                   : std::memcmp(&as_v6()->sin6_addr, &o.as_v6()->sin6_addr, 16);
    if (c != 0) return c < 0 ? -1 : 1;
    if (port() != o.port()) return port() < o.port() ? -1 : 1;
    if (scope_id() != o.scope_id()) return scope_id() < o.scope_id() ? -1 : 1;
    return 0;
}

namespace detail {
int to_native(net::family f) noexcept {
    switch (f) {
    case net::family::ipv6: return AF_INET6;
    case net::family::local: return os::af_local;
    default: return AF_INET;
    }
}
int to_native(net::socket_type t) noexcept {
    return t == net::socket_type::datagram ? SOCK_DGRAM : SOCK_STREAM;
}
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/address.ipp ----
// ---- begin net/impl/socket.ipp ----
#ifndef NETSOCK_IMPL_SOCKET_IPP
#define NETSOCK_IMPL_SOCKET_IPP

// Definitions for socket.hpp: inline in header-only mode, compiled once by
// <net/impl/src.hpp> under NETSOCK_SEPARATE_COMPILATION.


NETSOCK_BEGIN_NAMESPACE

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        reset();
        handle_ = other.release();
    }
    return *this;
}

socket::~socket() { reset(); }

result<void> socket::try_close() noexcept {
    if (!is_open()) return {};
    if (auto ec = detail::sys::close(release())) return detail::fail(ec);
    return {};
}

void socket::close() { detail::unwrap(try_close(), "close"); }

void socket::reset() noexcept {
    if (is_open()) (void)detail::sys::close(release());
}

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/socket.ipp ----
// ---- begin net/impl/ops.ipp ----
#ifndef NETSOCK_IMPL_OPS_IPP
#define NETSOCK_IMPL_OPS_IPP

// Definitions for ops.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. Each try_ function checks its arguments, makes the
// deadline of its timeout and calls the syscall layer (detail/sys.hpp), which does the waiting
// and retrying; each throwing function is its try_ twin plus detail::unwrap.


#include <cstddef>
#include <system_error>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

namespace detail {
// Runs `call` with h non-blocking, then restores h's mode: for the timed calls that have no
// per-call "don't wait" flag (accept, connect). On Windows the mode is what set_nonblocking
// remembers (a mode set with ioctlsocket directly is not seen).
template <class Call> auto with_nonblocking(sys::handle h, Call&& call) noexcept -> decltype(call()) {
    std::error_code ec;
    const int was_nonblocking = sys::is_nonblocking(h, ec);
    if (ec) return fail(ec);
    if (was_nonblocking != 1) {
        if (auto e = sys::set_nonblocking(h, true)) return fail(e);
    }
    auto r = call();
    if (was_nonblocking != 1) {
        if (auto e = sys::set_nonblocking(h, false); e && r) return fail(e);
    }
    return r;
}

// Where the OS has no socketpair (Windows): a pair over loopback. For streams the accepted
// peer is checked to be our own connecting socket, as another process may connect first.
inline result<std::pair<socket, socket>> loopback_pair(socket_type t) noexcept {
    const address loop = address::loopback();
    if (t == socket_type::datagram) {
        socket ends[2];
        address names[2];
        for (int i = 0; i < 2; ++i) {
            auto s = try_make_socket(family::ipv4, t);
            if (!s) return fail(s.error());
            if (auto r = try_bind(*s, loop); !r) return fail(r.error());
            auto name = try_local_address(*s);
            if (!name) return fail(name.error());
            ends[i] = std::move(*s);
            names[i] = *name;
        }
        for (int i = 0; i < 2; ++i)
            if (auto r = try_connect(ends[i], names[1 - i]); !r) return fail(r.error());
        return std::pair<socket, socket>(std::move(ends[0]), std::move(ends[1]));
    }
    auto listener = try_make_socket(family::ipv4, t);
    if (!listener) return fail(listener.error());
    if (auto r = try_bind(*listener, loop); !r) return fail(r.error());
    if (auto r = try_listen(*listener, 1); !r) return fail(r.error());
    auto where = try_local_address(*listener);
    if (!where) return fail(where.error());
    auto client = try_make_socket(family::ipv4, t);
    if (!client) return fail(client.error());
    if (auto r = try_connect(*client, *where); !r) return fail(r.error());
    auto mine = try_local_address(*client);
    if (!mine) return fail(mine.error());
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto peer = try_accept(*listener);
        if (!peer) return fail(peer.error());
        if (peer->peer == *mine)
            return std::pair<socket, socket>(std::move(*client), std::move(peer->socket));
    }
    return fail(std::errc::connection_refused);
}
// The native flags and the deadline of a transfer with message_flags `f` (`allowed`: the flags
// this transfer takes); invalid_argument for the others. dontwait is a deadline that has already
// passed (one attempt that never waits, on every OS: Windows has no MSG_DONTWAIT), reported as
// would-block by transfer_error.
inline std::error_code transfer_plan(message_flags f, message_flags allowed, timeout t, int& native,
                                     sys::deadline& until) noexcept {
    const auto bits = static_cast<unsigned>(f);
    if ((bits & ~static_cast<unsigned>(allowed)) != 0 ||
        (has(f, message_flags::peek) && has(f, message_flags::waitall)) ||
        (has(f, message_flags::dontwait) && has(f, message_flags::waitall)))
        return make_errc(std::errc::invalid_argument);
    native = has(f, message_flags::peek) ? MSG_PEEK : 0;
    // One sys:: call uses it (waitall goes through try_recv_exact with t itself).
    until =
        sys::deadline::at_first_wait(has(f, message_flags::dontwait) ? timeout(std::chrono::seconds(0)) : t);
    return {};
}
inline std::error_code transfer_error(message_flags f, std::error_code ec) noexcept {
    if (has(f, message_flags::dontwait) && ec == std::errc::timed_out)
        return make_errc(std::errc::operation_would_block);
    return ec;
}
} // namespace detail

result<socket> try_make_socket(family f, socket_type t) noexcept {
    std::error_code ec;
    socket s(detail::sys::open(detail::to_native(f), detail::to_native(t), 0, ec));
    if (ec) return detail::fail(ec);
    if (f == family::ipv6) {
        if (auto e = detail::sys::set_int_option(s.native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, 1))
            return detail::fail(e);
    }
    return s;
}

socket make_socket(family f, socket_type t) { return detail::unwrap(try_make_socket(f, t), "make_socket"); }

result<void> try_bind(const socket& s, const address& a) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::prepare_bind(s.native_handle(), a.data()->sa_family)) return detail::fail(ec);
    if (auto ec = detail::sys::bind(s.native_handle(), a.data(), a.size())) return detail::fail(ec);
    return {};
}

void bind(const socket& s, const address& a) { detail::unwrap(try_bind(s, a), "bind", a); }

result<void> try_listen(const socket& s, int backlog) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::listen(s.native_handle(), backlog)) return detail::fail(ec);
    return {};
}

void listen(const socket& s, int backlog) { detail::unwrap(try_listen(s, backlog), "listen"); }

result<accept_result> try_accept(const socket& s, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    auto until = detail::sys::deadline::after(t);
    if (until.infinite()) until = until.earliest(detail::sys::accept_deadline(s.native_handle()));
    auto once = [&]() -> result<accept_result> {
        accept_result r;
        auto sink = r.peer.prepare_native();
        std::error_code ec;
        r.socket = socket(detail::sys::accept(s.native_handle(), sink.data, sink.size, until, ec));
        if (ec) return detail::fail(ec);
        if (r.peer.commit_native()) r.peer = address::any(family::local); // an unnamed peer
        return r;
    };
    if (until.blocks()) return once();
    if (until.cancelled()) return detail::fail(detail::sys::canceled());
    return detail::with_nonblocking(s.native_handle(), once);
}

accept_result accept(const socket& s, timeout t) { return detail::unwrap(try_accept(s, t), "accept"); }

result<void> try_connect(const socket& s, const address& a, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    namespace sys = detail::sys;
    const auto h = s.native_handle();
    auto until = sys::deadline::after(t);
    if (until.cancelled()) return detail::fail(sys::canceled());
    if (until.infinite()) { // set_timeout (SO_SNDTIMEO) bounds connect on every OS
        if (const long long ms = sys::socket_timeout_ms(h, SO_SNDTIMEO); ms > 0)
            until = until.earliest(sys::deadline::after(std::chrono::milliseconds(ms)));
    }
    if (until.blocks()) {
        auto ec = sys::connect(h, a.data(), a.size());
        if (ec && sys::is_interrupted(ec)) ec = sys::finish_connect(h, until);
        if (ec) return detail::fail(ec);
        return {};
    }
    return detail::with_nonblocking(h, [&]() -> result<void> {
        auto ec = sys::connect(h, a.data(), a.size());
        // A local (Unix) listener with a full backlog makes a non-blocking connect fail with
        // EAGAIN (Linux): nothing was started and no event will say when to retry, so retry
        // every 10 ms until the deadline.
        while (ec && sys::is_would_block(ec) && !sys::is_in_progress(ec)) {
            if (until.cancelled()) return detail::fail(sys::canceled());
            if (until.expired()) return detail::fail(sys::timed_out());
            const int ms = until.remaining_ms();
            sys::sleep_ms(ms >= 0 && ms < 10 ? ms : 10); // -1: no time limit (a canceller)
            ec = sys::connect(h, a.data(), a.size());
        }
        if (ec && (sys::is_in_progress(ec) || sys::is_interrupted(ec))) ec = sys::finish_connect(h, until);
        if (ec) return detail::fail(ec);
        return {};
    });
}

void connect(const socket& s, const address& a, timeout t) {
    detail::unwrap(try_connect(s, a, t), "connect", a);
}

result<std::size_t> try_send(const socket& s, const_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const std::size_t n = detail::sys::send(s.native_handle(), b.data(), b.size(), 0,
                                            detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t send(const socket& s, const_buffer b, timeout t) {
    return detail::unwrap(try_send(s, b, t), "send");
}

result<std::size_t> try_send(const socket& s, const_buffer b, message_flags f, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    int native = 0;
    detail::sys::deadline until;
    if (auto ec = detail::transfer_plan(f, message_flags::dontwait, t, native, until))
        return detail::fail(ec);
    std::error_code ec;
    const std::size_t n = detail::sys::send(s.native_handle(), b.data(), b.size(), native, until, ec);
    if (ec) return detail::fail(detail::transfer_error(f, ec));
    return n;
}

std::size_t send(const socket& s, const_buffer b, message_flags f, timeout t) {
    return detail::unwrap(try_send(s, b, f, t), "send");
}

// sendall and recv_exact also wait on would-block, so they work on non-blocking sockets too.
result<std::size_t> try_sendall(const socket& s, const_buffer b, timeout t, std::size_t* sent) noexcept {
    std::size_t done = 0;
    std::error_code ec;
    if (!s) ec = detail::not_open();
    const auto until = detail::sys::deadline::after(t);
    const auto* p = static_cast<const unsigned char*>(b.data());
    while (!ec && done < b.size()) {
        done += detail::sys::send(s.native_handle(), p + done, b.size() - done, 0, until, ec);
        if (detail::sys::is_would_block(ec)) detail::sys::wait(s.native_handle(), POLLOUT, until, ec);
    }
    if (sent) *sent = done;
    if (ec) return detail::fail(ec);
    return done;
}

std::size_t sendall(const socket& s, const_buffer b, timeout t) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendall(s, b, t, &sent), "sendall", &sent);
}

result<std::size_t> try_recv(const socket& s, mutable_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (b.size() == 0) return detail::fail(std::errc::invalid_argument); // 0 would read as EOF
    std::error_code ec;
    const std::size_t n = detail::sys::recv(s.native_handle(), b.data(), b.size(), 0,
                                            detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t recv(const socket& s, mutable_buffer b, timeout t) {
    return detail::unwrap(try_recv(s, b, t), "recv");
}

result<std::size_t> try_recv(const socket& s, mutable_buffer b, message_flags f, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (b.size() == 0) return detail::fail(std::errc::invalid_argument);
    int native = 0;
    detail::sys::deadline until;
    const auto allowed = message_flags::peek | message_flags::dontwait | message_flags::waitall;
    if (auto ec = detail::transfer_plan(f, allowed, t, native, until)) return detail::fail(ec);
    if (has(f, message_flags::waitall)) { // recv_exact, with a short count at EOF (MSG_WAITALL)
        std::size_t got = 0;
        auto r = try_recv_exact(s, b, t, &got);
        // What arrived before EOF, a timeout or a cancel is returned, never dropped: the bytes
        // are out of the socket (MSG_WAITALL does the same when interrupted).
        if (!r && got == 0 && r.error() != errc::eof) return detail::fail(r.error());
        return got;
    }
    std::error_code ec;
    const std::size_t n = detail::sys::recv(s.native_handle(), b.data(), b.size(), native, until, ec);
    if (ec) return detail::fail(detail::transfer_error(f, ec));
    return n;
}

std::size_t recv(const socket& s, mutable_buffer b, message_flags f, timeout t) {
    return detail::unwrap(try_recv(s, b, f, t), "recv");
}

result<std::size_t> try_recv_exact(const socket& s, mutable_buffer b, timeout t,
                                   std::size_t* received) noexcept {
    std::size_t done = 0;
    std::error_code ec;
    if (!s) ec = detail::not_open();
    const auto until = detail::sys::deadline::after(t);
    auto* p = static_cast<unsigned char*>(b.data());
    while (!ec && done < b.size()) {
        const std::size_t n = detail::sys::recv(s.native_handle(), p + done, b.size() - done, 0, until, ec);
        if (!ec && n == 0) ec = make_error_code(errc::eof);
        done += n;
        if (detail::sys::is_would_block(ec)) detail::sys::wait(s.native_handle(), POLLIN, until, ec);
    }
    if (received) *received = done;
    if (ec) return detail::fail(ec);
    return done;
}

std::size_t recv_exact(const socket& s, mutable_buffer b, timeout t) {
    std::size_t got = 0;
    return detail::unwrap_transfer(try_recv_exact(s, b, t, &got), "recv_exact", &got);
}

result<std::size_t> try_sendto(const socket& s, const_buffer b, const address& to, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const std::size_t n = detail::sys::sendto(s.native_handle(), b.data(), b.size(), 0, to.data(), to.size(),
                                              detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    return n;
}

std::size_t sendto(const socket& s, const_buffer b, const address& to, timeout t) {
    return detail::unwrap(try_sendto(s, b, to, t), "sendto", to);
}

result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    recvfrom_result r;
    auto sink = r.sender.prepare_native();
    std::error_code ec;
    r.size = detail::sys::recvfrom(s.native_handle(), b.data(), b.size(), 0, sink.data, sink.size,
                                   r.truncated, detail::sys::deadline::at_first_wait(t), ec);
    if (ec) return detail::fail(ec);
    // No sender address (an unnamed local socket): the kernel reports length 0.
    if (r.sender.commit_native()) r.sender = address::any(family::local);
    return r;
}

recvfrom_result recvfrom(const socket& s, mutable_buffer b, timeout t) {
    return detail::unwrap(try_recvfrom(s, b, t), "recvfrom");
}

result<recvfrom_result> try_recvfrom(const socket& s, mutable_buffer b, message_flags f, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    int native = 0;
    detail::sys::deadline until;
    if (auto ec = detail::transfer_plan(f, message_flags::peek | message_flags::dontwait, t, native, until))
        return detail::fail(ec);
    recvfrom_result r;
    auto sink = r.sender.prepare_native();
    std::error_code ec;
    r.size = detail::sys::recvfrom(s.native_handle(), b.data(), b.size(), native, sink.data, sink.size,
                                   r.truncated, until, ec);
    if (ec) return detail::fail(detail::transfer_error(f, ec));
    if (r.sender.commit_native()) r.sender = address::any(family::local);
    return r;
}

recvfrom_result recvfrom(const socket& s, mutable_buffer b, message_flags f, timeout t) {
    return detail::unwrap(try_recvfrom(s, b, f, t), "recvfrom");
}

result<void> try_shutdown(const socket& s, shutdown_type how) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const int h = how == shutdown_type::receive ? detail::os::shut_rd
                  : how == shutdown_type::send  ? detail::os::shut_wr
                                                : detail::os::shut_rdwr;
    if (auto ec = detail::sys::shutdown(s.native_handle(), h)) return detail::fail(ec);
    return {};
}

void shutdown(const socket& s, shutdown_type how) { detail::unwrap(try_shutdown(s, how), "shutdown"); }

result<address> try_local_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getsockname(s.native_handle(), sink.data, sink.size)) return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}

address local_address(const socket& s) { return detail::unwrap(try_local_address(s), "local_address"); }

result<address> try_peer_address(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    address a;
    auto sink = a.prepare_native();
    if (auto ec = detail::sys::getpeername(s.native_handle(), sink.data, sink.size)) return detail::fail(ec);
    if (auto ec = a.commit_native()) return detail::fail(ec);
    return a;
}

address peer_address(const socket& s) { return detail::unwrap(try_peer_address(s), "peer_address"); }

result<void> try_set_nonblocking(const socket& s, bool on) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (auto ec = detail::sys::set_nonblocking(s.native_handle(), on)) return detail::fail(ec);
    return {};
}

void set_nonblocking(const socket& s, bool on) {
    detail::unwrap(try_set_nonblocking(s, on), "set_nonblocking");
}

result<void> try_set_timeout(const socket& s, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (t.has_canceller()) return detail::fail(std::errc::invalid_argument);
    const auto h = s.native_handle();
    const bool zero = !t.is_none() && t.duration() == std::chrono::nanoseconds::zero();
    if (auto ec = detail::sys::set_nonblocking(h, zero)) return detail::fail(ec);
    const auto ms = t.is_none() || zero ? std::chrono::milliseconds(0)
                                        : std::chrono::ceil<std::chrono::milliseconds>(t.duration());
    for (int option : {SO_RCVTIMEO, SO_SNDTIMEO})
        if (auto ec = detail::set_timeout_option(h, option, ms)) return detail::fail(ec);
    return {};
}

void set_timeout(const socket& s, timeout t) { detail::unwrap(try_set_timeout(s, t), "set_timeout"); }

result<timeout> try_get_timeout(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const int nonblocking = detail::sys::is_nonblocking(s.native_handle(), ec);
    if (ec) return detail::fail(ec);
    if (nonblocking == 1) return timeout(std::chrono::seconds(0));
    const long long ms = detail::sys::socket_timeout_ms(s.native_handle(), SO_RCVTIMEO);
    if (ms <= 0) return timeout::none();
    return timeout(std::chrono::milliseconds(ms));
}

timeout get_timeout(const socket& s) { return detail::unwrap(try_get_timeout(s), "get_timeout"); }

result<events> try_wait(const socket& s, events wanted, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    std::error_code ec;
    const short got = detail::sys::wait(s.native_handle(), detail::sys::to_poll(wanted),
                                        detail::sys::deadline::after(t), ec);
    if (ec) return detail::fail(ec);
    return detail::sys::from_poll(got);
}

events wait(const socket& s, events wanted, timeout t) {
    return detail::unwrap(try_wait(s, wanted, t), "wait");
}

result<void> try_graceful_close(socket& s, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    const auto until = detail::sys::deadline::after(t);
    std::error_code ec;
    if (auto r = try_shutdown(s, shutdown_type::send); !r) ec = r.error();
    char sink[4096];
    while (!ec) {
        if (detail::sys::recv(s.native_handle(), sink, sizeof sink, 0, until, ec) == 0 && !ec)
            break; // the peer's EOF: all of our data was received
    }
    auto closed = s.try_close();
    if (ec) return detail::fail(ec);
    return closed;
}

void graceful_close(socket& s, timeout t) { detail::unwrap(try_graceful_close(s, t), "graceful_close"); }

result<std::pair<socket, socket>> try_socket_pair(socket_type t) noexcept {
    if constexpr (!detail::os::has_socketpair) {
        return detail::loopback_pair(t);
    } else {
        native_handle_type h[2] = {invalid_handle, invalid_handle};
        if (auto ec = detail::sys::socket_pair(detail::to_native(t), h)) return detail::fail(ec);
        return std::pair<socket, socket>(socket(h[0]), socket(h[1]));
    }
}

std::pair<socket, socket> socket_pair(socket_type t) {
    return detail::unwrap(try_socket_pair(t), "socket_pair");
}

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/ops.ipp ----
// ---- begin net/impl/options.ipp ----
#ifndef NETSOCK_IMPL_OPTIONS_IPP
#define NETSOCK_IMPL_OPTIONS_IPP

// Definitions of options.hpp: the OS conversions of the typed options.



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
// ---- end net/impl/options.ipp ----
// ---- begin net/impl/message.ipp ----
#ifndef NETSOCK_IMPL_MESSAGE_IPP
#define NETSOCK_IMPL_MESSAGE_IPP

// Definitions for message.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. Control data is encoded and decoded by the OS layer
// (os::write_control / os::read_control) in stack buffers; batches go through sys::batch in
// pieces of os::batch_chunk slots, also on the stack.


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
// ---- end net/impl/message.ipp ----
// ---- begin net/impl/file.ipp ----
#ifndef NETSOCK_IMPL_FILE_IPP
#define NETSOCK_IMPL_FILE_IPP

// Definitions for file.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. One attempt is sys::send_file (os::send_file_once:
// sendfile / TransmitFile / pread + send); the mode switch of a timed call is ops.ipp's
// detail::with_nonblocking.


#include <cstddef>
#include <cstdint>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {

// Runs `call` as it is, or, where a timed attempt needs a non-blocking socket (POSIX) and this
// call has a deadline or a canceller, with the socket non-blocking for its duration.
template <class Call>
result<std::size_t> with_file_mode(native_handle_type h, const sys::deadline& until, Call&& call) noexcept {
    if constexpr (sys::send_file_needs_nonblocking) {
        if (!until.blocks()) {
            if (until.cancelled()) return fail(sys::canceled());
            return with_nonblocking(h, call);
        }
    }
    return call();
}

} // namespace detail

result<std::size_t> try_sendfile(const socket& s, native_file_type file, std::uint64_t offset,
                                 std::size_t count, timeout t) noexcept {
    if (!s) return detail::fail(detail::not_open());
    if (count == 0) return std::size_t{0};
    const auto h = s.native_handle();
    const auto until = detail::sys::deadline::at_first_wait(t);
    return detail::with_file_mode(h, until, [&]() -> result<std::size_t> {
        std::error_code ec;
        const std::size_t n = detail::sys::send_file(h, file, offset, count, until, ec);
        if (ec) return detail::fail(ec);
        return n;
    });
}

std::size_t sendfile(const socket& s, native_file_type file, std::uint64_t offset, std::size_t count,
                     timeout t) {
    return detail::unwrap(try_sendfile(s, file, offset, count, t), "sendfile");
}

result<std::size_t> try_sendfile_all(const socket& s, native_file_type file, std::uint64_t offset,
                                     std::size_t count, timeout t, std::size_t* sent) noexcept {
    std::size_t done = 0;
    std::error_code ec;
    if (!s) ec = detail::not_open();
    const auto h = s.native_handle();
    const auto until = detail::sys::deadline::after(t);
    if (!ec && count > 0) {
        auto r = detail::with_file_mode(h, until, [&]() -> result<std::size_t> {
            while (!ec && done < count) {
                const std::size_t n = detail::sys::send_file(h, file, offset + done, count - done, until, ec);
                if (!ec && n == 0) ec = make_error_code(errc::eof);
                done += n;
                if (detail::sys::is_would_block(ec)) detail::sys::wait(h, POLLOUT, until, ec);
            }
            return done;
        });
        if (!r && !ec) ec = r.error(); // the mode switch failed
    }
    if (sent) *sent = done;
    if (ec) return detail::fail(ec);
    return done;
}

std::size_t sendfile_all(const socket& s, native_file_type file, std::uint64_t offset, std::size_t count,
                         timeout t) {
    std::size_t sent = 0;
    return detail::unwrap_transfer(try_sendfile_all(s, file, offset, count, t, &sent), "sendfile_all", &sent);
}

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/file.ipp ----
// ---- begin net/impl/resolve.ipp ----
#ifndef NETSOCK_IMPL_RESOLVE_IPP
#define NETSOCK_IMPL_RESOLVE_IPP

// Definitions of resolve.hpp: getaddrinfo, the Happy Eyeballs connect race and create_server.



#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
inline std::error_code resolver_error(int code) noexcept {
    if (code == sys::eai_system) { // getaddrinfo(3): "look at errno"
        int e = sys::last_error();
        return e != 0 ? socket_error(e) : std::error_code(code, resolve_category());
    }
    return {code, resolve_category()};
}

struct addrinfo_guard {
    ::addrinfo* list = nullptr;
    ~addrinfo_guard() {
        if (list) sys::freeaddrinfo(list);
    }
};

// A host that inet_aton or getaddrinfo may read as an IPv4 address: dot-separated labels,
// each empty, decimal digits or 0x-prefixed hex ("127.1", "0x7f.0.0.1", "012.0.0.1",
// "2130706433", "1.2.3.4."), up to the first white space ("127.0.0.1 junk"). No DNS name is
// like this (a top-level domain is never all digits), so these never go to DNS.
inline bool looks_numeric(std::string_view host) noexcept {
    host = host.substr(0, host.find_first_of(" \t\n\v\f\r"));
    bool any = false;
    std::size_t i = 0;
    while (i <= host.size()) {
        std::size_t j = host.find('.', i);
        if (j == std::string_view::npos) j = host.size();
        std::string_view label = host.substr(i, j - i);
        if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
            for (char c : label.substr(2))
                if (hex_value(c) < 0) return false;
        } else if (!label.empty() && !all_digits(label)) {
            return false;
        }
        any = any || !label.empty();
        i = j + 1;
    }
    return any;
}

// True if `a` names a socket file that no one listens on: a socket (never a regular file, a
// link or anything else) to which a connect is refused. A live listener accepts the connect
// (or, with a full backlog, keeps it waiting: not refused either), so its path is kept.
inline bool stale_socket_file(const address& a) {
    if (a.family() != family::local) return false;
    const std::string path = a.path();
    if (path.empty() || path.front() == '\0') return false; // unnamed or abstract: no file
    if (sys::kind_of_path(path.c_str()) != sys::path_kind::socket) return false;
    auto probe = try_make_socket(family::local, socket_type::stream);
    if (!probe) return false;
    auto c = try_connect(*probe, a, std::chrono::seconds(1));
    return !c && c.error() == std::errc::connection_refused;
}

// "host:port" ("[::1]:80" for an IPv6 host) for error messages.
inline std::string host_port(std::string_view host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string_view::npos && host.front() != '[';
    return (v6 ? "[" : "") + std::string(host) + (v6 ? "]:" : ":") + std::to_string(port);
}

// Happy Eyeballs order (RFC 8305 section 4): alternate families, starting with IPv6.
inline std::vector<address> interleave(const std::vector<address>& in) {
    std::vector<address> v6, v4, out;
    for (const auto& a : in) (a.family() == family::ipv6 ? v6 : v4).push_back(a);
    out.reserve(in.size());
    for (std::size_t i = 0; i < v6.size() || i < v4.size(); ++i) {
        if (i < v6.size()) out.push_back(v6[i]);
        if (i < v4.size()) out.push_back(v4[i]);
    }
    return out;
}

// An error worth reporting over another: anything beats a timeout, as "connection refused"
// or "network unreachable" says more about why no attempt succeeded.
inline void keep_most_specific(std::error_code& best, std::error_code ec) noexcept {
    if (!best || (best == std::errc::timed_out && ec != std::errc::timed_out)) best = ec;
}
} // namespace detail

result<std::vector<address>> try_resolve(std::string_view host, std::string_view service,
                                         const resolve_hints& hints) noexcept {
    if (auto ec = detail::sys::start()) return detail::fail(ec);
    if (host.size() > 1024 || service.size() > 256 || host.find('\0') != std::string_view::npos ||
        service.find('\0') != std::string_view::npos)
        return detail::fail(std::errc::invalid_argument);
    std::string h(host), s(service);
    ::addrinfo want{};
    want.ai_family = hints.family ? detail::to_native(*hints.family) : AF_UNSPEC;
    want.ai_socktype = detail::to_native(hints.type);
    want.ai_flags = hints.passive ? AI_PASSIVE : 0;
    std::string_view bare = host;
    if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
    if (bare.find(':') != std::string_view::npos || detail::looks_numeric(bare)) {
        // Numeric, or meant to be: netsock's parser decides, never inet_aton ("127.1", "012.0.0.1")
        // nor DNS. getaddrinfo gets the canonical text, the zone as a number.
        auto a = address::try_parse(bare, 0);
        if (!a) return detail::fail(a.error());
        char text[detail::max_text + 1];
        h.assign(text, detail::format_host(*a, text, true));
        want.ai_flags |= AI_NUMERICHOST;
    }
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
        // glibc truncates numeric services to 16 bits without a check: "70000" became 4464.
        unsigned long port = 0;
        for (char c : s) port = port * 10 + static_cast<unsigned long>(c - '0');
        if (s.size() > 5 || port > 65535)
            return detail::fail(std::error_code(EAI_SERVICE, resolve_category()));
        want.ai_flags |= AI_NUMERICSERV;
    }
    detail::addrinfo_guard found;
    int rc = detail::sys::getaddrinfo(h.empty() ? nullptr : h.c_str(), s.empty() ? nullptr : s.c_str(), &want,
                                      &found.list);
    if (rc != 0) return detail::fail(detail::resolver_error(rc));
    std::vector<address> out;
    for (const ::addrinfo* ai = found.list; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        auto a = address::try_from_native(ai->ai_addr, static_cast<std::size_t>(ai->ai_addrlen));
        if (!a) continue;
        bool seen = false;
        for (const auto& b : out) seen = seen || b == *a;
        if (!seen) out.push_back(*a);
    }
    if (out.empty()) return detail::fail(std::error_code(EAI_NONAME, resolve_category()));
    return out;
}
std::vector<address> resolve(std::string_view host, std::string_view service, const resolve_hints& hints) {
    return detail::unwrap(try_resolve(host, service, hints), "resolve", host);
}

namespace detail {
// A lookup on a thread of its own: what it found, and a canceller it cancels when done (the
// caller waits for its socket with poll, so a deadline and the caller's canceller end the wait).
// Owned by the caller and the thread together: the last to let go deletes it.
struct lookup {
    canceller done;
    std::string host, service;
    resolve_hints hints;
    std::vector<address> found; // what the lookup found, or
    std::error_code failure;    // why it failed
    std::atomic<int> owners{2};

    void release() noexcept {
        if (owners.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
    }
    static void run(void* p) noexcept {
        auto* job = static_cast<lookup*>(p);
        auto r = try_resolve(job->host, job->service, job->hints);
        if (r) job->found = std::move(*r);
        else job->failure = r.error();
        job->done.cancel(); // publishes `found` (release); the caller reads it after is_cancelled()
        job->release();
    }
};

// try_resolve under a deadline or a canceller. getaddrinfo cannot be interrupted, so a name is
// resolved on a thread of its own while the caller waits; on expiry (timed_out) or cancel
// (operation_canceled) the caller returns at once and the lookup is abandoned: the thread
// finishes it alone and frees what it found. One thread and one socket pair per lookup, and only
// for names: numeric hosts, and calls with neither a time limit nor a canceller, resolve on the
// caller's thread. Without a thread to be had, the name is resolved on the caller's thread,
// without the time limit.
inline result<std::vector<address>> resolve_until(std::string_view host, std::string_view service,
                                                  const resolve_hints& hints, const sys::deadline& until) {
    if (until.cancelled()) return fail(sys::canceled());
    std::string_view bare = host;
    if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
    if (until.blocks() || bare.empty() || address::try_parse(bare, 0))
        return try_resolve(host, service, hints);
    auto done = canceller::try_create();
    if (!done) return fail(done.error());
    auto* job = new lookup{std::move(*done), std::string(host), std::string(service), hints, {}, {}};
    if (sys::start_thread(&lookup::run, job)) {
        delete job;
        return try_resolve(host, service, hints);
    }
    std::error_code ec;
    sys::wait(job->done.native_handle(), POLLIN, until, ec);
    // is_cancelled() is the acquire that makes `found` complete (readable implies it is set).
    if (!ec && !job->done.is_cancelled()) ec = make_errc(std::errc::resource_unavailable_try_again);
    if (ec) {
        job->release(); // abandoned: the thread finishes the lookup alone
        return fail(ec);
    }
    std::vector<address> found = std::move(job->found);
    ec = job->failure;
    job->release();
    if (ec) return fail(ec);
    return found;
}
} // namespace detail

namespace detail {
using sys::deadline;

// RFC 8305 section 5: the delay before starting the next attempt while one is pending.
inline constexpr std::chrono::milliseconds connection_attempt_delay{250};

// Races connects to `targets` in order: a new attempt starts every 250 ms, or at once when an
// attempt fails; the first to connect wins and the others are closed. One shared deadline;
// its canceller is watched as the last poll entry.
inline result<socket> connect_racing(const std::vector<address>& targets, const deadline& until) {
    if (targets.empty()) return fail(std::errc::invalid_argument);
    if (until.cancelled()) return fail(sys::canceled());
    struct attempt {
        socket sock;
        std::size_t index;
    };
    std::vector<attempt> pending;
    std::vector<sys::pollfd_type> fds;
    std::error_code best;
    std::size_t next = 0;
    auto start_next = [&]() {
        while (next < targets.size()) {
            const address& to = targets[next++];
            auto s = try_make_socket(to.family(), socket_type::stream);
            if (!s) {
                keep_most_specific(best, s.error());
                continue;
            }
            if (auto ec = sys::set_nonblocking(s->native_handle(), true)) {
                keep_most_specific(best, ec);
                continue;
            }
            auto ec = sys::connect(s->native_handle(), to.data(), to.size());
            if (!ec || sys::is_in_progress(ec) || sys::is_interrupted(ec)) {
                pending.push_back({std::move(*s), next - 1});
                return;
            }
            keep_most_specific(best, ec);
        }
    };
    start_next();
    while (!pending.empty()) {
        fds.clear();
        for (const auto& p : pending) {
            sys::pollfd_type f{};
            f.fd = p.sock.native_handle();
            f.events = POLLOUT;
            fds.push_back(f);
        }
        if (const auto* stop = until.stop()) {
            sys::pollfd_type f{};
            f.fd = stop->reader;
            f.events = POLLIN;
            fds.push_back(f);
        }
        // Wait for a result, at most until the next attempt is due (if any is left).
        const auto wait_until =
            next < targets.size() ? until.earliest(deadline::after(connection_attempt_delay)) : until;
        std::error_code wait_error;
        const int r = sys::poll_until(fds.data(), fds.size(), wait_until, wait_error);
        if (r < 0) return fail(wait_error);
        if (until.cancelled()) return fail(sys::canceled()); // the losers are closed on return
        bool progressed = false;
        for (std::size_t i = pending.size(); i-- > 0;) {
            // Windows before 10 2004 reports a failed connect through nothing but SO_ERROR.
            auto ec = sys::pending_error(pending[i].sock.native_handle());
            if (fds[i].revents == 0 && !ec) continue;
            if (!ec) {
                socket winner = std::move(pending[i].sock);
                pending.clear(); // the losers are closed here
                if (auto e = sys::set_nonblocking(winner.native_handle(), false)) return fail(e);
                return winner;
            }
            keep_most_specific(best, ec);
            pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
            progressed = true;
        }
        if (until.expired()) {
            keep_most_specific(best, detail::make_errc(std::errc::timed_out));
            return fail(best);
        }
        if (progressed || r == 0 || pending.empty()) start_next();
    }
    return fail(best ? best : detail::make_errc(std::errc::host_unreachable));
}

} // namespace detail

result<socket> try_create_connection(std::string_view host, std::uint16_t port, timeout t) noexcept {
    char service[8];
    std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    const auto until = detail::deadline::after(t); // one deadline for resolution and connects
    auto found = detail::resolve_until(host, service, resolve_hints{}, until);
    if (!found) return detail::fail(found.error());
    return detail::connect_racing(detail::interleave(*found), until);
}

result<socket> try_create_connection(const std::vector<address>& targets, timeout t) noexcept {
    return detail::connect_racing(targets, detail::deadline::after(t));
}

socket create_connection(std::string_view host, std::uint16_t port, timeout t) {
    return detail::unwrap(try_create_connection(host, port, t), "create_connection",
                          detail::host_port(host, port));
}

socket create_connection(const std::vector<address>& targets, timeout t) {
    return detail::unwrap(try_create_connection(targets, t), "create_connection");
}

result<socket> try_create_server(const address& a, const server_options& o) noexcept {
    if (o.dual_stack && a.family() != family::ipv6) return detail::fail(std::errc::invalid_argument);
    auto s = try_make_socket(a.family(), socket_type::stream);
    if (!s) return s;
    if (o.reuse_port) {
        if (auto r = try_set_option(*s, reuse_port{true}); !r) return detail::fail(r.error());
    }
    if (o.dual_stack) {
        if (auto r = try_set_option(*s, v6_only{false}); !r) {
            auto ec = r.error();
            if (ec == std::errc::no_protocol_option || ec == std::errc::invalid_argument)
                ec = detail::make_errc(std::errc::operation_not_supported);
            return detail::fail(ec);
        }
    }
    if (auto r = try_bind(*s, a); !r) {
        if (!o.remove_existing_path || r.error() != std::errc::address_in_use ||
            !detail::stale_socket_file(a))
            return detail::fail(r.error());
        std::remove(a.path().c_str());
        if (auto again = try_bind(*s, a); !again) return detail::fail(again.error());
    }
    if (auto r = try_listen(*s, o.backlog); !r) return detail::fail(r.error());
    return s;
}
socket create_server(const address& a, const server_options& o) {
    return detail::unwrap(try_create_server(a, o), "create_server", a);
}

result<socket> try_create_server(std::string_view host, std::uint16_t port,
                                 const server_options& o) noexcept {
    if (host.empty()) return try_create_server(address::any(family::ipv4, port), o); // Python's ""
    resolve_hints hints;
    hints.passive = true;
    char service[8];
    std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    auto found = try_resolve(host, service, hints);
    if (!found) return detail::fail(found.error());
    std::error_code first;
    for (const address& a : *found) {
        auto s = try_create_server(a, o);
        if (s) return s;
        if (!first) first = s.error();
    }
    return detail::fail(first);
}

socket create_server(std::string_view host, std::uint16_t port, const server_options& o) {
    return detail::unwrap(try_create_server(host, port, o), "create_server", detail::host_port(host, port));
}

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/resolve.ipp ----
// ---- begin net/impl/poller.ipp ----
#ifndef NETSOCK_IMPL_POLLER_IPP
#define NETSOCK_IMPL_POLLER_IPP

// Definitions for poller.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION. The backend in use
// (detail/poller_backend.hpp) works on the state net::poller holds, passed by reference where
// the backend object used to be `this`: no allocation, no indirection.

// ---- begin net/detail/poller_backend.hpp ----
#ifndef NETSOCK_DETAIL_POLLER_BACKEND_HPP
#define NETSOCK_DETAIL_POLLER_BACKEND_HPP

// The poller backend in use, as detail/platform.hpp chose it (NETSOCK_POLLER_EPOLL, _KQUEUE
// or _POLLFD). Implementation only: included by impl/poller.ipp, never on the public path
// (the backends include the OS's poll headers).
//
// The backend contract. A backend is a class of static functions over the state that
// net::poller holds (poller_common.hpp: queue_state for epoll/kqueue, poll_state for
// poll/WSAPoll), so a poller needs no allocation of its own and no virtual call:
//   using state = <poller_state>;
//   std::error_code open(state&, std::size_t max_events);   // once, at construction
//   std::error_code add(state&, native_handle_type, events, void* data);
//       file_exists if already watched, bad_file_descriptor for an invalid handle
//   std::error_code modify(state&, native_handle_type, events, void* data);
//   std::error_code remove(state&, native_handle_type);
//       both: no_such_file_or_directory if not watched; remove also succeeds for a handle
//       that was closed before it was removed
//   std::error_code wait(state&, const sys::deadline&, ready_list& out);
//       clears `out`, then fills at most out.capacity() events; level-triggered (a socket
//       that stays ready is reported again); expiry is success with no events; EINTR and
//       early wake-ups never end it early (the loop of sys::waiter)
//   std::size_t size(const state&);                           // sockets watched
//   void wake(state&) noexcept;                                // poller::wake: the one call
//       another thread may make; ends a wait in progress or the next one; coalesces
//   static constexpr bool wakes_by_pair;   // true: impl/poller.ipp makes a socket pair after
//       open() and hands it over with adopt_wake_pair(state&, socket, socket) (poll/WSAPoll)
// Rules: one thread uses a poller at a time (no locks); wait() allocates nothing (buffers are
// sized by add/open); add() may grow tables; every OS call goes through detail/sys.hpp so the
// fault hook reaches it.


#if defined(NETSOCK_POLLER_EPOLL)
// ---- begin net/detail/poller_epoll.hpp ----
#ifndef NETSOCK_DETAIL_POLLER_EPOLL_HPP
#define NETSOCK_DETAIL_POLLER_EPOLL_HPP

// epoll backend (Linux), level-triggered like Python's selectors.EpollSelector. The user data
// lives in a table indexed by descriptor, so epoll_data carries only the fd and a wait needs
// no lookup structure and no allocation. Implementation only: included by poller_backend.hpp, which states
// the backend contract.

// ---- begin net/detail/poller_queue.hpp ----
#ifndef NETSOCK_DETAIL_POLLER_QUEUE_HPP
#define NETSOCK_DETAIL_POLLER_QUEUE_HPP

// What the kernel-queue backends (poller_epoll.hpp, poller_kqueue.hpp) share: watching the
// canceller of a wait. Implementation only, POSIX only.
//
// A wait given a canceller (net::timeout) must also wake when it is cancelled. The queue holds
// a duplicate of the canceller's socket that the poller owns, added once and kept while waits
// use the same canceller (no extra system call per wait), swapped when another one comes, and
// removed when a wait has none (otherwise a cancelled canceller would wake every later wait).
// Owning the duplicate matters: the queue never holds a descriptor number the poller does not
// own, which could be reused by a socket of the program once the canceller is destroyed.


#include <cstdint>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// Makes s watch canceller c (nullptr: none). `ctl(fd, add)` adds fd (readable) to the queue
// or removes it.
template <class Ctl> std::error_code watch_stop(queue_state& s, const cancel_state* c, Ctl&& ctl) {
    const std::uint64_t wanted = c != nullptr ? c->id : 0;
    if (s.stop_id == wanted) return {};
    if (s.stop_fd >= 0) {
        (void)ctl(s.stop_fd, false);
        (void)sys::close(s.stop_fd);
        s.stop_fd = -1;
        s.stop_id = 0;
    }
    if (c == nullptr) return {};
    std::error_code ec;
    const int fd = sys::duplicate(c->reader, ec);
    if (ec) return ec;
    if ((ec = ctl(fd, true))) {
        (void)sys::close(fd);
        return ec;
    }
    s.stop_fd = fd;
    s.stop_id = wanted;
    return {};
}

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/poller_queue.hpp ----

#include <sys/epoll.h>

#include <cstddef>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The element types of queue_state (poller_common.hpp) for epoll.
struct queue_entry {
    void* data = nullptr;
    bool used = false;
};
// The kernel fills an array of epoll_event: the derived type adds nothing.
struct queue_event : ::epoll_event {};
static_assert(sizeof(queue_event) == sizeof(::epoll_event), "queue_event must be an epoll_event");

queue_state::queue_state() noexcept = default;
queue_state::queue_state(queue_state&& o) noexcept
    : fd(o.fd), table(std::move(o.table)), count(o.count), raw(std::move(o.raw)), stop_fd(o.stop_fd),
      stop_id(o.stop_id), wake_fd(o.wake_fd) {
    o.fd = -1;
    o.count = 0;
    o.stop_fd = -1;
    o.stop_id = 0;
    o.wake_fd = -1;
}
queue_state& queue_state::operator=(queue_state&& o) noexcept {
    if (this != &o) {
        if (fd >= 0) sys::close(fd);
        if (stop_fd >= 0) sys::close(stop_fd);
        if (wake_fd >= 0) sys::close(wake_fd);
        fd = o.fd;
        table = std::move(o.table);
        count = o.count;
        raw = std::move(o.raw);
        stop_fd = o.stop_fd;
        stop_id = o.stop_id;
        wake_fd = o.wake_fd;
        o.fd = -1;
        o.count = 0;
        o.stop_fd = -1;
        o.stop_id = 0;
        o.wake_fd = -1;
    }
    return *this;
}
queue_state::~queue_state() {
    if (fd >= 0) sys::close(fd);
    if (stop_fd >= 0) sys::close(stop_fd);
    if (wake_fd >= 0) sys::close(wake_fd);
}

// The backend code, working on the state a poller keeps.
class epoll_backend {
public:
    using state = queue_state;
    static constexpr bool wakes_by_pair = false; // an eventfd (sys::open_event)

    static std::size_t size(const queue_state& s) noexcept { return s.count; }

    static std::error_code open(queue_state& s, std::size_t max_events) {
        s.fd = ::epoll_create1(EPOLL_CLOEXEC);
        if (s.fd < 0) return last_socket_error();
        s.raw.resize(max_events == 0 ? 1 : max_events);
        std::error_code ec;
        s.wake_fd = sys::open_event(ec);
        if (ec) return ec;
        ::epoll_event ev{};
        ev.data.fd = s.wake_fd;
        ev.events = EPOLLIN;
        if (::epoll_ctl(s.fd, EPOLL_CTL_ADD, s.wake_fd, &ev) != 0) return last_socket_error();
        return {};
    }

    // Thread-safe and async-signal-safe: one write() to the eventfd.
    static void wake(queue_state& s) noexcept {
        if (s.wake_fd >= 0) sys::signal_event(s.wake_fd);
    }

    static std::error_code add(queue_state& s, native_handle_type h, events what, void* data) {
        if (h < 0) return poller_error(std::errc::bad_file_descriptor);
        if (static_cast<std::size_t>(h) < s.table.size() && s.table[static_cast<std::size_t>(h)].used)
            return poller_error(std::errc::file_exists);
        if (auto ec = ctl(s, EPOLL_CTL_ADD, h, what)) return ec;
        if (static_cast<std::size_t>(h) >= s.table.size()) s.table.resize(static_cast<std::size_t>(h) + 1);
        s.table[static_cast<std::size_t>(h)] = {data, true};
        ++s.count;
        return {};
    }
    static std::error_code modify(queue_state& s, native_handle_type h, events what, void* data) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        if (auto ec = ctl(s, EPOLL_CTL_MOD, h, what)) return ec;
        s.table[static_cast<std::size_t>(h)].data = data;
        return {};
    }
    static std::error_code remove(queue_state& s, native_handle_type h) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        s.table[static_cast<std::size_t>(h)] = {};
        --s.count;
        ::epoll_event ev{};
        // ENOENT/EBADF: the descriptor was closed before removal; the kernel already dropped it.
        if (::epoll_ctl(s.fd, EPOLL_CTL_DEL, h, &ev) != 0 && errno != ENOENT && errno != EBADF)
            return last_socket_error();
        return {};
    }

    static std::error_code wait(queue_state& s, const sys::deadline& until, ready_list& out) {
        out.clear();
        if (until.cancelled()) return sys::canceled();
        if (auto ec = watch_stop(s, until.stop(), [&](int fd, bool add) {
                ::epoll_event ev{};
                ev.data.fd = fd;
                ev.events = EPOLLIN;
                if (::epoll_ctl(s.fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev) != 0)
                    return last_socket_error();
                return std::error_code{};
            }))
            return ec;
        const int max = static_cast<int>(s.raw.size() < out.capacity() ? s.raw.size() : out.capacity());
        std::error_code ec;
        int n = 0;
        for (sys::waiter w(until);;) {
            n = w.injected() ? -1 : ::epoll_wait(s.fd, s.raw.data(), max, w.timeout_ms());
            if (w.done(n, ec)) break;
        }
        for (int i = 0; i < n; ++i) {
            const auto& ev = s.raw[static_cast<std::size_t>(i)];
            const int h = ev.data.fd;
            if (h == s.stop_fd) { // the canceller: the sockets' events come again next time
                out.clear();
                return sys::canceled();
            }
            if (h == s.wake_fd) { // poller::wake: reset the counter, report what else came
                sys::drain_event(h);
                continue;
            }
            events what = events::none;
            if (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)) what |= events::readable;
            if (ev.events & EPOLLOUT) what |= events::writable;
            if (ev.events & EPOLLERR) what |= events::error;
            if (ev.events & EPOLLHUP) what |= events::hangup;
            out.push(h, what, s.table[static_cast<std::size_t>(h)].data);
        }
        return ec;
    }

private:
    static bool known(const queue_state& s, native_handle_type h) noexcept {
        return h >= 0 && static_cast<std::size_t>(h) < s.table.size() &&
               s.table[static_cast<std::size_t>(h)].used;
    }
    static std::error_code ctl(const queue_state& s, int op, native_handle_type h, events what) noexcept {
        ::epoll_event ev{};
        ev.data.fd = h;
        if (has(what, events::readable)) ev.events |= EPOLLIN | EPOLLRDHUP;
        if (has(what, events::writable)) ev.events |= EPOLLOUT;
        if (::epoll_ctl(s.fd, op, h, &ev) != 0) return last_socket_error();
        return {};
    }
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/poller_epoll.hpp ----
#elif defined(NETSOCK_POLLER_KQUEUE)
// ---- begin net/detail/poller_kqueue.hpp ----
#ifndef NETSOCK_DETAIL_POLLER_KQUEUE_HPP
#define NETSOCK_DETAIL_POLLER_KQUEUE_HPP

// kqueue backend (macOS, BSD), mirroring the epoll backend: level-triggered read/write filters,
// user data in a table indexed by descriptor, one kevent() per wait. Not compiled on the Linux
// CI machine; covered by the macOS job of .github/workflows. Implementation only: included by
// poller_backend.hpp, which states the backend contract.


#include <sys/event.h>
#include <sys/time.h>

#include <cstddef>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The element types of queue_state (poller_common.hpp) for kqueue.
struct queue_entry {
    void* data = nullptr;
    events what = events::none;
    bool used = false;
};
// The kernel fills an array of struct kevent: the derived type adds nothing. (A base-specifier
// names a type, so ::kevent here is the struct, not the function.)
struct queue_event : ::kevent {};
static_assert(sizeof(queue_event) == sizeof(struct ::kevent), "queue_event must be a struct kevent");

queue_state::queue_state() noexcept = default;
queue_state::queue_state(queue_state&& o) noexcept
    : fd(o.fd), table(std::move(o.table)), count(o.count), raw(std::move(o.raw)), stop_fd(o.stop_fd),
      stop_id(o.stop_id), wake_fd(o.wake_fd), wake_writer(o.wake_writer) {
    o.fd = -1;
    o.count = 0;
    o.stop_fd = -1;
    o.stop_id = 0;
    o.wake_fd = -1;
    o.wake_writer = -1;
}
queue_state& queue_state::operator=(queue_state&& o) noexcept {
    if (this != &o) {
        if (fd >= 0) sys::close(fd);
        if (stop_fd >= 0) sys::close(stop_fd);
        if (wake_fd >= 0) sys::close(wake_fd);
        if (wake_writer >= 0) sys::close(wake_writer);
        fd = o.fd;
        table = std::move(o.table);
        count = o.count;
        raw = std::move(o.raw);
        stop_fd = o.stop_fd;
        stop_id = o.stop_id;
        wake_fd = o.wake_fd;
        wake_writer = o.wake_writer;
        o.fd = -1;
        o.count = 0;
        o.stop_fd = -1;
        o.stop_id = 0;
        o.wake_fd = -1;
        o.wake_writer = -1;
    }
    return *this;
}
queue_state::~queue_state() {
    if (fd >= 0) sys::close(fd);
    if (stop_fd >= 0) sys::close(stop_fd);
    if (wake_fd >= 0) sys::close(wake_fd);
    if (wake_writer >= 0) sys::close(wake_writer);
}

// poller::wake: an EVFILT_USER event (macOS, FreeBSD, NetBSD 10), EV_CLEAR so that delivering
// it resets it; where there is none, a socket pair's byte (wake_fd readable).
inline constexpr uintptr_t wake_ident = 0;

// The backend code, working on the state a poller keeps.
class kqueue_backend {
public:
    using state = queue_state;
    static constexpr bool wakes_by_pair = false; // EVFILT_USER, or a pair made here

    static std::size_t size(const queue_state& s) noexcept { return s.count; }

    static std::error_code open(queue_state& s, std::size_t max_events) {
        s.fd = ::kqueue();
        if (s.fd < 0) return last_socket_error();
        if (auto ec = sys::set_cloexec(s.fd)) return ec;
        s.raw.resize(max_events == 0 ? 1 : max_events);
        struct ::kevent change;
#if defined(EVFILT_USER)
        EV_SET(&change, wake_ident, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, nullptr);
#else
        int pair[2];
        if (auto ec = sys::socket_pair(SOCK_STREAM, pair)) return ec;
        s.wake_fd = pair[0];
        s.wake_writer = pair[1];
        for (int h : pair)
            if (auto ec = sys::set_nonblocking(h, true)) return ec;
        EV_SET(&change, static_cast<uintptr_t>(s.wake_fd), EVFILT_READ, EV_ADD, 0, 0, nullptr);
#endif
        if (::kevent(s.fd, &change, 1, nullptr, 0, nullptr) != 0) return last_socket_error();
        return {};
    }

    // Thread-safe; one kevent() (or send()), errno kept.
    static void wake(queue_state& s) noexcept {
        if (s.fd < 0) return;
#if defined(EVFILT_USER)
        const int saved = errno;
        struct ::kevent change;
        EV_SET(&change, wake_ident, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
        (void)::kevent(s.fd, &change, 1, nullptr, 0, nullptr);
        errno = saved;
#else
        sys::wake(s.wake_writer);
#endif
    }

    static std::error_code add(queue_state& s, native_handle_type h, events what, void* data) {
        if (h < 0) return poller_error(std::errc::bad_file_descriptor);
        if (known(s, h)) return poller_error(std::errc::file_exists);
        if (auto ec = apply(s, h, events::none, what)) return ec;
        if (static_cast<std::size_t>(h) >= s.table.size()) s.table.resize(static_cast<std::size_t>(h) + 1);
        s.table[static_cast<std::size_t>(h)] = {data, what, true};
        ++s.count;
        return {};
    }
    static std::error_code modify(queue_state& s, native_handle_type h, events what, void* data) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        auto& e = s.table[static_cast<std::size_t>(h)];
        if (auto ec = apply(s, h, e.what, what)) return ec;
        e.what = what;
        e.data = data;
        return {};
    }
    static std::error_code remove(queue_state& s, native_handle_type h) {
        if (!known(s, h)) return poller_error(std::errc::no_such_file_or_directory);
        auto& e = s.table[static_cast<std::size_t>(h)];
        const events old = e.what;
        e = {};
        --s.count;
        // ENOENT/EBADF: closed before removal; the kernel already dropped the filters.
        if (auto ec = apply(s, h, old, events::none);
            ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::bad_file_descriptor)
            return ec;
        return {};
    }
    static std::error_code wait(queue_state& s, const sys::deadline& until, ready_list& out) {
        out.clear();
        if (until.cancelled()) return sys::canceled();
        if (auto ec = watch_stop(s, until.stop(), [&](int fd, bool add) {
                struct ::kevent change;
                EV_SET(&change, static_cast<uintptr_t>(fd), EVFILT_READ, add ? EV_ADD : EV_DELETE, 0, 0,
                       nullptr);
                if (::kevent(s.fd, &change, 1, nullptr, 0, nullptr) != 0) return last_socket_error();
                return std::error_code{};
            }))
            return ec;
        const int max = static_cast<int>(s.raw.size() < out.capacity() ? s.raw.size() : out.capacity());
        std::error_code ec;
        int n = 0;
        for (sys::waiter w(until);;) {
            const int ms = w.timeout_ms();
            ::timespec ts{};
            ts.tv_sec = ms / 1000;
            ts.tv_nsec = static_cast<long>(ms % 1000) * 1000000L;
            n = w.injected() ? -1 : ::kevent(s.fd, nullptr, 0, s.raw.data(), max, ms < 0 ? nullptr : &ts);
            if (w.done(n, ec)) break;
        }
        for (int i = 0; i < n; ++i) {
            const auto& ev = s.raw[static_cast<std::size_t>(i)];
            const auto h = static_cast<native_handle_type>(ev.ident);
#if defined(EVFILT_USER)
            if (ev.filter == EVFILT_USER) continue; // poller::wake (EV_CLEAR reset it)
#else
            if (h == s.wake_fd) {
                sys::drain(h);
                continue;
            }
#endif
            if (h == s.stop_fd) { // the canceller: the sockets' events come again next time
                out.clear();
                return sys::canceled();
            }
            events what = ev.filter == EVFILT_WRITE ? events::writable : events::readable;
            if (ev.flags & EV_EOF) what |= events::hangup;
            if (ev.flags & EV_ERROR) what |= events::error;
            merge(out, h, what, s.table[static_cast<std::size_t>(h)].data);
        }
        return ec;
    }

private:
    static bool known(const queue_state& s, native_handle_type h) noexcept {
        return h >= 0 && static_cast<std::size_t>(h) < s.table.size() &&
               s.table[static_cast<std::size_t>(h)].used;
    }
    // Read and write are separate filters: one kevent() call adds/deletes what changed.
    static std::error_code apply(const queue_state& s, native_handle_type h, events from,
                                 events to) noexcept {
        struct ::kevent changes[2];
        int n = 0;
        auto change = [&](short filter, bool before, bool after) {
            if (before == after) return;
            EV_SET(&changes[n++], static_cast<uintptr_t>(h), filter, after ? EV_ADD : EV_DELETE, 0, 0,
                   nullptr);
        };
        change(EVFILT_READ, has(from, events::readable), has(to, events::readable));
        change(EVFILT_WRITE, has(from, events::writable), has(to, events::writable));
        if (n == 0) return {};
        if (::kevent(s.fd, changes, n, nullptr, 0, nullptr) != 0) return last_socket_error();
        return {};
    }
    // A socket ready for both read and write arrives as two kevents: report it once.
    static void merge(ready_list& out, native_handle_type h, events what, void* data) noexcept {
        for (auto* p = out.begin(); p != out.end(); ++p) {
            if (p->handle == h) {
                const_cast<poll_event*>(p)->what |= what;
                return;
            }
        }
        out.push(h, what, data);
    }
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/poller_kqueue.hpp ----
#else
// ---- begin net/detail/poller_poll.hpp ----
#ifndef NETSOCK_DETAIL_POLLER_POLL_HPP
#define NETSOCK_DETAIL_POLLER_POLL_HPP

// The pollfd backend: poll() on POSIX systems without epoll/kqueue (or everywhere with
// NETSOCK_POLLER_POLL), and WSAPoll() on Windows, through sys::poll. Caveat on Windows: before
// Windows 10 2004, WSAPoll does not report a failed non-blocking connect; check SO_ERROR
// (net::socket_error) after a timeout. The pollfd array is kept between waits, so a wait
// allocates nothing; handle -> slot lookups use a vector sorted by handle (Windows handles are
// not small ints; a sorted vector instead of std::unordered_map keeps <unordered_map> out of
// every user's TU, see bench/compile_time.sh). Implementation only: included by
// poller_backend.hpp, which states the backend contract.


#include <cstddef>
#include <utility>
#include <vector>

NETSOCK_BEGIN_NAMESPACE
namespace detail {

// The backend code, working on the state a poller keeps (poller_common.hpp).
class poll_backend {
public:
    using state = poll_state;
    // poller::wake through a socket pair, made by impl/poller.ipp (on Windows it is a loopback
    // pair, built by the public socket_pair) and handed over with adopt_wake_pair.
    static constexpr bool wakes_by_pair = true;

    static std::size_t size(const poll_state& s) noexcept { return s.fds.size(); }
    static std::error_code open(poll_state& s, std::size_t) {
        s.fds.reserve(2); // the wake-up and a canceller: a wait never allocates
        return sys::start();
    }
    static void adopt_wake_pair(poll_state& s, socket reader, socket writer) noexcept {
        s.wake_reader = std::move(reader);
        s.wake_writer = std::move(writer);
    }
    // Thread-safe; async-signal-safe on POSIX (one send()).
    static void wake(poll_state& s) noexcept {
        if (s.wake_writer) sys::wake(s.wake_writer.native_handle());
    }

    static std::error_code add(poll_state& s, native_handle_type h, events what, void* data) {
        if (h == invalid_handle) return poller_error(std::errc::bad_file_descriptor);
        const std::size_t at = lower_bound(s, h);
        if (at != s.slots.size() && s.slots[at].first == h) return poller_error(std::errc::file_exists);
        if (!valid(h)) return poller_error(std::errc::bad_file_descriptor);
        os::pollfd_type p{};
        p.fd = h;
        p.events = sys::to_poll(what);
        // Room for two more entries, so that a wait can append the wake-up socket and its
        // canceller without allocating.
        if (s.fds.size() + 3 > s.fds.capacity()) s.fds.reserve(2 * s.fds.size() + 3);
        s.slots.insert(s.slots.begin() + static_cast<std::ptrdiff_t>(at), {h, s.fds.size()});
        s.fds.push_back(p);
        s.data.push_back(data);
        return {};
    }
    static std::error_code modify(poll_state& s, native_handle_type h, events what, void* data) {
        const std::size_t at = find(s, h);
        if (at == s.slots.size()) return poller_error(std::errc::no_such_file_or_directory);
        s.fds[s.slots[at].second].events = sys::to_poll(what);
        s.data[s.slots[at].second] = data;
        return {};
    }
    static std::error_code remove(poll_state& s, native_handle_type h) {
        const std::size_t at = find(s, h);
        if (at == s.slots.size()) return poller_error(std::errc::no_such_file_or_directory);
        const std::size_t slot = s.slots[at].second, last = s.fds.size() - 1;
        s.slots.erase(s.slots.begin() + static_cast<std::ptrdiff_t>(at));
        if (slot != last) { // move the last entry into the hole
            s.fds[slot] = s.fds[last];
            s.data[slot] = s.data[last];
            s.slots[find(s, s.fds[slot].fd)].second = slot;
        }
        s.fds.pop_back();
        s.data.pop_back();
        return {};
    }
    static std::error_code wait(poll_state& s, const sys::deadline& until, ready_list& out) {
        out.clear();
        const cancel_state* stop = until.stop();
        if (stop != nullptr && stop->is_cancelled()) return sys::canceled();
        const bool wakeable = static_cast<bool>(s.wake_reader);
        if (s.fds.empty() && stop == nullptr && !wakeable) { // a moved-from poller: nothing can end
            if (until.infinite()) return poller_error(std::errc::invalid_argument); // a wait for ever
            while (!until.expired()) sys::sleep_ms(until.remaining_ms());
            return {};
        }
        // For the duration of the wait: the wake-up socket, then the canceller's, as the last
        // entries (the room was reserved by open and add).
        if (wakeable) {
            os::pollfd_type p{};
            p.fd = s.wake_reader.native_handle();
            p.events = POLLIN;
            s.fds.push_back(p);
        }
        if (stop != nullptr) {
            os::pollfd_type p{};
            p.fd = stop->reader;
            p.events = POLLIN;
            s.fds.push_back(p);
        }
        std::error_code ec;
        int n = 0;
        for (sys::waiter w(until);;) {
            n = w.injected()
                    ? -1
                    : sys::poll(s.fds.data(), static_cast<sys::nfds_type>(s.fds.size()), w.timeout_ms());
            if (w.done(n, ec)) break;
        }
        bool cancelled = false;
        if (stop != nullptr) {
            cancelled = n > 0 && s.fds.back().revents != 0;
            s.fds.pop_back();
        }
        if (wakeable) {
            if (n > 0 && s.fds.back().revents != 0) {
                sys::drain(s.wake_reader.native_handle());
                --n;
            }
            s.fds.pop_back();
        }
        if (cancelled) return sys::canceled();
        if (n < 0) return ec;
        // Scan from where the last batch stopped, so that with more ready sockets than
        // max_events the ones at the end of the array are not starved.
        const std::size_t count = s.fds.size();
        std::size_t i = s.next < count ? s.next : 0;
        for (std::size_t k = 0; k < count && n > 0 && !out.full(); ++k) {
            const short r = s.fds[i].revents;
            if (r != 0) {
                --n;
                events what = sys::from_poll(r);
                if (r & POLLNVAL) what |= events::error; // closed without remove()
                out.push(s.fds[i].fd, what, s.data[i]);
                s.next = i + 1;
            }
            i = i + 1 == count ? 0 : i + 1;
        }
        return {};
    }

private:
    static bool valid(native_handle_type h) noexcept {
        int type = 0;
        return !sys::get_int_option(h, SOL_SOCKET, SO_TYPE, type);
    }

    // The first entry of s.slots whose handle is not less than h (s.slots.size() if none).
    static std::size_t lower_bound(const poll_state& s, native_handle_type h) noexcept {
        std::size_t lo = 0, hi = s.slots.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (s.slots[mid].first < h) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
    // The entry of h in s.slots, or s.slots.size() if h is not watched.
    static std::size_t find(const poll_state& s, native_handle_type h) noexcept {
        const std::size_t at = lower_bound(s, h);
        return at != s.slots.size() && s.slots[at].first == h ? at : s.slots.size();
    }
};

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/poller_poll.hpp ----
#endif

#include <type_traits>

NETSOCK_BEGIN_NAMESPACE
namespace detail {
#if defined(NETSOCK_POLLER_EPOLL)
using poller_backend = epoll_backend;
#elif defined(NETSOCK_POLLER_KQUEUE)
using poller_backend = kqueue_backend;
#else
using poller_backend = poll_backend;
#endif
static_assert(std::is_same<poller_backend::state, poller_state>::value,
              "the poller backend must work on the state net::poller holds");
} // namespace detail
NETSOCK_END_NAMESPACE

#endif
// ---- end net/detail/poller_backend.hpp ----

#include <cstddef>
#include <system_error>
#include <utility>

NETSOCK_BEGIN_NAMESPACE

namespace detail {

void ready_list::forget(native_handle_type h) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
        if (items_[i].handle == h) items_[i].handle = invalid_handle;
}
void ready_list::update(native_handle_type h, void* data) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
        if (items_[i].handle == h) items_[i].data = data;
}

// The wake-up socket pair of a backend that uses one (poll/WSAPoll): made here, through the
// public socket_pair, which builds a loopback pair on Windows. Both ends non-blocking: a wake
// never waits (a full pair already means "woken"), a drain never blocks.
template <class Backend> std::error_code open_wake(typename Backend::state& s) noexcept {
    if constexpr (Backend::wakes_by_pair) {
        auto pair = try_socket_pair(socket_type::stream);
        if (!pair) return pair.error();
        for (const socket* p : {&pair->first, &pair->second}) {
            if (auto ec = sys::set_nonblocking(p->native_handle(), true)) return ec;
            // A loopback TCP pair (Windows): no Nagle delay for the wake-up byte.
            (void)sys::set_int_option(p->native_handle(), IPPROTO_TCP, TCP_NODELAY, 1);
        }
        Backend::adopt_wake_pair(s, std::move(pair->first), std::move(pair->second));
    } else {
        (void)s;
    }
    return {};
}

inline std::error_code open_poller(poller_state& s, std::size_t max_events) noexcept {
    if (auto ec = poller_backend::open(s, max_events)) return ec;
    return open_wake<poller_backend>(s);
}

inline result<void> poller_result(std::error_code ec) noexcept {
    if (ec) return fail(ec);
    return {};
}

} // namespace detail

std::size_t poller::ready_events::size() const noexcept {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it) ++n;
    return n;
}

poller::poller(std::size_t max_events) : ready_(max_events) {
    if (auto ec = detail::open_poller(state_, max_events)) detail::throw_error(ec, "poller");
}

result<poller> poller::try_create(std::size_t max_events) noexcept {
    poller p(tag{}, max_events);
    if (auto ec = detail::open_poller(p.state_, max_events)) return detail::fail(ec);
    return p;
}

result<void> poller::try_add(const socket& s, events what, void* data) noexcept {
    if (!s) return detail::fail(detail::not_open());
    return detail::poller_result(detail::poller_backend::add(state_, s.native_handle(), what, data));
}

void poller::add(const socket& s, events what, void* data) {
    detail::unwrap(try_add(s, what, data), "poller::add");
}

result<void> poller::try_modify(const socket& s, events what, void* data) noexcept {
    if (!s) return detail::fail(detail::not_open());
    auto r = detail::poller_result(detail::poller_backend::modify(state_, s.native_handle(), what, data));
    if (r) ready_.update(s.native_handle(), data);
    return r;
}

void poller::modify(const socket& s, events what, void* data) {
    detail::unwrap(try_modify(s, what, data), "poller::modify");
}

result<void> poller::try_remove(const socket& s) noexcept {
    if (!s) return detail::fail(detail::not_open());
    ready_.forget(s.native_handle());
    return detail::poller_result(detail::poller_backend::remove(state_, s.native_handle()));
}

void poller::remove(const socket& s) { detail::unwrap(try_remove(s), "poller::remove"); }

result<poller::ready_events> poller::try_wait(timeout t) noexcept {
    if (auto ec = detail::poller_backend::wait(state_, detail::sys::deadline::after(t), ready_))
        return detail::fail(ec);
    return ready_events(&ready_);
}

poller::ready_events poller::wait(timeout t) { return detail::unwrap(try_wait(t), "poller::wait"); }

std::size_t poller::size() const noexcept { return detail::poller_backend::size(state_); }

void poller::wake() noexcept { detail::poller_backend::wake(state_); }

poller::poller(tag, std::size_t max_events) : ready_(max_events) {}

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/poller.ipp ----
// ---- begin net/impl/reader.ipp ----
#ifndef NETSOCK_IMPL_READER_IPP
#define NETSOCK_IMPL_READER_IPP

// Definitions for reader.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.


#include <cstddef>
#include <string_view>
#include <system_error>

NETSOCK_BEGIN_NAMESPACE

namespace detail {
// One receive into the free end of `buf` (at least `room` bytes of it), with the retry and
// wait rules of sys::recv until `until`; an orderly end of stream is net::errc::eof.
inline std::error_code fill(const socket& s, read_buffer& buf, std::size_t room, const sys::deadline& until) {
    if (!s) return not_open();
    const mutable_buffer space = buffer(buf.prepare(room), room); // never more than `room`
    std::error_code ec;
    std::size_t n = 0;
    do {
        n = sys::recv(s.native_handle(), space.data(), space.size(), 0, until, ec);
        // A non-blocking socket without a deadline reports would-block: wait like recv_exact.
        if (sys::is_would_block(ec)) sys::wait(s.native_handle(), POLLIN, until, ec);
        else break;
    } while (!ec);
    if (ec) return ec;
    if (n == 0) return make_error_code(errc::eof);
    buf.commit(n);
    return {};
}
} // namespace detail

result<std::string_view> reader::try_read_until(std::string_view separator, timeout t) noexcept {
    if (separator.empty()) return detail::fail(std::errc::invalid_argument);
    settle();
    const auto until = detail::sys::deadline::after(t);
    for (;;) {
        if (const std::size_t end = buffer_.find(separator); end != detail::read_buffer::npos) {
            if (end > limit_) return detail::fail(std::errc::message_size);
            return take(end);
        }
        if (buffer_.size() >= limit_) return detail::fail(std::errc::message_size);
        const std::size_t room = limit_ - buffer_.size() < 4096 ? limit_ - buffer_.size() : 4096;
        if (auto ec = detail::fill(*socket_, buffer_, room, until)) return detail::fail(ec);
    }
}

std::string_view reader::read_until(std::string_view separator, timeout t) {
    return detail::unwrap(try_read_until(separator, t), "read_until");
}

result<std::string_view> reader::try_read_exactly(std::size_t n, timeout t) noexcept {
    settle();
    if (n > limit_) return detail::fail(std::errc::message_size);
    const auto until = detail::sys::deadline::after(t);
    while (buffer_.size() < n) {
        if (auto ec = detail::fill(*socket_, buffer_, n - buffer_.size(), until)) return detail::fail(ec);
    }
    return take(n);
}

std::string_view reader::read_exactly(std::size_t n, timeout t) {
    return detail::unwrap(try_read_exactly(n, t), "read_exactly");
}

result<std::string_view> reader::try_read_some(timeout t) noexcept {
    settle();
    if (limit_ == 0) return detail::fail(std::errc::invalid_argument); // a 0 would read as EOF
    if (buffer_.size() == 0) {
        if (auto ec = detail::fill(*socket_, buffer_, limit_ < 4096 ? limit_ : 4096,
                                   detail::sys::deadline::after(t)))
            return detail::fail(ec);
    }
    const std::size_t n = buffer_.size() < limit_ ? buffer_.size() : limit_;
    return take(n);
}

std::string_view reader::read_some(timeout t) { return detail::unwrap(try_read_some(t), "read_some"); }

NETSOCK_END_NAMESPACE

#endif
// ---- end net/impl/reader.ipp ----
// ---- begin net/impl/host.ipp ----
#ifndef NETSOCK_IMPL_HOST_IPP
#define NETSOCK_IMPL_HOST_IPP

// Definitions for host.hpp: inline in header-only mode, compiled once by <net/impl/src.hpp>
// under NETSOCK_SEPARATE_COMPILATION.


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
// ---- end net/impl/host.ipp ----
#endif // NETSOCK_HEADER_ONLY || defined(NETSOCK_IMPLEMENTATION)
