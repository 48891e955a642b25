#include "http/worker_pool.h"

#include <algorithm>
#include <system_error>

#include "common/this_thread.h"

namespace csms::http {

WorkerPool::WorkerPool(int threads, int queue_limit, WorkerPriority priority)
    : max_threads_(static_cast<size_t>(std::max(threads, 1))),
      priority_(priority),
      capacity_(max_threads_ + static_cast<size_t>(std::max(queue_limit, 0))) {}

WorkerPool::~WorkerPool() {
  std::deque<std::function<void()>> dropped;
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
  dropped.clear();  // outside the lock: a task's destructor may answer its request
}

int WorkerPool::started_threads() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(threads_.size());
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || running_ + queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
    // More waiting tasks than idle threads: start one more, while the limit allows.
    if (queue_.size() > threads_.size() - running_ && threads_.size() < max_threads_) {
      try {
        threads_.emplace_back([this] { Run(); });
      } catch (const std::system_error&) {  // no thread to be had: a running one takes it later
        if (threads_.empty()) {
          queue_.pop_back();
          return false;
        }
      }
    }
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::StartAll() {
  std::lock_guard<std::mutex> lock(mu_);
  while (!stopping_ && threads_.size() < max_threads_) {
    try {
      threads_.emplace_back([this] { Run(); });
    } catch (const std::system_error&) {  // no more threads to be had: the rest start on demand
      return;
    }
  }
}

void WorkerPool::Run() {
  if (priority_.name) NameThisThread(priority_.name);
  LowerThisThreadsPriority(priority_.nice);
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
