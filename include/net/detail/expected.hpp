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
