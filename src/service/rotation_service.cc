#include "service/rotation_service.h"

#include "common/errors.h"
#include "common/utf8.h"
#include "crypto/random.h"
#include "crypto/random_password.h"
#include "domain/db_instance.h"
#include "domain/validation.h"
#include "service/agency_service.h"
#include "service/outbox.h"
#include "service/secret_checks.h"

namespace csms {
namespace {

RotationTask NewTask(const Secret& s, const char* operate_type, int64_t now) {
  RotationTask t;
  t.task_id = crypto::NewUuid();
  t.project_id = s.project_id;
  t.secret_id = s.id;
  t.secret_name = s.name;
  t.rotation_func_urn = s.rotation_func_urn.value_or("");
  t.operate_type = operate_type;
  t.task_time = now;
  return t;
}

// A rotation_func_urn that is not an http(s) URL is a FunctionGraph URN (urn:fss:...), which this
// server has no way to call. Rotating such a secret is refused rather than silently replaced by a
// random value (docs/decisions.md).
Status CheckFunctionCallable(const Secret& s) {
  // A database secret is rotated by csmsd itself; its rotation_func_urn is only stored.
  if (!s.rotation_func_urn || HasRotationUrl(s) || IsDatabaseSecretType(s.secret_type)) return Status::OK();
  return errors::RotationUnsupported(
      "secret " + s.name + " names " + s.rotation_func_urn->substr(0, 256) +
      " as rotation_func_urn; this server cannot call FunctionGraph functions. Set an "
      "http(s) URL as rotation_func_urn, or remove it (\"\") to rotate to a random value");
}

RotationFunctionRequest FunctionRequest(const Secret& s, const RotationTask& t) {
  RotationFunctionRequest r;
  r.url = s.rotation_func_urn.value_or("");
  r.task_id = t.task_id;
  r.project_id = s.project_id;
  r.secret_id = s.id;
  r.secret_name = s.name;
  r.secret_type = s.secret_type;
  r.current_version_id = "v" + std::to_string(s.last_version);
  r.attempt = t.attempt_nums;
  return r;
}

}  // namespace

RotationService::RotationService(Store* store, const Clock* clock, const SecretVault* vault, RotationFunction* function,
                                 RotationServiceOptions options)
    : store_(store), clock_(clock), vault_(vault), function_(function), options_(std::move(options)) {}

void RotationService::Notify(bool notifications, bool tasks) const {
  if (notifications && options_.on_notifications) options_.on_notifications();
  if (tasks && options_.on_task_queued) options_.on_task_queued();
}

Status RotationService::Rotate(const std::string& project_id, const std::string& name, RotateResult* out) {
  bool async = false;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    // A database secret type rotates only with an agency for it (spec §1.9), checked first.
    CSMS_RETURN_IF_ERROR(CheckAgencyGranted(tx, secret));
    CSMS_RETURN_IF_ERROR(CheckRotatable(secret));
    CSMS_RETURN_IF_ERROR(CheckFunctionCallable(secret));
    // Rotation functions and databases are called by the rotation worker, outside any request.
    async = HasRotationUrl(secret) || IsDatabaseSecretType(secret.secret_type);
    return Status::OK();
  }));
  if (!async) return RotateNow(project_id, name, kManualRotation, out);

  // Queue a task for the rotation worker.
  int64_t now = clock_->NowMillis();
  RotationTask task;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    task = NewTask(secret, kManualRotation, now);
    task.due_time = now;
    return tx.tasks().Insert(task);
  }));
  Notify(false, true);
  out->task_id = task.task_id;
  out->secret_name = name;
  out->version_id.reset();
  return Status::OK();
}

Status RotationService::RotateNow(const std::string& project_id, const std::string& name,
                                  const std::string& operate_type, RotateResult* out) {
  crypto::PasswordPolicy policy;  // GenerateRandomPassword's defaults: 32 characters of all classes
  std::optional<std::string> value = crypto::GenerateRandomPassword(policy);
  if (!value) return errors::Internal("generating a random value failed");
  int64_t now = clock_->NowMillis();
  RotationTask task;
  std::string secret_id;
  Status s = store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    CSMS_RETURN_IF_ERROR(CheckAgencyGranted(tx, secret));
    CSMS_RETURN_IF_ERROR(CheckRotatable(secret));
    CSMS_RETURN_IF_ERROR(CheckFunctionCallable(secret));
    secret_id = secret.id;
    task = NewTask(secret, operate_type.c_str(), now);
    task.attempt_nums = 1;
    CSMS_RETURN_IF_ERROR(FinishRotation(tx, &secret, &task, *value, ValueKind::kString, now));
    return tx.tasks().Insert(task);
  });
  if (!s.ok() && !secret_id.empty() && s.kind() != Status::Kind::kUnavailable) {
    // The secret exists and is rotatable, but the rotation itself failed: keep the failure on record.
    Status recorded = RecordFailedRotation(secret_id, task, s);
    (void)recorded;  // the caller hears the rotation's own error, which says more
    return s;
  }
  CSMS_RETURN_IF_ERROR(s);
  Notify(true, false);
  out->task_id = task.task_id;
  out->secret_name = name;
  out->version_id = task.version_id;
  return Status::OK();
}

