# Linux on aarch64 (64-bit ARM) with Debian's cross compiler (g++-aarch64-linux-gnu); the tests run
# here under qemu-user (package qemu-user), which takes the target's libraries from
# /usr/aarch64-linux-gnu.
#   cmake -S . -B build/aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/gcc-aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(NETSOCK_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${NETSOCK_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${NETSOCK_CROSS_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH /usr/${NETSOCK_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

find_program(NETSOCK_QEMU_aarch64 qemu-aarch64)
if(NETSOCK_QEMU_aarch64)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${NETSOCK_QEMU_aarch64};-L;/usr/${NETSOCK_CROSS_TRIPLE}")
endif()
