# ctest driver of build.old_standard: a file including netsock compiled as C++14 fails with one
# clear message, not hundreds of errors from the headers (config.hpp: #error, then an include
# that ends the compilation).
#   cmake -DCXX=<compiler> -DINCLUDE=<dir with net/net.hpp> -DWORK_DIR=<dir> -P old_standard.cmake
cmake_minimum_required(VERSION 3.16)
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/old.cpp" "#include <net/net.hpp>\nint main() { return 0; }\n")
execute_process(
    COMMAND "${CXX}" -std=c++14 -fsyntax-only "-I${INCLUDE}" "${WORK_DIR}/old.cpp"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(text "${out}${err}")
if(rc EQUAL 0)
    message(FATAL_ERROR "a C++14 compile of <net/net.hpp> succeeded; it must fail with a clear message")
endif()
if(NOT text MATCHES "netsock needs C\\+\\+17 or later")
    message(FATAL_ERROR "the C++14 compile did not say that netsock needs C++17:\n${text}")
endif()
# The #error and the include that stops the compiler: nothing else.
string(REGEX MATCHALL "error" errors "${text}")
list(LENGTH errors count)
if(count GREATER 4)
    message(FATAL_ERROR "${count} mentions of 'error' (expected the #error and the stop only):\n${text}")
endif()
message(STATUS "C++14: one clear error (${count} mentions)")
