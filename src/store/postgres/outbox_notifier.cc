#include "store/postgres/outbox_notifier.h"

#include <utility>

#include "common/log.h"
#include "store/postgres/connection.h"
#include "store/postgres/outbox_listener.h"

namespace csms::postgres {

OutboxNotifier::OutboxNotifier(std::string url, std::string password)
    : url_(std::move(url)), password_(std::move(password)), thread_([this] { Run(); }) {}

OutboxNotifier::~OutboxNotifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void OutboxNotifier::Ring() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rung_ = true;
  }
  cv_.notify_one();
}

void OutboxNotifier::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return rung_ || stopping_; });
    if (!rung_) return;  // stopping, nothing pending
    rung_ = false;
    const bool last = stopping_;
    lock.unlock();
    // The last ring goes out only on a connection already open: a database that is down must not
    // hold the shutdown for a connect timeout.
    Send(/*may_connect=*/!last);
    lock.lock();
    if (last) return;
  }
}

void OutboxNotifier::Send(bool may_connect) {
  static const std::string kNotify = std::string("NOTIFY ") + kOutboxChannel;
  Status s;
  // A connection the server closed since the last ring (a restart, an idle timeout) fails the
  // first try: once more on a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = !conn_;
    if (fresh && !may_connect) return;
    s = Status::OK();
    if (fresh) {
      // Its own transactions need no durability: a wake-up lost to a crash costs one poll interval.
      // Named for pg_stat_activity.
      s = Connection::Open(url_, password_, &conn_);
      if (s.ok()) {
        s = conn_->ExecScript(std::string("SET synchronous_commit = off; SET application_name = '") +
                              kNotifierApplicationName + "'");
      }
    }
    if (s.ok()) s = conn_->ExecScript(kNotify);
    if (s.ok()) {
      if (logged_) log::Info("postgresql: outbox wake-ups sent again");
      logged_ = false;
      return;
    }
    conn_.reset();
    if (fresh) break;
  }
  if (!logged_) {
    log::Warn(
        "postgresql: cannot send an outbox wake-up to the other replicas (they find the work at their "
        "next poll): " +
        s.message());
  }
  logged_ = true;
}

}  // namespace csms::postgres
