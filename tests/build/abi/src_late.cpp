// <net/impl/src.hpp> after other netsock includes: each .ipp has its own include guard.
#include <net/ops.hpp>
#include <net/resolve.hpp>
#include <net/impl/src.hpp>
