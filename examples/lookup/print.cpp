// lookup: the second file of the example (see lookup.cpp).
#include "print.hpp"

namespace lookup {
void print(const std::vector<net::address>& addresses, std::FILE* out) {
    for (const net::address& a : addresses) {
        const char* family = a.family() == net::family::ipv6   ? "ipv6"
                             : a.family() == net::family::ipv4 ? "ipv4"
                                                               : "local";
        std::fprintf(out, "%s %s%s\n", family, a.to_string().c_str(), a.is_loopback() ? " loopback" : "");
    }
}
} // namespace lookup
