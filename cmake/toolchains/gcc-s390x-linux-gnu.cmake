# Linux on s390x (big-endian 64-bit IBM Z) with Debian's cross compiler (g++-s390x-linux-gnu); the tests run
# here under qemu-user (package qemu-user), which takes the target's libraries from
# /usr/s390x-linux-gnu.
#   cmake -S . -B build/s390x -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/gcc-s390x-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)

set(NETSOCK_CROSS_TRIPLE s390x-linux-gnu)
set(CMAKE_C_COMPILER ${NETSOCK_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${NETSOCK_CROSS_TRIPLE}-g++)

set(CMAKE_FIND_ROOT_PATH /usr/${NETSOCK_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

find_program(NETSOCK_QEMU_s390x qemu-s390x)
if(NETSOCK_QEMU_s390x)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${NETSOCK_QEMU_s390x};-L;/usr/${NETSOCK_CROSS_TRIPLE}")
endif()
