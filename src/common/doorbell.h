// Doorbell: a wake-up between threads that need not know each other. Whoever has new work for a
// worker rings; the worker waits for a ring, a timeout, or the bell being closed (shutdown). Rings
// while nobody waits are remembered once. Lets the composition root connect a producer (a service
// that queued work) to a consumer (a scheduler thread) built later, without late-bound pointers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace csms {

class Doorbell {
 public:
  void Ring() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      rung_ = true;
    }
    cv_.notify_all();
  }

  // Every Wait returns false from now on.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  bool closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }

  // Waits until rung (the ring is consumed), `timeout` passes or the bell is closed; false once closed.
  bool Wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return rung_ || closed_; });
    rung_ = false;
    return !closed_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool rung_ = false;
  bool closed_ = false;
};

}  // namespace csms
