// The corpus replay of `make test`: a main() for a libFuzzer target built without libFuzzer (g++,
// the normal and the sanitizer trees). Feeds every file of the directories (or the files) given on
// the command line once to LLVMFuzzerTestOneInput, in name order, and fails on an empty corpus so a
// moved directory cannot pass silently. A crash, a sanitizer report or a hang fails the CTest test
// that runs it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& entry : fs::directory_iterator(p)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no corpus files given\n");
    return 2;
  }
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 2;
    }
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A copy of exactly `size` bytes, so ASan sees a read past the input's end.
    std::vector<uint8_t> buffer(data.begin(), data.end());
    LLVMFuzzerTestOneInput(buffer.data(), buffer.size());
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
