# macOS on x86_64, compiled and linked with zig (cmake/toolchains/zig.cmake). The programs
# cannot run here: tests are built but disabled (no CMAKE_CROSSCOMPILING_EMULATOR).
#   cmake -S . -B build/macos-x86_64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-x86_64-macos.cmake -DNETSOCK_ZIG=<zig>
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(NETSOCK_ZIG_TARGET x86_64-macos)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
