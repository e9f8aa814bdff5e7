# poller_echo_server (one thread, net::poller, thousands of connections) and its load client
# many_clients (tests/examples/many_clients.cpp), plus the end-to-end test example.poller_echo.
# include()d from examples/CMakeLists.txt; uses its conventions (netsock_configure_target).

add_executable(poller_echo_server "${CMAKE_CURRENT_LIST_DIR}/poller_echo_server.cpp")
set(_netsock_poller_echo_targets poller_echo_server)
set(_netsock_many_clients_source "${CMAKE_CURRENT_LIST_DIR}/../tests/examples/many_clients.cpp")
if(EXISTS "${_netsock_many_clients_source}")
    add_executable(many_clients "${_netsock_many_clients_source}")
    list(APPEND _netsock_poller_echo_targets many_clients)
endif()
# flood_client: sends and never reads (the backpressure check of example.poller_echo).
set(_netsock_flood_client_source "${CMAKE_CURRENT_LIST_DIR}/../tests/examples/flood_client.cpp")
if(EXISTS "${_netsock_flood_client_source}")
    add_executable(flood_client "${_netsock_flood_client_source}")
    list(APPEND _netsock_poller_echo_targets flood_client)
endif()
foreach(_tgt IN LISTS _netsock_poller_echo_targets)
    target_link_libraries(${_tgt} PRIVATE netsock::netsock)
    target_compile_features(${_tgt} PRIVATE cxx_std_17)
    # Our strict warnings, sanitizers and forced poll() backend (NETSOCK_POLLER_POLL) apply to
    # the examples, never to consumers of netsock::netsock.
    if(COMMAND netsock_configure_target)
        netsock_configure_target(${_tgt})
    elseif(COMMAND netsock_target_warnings)
        netsock_target_warnings(${_tgt})
    endif()
endforeach()

# 500 simultaneous clients, big messages, accept under a tiny descriptor limit
# (too_many_files_open back-off), caps, and clients that never read. Needs bash and native
# executables.
if(NETSOCK_BUILD_TESTS AND UNIX AND NOT CMAKE_CROSSCOMPILING AND TARGET many_clients AND TARGET flood_client)
    find_program(NETSOCK_BASH bash)
    if(NOT NETSOCK_BASH)
        message(STATUS "netsock: bash not found; example.poller_echo not registered")
    else()
        add_test(NAME example.poller_echo
            COMMAND ${NETSOCK_BASH} "${CMAKE_CURRENT_LIST_DIR}/../tests/examples/poller_echo.sh"
                $<TARGET_FILE:poller_echo_server> $<TARGET_FILE:many_clients>
                $<TARGET_FILE:flood_client>)
        # Exit code 77: the descriptor limit cannot be raised enough here (reported as skipped).
        set_tests_properties(example.poller_echo PROPERTIES
            TIMEOUT 120 LABELS example SKIP_RETURN_CODE 77)
    endif()
endif()
