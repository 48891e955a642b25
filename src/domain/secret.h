// Secrets, their versions and stages, and rotation tasks (spec §2.1–2.4, §2.10, §6, §7).
// Plain types and the rules that need no storage: value checks, rotation periods, the expiry
// schedule of a version.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms {

enum class SecretState { kEnabled, kDisabled, kPendingDelete, kFrozen };
std::string_view SecretStateName(SecretState s);
std::optional<SecretState> ParseSecretState(std::string_view name);

inline constexpr std::string_view kSecretTypeCommon = "COMMON";
inline constexpr std::string_view kStageCurrent = "SYSCURRENT";
inline constexpr std::string_view kStagePrevious = "SYSPREVIOUS";
// The built-in key every secret uses unless another configured key is named.
inline constexpr std::string_view kDefaultKmsKeyAlias = "csms/default";

struct Secret {
  std::string project_id;
  std::string id;    // UUID
  std::string name;  // unique per project, immutable
  SecretState state = SecretState::kEnabled;
  std::string kms_key_id;
  std::optional<std::string> description;
  int64_t create_time = 0;
  int64_t update_time = 0;
  std::optional<int64_t> scheduled_delete_time;
  std::string secret_type = std::string(kSecretTypeCommon);
  bool auto_rotation = false;
  std::optional<std::string> rotation_period;  // as sent, e.g. "30d"
  std::optional<std::string> rotation_config;
  std::optional<int64_t> rotation_time;           // last rotation
  std::optional<int64_t> next_rotation_time;      // set only while auto_rotation is on and ENABLED
  std::optional<std::string> event_subscription;  // at most one event name
  std::string enterprise_project_id = "0";
  std::optional<std::string> rotation_func_urn;
  int64_t last_version = 0;           // number of the newest version ever created (ids never reuse)
  int64_t notification_sequence = 0;  // last `sequence` written into a notification of this secret
};

enum class ValueKind { kString, kBinary };

// The expiry schedule of one version: which near-expiry lead times are still to fire and whether
// the expiry itself has fired. `due_time` is the next moment the scheduler must look at the row
// (indexed), or nullopt when nothing is left to do.
struct ExpirySchedule {
  int next_lead = 0;  // index into the configured lead times (longest first)
  bool expired_fired = false;
  std::optional<int64_t> due_time;
};

struct SecretVersion {
  std::string secret_id;
  int64_t number = 0;  // "v<number>"
  int64_t create_time = 0;
  std::optional<int64_t> expire_time;
  std::string kms_key_id;
  ValueKind kind = ValueKind::kString;
  std::string wrapped_key;  // data key sealed under the master key
  std::string ciphertext;   // value sealed under the data key
  ExpirySchedule expiry;

  std::string id() const { return "v" + std::to_string(number); }
};

struct Stage {
  std::string secret_id;
  std::string name;
  int64_t version_number = 0;
  int64_t update_time = 0;
};

enum class TaskStatus { kRunning, kSuccess, kFailed };
std::string_view TaskStatusName(TaskStatus s);
std::optional<TaskStatus> ParseTaskStatus(std::string_view name);

// One rotation (RotateSecret or automatic), listed by GET /v1/{project_id}/csms/tasks.
struct RotationTask {
  std::string task_id;
  std::string project_id;
  std::string secret_id;
  std::string secret_name;
  std::string rotation_func_urn;
  TaskStatus status = TaskStatus::kRunning;
  std::string operate_type;  // MANUAL_ROTATION / AUTO_ROTATION
  int64_t task_time = 0;     // when the task was created
  int attempt_nums = 0;
  std::string error_code, error_msg;
  std::optional<int64_t> due_time;        // RUNNING tasks: when a worker may (re)try it
  std::optional<std::string> version_id;  // the version the rotation created
};

// ---- rules that need no storage ----

// "<int><unit>" with unit d, h, m or s (spec §6); nullopt when malformed or outside 6 h .. 365 d.
std::optional<int64_t> ParseRotationPeriod(std::string_view text);
// "v<digits>" → number; nullopt otherwise.
std::optional<int64_t> ParseVersionId(std::string_view id);
bool IsSupportedSecretType(std::string_view type);

// Arms (or re-arms) the expiry schedule for `expire_time`. `leads_ms` are the near-expiry lead
// times, longest first.
ExpirySchedule ArmExpiry(int64_t expire_time, const std::vector<int64_t>& leads_ms);

// What the scheduler does for a version whose due_time has come: fire the expiry, or fire the
// nearest near-expiry lead time that has passed (never several, never one already passed when a
// nearer one has too), then move the schedule on.
struct ExpiryStep {
  enum Kind { kNothing, kNearExpiry, kExpired } kind = kNothing;
  int64_t lead_ms = 0;  // for kNearExpiry
  ExpirySchedule next;
};
ExpiryStep AdvanceExpiry(int64_t now, int64_t expire_time, const ExpirySchedule& current,
                         const std::vector<int64_t>& leads_ms);

}  // namespace csms
