// lookup: the second file of the example (see lookup.cpp).
#ifndef NETSOCK_EXAMPLE_LOOKUP_PRINT_HPP
#define NETSOCK_EXAMPLE_LOOKUP_PRINT_HPP

#include <net/net.hpp>

#include <cstdio>
#include <vector>

namespace lookup {
/// One line per address: "ipv6 [::1]:8080 loopback".
void print(const std::vector<net::address>& addresses, std::FILE* out);
} // namespace lookup

#endif
