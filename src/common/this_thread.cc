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
  // From the process's own value (its main thread's), not this thread's: a thread inherits its
  // creator's nice value, and the store's writer may be started by a lowered thread (decision 139).
  errno = 0;
  int base = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid()));
  if (base == -1 && errno != 0) base = 0;
  if (::setpriority(PRIO_PROCESS, tid, base + increment) != 0) {
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) log::Error(std::string("cannot lower a thread's priority: ") + std::strerror(errno));
  }
}

}  // namespace csms
