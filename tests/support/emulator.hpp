#ifndef NETSOCK_TESTS_SUPPORT_EMULATOR_HPP
#define NETSOCK_TESTS_SUPPORT_EMULATOR_HPP

// The emulator a cross build runs its tests under (CMAKE_CROSSCOMPILING_EMULATOR: qemu-user for
// tools/test-cross.sh's s390x and aarch64 targets, /usr/bin/env for static musl programs).
// tests/CMakeLists.txt passes it to every test as NETSOCK_TEST_EMULATOR, its words separated by
// spaces ("/usr/bin/qemu-s390x -L /usr/s390x-linux-gnu"); a native build sets nothing.
//
// Two uses:
//   - a test that starts another program of this build (tests/reliability/process.hpp) puts
//     emulator_command() in front of it: without binfmt_misc the kernel cannot run a foreign
//     binary, and qemu-user does not follow an execve into another emulator by itself;
//   - a check that qemu-user cannot pass (a socket option it does not translate) is skipped
//     under qemu only, at run time and with the reason printed (doctest MESSAGE), never
//     silently:
//
//   if (netsock_test::running_under_qemu()) {
//       MESSAGE("skipped under " << netsock_test::emulator() << ": <why>");
//       return;
//   }

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace netsock_test {

/// NETSOCK_TEST_EMULATOR as given ("" in a native build).
inline std::string emulator() {
    const char* e = std::getenv("NETSOCK_TEST_EMULATOR");
    return e ? e : "";
}

/// The emulator's words, to put in front of a program's argv (empty in a native build).
inline std::vector<std::string> emulator_command() {
    std::vector<std::string> words;
    std::istringstream in(emulator());
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

/// True when this program runs under qemu-user (the emulator's program is qemu-<arch>).
inline bool running_under_qemu() {
    const auto words = emulator_command();
    if (words.empty()) return false;
    const std::string& program = words.front();
    const auto slash = program.rfind('/');
    return program.compare(slash == std::string::npos ? 0 : slash + 1, 5, "qemu-") == 0;
}

} // namespace netsock_test

#endif
