#ifndef NETSOCK_CONFIG_HPP
#define NETSOCK_CONFIG_HPP

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
// netsock's implementation once instead of in every file that includes it (PITFALLS C7). The
// headers then hold declarations only, and exactly one .cpp of the program compiles the
// definitions:
//     #define NETSOCK_IMPLEMENTATION
//     #include <net/net.hpp>
// Without it (the default) netsock is header-only and every function is inline.
// NETSOCK_DECL marks the functions whose definitions live in include/net/impl/*.ipp.
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

#endif
