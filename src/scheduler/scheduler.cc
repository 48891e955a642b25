#include "scheduler/scheduler.h"

#include "common/log.h"
#include "domain/limits.h"

namespace csms {

Scheduler::Scheduler(Store* store, const Clock* clock, SecretService* secrets, SchedulerOptions options)
    : store_(store), clock_(clock), secrets_(secrets), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  loop_ = std::thread([this] { Loop(); });
  rotation_loop_ = std::thread([this] { RotationLoop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  if (rotation_loop_.joinable()) rotation_loop_.join();
}

void Scheduler::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void Scheduler::WakeRotations() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_rotations_ = true;
  }
  cv_.notify_all();
}

Status Scheduler::Tick(bool run_rotation_tasks, TickStats* stats) {
  *stats = TickStats{};
  {
    std::lock_guard<std::mutex> lock(tick_mu_);
    int64_t now = clock_->NowMillis();
    const int batch = options_.batch;
    CSMS_RETURN_IF_ERROR(secrets_->RunDueExpiries(now, batch, &stats->expiries));
    CSMS_RETURN_IF_ERROR(secrets_->RunDueDeletions(now, batch, &stats->deletions));
    CSMS_RETURN_IF_ERROR(secrets_->RunDueRotations(now, batch, &stats->rotations));
    int64_t horizon = now - options_.record_retention_days * limits::kMillisPerDay;
    CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
      CSMS_RETURN_IF_ERROR(tx.records().PurgeOlderThan(horizon, batch, &stats->records_purged));
      CSMS_RETURN_IF_ERROR(tx.tasks().PurgeOlderThan(horizon, batch, &stats->tasks_purged));
      // Expired tokens are kept a day, so their holders hear "expired" rather than "invalid".
      return tx.identity().DeleteTokensExpiredBefore(now - limits::kMillisPerDay, &stats->tokens_purged);
    }));
    stats->full = stats->expiries >= batch || stats->deletions >= batch || stats->rotations >= batch ||
                  stats->records_purged >= batch || stats->tasks_purged >= batch;
  }
  if (run_rotation_tasks) {
    std::lock_guard<std::mutex> lock(rotation_mu_);
    CSMS_RETURN_IF_ERROR(secrets_->RunRotationTasks(clock_->NowMillis(), options_.rotation_batch, &stats->rotation_tasks));
  }
  return Status::OK();
}

void Scheduler::Loop() {
  bool backlog = false;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!backlog) cv_.wait_for(lock, options_.interval, [this] { return stop_ || wake_; });
      if (stop_) return;
      wake_ = false;
    }
    TickStats stats;
    Status s = Tick(false, &stats);
    if (!s.ok()) log::Warn("scheduler tick failed: " + s.ToString());
    backlog = s.ok() && stats.full;
  }
}

void Scheduler::RotationLoop() {
  bool backlog = true;  // tasks left RUNNING by a previous process are picked up at start
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!backlog) cv_.wait_for(lock, options_.interval, [this] { return stop_ || wake_rotations_; });
      if (stop_) return;
      wake_rotations_ = false;
    }
    int done = 0;
    Status s;
    {
      std::lock_guard<std::mutex> lock(rotation_mu_);
      s = secrets_->RunRotationTasks(clock_->NowMillis(), options_.rotation_batch, &done);
    }
    if (!s.ok()) log::Warn("rotation worker failed: " + s.ToString());
    backlog = s.ok() && done >= options_.rotation_batch;
  }
}

}  // namespace csms