Status RotationService::StartAutoRotation(Transaction& tx, Secret* secret, int64_t now, AutoRotation* out) {
  *out = AutoRotation::kSkipped;
  if (secret->state != SecretState::kEnabled || !secret->auto_rotation || !CheckRotatable(*secret).ok()) {
    return Status::OK();
  }
  if (HasRotationUrl(*secret) || IsDatabaseSecretType(secret->secret_type)) {
    RotationTask task = NewTask(*secret, kAutoRotation, now);
    task.due_time = now;
    CSMS_RETURN_IF_ERROR(tx.tasks().Insert(task));
    *out = AutoRotation::kQueued;
    return Status::OK();
  }
  if (Status why = CheckFunctionCallable(*secret); !why.ok()) {
    RotationTask task = NewTask(*secret, kAutoRotation, now);
    task.attempt_nums = 1;
    CSMS_RETURN_IF_ERROR(FailRotation(tx, secret, &task, why, now));
    CSMS_RETURN_IF_ERROR(tx.tasks().Insert(task));
    *out = AutoRotation::kFailed;
    return Status::OK();
  }
  *out = AutoRotation::kRotateNow;
  return Status::OK();
}

Status RotationService::FinishRotation(Transaction& tx, Secret* secret, RotationTask* task, const std::string& value,
                                       ValueKind kind, int64_t now) {
  SecretVault::AddedVersion added;
  CSMS_RETURN_IF_ERROR(vault_->AddVersion(tx, secret, value, kind, std::nullopt, std::nullopt, now, &added));
  secret->rotation_time = now;
  if (secret->auto_rotation) ScheduleNextRotation(secret, now);
  CSMS_RETURN_IF_ERROR(tx.secrets().Update(*secret));
  task->status = TaskStatus::kSuccess;
  task->due_time.reset();
  task->version_id = added.version.id();
  task->error_code.clear();
  task->error_msg.clear();
  notify_format::TriggerDetails d;
  d.version_id = added.version.id();
  d.version_create_time = added.version.create_time;
  d.task_id = task->task_id;
  return EmitTrigger(tx, secret, EventType::kRotated, now, d);
}

Status RotationService::FailRotation(Transaction& tx, Secret* secret, RotationTask* task, const Status& why,
                                     int64_t now) {
  task->status = TaskStatus::kFailed;
  task->due_time.reset();
  task->error_code = why.code().empty() ? errors::RotationFunctionFailed("").code() : why.code();
  task->error_msg = utf8::Truncate(why.message(), 512);
  notify_format::TriggerDetails d;
  d.task_id = task->task_id;
  d.error_code = task->error_code;
  d.error_msg = task->error_msg;
  return EmitTrigger(tx, secret, EventType::kRotatedFailed, now, d);
}

// A rotation that failed inside its own transaction (rolled back) is recorded in a second one.
Status RotationService::RecordFailedRotation(const std::string& secret_id, RotationTask task, const Status& why) {
  int64_t now = clock_->NowMillis();
  Status s = store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    Status st = tx.secrets().GetById(secret_id, &secret);
    if (st.ok())
      CSMS_RETURN_IF_ERROR(FailRotation(tx, &secret, &task, why, now));
    else if (st.IsNotFound()) {
      task.status = TaskStatus::kFailed;
      task.due_time.reset();
      task.error_code = why.code();
      task.error_msg = utf8::Truncate(why.message(), 512);
    } else {
      return st;
    }
    RotationTask existing;
    Status found = tx.tasks().Get(task.project_id, task.task_id, &existing);
    if (found.IsNotFound()) return tx.tasks().Insert(task);
    CSMS_RETURN_IF_ERROR(found);
    return tx.tasks().Update(task);
  });
  Notify(true, false);
  return s;
}

Status RotationService::ClaimTasks(int64_t now, int limit, std::vector<RotationTask>* claimed,
                                   std::vector<RotationTask>* exhausted) {
  return store_->Write([&](Transaction& tx) -> Status {
    claimed->clear();  // PostgreSQL may run this again after a serialization failure
    exhausted->clear();
    std::vector<RotationTask> due;
    CSMS_RETURN_IF_ERROR(tx.tasks().DueRunning(now, limit, &due));
    for (auto& t : due) {
      if (t.attempt_nums >= options_.rotation_max_attempts) {
        exhausted->push_back(t);
        continue;
      }
      ++t.attempt_nums;
      t.due_time = now + options_.rotation_lease_ms;  // the lease: a crash mid-call retries after it
      CSMS_RETURN_IF_ERROR(tx.tasks().Update(t));
      claimed->push_back(t);
    }
    return Status::OK();
  });
}

