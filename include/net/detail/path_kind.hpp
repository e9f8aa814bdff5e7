#ifndef NETSOCK_DETAIL_PATH_KIND_HPP
#define NETSOCK_DETAIL_PATH_KIND_HPP

// What is at a file system path: the one file system query netsock makes, for
// create_server's remove_existing_path (impl/resolve.ipp), which may remove a path only if it
// is a socket. It is an OS primitive and belongs in the OS layer (detail/os/posix.hpp and
// windows.hpp, with a sys:: wrapper); it stays in this file of its own until those files can
// take it. Only impl/resolve.ipp includes it, so the public path of compile-once mode never
// sees <sys/stat.h>.

#include "platform.hpp"

#if defined(NETSOCK_OS_WINDOWS)
// <winsock2.h> (detail/os/windows.hpp) brings <windows.h>: FindFirstFileA, reparse tags.
#else
#include <cerrno>
#include <sys/stat.h>
#endif

NETSOCK_BEGIN_NAMESPACE
namespace detail {

enum class path_kind {
    none,    // nothing there
    socket,  // a socket file (itself, not a symbolic link to one)
    other,   // a regular file, directory, link, FIFO, device: never removed
    unknown, // the query failed (permissions, ...): never removed
};

inline path_kind kind_of_path(const char* path) noexcept {
#if defined(NETSOCK_OS_WINDOWS)
    // An AF_UNIX socket file is a reparse point tagged IO_REPARSE_TAG_AF_UNIX; FindFirstFile
    // reports the tag without following the reparse point.
    constexpr DWORD af_unix_tag = 0x80000023; // IO_REPARSE_TAG_AF_UNIX; not in every SDK
    WIN32_FIND_DATAA data;
    HANDLE h = ::FindFirstFileA(path, &data);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD e = ::GetLastError();
        return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? path_kind::none : path_kind::unknown;
    }
    ::FindClose(h);
    if ((data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 && data.dwReserved0 == af_unix_tag)
        return path_kind::socket;
    return path_kind::other;
#else
    struct ::stat st;
    if (::lstat(path, &st) != 0) return errno == ENOENT ? path_kind::none : path_kind::unknown;
    return S_ISSOCK(st.st_mode) ? path_kind::socket : path_kind::other;
#endif
}

} // namespace detail
NETSOCK_END_NAMESPACE

#endif
