# vcpkg port of netsock, used as an overlay port from a netsock checkout:
#   vcpkg install netsock --overlay-ports=<netsock>/packaging/vcpkg
# (manifest mode: list "netsock" in your vcpkg.json and pass the same --overlay-ports, or set
# VCPKG_OVERLAY_PORTS). For a registry, replace SOURCE_PATH by vcpkg_from_github(OUT_SOURCE_PATH
# SOURCE_PATH REPO <owner>/netsock REF "v${VERSION}" SHA512 <sha512 of the archive>).
#
# Header-only: netsock's own install rules put the headers in include/net/, the CMake package
# (netsock::netsock) in share/netsock after the fix-up, and netsock.pc in share/pkgconfig.
set(VCPKG_BUILD_TYPE release) # nothing differs between Debug and Release

set(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../..")

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DNETSOCK_INSTALL=ON
        -DNETSOCK_BUILD_TESTS=OFF
        -DNETSOCK_BUILD_EXAMPLES=OFF
        -DNETSOCK_BUILD_BENCH=OFF
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME netsock CONFIG_PATH share/cmake/netsock)
vcpkg_fixup_pkgconfig()

vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/usage" [[
netsock provides CMake targets:

  find_package(netsock CONFIG REQUIRED)
  target_link_libraries(main PRIVATE netsock::netsock)
]])
