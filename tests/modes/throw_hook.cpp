// Without exceptions, a throwing netsock function calls NETSOCK_THROW_HOOK(ec, operation) and
// then std::abort(). Built with -fno-exceptions and -DNETSOCK_THROW_HOOK=netsock_test_throw_hook.
//
//   throw_hook <case>    case: connect | parse | value | poller
//   NETSOCK_THROW_HOOK_CASE=<case> throw_hook      (how ctest runs it)
//
// The hook prints "throw-hook: <operation>: <message>"; a SIGABRT handler then prints
// "throw-hook: aborted" and exits with status 0, so the ctest regular expression sees both lines
// in that order, and the exit status does not depend on how the OS reports an abort. Should the
// throwing call return, the program prints "throw-hook: NOT ABORTED" and fails.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace {
volatile std::sig_atomic_t hook_calls = 0;
} // namespace

// Declared before netsock is included: the hook is called as NETSOCK_THROW_HOOK(ec, operation).
void netsock_test_throw_hook(const std::error_code& ec, const char* operation) {
    hook_calls = hook_calls + 1;
    std::fprintf(stderr, "throw-hook: %s: %s\n", operation, ec.message().c_str());
    std::fflush(stderr);
}

// In compile-once mode the hook is called from the implementation, so this file, where the hook
// is declared, is the program's one implementation file (tests/modes/CMakeLists.txt).
#if defined(NETSOCK_SEPARATE_COMPILATION)
#define NETSOCK_IMPLEMENTATION
#endif
#include <net/net.hpp>

#if !defined(NETSOCK_NO_EXCEPTIONS)
#error "tests/modes/throw_hook.cpp must be compiled with exceptions disabled"
#endif
#if !defined(NETSOCK_THROW_HOOK)
#error "tests/modes/throw_hook.cpp needs -DNETSOCK_THROW_HOOK=netsock_test_throw_hook"
#endif

namespace {

void on_abort(int) {
    // Called synchronously from std::abort() on this thread, after the hook.
    std::fputs(hook_calls == 1 ? "throw-hook: aborted\n" : "throw-hook: aborted without the hook\n", stderr);
    std::fflush(stderr);
    std::_Exit(hook_calls == 1 ? 0 : 1);
}

} // namespace

int main(int argc, char** argv) {
    const char* which = argc == 2 ? argv[1] : std::getenv("NETSOCK_THROW_HOOK_CASE");
    if (which == nullptr) {
        std::fputs("usage: throw_hook connect|parse|value|poller\n", stderr);
        return 2;
    }
    std::signal(SIGABRT, on_abort);
    if (std::strcmp(which, "connect") == 0) {
        net::socket closed; // not open: bad_file_descriptor
        net::connect(closed, net::address::loopback(net::family::ipv4, 9));
    } else if (std::strcmp(which, "parse") == 0) {
        (void)net::address::parse("256.0.0.1:80");
    } else if (std::strcmp(which, "value") == 0) {
        // The bundled net::result throws net::error from value(); std::expected (C++23) does
        // not go through netsock: skipped there (ctest SKIP_REGULAR_EXPRESSION).
        if (net::result_is_std_expected) {
            std::fputs("throw-hook: skipped: net::result is std::expected\n", stderr);
            return 0;
        }
        net::result<int> r = net::unexpected<std::error_code>(std::make_error_code(std::errc::timed_out));
        (void)r.value();
    } else if (std::strcmp(which, "poller") == 0) {
        net::poller p;
        net::socket closed;
        p.add(closed, net::events::readable);
    } else {
        std::fprintf(stderr, "unknown case %s\n", which);
        return 2;
    }
    std::fputs("throw-hook: NOT ABORTED\n", stderr);
    return 1;
}
