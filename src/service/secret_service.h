// SecretService: the use cases of secrets, versions, stages, rotation and scheduled deletion
// (spec §1.1–1.5, §6, §7), and the due work the scheduler hands it. Every change runs in one
// transaction together with the notifications it triggers (service/outbox.h). Values are sealed
// with a per-version data key wrapped by a master key before they reach the store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/key_store.h"
#include "domain/secret.h"
#include "service/page.h"
#include "store/store.h"

namespace csms {

struct CreateSecretCommand {
  std::string name;
  std::optional<std::string> kms_key_id, description, secret_string, secret_binary, secret_type, rotation_period,
      rotation_config, enterprise_project_id, rotation_func_urn;
  std::optional<bool> auto_rotation;
  std::vector<std::string> event_subscriptions;
};

// Only the fields that are set change. `event_subscriptions` set to an empty list removes the
// subscription (the handler maps JSON null and [] to that).
struct UpdateSecretCommand {
  std::optional<std::string> kms_key_id, description, rotation_period, rotation_func_urn;
  std::optional<bool> auto_rotation;
  std::optional<std::vector<std::string>> event_subscriptions;
};

struct CreateVersionCommand {
  std::optional<std::string> secret_string, secret_binary;
  std::optional<std::vector<std::string>> version_stages;
  std::optional<int64_t> expire_time;
};

// A version as clients see it: metadata, the stages on it and, for ShowSecretVersion, the value.
struct VersionView {
  SecretVersion version;  // never carries the sealed bytes out of the service
  std::string secret_name;
  std::vector<std::string> stages;
  std::optional<std::string> value;  // plaintext: secret_string text or secret_binary Base64
};

struct StageView {
  Stage stage;
  std::string secret_name;
};

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

// Calls an http(s) rotation function: POSTs `request` (JSON) and returns the response body of a
// 2xx answer; any other outcome is an error whose message says what happened.
using RotationCaller = std::function<Status(const std::string& url, const std::string& request, std::string* response)>;

struct SecretServiceOptions {
  int secret_quota = 200;
  // Near-expiry lead times, longest first (default 30 d, 7 d, 1 d).
  std::vector<int64_t> near_expiry_leads_ms = {30 * 86'400'000LL, 7 * 86'400'000LL, 86'400'000LL};
  // How long a claimed rotation-function task is left alone before another attempt may take it.
  int64_t rotation_lease_ms = 60'000;
  int rotation_max_attempts = 3;
  RotationCaller call_rotation_function;
  // Called after a commit that wrote notifications (wakes the dispatcher) or queued a rotation
  // task (wakes the rotation worker). May be empty.
  std::function<void()> on_notifications;
  std::function<void()> on_rotation_task;
};

class SecretService {
 public:
  SecretService(Store* store, const Clock* clock, const crypto::KeyStore* keys, SecretServiceOptions options);

  // Refuses to run with a master key that does not open the check value stored when the key was
  // first used (a lost or swapped key file), and records check values for new keys.
  Status VerifyMasterKeys();

  Status Create(const std::string& project_id, const CreateSecretCommand& cmd, Secret* out);
  Status Get(const std::string& project_id, const std::string& name, Secret* out);
  Status List(const std::string& project_id, const std::string& marker, const std::optional<std::string>& event_name,
              int limit, Page<Secret>* out);
  Status Update(const std::string& project_id, const std::string& name, const UpdateSecretCommand& cmd, Secret* out);
  Status Delete(const std::string& project_id, const std::string& name);

  Status CreateVersion(const std::string& project_id, const std::string& name, const CreateVersionCommand& cmd,
                       VersionView* out);
  Status ListVersions(const std::string& project_id, const std::string& name, const std::string& marker, int limit,
                      Page<VersionView>* out);
  // `version_id` is "v<n>" or "latest"; the view carries the plaintext value.
  Status GetVersion(const std::string& project_id, const std::string& name, const std::string& version_id,
                    VersionView* out);
  // expire_time 0 removes the expiry; any other value (re-)arms the expiry notifications once.
  Status UpdateVersion(const std::string& project_id, const std::string& name, const std::string& version_id,
                       int64_t expire_time, VersionView* out);

