#include "common/this_thread.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "common/log.h"

namespace csms {

void NameThisThread(const char* name) { ::pthread_setname_np(::pthread_self(), name); }

void LowerThisThreadsPriority(int increment) {
  if (increment <= 0) return;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  int current = ::getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) current = 0;
  if (::setpriority(PRIO_PROCESS, tid, current + increment) != 0) {
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) log::Error(std::string("cannot lower a thread's priority: ") + std::strerror(errno));
  }
}

}  // namespace csms
