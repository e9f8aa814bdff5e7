# ctest driver of build.single_header_only (see tests/build/CMakeLists.txt):
#   cmake -DCXX=... -DFLAGS=... -DLIBS=... -DEMULATOR=... -DRUN=ON|OFF -DSOURCE_DIR=<repo>
#         -DSOURCE=<file.cpp> -DWORK_DIR=<dir> -DEXE_SUFFIX=... -P single_header_only.cmake
# Compiles SOURCE with -I <repo>/single_include only, checks from the compiler's dependency
# list that no header of <repo>/include/ was read, and runs the program.
cmake_minimum_required(VERSION 3.16)

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(exe "${WORK_DIR}/single_header_only${EXE_SUFFIX}")
set(deps "${WORK_DIR}/single_header_only.d")

set(command "${CXX}" ${FLAGS} -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
    "-I${SOURCE_DIR}/single_include" -MD -MF "${deps}"
    "${SOURCE}" -o "${exe}" ${LIBS})
string(JOIN " " shown ${command})
message(STATUS "compile: ${shown}")
execute_process(COMMAND ${command} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "build.single_header_only: compiling with only -I single_include failed (${rc})")
endif()

file(READ "${deps}" dep_text)
string(REPLACE "\\\n" " " dep_text "${dep_text}")
file(TO_CMAKE_PATH "${SOURCE_DIR}" source_dir)
string(FIND "${dep_text}" "${source_dir}/single_include/net/net.hpp" used_single)
string(FIND "${dep_text}" "${source_dir}/include/" used_include)
if(used_single EQUAL -1)
    message(FATAL_ERROR "build.single_header_only: single_include/net/net.hpp was not used:\n${dep_text}")
endif()
if(NOT used_include EQUAL -1)
    message(FATAL_ERROR "build.single_header_only: a header under include/ was read:\n${dep_text}")
endif()

if(RUN)
    execute_process(COMMAND ${EMULATOR} "${exe}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "build.single_header_only: the program failed (${rc})")
    endif()
endif()
