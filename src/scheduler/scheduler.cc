#include "scheduler/scheduler.h"

#include "common/log.h"
#include "domain/limits.h"

namespace csms {

Scheduler::Scheduler(Store* store, const Clock* clock, LifecycleJobs* jobs, RotationService* rotations,
                     Doorbell* rotation_bell, SchedulerOptions options)
    : store_(store),
      clock_(clock),
      jobs_(jobs),
      rotations_(rotations),
      rotation_bell_(rotation_bell),
      options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  loop_ = std::thread([this] { Loop(); });
  rotation_loop_ = std::thread([this] { RotationLoop(); });
}

void Scheduler::Stop() {
  tick_bell_.Close();
  rotation_bell_->Close();
  if (loop_.joinable()) loop_.join();
  if (rotation_loop_.joinable()) rotation_loop_.join();
}

void Scheduler::Wake() { tick_bell_.Ring(); }

Status Scheduler::Tick(bool run_rotation_tasks, TickStats* stats) {
  *stats = TickStats{};
  {
    std::lock_guard<std::mutex> lock(tick_mu_);
    int64_t now = clock_->NowMillis();
    const int batch = options_.batch;
    CSMS_RETURN_IF_ERROR(jobs_->RunDueExpiries(now, batch, &stats->expiries));
    CSMS_RETURN_IF_ERROR(jobs_->RunDueDeletions(now, batch, &stats->deletions));
    CSMS_RETURN_IF_ERROR(jobs_->RunDueRotations(now, batch, &stats->rotations));
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
    CSMS_RETURN_IF_ERROR(rotations_->RunTasks(clock_->NowMillis(), options_.rotation_batch, &stats->rotation_tasks));
  }
  return Status::OK();
}

void Scheduler::Loop() {
  bool backlog = false;
  for (;;) {
    if (backlog ? tick_bell_.closed() : !tick_bell_.Wait(options_.interval)) return;
    TickStats stats;
    Status s = Tick(false, &stats);
    if (!s.ok()) log::Warn("scheduler tick failed: " + s.ToString());
    backlog = s.ok() && stats.full;
  }
}

void Scheduler::RotationLoop() {
  bool backlog = true;  // tasks left RUNNING by a previous process are picked up at start
  for (;;) {
    if (backlog ? rotation_bell_->closed() : !rotation_bell_->Wait(options_.interval)) return;
    int done = 0;
    Status s;
    {
      std::lock_guard<std::mutex> lock(rotation_mu_);
      s = rotations_->RunTasks(clock_->NowMillis(), options_.rotation_batch, &done);
    }
    if (!s.ok()) log::Warn("rotation worker failed: " + s.ToString());
    backlog = s.ok() && done >= options_.rotation_batch;
  }
}

}  // namespace csms