Status RotationService::RunTasks(int64_t now, int limit, int* done) {
  *done = 0;
  std::vector<RotationTask> claimed, exhausted;
  CSMS_RETURN_IF_ERROR(ClaimTasks(now, limit, &claimed, &exhausted));
  for (auto& t : exhausted) {
    CSMS_RETURN_IF_ERROR(
        RecordFailedRotation(t.secret_id, t,
                             errors::RotationFunctionFailed("rotation abandoned after " +
                                                            std::to_string(t.attempt_nums) + " interrupted attempts")));
    ++*done;
  }
  for (auto& t : claimed) {
    CSMS_RETURN_IF_ERROR(RunTask(t));
    ++*done;
  }
  return Status::OK();
}

Status RotationService::AskFunction(const Secret& secret, const RotationTask& task, std::string* value,
                                    ValueKind* kind) {
  if (secret.state != SecretState::kEnabled) return PendingDelete(secret);
  if (!HasRotationUrl(secret)) {
    return errors::RotationFunctionFailed("the secret no longer has an http(s) rotation_func_urn");
  }
  if (!function_) return errors::RotationFunctionFailed("rotation functions are not enabled on this server");
  RotationFunctionAnswer answer;
  CSMS_RETURN_IF_ERROR(function_->Call(FunctionRequest(secret, task), &answer));
  Status s = CheckSecretValue(answer.secret_string, answer.secret_binary, kind);
  if (!s.ok()) return errors::RotationFunctionFailed("rotation function response: " + s.message());
  *value = answer.secret_string ? *answer.secret_string : *answer.secret_binary;
  return Status::OK();
}

Status RotationService::RunTask(const RotationTask& t) {
  Secret secret;
  Status s = store_->Read([&](Transaction& tx) { return tx.secrets().GetById(t.secret_id, &secret); });
  if (s.IsNotFound()) return RecordFailedRotation(t.secret_id, t, errors::ResourceNotFound("the secret was deleted"));
  CSMS_RETURN_IF_ERROR(s);
  if (IsDatabaseSecretType(secret.secret_type)) {
    Status why = options_.database ? options_.database->Run(t)
                                   : errors::DatabaseRotationFailed("database rotation is not enabled on this server");
    if (!why.ok()) return RecordFailedRotation(t.secret_id, t, why);
    Notify(true, false);
    return Status::OK();
  }
  std::string value;
  ValueKind kind = ValueKind::kString;
  Status why = AskFunction(secret, t, &value, &kind);
  if (!why.ok()) return RecordFailedRotation(t.secret_id, t, why);
  int64_t finished = clock_->NowMillis();
  s = store_->Write([&](Transaction& tx) -> Status {
    Secret current;
    CSMS_RETURN_IF_ERROR(tx.secrets().GetById(t.secret_id, &current));
    CSMS_RETURN_IF_ERROR(RequireEnabled(current));
    RotationTask task = t;
    CSMS_RETURN_IF_ERROR(FinishRotation(tx, &current, &task, value, kind, finished));
    return tx.tasks().Update(task);
  });
  if (!s.ok()) return RecordFailedRotation(t.secret_id, t, s);
  Notify(true, false);
  return Status::OK();
}

Status RotationService::ListTasks(const std::string& project_id, const TaskListRequest& req, TaskListResult* out) {
  out->tasks.clear();
  out->next_marker.reset();
  out->total = 0;
  if (req.task_id) {
    if (req.secret_name || req.status || req.marker) {
      return errors::InvalidParameter("invalid task_id: cannot be combined with other query parameters");
    }
    return store_->Read([&](Transaction& tx) -> Status {
      RotationTask t;
      Status s = tx.tasks().Get(project_id, *req.task_id, &t);
      if (s.IsNotFound()) return Status::OK();
      CSMS_RETURN_IF_ERROR(s);
      out->tasks.push_back(std::move(t));
      out->total = 1;
      return Status::OK();
    });
  }
  if (req.secret_name) CSMS_RETURN_IF_ERROR(validation::CheckName("secret_name", *req.secret_name));
  TaskQuery q;
  q.project_id = project_id;
  q.secret_name = req.secret_name;
  q.status = req.status;
  q.limit = req.limit + 1;
  return store_->Read([&](Transaction& tx) -> Status {
    if (req.marker) {
      RotationTask last;
      Status s = tx.tasks().Get(project_id, *req.marker, &last);
      if (s.IsNotFound())
        return errors::InvalidTaskMarker("invalid marker: no task " + std::string(utf8::Truncate(*req.marker, 64)));
      CSMS_RETURN_IF_ERROR(s);
      q.before_time = last.task_time;
      q.before_id = last.task_id;
    }
    CSMS_RETURN_IF_ERROR(tx.tasks().Count(q, &out->total));
    CSMS_RETURN_IF_ERROR(tx.tasks().List(q, &out->tasks));
    if (static_cast<int>(out->tasks.size()) > req.limit) {
      out->tasks.pop_back();
      out->next_marker = out->tasks.back().task_id;
    }
    return Status::OK();
  });
}

}  // namespace csms
