# examples/http_server: a static file server on net::poller (examples/http/), and its tests.
# Included from examples/CMakeLists.txt:  include(${CMAKE_CURRENT_SOURCE_DIR}/http_server.cmake)
#
# Tests (with NETSOCK_BUILD_TESTS):
#   http.parser          tests/unit_http/parser.cpp: the request parser, no sockets (everywhere)
#   http.server          tests/unit_http/server.cpp: the server in-process on loopback (native Unix)
#   example.http_server  tests/examples/http_server.sh: the program itself, end to end (native Unix)

set(_netsock_http_dir "${CMAKE_CURRENT_LIST_DIR}/http")

add_executable(http_server "${_netsock_http_dir}/http_server.cpp")
target_link_libraries(http_server PRIVATE netsock::netsock)
target_compile_features(http_server PRIVATE cxx_std_17)
if(COMMAND netsock_configure_target)
    netsock_configure_target(http_server)
elseif(COMMAND netsock_target_warnings)
    netsock_target_warnings(http_server)
endif()

if(NETSOCK_BUILD_TESTS)
    if(NOT TARGET netsock_doctest)
        message(WARNING "netsock: the netsock_doctest target (tests/CMakeLists.txt) does not exist "
            "yet; http.parser and http.server are not built")
    else()
        set(_netsock_http_tests "${PROJECT_SOURCE_DIR}/tests/unit_http")
        if(NOT TARGET Threads::Threads)
            set(THREADS_PREFER_PTHREAD_FLAG ON)
            find_package(Threads REQUIRED)
        endif()

        add_library(netsock_http_test_main OBJECT "${_netsock_http_tests}/main.cpp")
        target_link_libraries(netsock_http_test_main PUBLIC netsock_doctest)
        target_compile_features(netsock_http_test_main PRIVATE cxx_std_17)

        add_executable(test_http_parser "${_netsock_http_tests}/parser.cpp")
        target_include_directories(test_http_parser PRIVATE "${_netsock_http_dir}")
        target_link_libraries(test_http_parser PRIVATE netsock_http_test_main)
        target_compile_features(test_http_parser PRIVATE cxx_std_17)

        # Built everywhere (so cross builds compile it); run only where it can run.
        add_executable(test_http_server "${_netsock_http_tests}/server.cpp")
        target_include_directories(test_http_server PRIVATE "${_netsock_http_dir}")
        target_link_libraries(test_http_server PRIVATE
            netsock_http_test_main netsock::netsock Threads::Threads)
        target_compile_features(test_http_server PRIVATE cxx_std_17)

        foreach(_t netsock_http_test_main test_http_parser test_http_server)
            if(COMMAND netsock_configure_target)
                netsock_configure_target(${_t})
            endif()
        endforeach()

        add_test(NAME http.parser COMMAND test_http_parser)
        set_tests_properties(http.parser PROPERTIES TIMEOUT 60 LABELS http)
        if(CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
            set_tests_properties(http.parser PROPERTIES DISABLED ON)
        endif()

        if(UNIX AND NOT CMAKE_CROSSCOMPILING)
            add_test(NAME http.server COMMAND test_http_server)
            # Writes a 100 MiB file to the temporary directory and moves it over loopback.
            set_tests_properties(http.server PROPERTIES TIMEOUT 300 LABELS http)

            find_program(NETSOCK_BASH bash)
            if(NETSOCK_BASH)
                add_test(NAME example.http_server
                    COMMAND ${NETSOCK_BASH} "${PROJECT_SOURCE_DIR}/tests/examples/http_server.sh"
                        $<TARGET_FILE:http_server>)
                set_tests_properties(example.http_server
                    PROPERTIES TIMEOUT 60 LABELS "example;http")
            endif()
        endif()
    endif()
endif()
