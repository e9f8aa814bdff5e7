# lookup (examples/lookup/): a two-file program built in compile-once mode, the way README
# "Compile once" shows it, plus its end-to-end test example.lookup.
# include()d from examples/CMakeLists.txt; uses its conventions (netsock_configure_target).

add_library(lookup_netsock STATIC "${CMAKE_CURRENT_LIST_DIR}/lookup/netsock_impl.cpp")
target_link_libraries(lookup_netsock PUBLIC netsock::netsock)
target_compile_definitions(lookup_netsock PUBLIC NETSOCK_SEPARATE_COMPILATION)

add_executable(lookup "${CMAKE_CURRENT_LIST_DIR}/lookup/lookup.cpp"
    "${CMAKE_CURRENT_LIST_DIR}/lookup/print.cpp")
target_link_libraries(lookup PRIVATE lookup_netsock)
# lookup_netsock is its implementation (NETSOCK_TEST_SEPARATE_COMPILATION adds none).
set_target_properties(lookup PROPERTIES NETSOCK_OWN_IMPLEMENTATION ON)
foreach(_tgt IN ITEMS lookup_netsock lookup)
    target_compile_features(${_tgt} PRIVATE cxx_std_17)
    if(COMMAND netsock_configure_target)
        netsock_configure_target(${_tgt})
    elseif(COMMAND netsock_target_warnings)
        netsock_target_warnings(${_tgt})
    endif()
endforeach()

if(NETSOCK_BUILD_TESTS AND UNIX AND NOT CMAKE_CROSSCOMPILING)
    find_program(NETSOCK_BASH bash)
    if(NOT NETSOCK_BASH)
        message(STATUS "netsock: bash not found; example.lookup not registered")
    else()
        add_test(NAME example.lookup
            COMMAND ${NETSOCK_BASH} "${CMAKE_CURRENT_LIST_DIR}/../tests/examples/lookup.sh"
                $<TARGET_FILE:lookup>)
        set_tests_properties(example.lookup PROPERTIES TIMEOUT 60 LABELS example)
    endif()
endif()
