# Driver of the include-order checks: compiles one file with -fsyntax-only and checks the result.
#   cmake -DCOMPILER=<c++> "-DFLAGS=<flag>|<flag>|..." -DSOURCE=<file> -DEXPECT=<pass|netsock_error>
#         -P check.cmake
#   pass           the file compiles, warning free (FLAGS carry -Werror)
#   netsock_error  the compile fails with exactly one "error:" line, and it is netsock's #error
foreach(_v COMPILER SOURCE EXPECT)
    if(NOT DEFINED ${_v})
        message(FATAL_ERROR "check.cmake: -D${_v}=... is required")
    endif()
endforeach()

string(REPLACE "|" ";" FLAGS "${FLAGS}")
execute_process(
    COMMAND "${COMPILER}" ${FLAGS} -fsyntax-only -fno-diagnostics-show-caret
        -fdiagnostics-color=never "${SOURCE}"
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _out)

string(REGEX MATCHALL "[^\n]*error:[^\n]*" _errors "${_out}")
list(LENGTH _errors _error_count)

if(EXPECT STREQUAL "pass")
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "expected ${SOURCE} to compile, but it failed (${_rc}):\n${_out}")
    endif()
    message(STATUS "ok: ${SOURCE} compiles warning free")
elseif(EXPECT STREQUAL "netsock_error")
    if(_rc EQUAL 0)
        message(FATAL_ERROR "expected ${SOURCE} to fail with netsock's #error, but it compiled:\n${_out}")
    endif()
    if(NOT _out MATCHES "netsock:")
        message(FATAL_ERROR "the compile failed, but not with netsock's #error (no \"netsock:\"):\n${_out}")
    endif()
    if(NOT _error_count EQUAL 1)
        message(FATAL_ERROR "expected exactly 1 error line, got ${_error_count}:\n${_out}")
    endif()
    message(STATUS "ok: ${SOURCE} fails with exactly one error, netsock's:\n${_errors}")
else()
    message(FATAL_ERROR "check.cmake: EXPECT must be pass or netsock_error, not '${EXPECT}'")
endif()
