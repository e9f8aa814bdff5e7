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

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif

#endif
