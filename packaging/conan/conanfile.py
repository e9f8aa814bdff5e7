"""Conan 2 recipe for netsock, a header-only C++17 socket library.

From a netsock checkout:
    conan create packaging/conan --version 0.1.0   # or: conan export-pkg / conan create
Consumers: `requires = "netsock/0.1.0"`, then find_package(netsock CONFIG REQUIRED) and
netsock::netsock (CMake, through netsock's own installed config), or pkg-config netsock.

The package is made by netsock's own install rules (headers, CMake config, netsock.pc), so
it contains exactly what `cmake --install` gives.
"""
import os

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load

required_conan_version = ">=2.0"


class NetsockConan(ConanFile):
    name = "netsock"
    description = ("Header-only, cross-platform C++17 socket library with the ergonomics "
                   "of Python's socket module")
    license = "MIT"
    topics = ("socket", "networking", "tcp", "udp", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    no_copy_source = True

    def set_version(self):
        # The version of the checkout, from the header that CMakeLists.txt checks it against.
        if not self.version:
            text = load(self, os.path.join(self.recipe_folder, "..", "..",
                                           "include", "net", "version.hpp"))
            parts = {}
            for line in text.splitlines():
                words = line.split()
                if len(words) == 3 and words[0] == "#define" and words[1].startswith("NETSOCK_VERSION_"):
                    parts[words[1][len("NETSOCK_VERSION_"):]] = words[2]
            self.version = f"{parts['MAJOR']}.{parts['MINOR']}.{parts['PATCH']}"

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..", "..")
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*"):
            copy(self, pattern, root, self.export_sources_folder)

    def layout(self):
        cmake_layout(self, src_folder=".")

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["NETSOCK_INSTALL"] = True
        tc.cache_variables["NETSOCK_BUILD_TESTS"] = False
        tc.cache_variables["NETSOCK_BUILD_EXAMPLES"] = False
        tc.cache_variables["NETSOCK_BUILD_BENCH"] = False
        tc.generate()

    def build(self):
        pass  # header-only: nothing to build

    def package(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.install()
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.includedirs = ["include"]
        # Consumers use netsock's own installed config (share/cmake/netsock/netsock-config.cmake,
        # target netsock::netsock) rather than a generated one; builddirs puts it on
        # CMAKE_PREFIX_PATH through CMakeToolchain.
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.builddirs = [os.path.join("share", "cmake", "netsock")]
        self.cpp_info.set_property("pkg_config_name", "netsock")
        if self.settings.os == "Windows":
            self.cpp_info.system_libs = ["ws2_32"]
