# ctest driver of build.layers: the walls of include/net/ (docs/ARCHITECTURE.md), checked as text.
#   cmake -DINCLUDE=<repo>/include -P layers.cmake
# 1. Only detail/sys.hpp calls the OS layer: no `os::name(` anywhere else under include/net/
#    (detail/os/*.hpp call their own helpers; platform.hpp includes them).
# 2. The implementation (impl/*.ipp) and the poller backends make no socket system call of
#    their own: they go through sys:: (so the fault hook reaches every call). The backends' own
#    queue APIs (epoll_*, kqueue, kevent) are theirs.
# 3. detail/sys.hpp has no #if: what differs per OS is in detail/os/posix.hpp and windows.hpp.
# 4. No platform #if outside detail/: public headers and impl/ test no OS macro.
cmake_minimum_required(VERSION 3.16)
get_filename_component(root "${INCLUDE}/net" ABSOLUTE)
file(GLOB_RECURSE files RELATIVE "${root}" "${root}/*.hpp" "${root}/*.ipp")
set(failures "")
set(syscalls "socket|bind|listen|accept|accept4|connect|send|recv|sendto|recvfrom|recvmsg|sendmsg|poll|WSAPoll|close|closesocket|getaddrinfo|freeaddrinfo|setsockopt|getsockopt|getsockname|getpeername|shutdown|fcntl|ioctlsocket|socketpair|inet_pton|inet_ntop|if_nametoindex|if_indextoname|WSAStartup")
foreach(f IN LISTS files)
    # One list element per line: first hide what CMake lists treat specially (; [ ]).
    file(READ "${root}/${f}" text)
    string(REPLACE ";" "<sc>" text "${text}")
    string(REPLACE "[" "<lb>" text "${text}")
    string(REPLACE "]" "<rb>" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")
    set(n 0)
    foreach(line IN LISTS lines)
        math(EXPR n "${n} + 1")
        string(REGEX REPLACE "//.*$" "" code "${line}") # comments may name anything
        if(NOT f MATCHES "^detail/(sys|platform)\\.hpp$" AND NOT f MATCHES "^detail/os/"
                AND code MATCHES "(^|[^A-Za-z0-9_])os::[A-Za-z_0-9]+ *\\(")
            list(APPEND failures "${f}:${n}: calls the OS layer directly (use sys::): ${line}")
        endif()
        if((f MATCHES "^impl/" OR f MATCHES "^detail/poller_")
                AND code MATCHES "(^|[^A-Za-z0-9_:])::(${syscalls}) *\\(")
            list(APPEND failures "${f}:${n}: a system call outside the syscall layer: ${line}")
        endif()
        if(f STREQUAL "detail/sys.hpp" AND code MATCHES "^ *# *(if|elif)"
                AND NOT code MATCHES "NETSOCK_DETAIL_SYS_HPP")
            list(APPEND failures "${f}:${n}: #if in the syscall layer (move it to detail/os/): ${line}")
        endif()
        if(NOT f MATCHES "^detail/" AND code MATCHES "^ *# *(if|elif).*(NETSOCK_OS_|_WIN32|__linux__|__APPLE__|NETSOCK_HAS_(ACCEPT4|SOCK_CLOEXEC|SA_LEN)|NETSOCK_POLLER_(EPOLL|KQUEUE|POLLFD))")
            list(APPEND failures "${f}:${n}: platform #if outside detail/: ${line}")
        endif()
    endforeach()
endforeach()
list(LENGTH files count)
if(count LESS 20)
    message(FATAL_ERROR "only ${count} files found under ${root}: pass -DINCLUDE=<absolute path of include/>")
endif()
if(failures)
    string(REPLACE ";" "\n" text "${failures}")
    message(FATAL_ERROR "layering broken:\n${text}")
endif()
message(STATUS "layers hold in ${count} files under include/net/")
