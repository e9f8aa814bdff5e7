#ifndef NETSOCK_TESTS_FUZZ_FUZZ_CHECK_HPP
#define NETSOCK_TESTS_FUZZ_FUZZ_CHECK_HPP

// FUZZ_CHECK(condition, message): an invariant of a fuzz target. On failure it prints where and
// why and aborts, which libFuzzer records as a crash (and the CTest replay as a failed test).
// Active in every build mode (never compiled out by NDEBUG).

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, msg)                                                                                \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, #cond, msg);      \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)

#endif
