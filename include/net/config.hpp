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
