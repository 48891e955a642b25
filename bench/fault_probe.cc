// make bench: what one page fault costs on this machine, the unit most of csmsd's start-up is paid
// in (bench/startup.sh counts csmsd's faults to listening). Touches N fresh anonymous pages (what
// malloc's heap growth, thread stacks and the loader's relocated data pages cost) and N pages of a
// file in the page cache mapped read-only (what the loader's mapping of code costs), one byte
// each, and prints the mean µs per fault of each ("ANON FILE"). On bare metal a fault is well under 1 µs; a
// virtual machine whose guest page tables are shadowed by the hypervisor pays tens of µs.
// Not a Google Benchmark: bench/startup.sh compiles it on the fly with the system's C++ compiler.
//
// Usage: fault_probe FILE [N]     (FILE: a readable file of at least N pages, e.g. csmsd; N: 2000)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

long MinorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// Mean µs per fault of touching `n` pages of `p`, 4 KiB apart (a file mapping faults in several
// pages at a time, so it takes fewer faults than pages).
double TouchMicros(volatile char* p, size_t n, bool write) {
  long f0 = MinorFaults();
  auto t0 = std::chrono::steady_clock::now();
  char sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (write) {
      p[i * 4096] = 1;
    } else {
      sum = static_cast<char>(sum + p[i * 4096]);
    }
  }
  auto t1 = std::chrono::steady_clock::now();
  (void)sum;
  long faults = std::max(1L, MinorFaults() - f0);
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / static_cast<double>(faults);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fault_probe FILE [N]\n");
    return 2;
  }
  size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2000;
  void* anon = mmap(nullptr, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (anon == MAP_FAILED) return 1;
  double anon_us = TouchMicros(static_cast<char*>(anon), n, true);

  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) return 1;
  size_t pages = std::min(n, static_cast<size_t>(st.st_size) / 4096);
  if (pages == 0) return 1;
  void* file = mmap(nullptr, pages * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (file == MAP_FAILED) return 1;
  TouchMicros(static_cast<char*>(file), pages, false);  // into the page cache first: not a disk read
  munmap(file, pages * 4096);
  file = mmap(nullptr, pages * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (file == MAP_FAILED) return 1;
  double file_us = TouchMicros(static_cast<char*>(file), pages, false);
  std::printf("%.2f %.2f\n", anon_us, file_us);
  return 0;
}
