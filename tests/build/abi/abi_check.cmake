# ctest driver of the negative build checks (tests/build/CMakeLists.txt):
#   cmake -DCXX=... -DFLAGS=... -DLIBS=... -DINCLUDE=<repo>/include -DSOURCE=<tests/build/abi>
#         -DWORK_DIR=<dir> -DCASE=mismatch|src_header_only -P abi_check.cmake
# mismatch: main.cpp (defaults) + poll_user.cpp (NETSOCK_POLLER_POLL) + an implementation file
#   with the defaults, all in compile-once mode: linking must fail, and the linker's message
#   must name the switch (the inline namespace v0_poller_poll).
# src_header_only: <net/impl/src.hpp> without NETSOCK_SEPARATE_COMPILATION must not compile,
#   and the compiler must show netsock's #error.
cmake_minimum_required(VERSION 3.16)
# FLAGS and LIBS arrive as lists with escaped separators ("-std=c++17\;-static" from
# tests/build/CMakeLists.txt): unescape them, or a multi-flag list (MinGW's -static) reaches the
# compiler as one argument.
string(REPLACE "\\;" ";" FLAGS "${FLAGS}")
string(REPLACE "\\;" ";" LIBS "${LIBS}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(compile source object)
    execute_process(COMMAND "${CXX}" ${FLAGS} -Wall -Wextra -Wpedantic -Werror "-I${INCLUDE}" ${ARGN}
        -c "${SOURCE}/${source}" -o "${WORK_DIR}/${object}"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(compile_rc "${rc}" PARENT_SCOPE)
    set(compile_output "${out}${err}" PARENT_SCOPE)
endfunction()

if(CASE STREQUAL "mismatch")
    compile(main.cpp main.o -DNETSOCK_SEPARATE_COMPILATION)
    if(NOT compile_rc EQUAL 0)
        message(FATAL_ERROR "main.cpp did not compile:\n${compile_output}")
    endif()
    compile(poll_user.cpp poll_user.o -DNETSOCK_SEPARATE_COMPILATION -DNETSOCK_POLLER_POLL)
    if(NOT compile_rc EQUAL 0)
        message(FATAL_ERROR "poll_user.cpp did not compile:\n${compile_output}")
    endif()
    compile(src_late.cpp impl.o -DNETSOCK_SEPARATE_COMPILATION)
    if(NOT compile_rc EQUAL 0)
        message(FATAL_ERROR "src_late.cpp did not compile:\n${compile_output}")
    endif()
    execute_process(COMMAND "${CXX}" ${FLAGS} "${WORK_DIR}/main.o" "${WORK_DIR}/poll_user.o"
        "${WORK_DIR}/impl.o" -o "${WORK_DIR}/mismatch" ${LIBS}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
        message(FATAL_ERROR "a program mixing NETSOCK_POLLER_POLL with the default linked")
    endif()
    if(NOT "${out}${err}" MATCHES "v0_poller_poll")
        message(FATAL_ERROR "the link failed without naming the switch:\n${out}${err}")
    endif()
    string(REGEX MATCH "[^\n]*v0_poller_poll[^\n]*" line "${out}${err}")
    message(STATUS "link failed as it should: ${line}")
elseif(CASE STREQUAL "src_header_only")
    compile(src_header_only.cpp src_header_only.o)
    if(compile_rc EQUAL 0)
        message(FATAL_ERROR "<net/impl/src.hpp> compiled without NETSOCK_SEPARATE_COMPILATION")
    endif()
    if(NOT compile_output MATCHES "is for NETSOCK_SEPARATE_COMPILATION")
        message(FATAL_ERROR "no clear #error:\n${compile_output}")
    endif()
    message(STATUS "stopped as it should with netsock's #error")
else()
    message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
