// make bench: the fdatasync latency of a directory's file system, the floor under every durable
// commit (--sqlite-sync full). Writes one 4 KiB block and calls fdatasync, N times: first in place
// (the same block rewritten, like a WAL being reused after a checkpoint), then appending (the file
// grows, so the file system also commits its size, like a WAL that grows). Prints the p50/p99/max of
// write + fdatasync for each, and the commits per second one writer could make in series (1/p50).
// Not a Google Benchmark: bench/secrets.sh compiles it on the fly with the system's C++ compiler.
//
// Usage: fsync_probe DIR [N]          (N defaults to 200; the probe file is removed at the end)
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

bool Measure(int fd, int n, bool append, std::vector<double>* ms) {
  char block[4096];
  for (int i = 0; i < n; ++i) {
    std::memset(block, 'a' + i % 26, sizeof block);
    off_t offset = append ? static_cast<off_t>(i) * static_cast<off_t>(sizeof block) : 0;
    auto start = std::chrono::steady_clock::now();
    if (pwrite(fd, block, sizeof block, offset) != static_cast<ssize_t>(sizeof block) || fdatasync(fd) != 0) {
      std::perror("fsync_probe: write/fdatasync");
      return false;
    }
    ms->push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return true;
}

void Print(const char* name, const std::vector<double>& ms) {
  double p50 = Percentile(ms, 0.5);
  std::printf("fdatasync %-9s 4 KiB x %zu: p50 %.3f ms  p99 %.3f ms  max %.3f ms  => serial limit %.0f commits/s\n",
              name, ms.size(), p50, Percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()),
              p50 > 0 ? 1000.0 / p50 : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [N]\n", argv[0]);
    return 2;
  }
  int n = argc > 2 ? std::atoi(argv[2]) : 200;
  if (n < 1) n = 1;
  std::string path = std::string(argv[1]) + "/fsync-probe.tmp";
  int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR, 0600);
  if (fd < 0) {
    std::perror(("fsync_probe: " + path).c_str());
    return 1;
  }
  std::vector<double> in_place, appending;
  bool ok = Measure(fd, 1, false, &in_place);  // allocate the block first: the in-place runs then rewrite it
  in_place.clear();
  ok = ok && Measure(fd, n, false, &in_place);
  ok = ok && ftruncate(fd, 0) == 0 && fdatasync(fd) == 0;
  ok = ok && Measure(fd, n, true, &appending);
  close(fd);
  unlink(path.c_str());
  if (!ok) return 1;
  Print("in place", in_place);
  Print("appending", appending);
  return 0;
}
