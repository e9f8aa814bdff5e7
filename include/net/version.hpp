#ifndef NETSOCK_VERSION_HPP
#define NETSOCK_VERSION_HPP

/// netsock version, as numbers and as a string ("major.minor.patch").
#define NETSOCK_VERSION_MAJOR 0
#define NETSOCK_VERSION_MINOR 1
#define NETSOCK_VERSION_PATCH 0
#define NETSOCK_VERSION_STRING "0.1.0"

#include "config.hpp"

NETSOCK_BEGIN_NAMESPACE
/// The version of the netsock headers in use.
struct version_info {
    int major;
    int minor;
    int patch;
    const char* string;
};
/// The version of the netsock headers in use, e.g. `net::version().string == "0.1.0"`.
constexpr version_info version() noexcept {
    return {NETSOCK_VERSION_MAJOR, NETSOCK_VERSION_MINOR, NETSOCK_VERSION_PATCH, NETSOCK_VERSION_STRING};
}
NETSOCK_END_NAMESPACE

#endif
