# Runs one packaging check; invoked by ctest as
#   cmake -DNETSOCK_MODE=<install|find_package|add_subdirectory|fetch_content|fetch_content_git|pkg_config> -D...
#         -P run_consumer.cmake
# See tests/cmake/CMakeLists.txt for the variables passed in.
cmake_minimum_required(VERSION 3.16)

function(netsock_fail)
    string(JOIN "" msg ${ARGN})
    message(FATAL_ERROR "package.${NETSOCK_MODE}: ${msg}")
endfunction()

# netsock_run(<what> <command>...): run, echo output, fail on a non-zero exit.
function(netsock_run what)
    string(JOIN " " shown ${ARGN})
    message(STATUS "${what}: ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(out)
        message("${out}")
    endif()
    if(err)
        message("${err}")
    endif()
    if(NOT rc EQUAL 0)
        netsock_fail("${what} failed (${rc})")
    endif()
endfunction()

if(NOT NETSOCK_CONFIG)
    set(NETSOCK_CONFIG Release)
endif()

# --------------------------------------------------------------------------------------------
if(NETSOCK_MODE STREQUAL "install")
    file(REMOVE_RECURSE "${NETSOCK_PREFIX}")
    set(config_args "")
    if(NETSOCK_INSTALL_CONFIG)
        set(config_args --config "${NETSOCK_INSTALL_CONFIG}")
    endif()
    netsock_run("install" "${CMAKE_COMMAND}" --install "${NETSOCK_BUILD_DIR}"
        --prefix "${NETSOCK_PREFIX}" ${config_args})

    set(cmake_dir "${NETSOCK_PREFIX}/${NETSOCK_DATADIR}/cmake/netsock")
    foreach(f
            ${NETSOCK_INCLUDEDIR}/net/net.hpp
            ${NETSOCK_DATADIR}/cmake/netsock/netsock-config.cmake
            ${NETSOCK_DATADIR}/cmake/netsock/netsock-config-version.cmake
            ${NETSOCK_DATADIR}/cmake/netsock/netsock-targets.cmake
            ${NETSOCK_DATADIR}/pkgconfig/netsock.pc)
        if(NOT EXISTS "${NETSOCK_PREFIX}/${f}")
            netsock_fail("${f} was not installed")
        endif()
    endforeach()
    # Nothing but headers (and the implementation files of compile-once mode), CMake package
    # files, the .pc file, the license and netsock::compiled's static library.
    file(GLOB_RECURSE installed RELATIVE "${NETSOCK_PREFIX}" "${NETSOCK_PREFIX}/*")
    foreach(f IN LISTS installed)
        if(f MATCHES "^${NETSOCK_INCLUDEDIR}/net/.*\\.hpp$"
                OR f MATCHES "^${NETSOCK_INCLUDEDIR}/net/impl/[^/]+\\.ipp$"
                OR f MATCHES "^${NETSOCK_DATADIR}/cmake/netsock/[^/]+\\.cmake$"
                OR f STREQUAL "${NETSOCK_DATADIR}/pkgconfig/netsock.pc"
                OR f STREQUAL "${NETSOCK_DATADIR}/doc/netsock/LICENSE")
            continue()
        endif()
        if(f MATCHES "^lib[^/]*/(lib)?netsock\\.(a|lib)$")
            set(compiled_library "${f}")
            continue()
        endif()
        netsock_fail("unexpected installed file ${f}")
    endforeach()

    if(NOT compiled_library)
        netsock_fail("netsock::compiled's library was not installed")
    endif()
    if(NOT EXISTS "${NETSOCK_PREFIX}/${NETSOCK_DATADIR}/doc/netsock/LICENSE")
        netsock_fail("LICENSE was not installed")
    endif()

    # The version file: SameMajorVersion; not ARCH_INDEPENDENT, as netsock::compiled's library
    # is built for one architecture (sizeof(void*) 8 here).
    string(REGEX MATCH "^[0-9]+" major "${NETSOCK_VERSION}")
    math(EXPR next_major "${major} + 1")
    foreach(case "${NETSOCK_VERSION}:8:TRUE" "${major}.0:8:TRUE" "${NETSOCK_VERSION}:4:FALSE"
                 "${next_major}.0:8:FALSE" "${NETSOCK_VERSION}.999:8:FALSE")
        string(REPLACE ":" ";" case "${case}")
        list(GET case 0 PACKAGE_FIND_VERSION)
        list(GET case 1 CMAKE_SIZEOF_VOID_P)
        list(GET case 2 expected)
        string(REPLACE "." ";" parts "${PACKAGE_FIND_VERSION}")
        list(LENGTH parts PACKAGE_FIND_VERSION_COUNT)
        list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
        unset(PACKAGE_VERSION_COMPATIBLE)
        unset(PACKAGE_VERSION_UNSUITABLE)
        include("${cmake_dir}/netsock-config-version.cmake")
        # "0.1.0 (64bit)" when the architecture differs: only the number is the version.
        string(REGEX REPLACE " .*" "" found_version "${PACKAGE_VERSION}")
        if(NOT found_version STREQUAL NETSOCK_VERSION)
            netsock_fail("version file says ${PACKAGE_VERSION}, project is ${NETSOCK_VERSION}")
        endif()
        if(PACKAGE_VERSION_UNSUITABLE)
            set(compatible FALSE)
        elseif(PACKAGE_VERSION_COMPATIBLE)
            set(compatible TRUE)
        else()
            set(compatible FALSE)
        endif()
        if(NOT compatible STREQUAL expected)
            netsock_fail("version file: request ${PACKAGE_FIND_VERSION} with sizeof(void*) "
                "${CMAKE_SIZEOF_VOID_P}: compatible=${compatible}, expected ${expected}")
        endif()
    endforeach()

    file(READ "${NETSOCK_PREFIX}/${NETSOCK_DATADIR}/pkgconfig/netsock.pc" pc)
    message(STATUS "netsock.pc:\n${pc}")
    return()
endif()

# --------------------------------------------------------------------------------------------
file(REMOVE_RECURSE "${NETSOCK_WORK_DIR}")
file(MAKE_DIRECTORY "${NETSOCK_WORK_DIR}")

if(NETSOCK_MODE STREQUAL "pkg_config")
    set(ENV{PKG_CONFIG_PATH} "${NETSOCK_PREFIX}/${NETSOCK_DATADIR}/pkgconfig")
    set(ENV{PKG_CONFIG_LIBDIR} "${NETSOCK_PREFIX}/${NETSOCK_DATADIR}/pkgconfig")
    foreach(what modversion cflags libs)
        execute_process(COMMAND "${NETSOCK_PKG_CONFIG}" --${what} netsock
            RESULT_VARIABLE rc OUTPUT_VARIABLE pc_${what} ERROR_VARIABLE err
            OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(NOT rc EQUAL 0)
            netsock_fail("pkg-config --${what} netsock failed: ${err}")
        endif()
        message(STATUS "pkg-config --${what} netsock: ${pc_${what}}")
    endforeach()
    if(NOT pc_modversion STREQUAL NETSOCK_VERSION)
        netsock_fail("pkg-config version ${pc_modversion}, expected ${NETSOCK_VERSION}")
    endif()
    if(NOT pc_cflags STREQUAL "-I${NETSOCK_PREFIX}/${NETSOCK_INCLUDEDIR}")
        netsock_fail("pkg-config --cflags gave '${pc_cflags}', "
            "expected -I${NETSOCK_PREFIX}/${NETSOCK_INCLUDEDIR}")
    endif()
    separate_arguments(cflags UNIX_COMMAND "${pc_cflags}")
    separate_arguments(libs UNIX_COMMAND "${pc_libs}")
    set(exe "${NETSOCK_WORK_DIR}/netsock_consumer${CMAKE_EXECUTABLE_SUFFIX}")
    netsock_run("compile" "${NETSOCK_CXX_COMPILER}" -std=c++17 ${cflags}
        "${NETSOCK_TESTS_DIR}/consumer_main.cpp" -o "${exe}" ${libs})
    netsock_run("run" "${exe}")
    return()
endif()

if(NETSOCK_MODE STREQUAL "find_package")
    set(project_dir "${NETSOCK_TESTS_DIR}/find_package")
    set(mode_args
        "-DCMAKE_PREFIX_PATH=${NETSOCK_PREFIX}"
        "-DNETSOCK_EXPECTED_PREFIX=${NETSOCK_PREFIX}"
        "-DNETSOCK_REQUIRED_VERSION=${NETSOCK_VERSION}"
        -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
        -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON)
elseif(NETSOCK_MODE STREQUAL "add_subdirectory" OR NETSOCK_MODE STREQUAL "fetch_content")
    set(project_dir "${NETSOCK_TESTS_DIR}/${NETSOCK_MODE}")
    set(mode_args "-DNETSOCK_SOURCE_DIR=${NETSOCK_SOURCE_DIR}")
elseif(NETSOCK_MODE STREQUAL "fetch_content_git")
    # GIT_REPOSITORY + GIT_TAG as in the README, from this checkout's committed HEAD.
    find_program(git_exe git)
    if(NOT git_exe)
        netsock_fail("git not found")
    endif()
    execute_process(COMMAND "${git_exe}" -C "${NETSOCK_SOURCE_DIR}" rev-parse HEAD
        OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        netsock_fail("git rev-parse HEAD failed in ${NETSOCK_SOURCE_DIR}")
    endif()
    set(project_dir "${NETSOCK_TESTS_DIR}/fetch_content")
    set(mode_args "-DNETSOCK_GIT_REPOSITORY=${NETSOCK_SOURCE_DIR}" "-DNETSOCK_GIT_TAG=${head}")
else()
    netsock_fail("unknown NETSOCK_MODE '${NETSOCK_MODE}'")
endif()

set(gen_args -G "${NETSOCK_GENERATOR}")
if(NETSOCK_GENERATOR_PLATFORM)
    list(APPEND gen_args -A "${NETSOCK_GENERATOR_PLATFORM}")
endif()
if(NETSOCK_GENERATOR_TOOLSET)
    list(APPEND gen_args -T "${NETSOCK_GENERATOR_TOOLSET}")
endif()
if(NETSOCK_MAKE_PROGRAM)
    list(APPEND gen_args "-DCMAKE_MAKE_PROGRAM=${NETSOCK_MAKE_PROGRAM}")
endif()

set(build_dir "${NETSOCK_WORK_DIR}/build")
netsock_run("configure" "${CMAKE_COMMAND}" -S "${project_dir}" -B "${build_dir}" ${gen_args}
    "-DCMAKE_CXX_COMPILER=${NETSOCK_CXX_COMPILER}"
    "-DCMAKE_BUILD_TYPE=${NETSOCK_CONFIG}"
    ${mode_args})
netsock_run("build" "${CMAKE_COMMAND}" --build "${build_dir}" --config "${NETSOCK_CONFIG}")

set(path_file "${build_dir}/consumer-path-${NETSOCK_CONFIG}.txt")
if(NOT EXISTS "${path_file}")
    netsock_fail("${path_file} was not written by the consumer project")
endif()
# One executable per line of the file, separated by ';' (find_package also builds the
# compile-once variant).
file(READ "${path_file}" exes)
foreach(exe IN LISTS exes)
    netsock_run("run ${exe}" "${exe}")
endforeach()
