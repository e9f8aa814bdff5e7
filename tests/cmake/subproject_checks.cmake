# Shared by the add_subdirectory and fetch_content consumers: netsock built as a subproject adds
# only its library. No tests, examples, benchmarks, install rules, or flags on the interface target.
#   netsock_check_subproject(<netsock source dir> <how it was added>)
function(netsock_check_subproject source_dir how)
    if(NOT TARGET netsock::netsock)
        message(FATAL_ERROR "${how} did not define netsock::netsock")
    endif()
    foreach(_opt NETSOCK_BUILD_TESTS NETSOCK_BUILD_EXAMPLES NETSOCK_BUILD_BENCH NETSOCK_INSTALL)
        if(${_opt})
            message(FATAL_ERROR "${how}: ${_opt} is ON in a subproject build; it must default to OFF")
        endif()
    endforeach()
    foreach(_tgt netsock_doctest netsock_doctest_main netsock_test_support
            two_tu two_tu_strict netsock_headers_alone
            test_no_exceptions test_throw_hook test_std_expected
            test_version test_config test_error test_result test_buffer test_address
            test_socket test_ops test_options test_resolve test_poller
            echo_server echo_client threaded_echo_server poller_echo_server
            udp_echo_server udp_echo_client)
        if(TARGET ${_tgt})
            message(FATAL_ERROR "${how}: netsock leaked its internal target ${_tgt} into the consumer")
        endif()
    endforeach()
    # Generic form of the check above: netsock's directory defines only `netsock` and
    # `netsock_compiled` (not built unless linked) and adds no subdirectories.
    get_property(_targets DIRECTORY "${source_dir}" PROPERTY BUILDSYSTEM_TARGETS)
    get_property(_subdirs DIRECTORY "${source_dir}" PROPERTY SUBDIRECTORIES)
    if(NOT _targets STREQUAL "netsock;netsock_compiled" OR _subdirs)
        message(FATAL_ERROR "${how} defined targets '${_targets}' "
            "and subdirectories '${_subdirs}'; expected only the targets netsock, netsock_compiled")
    endif()
    get_target_property(_excluded netsock_compiled EXCLUDE_FROM_ALL)
    if(NOT _excluded)
        message(FATAL_ERROR "${how}: netsock_compiled is built by default in a subproject")
    endif()
    # No ctest tests of netsock's own in the consumer's tree.
    get_property(_tests DIRECTORY "${source_dir}" PROPERTY TESTS)
    if(_tests)
        message(FATAL_ERROR "${how} registered netsock's tests '${_tests}' in the consumer")
    endif()
    foreach(_prop INTERFACE_COMPILE_OPTIONS INTERFACE_COMPILE_DEFINITIONS INTERFACE_LINK_OPTIONS)
        get_target_property(_value netsock ${_prop})
        if(_value)
            message(FATAL_ERROR "${how}: netsock::netsock carries ${_prop} '${_value}'")
        endif()
    endforeach()
endfunction()
