#include "common/startup_timeline.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

#include "common/log.h"

namespace csms::startup {
namespace {

int64_t SteadyMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

int64_t ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// The main thread's on-CPU and runnable nanoseconds (/proc/self/schedstat: "run wait slices");
// false if unreadable.
bool ScheduledNanos(int64_t* run, int64_t* wait) {
  int fd = ::open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[128];
  ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  char* end = nullptr;
  *run = std::strtoll(buf, &end, 10);
  *wait = std::strtoll(end, nullptr, 10);
  return true;
}

int64_t g_exec_us = 0;        // the steady clock at exec (estimated)
int64_t g_loader_us = 0;      // exec → first static initialiser
int64_t g_loader_cpu_us = 0;  // of which on a CPU
int64_t g_last_mark_us = 0;
int64_t g_last_cpu_us = 0;

// The phases marked so far, logged together by LogPhases (logging is configured after the first marks).
struct Mark {
  std::string_view name;
  int64_t us;
  int64_t at_us;
  int64_t cpu_us;  // the main thread's CPU time in the phase
};
constexpr int kMaxPhases = 32;
Mark g_phases[kMaxPhases];
int g_count = 0;

// Before every other static initialiser of the executable (the shared libraries' ran already).
__attribute__((constructor(101))) void RecordExec() {
  int64_t now = SteadyMicros();
  int64_t run = 0, wait = 0;
  if (ScheduledNanos(&run, &wait)) {
    g_loader_us = (run + wait) / 1000;
    g_loader_cpu_us = run / 1000;
  }
  g_exec_us = now - g_loader_us;
  g_last_mark_us = now;
  g_last_cpu_us = ThreadCpuMicros();
}

}  // namespace

int64_t MicrosSinceExec() { return SteadyMicros() - g_exec_us; }

int64_t LoaderMicros() { return g_loader_us; }

int64_t ProcessCpuMicros() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return (static_cast<int64_t>(u.ru_utime.tv_sec) + u.ru_stime.tv_sec) * 1'000'000 + u.ru_utime.tv_usec +
         u.ru_stime.tv_usec;
}

void Phase(std::string_view name) {
  int64_t now = SteadyMicros();
  int64_t cpu = ThreadCpuMicros();
  if (g_count < kMaxPhases) g_phases[g_count++] = {name, now - g_last_mark_us, now - g_exec_us, cpu - g_last_cpu_us};
  g_last_mark_us = now;
  g_last_cpu_us = cpu;
}

void LogPhases() {
  log::Write(log::Level::kDebug, "start-up phase",
             {{"phase", "loader"}, {"us", g_loader_us}, {"at_us", g_loader_us}, {"cpu_us", g_loader_cpu_us}});
  for (int i = 0; i < g_count; ++i) {
    const Mark& m = g_phases[i];
    log::Write(log::Level::kDebug, "start-up phase",
               {{"phase", m.name}, {"us", m.us}, {"at_us", m.at_us}, {"cpu_us", m.cpu_us}});
  }
  g_count = 0;
}

}  // namespace csms::startup
