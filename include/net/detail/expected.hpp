#ifndef NETSOCK_DETAIL_EXPECTED_HPP
#define NETSOCK_DETAIL_EXPECTED_HPP

// The bundled stand-in for std::expected<T, std::error_code>, used before C++23. It has the
// members netsock documents: has_value, operator bool, value, error, operator*, operator->,
// value_or, and_then, transform, or_else. value() on an error throws net::error.

#include "throw.hpp"

#include <new>
#include <system_error>
#include <type_traits>
#include <utility>

namespace net {

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

template <class T> class expected {
    static_assert(!std::is_reference_v<T>, "net::result<T&> is not supported");

public:
    using value_type = T;
    using error_type = std::error_code;
    template <class U> using rebind = expected<U>;

    constexpr expected() noexcept(std::is_nothrow_default_constructible_v<T>) : value_(), ok_(true) {}

    template <class U = T,
              std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                   !std::is_same_v<std::decay_t<U>, expected> &&
                                   !std::is_same_v<std::decay_t<U>, unexpected<std::error_code>> &&
                                   !std::is_same_v<std::decay_t<U>, std::in_place_t>,
                               int> = 0>
    constexpr expected(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>)
        : value_(std::forward<U>(v)), ok_(true) {}

    template <class... A>
    constexpr explicit expected(std::in_place_t, A&&... a) : value_(std::forward<A>(a)...), ok_(true) {}

    template <class G>
    constexpr expected(const unexpected<G>& u) noexcept : error_(u.error()), ok_(false) {}
    template <class G>
    constexpr expected(unexpected<G>&& u) noexcept : error_(std::move(u).error()), ok_(false) {}

    expected(const expected& o) : ok_(o.ok_) {
        if (ok_) ::new (static_cast<void*>(&value_)) T(o.value_);
        else ::new (static_cast<void*>(&error_)) std::error_code(o.error_);
    }
    expected(expected&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
        if (ok_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
        else ::new (static_cast<void*>(&error_)) std::error_code(o.error_);
    }
    expected& operator=(const expected& o) {
        if (this != &o) assign(o);
        return *this;
    }
    expected& operator=(expected&& o) noexcept(std::is_nothrow_move_constructible_v<T> &&
                                               std::is_nothrow_move_assignable_v<T>) {
        if (this != &o) assign(std::move(o));
        return *this;
    }
    ~expected() { destroy(); }

    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }

    T& value() & {
        check();
        return value_;
    }
    const T& value() const& {
        check();
        return value_;
    }
    T&& value() && {
        check();
        return std::move(value_);
    }
    const std::error_code& error() const noexcept { return error_; }

    T& operator*() & noexcept { return value_; }
    const T& operator*() const& noexcept { return value_; }
    T&& operator*() && noexcept { return std::move(value_); }
    T* operator->() noexcept { return &value_; }
    const T* operator->() const noexcept { return &value_; }

    template <class U> T value_or(U&& fallback) const& {
        return ok_ ? value_ : static_cast<T>(std::forward<U>(fallback));
    }
    template <class U> T value_or(U&& fallback) && {
        return ok_ ? std::move(value_) : static_cast<T>(std::forward<U>(fallback));
    }

    /// f(value) -> result<U>; skipped (error passed on) when this holds an error.
    template <class F> auto and_then(F&& f) & { return and_then_impl(*this, std::forward<F>(f)); }
    template <class F> auto and_then(F&& f) const& { return and_then_impl(*this, std::forward<F>(f)); }
    template <class F> auto and_then(F&& f) && { return and_then_impl(std::move(*this), std::forward<F>(f)); }
    /// f(value) -> U; gives result<U>.
    template <class F> auto transform(F&& f) & { return transform_impl(*this, std::forward<F>(f)); }
    template <class F> auto transform(F&& f) const& { return transform_impl(*this, std::forward<F>(f)); }
    template <class F> auto transform(F&& f) && { return transform_impl(std::move(*this), std::forward<F>(f)); }
    /// f(error) -> result<T>; called only when this holds an error.
    template <class F> expected or_else(F&& f) const& {
        if (ok_) return *this;
        return std::forward<F>(f)(error_);
    }
    template <class F> expected or_else(F&& f) && {
        if (ok_) return std::move(*this);
        return std::forward<F>(f)(error_);
    }

private:
    void check() const {
        if (!ok_) throw_error(error_, "result::value");
    }
    void destroy() noexcept {
        if (ok_) value_.~T();
    }
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
    template <class Self, class F> static auto and_then_impl(Self&& self, F&& f) {
        using R = std::remove_cv_t<std::remove_reference_t<
            std::invoke_result_t<F, decltype((std::forward<Self>(self).value_))>>>;
        static_assert(is_expected<R>::value, "and_then: the function must return a net::result");
        if (self.ok_) return std::forward<F>(f)(std::forward<Self>(self).value_);
        return R(unexpected<std::error_code>(self.error_));
    }
    template <class Self, class F> static auto transform_impl(Self&& self, F&& f) {
        using U = std::remove_cv_t<
            std::invoke_result_t<F, decltype((std::forward<Self>(self).value_))>>;
        if (!self.ok_) return expected<U>(unexpected<std::error_code>(self.error_));
        if constexpr (std::is_void_v<U>) {
            std::forward<F>(f)(std::forward<Self>(self).value_);
            return expected<U>();
        } else {
            return expected<U>(std::forward<F>(f)(std::forward<Self>(self).value_));
        }
    }

    union {
        T value_;
        std::error_code error_;
    };
    bool ok_;
};

template <> class expected<void> {
public:
    using value_type = void;
    using error_type = std::error_code;
    template <class U> using rebind = expected<U>;

    expected() noexcept = default;
    explicit expected(std::in_place_t) noexcept {}
    template <class G> expected(const unexpected<G>& u) noexcept : error_(u.error()), ok_(false) {}

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
} // namespace net

#endif
