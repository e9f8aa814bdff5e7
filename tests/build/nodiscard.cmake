# ctest driver of build.nodiscard: ignoring a try_ result (or an accept/recvfrom result) is a
# compiler warning, an error under -Werror, for each kind of declaration netsock has.
#   cmake -DCXX=<compiler> -DINCLUDE=<include dir> -DWORK_DIR=<dir> -P nodiscard.cmake
cmake_minimum_required(VERSION 3.16)
file(MAKE_DIRECTORY "${WORK_DIR}")
set(cases
    "net::try_connect(s, net::address::loopback())"
    "net::try_send(s, \"text\")"
    "net::try_set_option(s, net::no_delay{true})"
    "net::address::try_parse(\"1.2.3.4:5\")"
    "net::try_resolve(\"localhost\")"
    "net::canceller::try_create()"
    "s.try_close()"
    "net::accept(s)"
    "net::reader(s).try_readline()")
set(n 0)
foreach(expr IN LISTS cases)
    math(EXPR n "${n} + 1")
    file(WRITE "${WORK_DIR}/case${n}.cpp"
        "#include <net/net.hpp>\nvoid f(net::socket& s) { ${expr}; }\nint main() { return 0; }\n")
    execute_process(
        COMMAND "${CXX}" -std=c++17 -fsyntax-only -Werror=unused-result -Werror=unused-value
            "-I${INCLUDE}" "${WORK_DIR}/case${n}.cpp"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
        message(FATAL_ERROR "ignoring `${expr}` compiled without a warning: it must be [[nodiscard]]")
    endif()
    if(NOT "${out}${err}" MATCHES "nodiscard|unused")
        message(FATAL_ERROR "`${expr}` failed to compile for another reason:\n${out}${err}")
    endif()
endforeach()
message(STATUS "${n} ignored results warned about")