  Status GetStage(const std::string& project_id, const std::string& name, const std::string& stage, StageView* out);
  Status UpdateStage(const std::string& project_id, const std::string& name, const std::string& stage,
                     const std::string& version_id, StageView* out);
  Status DeleteStage(const std::string& project_id, const std::string& name, const std::string& stage);

  Status Rotate(const std::string& project_id, const std::string& name, RotateResult* out);
  Status ScheduleDeletion(const std::string& project_id, const std::string& name, int64_t recovery_window_days,
                          Secret* out);
  Status Restore(const std::string& project_id, const std::string& name, Secret* out);
  Status ListTasks(const std::string& project_id, const TaskListRequest& request, TaskListResult* out);

  // Scheduler work. Each call handles at most `limit` due items in one transaction and sets
  // *done to how many it handled; a full batch means more may be due.
  Status RunDueExpiries(int64_t now, int limit, int* done);
  Status RunDueRotations(int64_t now, int limit, int* done);
  Status RunDueDeletions(int64_t now, int limit, int* done);
  // Claims due rotation-function tasks, calls the functions (outside any transaction) and
  // finishes each task in its own transaction.
  Status RunRotationTasks(int64_t now, int limit, int* done);

  const SecretServiceOptions& options() const { return options_; }

 private:
  struct AddedVersion {
    SecretVersion version;
    std::vector<std::string> stages;
  };
  Status LoadSecret(Transaction& tx, const std::string& project_id, const std::string& name, Secret* out);
  Status CheckSubscriptions(Transaction& tx, const std::string& project_id, const std::vector<std::string>& names,
                            std::optional<std::string>* out);
  const crypto::MasterKey* ResolveKey(const std::string& id_or_alias) const;
  // Seals and stores a new version, moves stages, purges the oldest unstaged version beyond the
  // limit, updates the secret and fires SECRET_VERSION_CREATED.
  Status AddVersion(Transaction& tx, Secret* secret, const std::string& value, ValueKind kind,
                    const std::optional<std::vector<std::string>>& stages, std::optional<int64_t> expire_time,
                    int64_t now, AddedVersion* out);
  // Moves `stage` to version `number`; moving SYSCURRENT puts SYSPREVIOUS on the version that
  // held it unless `keep_previous` (the caller places SYSPREVIOUS itself).
  Status MoveStage(Transaction& tx, const Secret& secret, const std::string& stage, int64_t number, int64_t now,
                   bool keep_previous);
  Status Open(const Secret& secret, const SecretVersion& version, std::string* plaintext) const;
  Status StagesOf(Transaction& tx, const std::string& secret_id, int64_t number, std::vector<std::string>* out);
  // The rotation itself: a new SYSCURRENT version holding `value`, SECRET_ROTATED, the task done.
  Status FinishRotation(Transaction& tx, Secret* secret, RotationTask* task, const std::string& value, ValueKind kind,
                        int64_t now);
  // Records a failed rotation: the task FAILED and SECRET_ROTATED_FAILED.
  Status FailRotation(Transaction& tx, Secret* secret, RotationTask* task, const Status& why, int64_t now);
  Status RecordFailedRotation(const std::string& secret_id, RotationTask task, const Status& why);
  Status RotateInline(const std::string& project_id, const std::string& name, const std::string& operate_type,
                      RotateResult* out);
  void ScheduleNextRotation(Secret* secret, int64_t now) const;
  void Notify(bool notifications, bool tasks) const;

  Store* store_;
  const Clock* clock_;
  const crypto::KeyStore* keys_;
  SecretServiceOptions options_;
};

}  // namespace csms
