# macOS on Apple silicon (aarch64), compiled and linked with zig (cmake/toolchains/zig.cmake).
# The programs cannot run here: tests are built but disabled (no CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR arm64)
set(NETSOCK_ZIG_TARGET aarch64-macos)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
