#include "http/worker_pool.h"

#include <algorithm>

namespace csms::http {

WorkerPool::WorkerPool(int threads, int queue_limit)
    : capacity_(static_cast<size_t>(std::max(threads, 1)) + static_cast<size_t>(std::max(queue_limit, 0))) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  dropped.clear();  // outside the lock: a task's destructor may answer its request
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || running_ + queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    task();
    task = nullptr;  // its captures (the request) go before the slot is given back
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
}

}  // namespace csms::http
