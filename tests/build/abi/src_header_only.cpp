// <net/impl/src.hpp> without NETSOCK_SEPARATE_COMPILATION must stop with one clear #error
// (abi_check.cmake expects it).
#include <net/impl/src.hpp>
