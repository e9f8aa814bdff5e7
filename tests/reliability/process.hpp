#ifndef NETSOCK_TESTS_RELIABILITY_PROCESS_HPP
#define NETSOCK_TESTS_RELIABILITY_PROCESS_HPP

// Child processes for the reliability tests that drive the example programs (Linux): start a
// program with a chosen RLIMIT_NOFILE, collect its stdout/stderr line by line on a thread,
// wait (bounded) for a line or for its exit (pidfd + poll, no sleeps), read its CPU time from
// /proc/<pid>/stat. Include after <doctest/doctest.h>.
// In a cross build whose tests run under an emulator (qemu-user), the child is started through
// that emulator too (NETSOCK_TEST_EMULATOR, tests/support/emulator.hpp): the kernel cannot run
// a foreign binary by itself here. Its pid, exit code and /proc/<pid>/stat are then the
// emulator's, which runs the program in that one process.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/emulator.hpp"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace reliability {

// A child process with its stdout and stderr collected line by line on a reader thread.
class process {
public:
    // Starts argv[0] with RLIMIT_NOFILE's soft limit set to `nofile` (0: inherited) and the
    // environment plus `extra_env` ("NAME=value").
    process(std::vector<std::string> argv, rlim_t nofile = 0, std::vector<std::string> extra_env = {}) {
        const auto emulator = netsock_test::emulator_command();
        argv.insert(argv.begin(), emulator.begin(), emulator.end());
        int out[2], err[2];
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        std::vector<std::string> env_strings;
        auto name_of = [](const std::string& e) { return e.substr(0, e.find('=') + 1); };
        for (char** e = environ; *e; ++e) {
            bool replaced = false; // `extra_env` wins over the inherited value of a variable
            for (const auto& x : extra_env) replaced = replaced || name_of(x) == name_of(*e);
            if (!replaced) env_strings.emplace_back(*e);
        }
        for (auto& e : extra_env) env_strings.push_back(e);
        std::vector<char*> env;
        for (auto& e : env_strings) env.push_back(e.data());
        env.push_back(nullptr);
        rlimit limit{};
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
        if (nofile != 0) limit.rlim_cur = nofile;
        const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        REQUIRE(devnull >= 0);
        std::fflush(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) { // async-signal-safe calls only until exec
            if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
            ::dup2(devnull, 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::execve(args[0], args.data(), env.data());
            ::_exit(127);
        }
        ::close(devnull);
        ::close(out[1]);
        ::close(err[1]);
        pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
        reader_ = std::thread([this, o = out[0], e = err[0]] { read_output(o, e); });
    }
    process(const process&) = delete;
    process& operator=(const process&) = delete;
    ~process() {
        if (!reaped_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        if (reader_.joinable()) reader_.join();
        if (pidfd_ >= 0) ::close(pidfd_);
    }

    pid_t pid() const noexcept { return pid_; }

    // Waits (bounded) for a line of stdout (or stderr) for which `match` holds; returns it.
    std::string wait_line(bool on_stderr, const std::function<bool(const std::string&)>& match,
                          std::chrono::seconds limit) {
        std::unique_lock<std::mutex> lock(m_);
        std::string found;
        cv_.wait_for(lock, limit, [&] {
            for (const auto& l : on_stderr ? err_ : out_)
                if (match(l)) {
                    found = l;
                    return true;
                }
            return closed_ == 2;
        });
        return found;
    }

    // Waits (bounded) for the process to exit; returns its exit code, or -1 (killed, or still
    // running after `limit`: then it is killed).
    int wait_exit(std::chrono::seconds limit) {
        if (pidfd_ >= 0) {
            ::pollfd p{pidfd_, POLLIN, 0};
            const auto until = std::chrono::steady_clock::now() + limit;
            for (;;) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    until - std::chrono::steady_clock::now());
                const int r = ::poll(&p, 1, left.count() > 0 ? static_cast<int>(left.count()) : 0);
                if (r >= 0 || errno != EINTR) break;
            }
        }
        int status = 0;
        pid_t w = ::waitpid(pid_, &status, WNOHANG);
        if (w == 0) { // still running
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            reaped_ = true;
            return -1;
        }
        reaped_ = true;
        if (reader_.joinable()) reader_.join(); // the pipes are closed now: all output is in
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::vector<std::string> out() {
        std::lock_guard<std::mutex> lock(m_);
        return out_;
    }
    std::vector<std::string> err() {
        std::lock_guard<std::mutex> lock(m_);
        return err_;
    }
    std::string all_output() {
        std::lock_guard<std::mutex> lock(m_);
        std::string s;
        for (const auto& l : out_) s += "  out: " + l + "\n";
        for (const auto& l : err_) s += "  err: " + l + "\n";
        return s.size() > 4000 ? s.substr(0, 4000) + "  ...\n" : s;
    }

    // CPU time (user + system, all threads) so far, from /proc/<pid>/stat.
    double cpu_seconds() const {
        std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const auto paren = stat.rfind(')');
        if (paren == std::string::npos) return -1;
        std::istringstream fields(stat.substr(paren + 2));
        std::string field;
        long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && fields >> field; ++i) { // fields 14 and 15: utime, stime
            if (i == 14) utime = std::atoll(field.c_str());
            if (i == 15) stime = std::atoll(field.c_str());
        }
        return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    }

private:
    void read_output(int out, int err) {
        std::string partial[2];
        ::pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
        int open_count = 2;
        while (open_count > 0) {
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            for (int i = 0; i < 2; ++i) {
                if (fds[i].fd < 0 || fds[i].revents == 0) continue;
                char buf[4096];
                const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    if (n < 0 && errno == EINTR) continue;
                    ::close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_count;
                    std::lock_guard<std::mutex> lock(m_);
                    if (!partial[i].empty()) (i == 0 ? out_ : err_).push_back(partial[i]);
                    ++closed_;
                    cv_.notify_all();
                    continue;
                }
                partial[i].append(buf, static_cast<std::size_t>(n));
                std::size_t nl;
                std::lock_guard<std::mutex> lock(m_);
                while ((nl = partial[i].find('\n')) != std::string::npos) {
                    (i == 0 ? out_ : err_).push_back(partial[i].substr(0, nl));
                    partial[i].erase(0, nl + 1);
                }
                cv_.notify_all();
            }
        }
    }

    pid_t pid_ = -1;
    int pidfd_ = -1;
    bool reaped_ = false;
    std::thread reader_;
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<std::string> out_, err_;
    int closed_ = 0;
};

inline bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Waits for the first stdout line starting with `prefix` ("listening on HOST:PORT", "serving
// DIR on http://HOST:PORT/") and returns the port after the line's last ':' (0 on failure).
inline std::uint16_t announced_port(process& p, const std::string& prefix = "listening on ") {
    const std::string line = p.wait_line(
        false, [&](const std::string& l) { return starts_with(l, prefix); }, std::chrono::seconds(20));
    const auto colon = line.rfind(':');
    if (colon == std::string::npos) return 0;
    return static_cast<std::uint16_t>(std::atoi(line.c_str() + colon + 1));
}

} // namespace reliability

#endif
