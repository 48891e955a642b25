// RotationService: rotating secrets (spec §1.6, §2.10): RotateSecret, the task list, and the
// rotation tasks themselves. A secret without a rotation function rotates at once to a random
// value; one whose rotation_func_urn is an http(s) URL (our extension) gets a RUNNING task that
// the rotation worker (scheduler/) runs through RotationFunction, outside any transaction; a
// FunctionGraph URN (urn:fss:...) cannot be called by this server, so its rotation is refused
// (docs/decisions.md). An RDS-FG / GaussDB-FG secret gets a RUNNING task that the rotation worker
// runs through DbRotation (its database account's password). Each rotation ends as a SUCCESS task
// with SECRET_ROTATED, or a FAILED one with SECRET_ROTATED_FAILED.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/secret.h"
#include "service/db_rotation.h"
#include "service/rotation_function.h"
#include "service/secret_vault.h"
#include "store/store.h"

namespace csms {

inline constexpr const char* kManualRotation = "MANUAL_ROTATION";
inline constexpr const char* kAutoRotation = "AUTO_ROTATION";

struct RotateResult {
  std::string task_id;
  std::string secret_name;
  std::optional<std::string> version_id;  // set when the rotation finished within the request
};

struct TaskListResult {
  std::vector<RotationTask> tasks;
  int64_t total = 0;
  std::optional<std::string> next_marker;
};

struct TaskListRequest {
  std::optional<std::string> secret_name, task_id, marker;
  std::optional<TaskStatus> status;
  int limit = 50;
};

struct RotationServiceOptions {
  // How long a claimed rotation-function task is left alone before another attempt may take it.
  int64_t rotation_lease_ms = 60'000;
  int rotation_max_attempts = 3;
  // Called after a commit that wrote notifications (wakes the dispatcher) or queued a rotation
  // task (wakes the rotation worker). May be empty.
  std::function<void()> on_notifications;
  std::function<void()> on_task_queued;
  // Rotates the accounts of RDS-FG / GaussDB-FG secrets; null: their rotations fail.
  DbRotation* database = nullptr;
};

class RotationService {
 public:
  // `function` may be null: http(s) rotation functions then fail their tasks.
  RotationService(Store* store, const Clock* clock, const SecretVault* vault, RotationFunction* function,
                  RotationServiceOptions options);

  Status Rotate(const std::string& project_id, const std::string& name, RotateResult* out);
  Status ListTasks(const std::string& project_id, const TaskListRequest& request, TaskListResult* out);

  // What StartAutoRotation did with a secret whose automatic rotation came due.
  enum class AutoRotation {
    kSkipped,    // not ENABLED, auto-rotation off, or a type that does not rotate
    kQueued,     // a task for its http(s) rotation function (the rotation worker runs it)
    kFailed,     // its function cannot be called: a FAILED task and SECRET_ROTATED_FAILED
    kRotateNow,  // no function: call RotateNow after the commit
  };
  // For the scheduler's automatic rotation of a due secret, inside its transaction. Does not move
  // the secret's schedule on (the caller does).
  Status StartAutoRotation(Transaction& tx, Secret* secret, int64_t now, AutoRotation* out);
  // Rotates to a random value now, in its own transaction; a failure is also recorded as a
  // FAILED task with SECRET_ROTATED_FAILED.
  Status RotateNow(const std::string& project_id, const std::string& name, const std::string& operate_type,
                   RotateResult* out);
  // Tells the rotation worker that tasks were queued (after the commit that queued them).
  void WakeWorker() const { Notify(false, true); }
  // Claims due rotation-function tasks, calls the functions (outside any transaction) and
  // finishes each task in its own transaction. Sets *done to how many tasks ended or moved on.
  Status RunTasks(int64_t now, int limit, int* done);

 private:
  // The rotation itself: a new SYSCURRENT version holding `value`, SECRET_ROTATED, the task done.
  Status FinishRotation(Transaction& tx, Secret* secret, RotationTask* task, const std::string& value, ValueKind kind,
                        int64_t now);
  // Records a failed rotation: the task FAILED and SECRET_ROTATED_FAILED.
  Status FailRotation(Transaction& tx, Secret* secret, RotationTask* task, const Status& why, int64_t now);
  // A rotation that failed inside its own transaction (rolled back) is recorded in a second one.
  Status RecordFailedRotation(const std::string& secret_id, RotationTask task, const Status& why);
  // Claims due RUNNING tasks (a lease each); tasks past their attempts go to `exhausted`.
  Status ClaimTasks(int64_t now, int limit, std::vector<RotationTask>* claimed, std::vector<RotationTask>* exhausted);
  // Calls the function of one claimed task and finishes it.
  Status RunTask(const RotationTask& task);
  // Asks the secret's function for a new value; an error says why the rotation fails.
  Status AskFunction(const Secret& secret, const RotationTask& task, std::string* value, ValueKind* kind);
  void Notify(bool notifications, bool tasks) const;

  Store* store_;
  const Clock* clock_;
  const SecretVault* vault_;
  RotationFunction* function_;
  RotationServiceOptions options_;
};

}  // namespace csms
