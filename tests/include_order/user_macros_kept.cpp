// The user's own NOMINMAX and WIN32_LEAN_AND_MEAN survive <net/net.hpp> (never undefined), and
// are honoured: no min/max macros afterwards.
#define NOMINMAX
#define WIN32_LEAN_AND_MEAN

#include <net/net.hpp>

#include <algorithm>

#if !defined(NOMINMAX) || !defined(WIN32_LEAN_AND_MEAN)
#error "<net/net.hpp> undefined the user's NOMINMAX or WIN32_LEAN_AND_MEAN"
#endif
#if defined(min) || defined(max)
#error "min/max macros defined although the user defined NOMINMAX"
#endif

int netsock_include_order_check() { return std::min(1, 2) + std::max(3, 4); }
