#include "store/postgres/async_writes.h"

#include <exception>
#include <string>

#include "common/errors.h"
#include "common/log.h"

namespace csms::postgres {

AsyncWrites::AsyncWrites(std::function<Status(const Store::TxFn&)> write, size_t queue_limit)
    : write_(std::move(write)), queue_limit_(queue_limit) {}

AsyncWrites::~AsyncWrites() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AsyncWrites::Submit(Store::TxFn fn, Store::WriteDone done) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() >= queue_limit_) {
    lock.unlock();
    done(stopping_ ? errors::Unavailable("the database is closing")
                   : errors::Unavailable("too many writes are waiting for the database (" +
                                         std::to_string(queue_limit_) + "); retry later"));
    return;
  }
  ++submitted_;
  queue_.emplace_back(std::move(fn), std::move(done));
  if (!thread_.joinable()) thread_ = std::thread([this] { ThreadMain(); });
  lock.unlock();
  wake_.notify_one();
}

int64_t AsyncWrites::submitted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return submitted_;
}

void AsyncWrites::ThreadMain() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has run
    auto [fn, done] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Status s;
    try {
      s = write_(fn);
    } catch (const std::exception& e) {
      log::Error(std::string("an asynchronous database write threw: ") + e.what());
      s = errors::Internal("the write threw an exception");
    }
    try {
      done(std::move(s));
    } catch (...) {
      log::Error("the callback of an asynchronous database write threw");
    }
    lock.lock();
  }
}

}  // namespace csms::postgres
