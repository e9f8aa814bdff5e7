// Build check: <net/net.hpp> in two translation units of one program. A non-inline function
// or a namespace-scope definition in a header makes this fail to link.
#include <net/net.hpp>

bool b_open(const net::socket& s);

bool a_open(const net::socket& s) { return s.is_open(); }

int main() {
    bool (*const checks[])(const net::socket&) = {&a_open, &b_open};
    return sizeof(checks) / sizeof(checks[0]) == 2 ? 0 : 1;
}
