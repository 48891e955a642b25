// Scheduler: the threads of time-driven work. A tick runs the secrets' lifecycle jobs (expiries
// and near expiries, automatic rotations, scheduled deletions: scheduler/lifecycle_jobs.h) and the
// retention of notification records, tasks and expired tokens; the rotation worker runs the
// rotation-function tasks of RotationService. Due work is found through time indexes (never by
// scanning all rows); a tick handles at most `batch` items of each kind, each kind in its own
// transaction. Time comes from the injected Clock, so --dev tests move it instead of waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/doorbell.h"
#include "common/status.h"
#include "scheduler/lifecycle_jobs.h"
#include "service/rotation_service.h"
#include "store/store.h"

namespace csms {

struct SchedulerOptions {
  std::chrono::milliseconds interval{1000};  // between ticks when nothing is pending
  int batch = 500;                           // items of each kind per tick
  int record_retention_days = 90;
  int rotation_batch = 8;  // rotation-function calls per pass of the worker
};

struct TickStats {
  int expiries = 0;        // versions whose expiry or near-expiry step ran
  int rotations = 0;       // secrets whose automatic rotation came due
  int deletions = 0;       // scheduled deletions completed
  int rotation_tasks = 0;  // rotation-function tasks finished (only when asked to run them)
  int64_t records_purged = 0;
  int64_t tasks_purged = 0;
  int64_t tokens_purged = 0;
  bool full = false;  // some kind filled its batch: more is due
};

class Scheduler {
 public:
  // `rotation_bell` is rung when rotation tasks are queued (RotationServiceOptions::on_task_queued).
  Scheduler(Store* store, const Clock* clock, LifecycleJobs* jobs, RotationService* rotations, Doorbell* rotation_bell,
            SchedulerOptions options);
  ~Scheduler();

  // Starts the tick loop and the rotation worker; Stop (or the destructor) ends them.
  void Start();
  void Stop();

  // One bounded pass over every kind of due work at the clock's current time. With
  // `run_rotation_tasks`, due rotation-function calls are made too (the worker does them otherwise).
  Status Tick(bool run_rotation_tasks, TickStats* stats);
  // Runs the next tick now (the clock moved, or new work was committed).
  void Wake();

 private:
  void Loop();
  void RotationLoop();

  Store* store_;
  const Clock* clock_;
  LifecycleJobs* jobs_;
  RotationService* rotations_;
  Doorbell* rotation_bell_;
  SchedulerOptions options_;

  std::mutex tick_mu_;      // one tick at a time (loop thread or the --dev endpoint)
  std::mutex rotation_mu_;  // one rotation pass at a time
  Doorbell tick_bell_;
  std::thread loop_, rotation_loop_;
};

}  // namespace csms
