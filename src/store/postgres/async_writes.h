// AsyncWrites: Store::WriteAsync for the PostgreSQL store. The engine has no group commit and the
// store runs its serializable writes one at a time (postgres_store.cc), so one thread that runs
// the queued writes through the store's synchronous Write, in order, and calls each `done` is as
// fast as a pool of them. The caller never waits: a full queue is refused at once (Unavailable).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "common/status.h"
#include "store/store.h"

namespace csms::postgres {

class AsyncWrites {
 public:
  // `write` runs one transaction synchronously (the store's Write).
  AsyncWrites(std::function<Status(const Store::TxFn&)> write, size_t queue_limit);
  // Runs what is queued, then stops the thread.
  ~AsyncWrites();
  AsyncWrites(const AsyncWrites&) = delete;
  AsyncWrites& operator=(const AsyncWrites&) = delete;

  // Queues fn; `done` gets its Status on the writes' thread (or Unavailable at once, on this one).
  void Submit(Store::TxFn fn, Store::WriteDone done);
  int64_t submitted() const;

 private:
  void ThreadMain();

  const std::function<Status(const Store::TxFn&)> write_;
  const size_t queue_limit_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::pair<Store::TxFn, Store::WriteDone>> queue_;
  bool stopping_ = false;
  int64_t submitted_ = 0;
  std::thread thread_;  // started by the first Submit
};

}  // namespace csms::postgres
