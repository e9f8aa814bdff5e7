// Second translation unit of the two_tu build check; see two_tu_a.cpp.
#include <net/net.hpp>

bool b_open(const net::socket& s) { return s.is_open(); }
