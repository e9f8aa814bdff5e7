// Winsock start-up is thread-safe: 8 threads make their first socket at the same moment (after
// a barrier) and every one succeeds (WSAStartup runs once, from a function-local static, whose
// initialisation C++11 makes thread-safe).
// A program of its own, because start-up happens once per process.
#include <net/net.hpp>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

int main() {
    constexpr int threads = 8;
    std::mutex m;
    std::condition_variable cv;
    int waiting = 0;
    std::vector<std::error_code> results(threads);
    std::vector<char> opened(threads, 0); // not vector<bool>: threads write neighbouring elements
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            {
                // A barrier (std::barrier is C++20): all threads start together.
                std::unique_lock<std::mutex> lock(m);
                if (++waiting == threads) {
                    cv.notify_all();
                } else {
                    cv.wait(lock, [&] { return waiting == threads; });
                }
            }
            auto s = net::try_make_socket(net::family::ipv4, net::socket_type::stream);
            if (s) {
                opened[static_cast<std::size_t>(i)] = s->is_open() ? 1 : 0;
            } else {
                results[static_cast<std::size_t>(i)] = s.error();
            }
        });
    }
    for (auto& t : pool) t.join();
    int failures = 0;
    for (int i = 0; i < threads; ++i) {
        const auto& ec = results[static_cast<std::size_t>(i)];
        const bool ok = !ec && opened[static_cast<std::size_t>(i)] != 0;
        std::printf("thread %d: %s%s\n", i, ok ? "ok" : "FAILED ", ok ? "" : ec.message().c_str());
        if (!ok) ++failures;
    }
    return failures == 0 ? 0 : 1;
}
