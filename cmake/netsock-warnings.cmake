# Internal helpers for netsock's own targets (tests, examples, benchmarks).
# Nothing here is ever applied to the netsock INTERFACE target: consumers get no flags from us.
include_guard(GLOBAL)

# Strict warnings, as errors.
function(netsock_target_warnings tgt)
    if(MSVC)
        target_compile_options(${tgt} PRIVATE /W4 /WX /permissive-)
    elseif(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${tgt} PRIVATE -Wall -Wextra -Wpedantic -Werror)
    endif()
endfunction()

# The strictest set, for the header-hygiene checks (tests/build/, tests/modes/): the headers must
# also be clean under -Wconversion and -Wshadow (clang's -Wconversion includes -Wsign-conversion).
function(netsock_target_strict_warnings tgt)
    if(MSVC)
        target_compile_options(${tgt} PRIVATE /W4 /WX /permissive-)
    elseif(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${tgt} PRIVATE
            -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
    endif()
endfunction()

# NETSOCK_SANITIZE, e.g. "address,undefined", on compile and link.
function(netsock_target_sanitize tgt)
    if(NOT NETSOCK_SANITIZE)
        return()
    endif()
    if(MSVC)
        if(NETSOCK_SANITIZE MATCHES "address")
            target_compile_options(${tgt} PRIVATE /fsanitize=address)
        else()
            message(WARNING "netsock: MSVC supports only NETSOCK_SANITIZE=address")
        endif()
    else()
        target_compile_options(${tgt} PRIVATE
            -fsanitize=${NETSOCK_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
        target_link_options(${tgt} PRIVATE -fsanitize=${NETSOCK_SANITIZE})
    endif()
endfunction()

# NETSOCK_TEST_SEPARATE_COMPILATION: build our own targets in compile-once mode. Every TU gets
# NETSOCK_SEPARATE_COMPILATION, and every executable one implementation TU
# (tests/support/implementation.cpp), compiled with that executable's own definitions, unless
# the target has the property NETSOCK_OWN_IMPLEMENTATION (one of its files defines
# NETSOCK_IMPLEMENTATION itself).
set(NETSOCK_IMPLEMENTATION_SOURCE "${CMAKE_CURRENT_LIST_DIR}/../tests/support/implementation.cpp")
function(netsock_target_separate_compilation tgt)
    if(NOT NETSOCK_TEST_SEPARATE_COMPILATION)
        return()
    endif()
    get_target_property(_type ${tgt} TYPE)
    if(_type STREQUAL "INTERFACE_LIBRARY")
        target_compile_definitions(${tgt} INTERFACE NETSOCK_SEPARATE_COMPILATION)
        return()
    endif()
    target_compile_definitions(${tgt} PRIVATE NETSOCK_SEPARATE_COMPILATION)
    get_target_property(_own ${tgt} NETSOCK_OWN_IMPLEMENTATION)
    get_target_property(_libs ${tgt} LINK_LIBRARIES) # a program that does not use netsock
    if(NOT "netsock::netsock" IN_LIST _libs AND NOT "netsock" IN_LIST _libs)  # gets nothing
        set(_own ON)
    endif()
    if(_type STREQUAL "EXECUTABLE" AND NOT _own)
        target_sources(${tgt} PRIVATE "${NETSOCK_IMPLEMENTATION_SOURCE}")
    endif()
endfunction()

# Everything our own targets get: warnings, sanitizers, forced poll() backend, compile-once mode.
function(netsock_configure_target tgt)
    netsock_target_warnings(${tgt})
    netsock_target_sanitize(${tgt})
    if(NETSOCK_POLLER_POLL)
        target_compile_definitions(${tgt} PRIVATE NETSOCK_POLLER_POLL)
    endif()
    netsock_target_separate_compilation(${tgt})
endfunction()
