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
    Send();
    lock.lock();
    if (last) return;
  }
}

void OutboxNotifier::Send() {
  static const std::string kNotify = std::string("NOTIFY ") + kOutboxChannel;
  Status s;
  if (!conn_) {
    // Its own transactions need no durability: a wake-up lost to a crash costs one poll interval.
    s = Connection::Open(url_, password_, &conn_);
    if (s.ok()) s = conn_->ExecScript("SET synchronous_commit = off");
  }
  if (s.ok()) s = conn_->ExecScript(kNotify);
  if (s.ok()) {
    if (logged_) log::Info("postgresql: outbox wake-ups sent again");
    logged_ = false;
    return;
  }
  conn_.reset();
  if (!logged_) {
    log::Warn(
        "postgresql: cannot send an outbox wake-up to the other replicas (they find the work at their "
        "next poll): " +
        s.message());
  }
  logged_ = true;
}

}  // namespace csms::postgres
