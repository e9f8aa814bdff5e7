# ctest driver of build.single_header_only and build.single_header_separate (see
# tests/build/CMakeLists.txt):
#   cmake -DCXX=... -DFLAGS=... -DDEFINES=... -DLIBS=... -DEMULATOR=... -DRUN=ON|OFF
#         -DSOURCE_DIR=<repo> -DSOURCES=<a.cpp|b.cpp|...> -DWORK_DIR=<dir> -DEXE_SUFFIX=...
#         -P single_header_only.cmake
# Compiles each of SOURCES with -I <repo>/single_include only (and DEFINES), checks from the
# compiler's dependency lists that no header of <repo>/include/ was read, links and runs the
# program.
cmake_minimum_required(VERSION 3.16)
# FLAGS, LIBS and EMULATOR arrive as lists with escaped separators (tests/build/CMakeLists.txt:
# "-DEMULATOR=/usr/bin/qemu-s390x\;-L\;/usr/s390x-linux-gnu"): unescape them, or a list reaches
# execute_process as one argument (qemu-user's "-L <dir>" made the run fail with "No such file
# or directory").
foreach(list_var IN ITEMS FLAGS LIBS EMULATOR)
    string(REPLACE "\\;" ";" ${list_var} "${${list_var}}")
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
get_filename_component(name "${WORK_DIR}" NAME)
set(exe "${WORK_DIR}/${name}${EXE_SUFFIX}")
file(TO_CMAKE_PATH "${SOURCE_DIR}" source_dir)

set(objects "")
string(REPLACE "|" ";" sources "${SOURCES}")
foreach(source IN LISTS sources)
    get_filename_component(stem "${source}" NAME_WE)
    set(object "${WORK_DIR}/${stem}.o")
    set(deps "${WORK_DIR}/${stem}.d")
    set(command "${CXX}" ${FLAGS} ${DEFINES} -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
        "-I${SOURCE_DIR}/single_include" -MD -MF "${deps}" -c "${source}" -o "${object}")
    string(JOIN " " shown ${command})
    message(STATUS "compile: ${shown}")
    execute_process(COMMAND ${command} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${name}: compiling ${source} with only -I single_include failed (${rc})")
    endif()
    file(READ "${deps}" dep_text)
    string(REPLACE "\\\n" " " dep_text "${dep_text}")
    string(FIND "${dep_text}" "${source_dir}/single_include/net/net.hpp" used_single)
    string(FIND "${dep_text}" "${source_dir}/include/" used_include)
    if(used_single EQUAL -1)
        message(FATAL_ERROR "${name}: single_include/net/net.hpp was not used:\n${dep_text}")
    endif()
    if(NOT used_include EQUAL -1)
        message(FATAL_ERROR "${name}: a header under include/ was read:\n${dep_text}")
    endif()
    list(APPEND objects "${object}")
endforeach()

set(command "${CXX}" ${FLAGS} ${objects} -o "${exe}" ${LIBS})
execute_process(COMMAND ${command} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: linking failed (${rc})")
endif()

if(RUN)
    execute_process(COMMAND ${EMULATOR} "${exe}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${name}: the program failed (${rc})")
    endif()
endif()
