// Replays fuzz inputs without libFuzzer: `replay DIR_OR_FILE...` calls LLVMFuzzerTestOneInput
// once per file (directories: every regular file in them, sorted by name). A failed invariant
// aborts (FUZZ_CHECK), so CTest reports the test as failed; the input's name is printed first.
// Fails if there is nothing to replay (a missing corpus must not pass silently).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name == "." || name == ".." || name[0] == '.') continue; // .gitkeep etc.
            const std::string path = dir + "/" + name;
            if (!is_directory(path)) out.push_back(path);
        }
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto files = is_directory(arg) ? files_in(arg) : std::vector<std::string>{arg};
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "replay: cannot read %s\n", f.c_str());
                return 1;
            }
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), bytes.size());
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++count;
        }
    }
    std::printf("replayed %zu input(s)\n", count);
    if (count == 0) {
        std::fprintf(stderr, "replay: no input found in the given corpus paths\n");
        return 1;
    }
    return 0;
}
