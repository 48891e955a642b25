// WorkerPool: a bounded set of threads for request work that must not run on an HTTP I/O thread
// (the store, an outbound network call). Threads are started on demand, when a task finds no idle
// thread, up to the limit, and then stay; so a pool of 64 costs nothing at start-up and only the
// threads a load needed. The queue is bounded: when every thread is busy and the queue is full,
// TrySubmit refuses and the caller answers 503.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace csms::http {

// How a pool's threads present themselves: a name (at most 15 characters) and a nice increment
// over the process's (common/this_thread.h).
struct WorkerPriority {
  const char* name = nullptr;  // null: unnamed
  int nice = 0;
};

class WorkerPool {
 public:
  // `threads` >= 1 (the limit); `queue_limit` = tasks that may wait for a free thread (0: none wait).
  WorkerPool(int threads, int queue_limit, WorkerPriority priority = {});
  // Lets the running tasks finish; queued tasks are destroyed without running.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the pool is saturated (nothing is run then).
  bool TrySubmit(std::function<void()> task);
  // Starts every thread now, from the calling thread. A thread inherits its creator's nice value
  // and cannot take back a higher priority, so a pool that must run at the process's priority is
  // started in full before any lowered thread (a write I/O thread) could submit to it.
  void StartAll();

  int threads() const { return static_cast<int>(max_threads_); }  // the limit
  int started_threads();                                          // started so far

 private:
  void Run();

  const size_t max_threads_;
  const WorkerPriority priority_;
  const size_t capacity_;  // running + queued at most
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // guarded by mu_ until the destructor joins them
};

}  // namespace csms::http
