# Linux on x86_64 with musl libc instead of glibc, built with zig (cmake/toolchains/zig.cmake)
# as static executables, which run on this machine directly (the "emulator" is env).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(NETSOCK_ZIG_TARGET x86_64-linux-musl)
include("${CMAKE_CURRENT_LIST_DIR}/zig.cmake")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/env)
