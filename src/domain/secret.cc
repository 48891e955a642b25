#include "domain/secret.h"

#include <algorithm>
#include <charconv>

#include "common/duration.h"
#include "domain/limits.h"

namespace csms {

std::string_view SecretStateName(SecretState s) {
  switch (s) {
    case SecretState::kEnabled:
      return "ENABLED";
    case SecretState::kDisabled:
      return "DISABLED";
    case SecretState::kPendingDelete:
      return "PENDING_DELETE";
    case SecretState::kFrozen:
      return "FROZEN";
  }
  return "ENABLED";
}

std::optional<SecretState> ParseSecretState(std::string_view name) {
  for (auto s : {SecretState::kEnabled, SecretState::kDisabled, SecretState::kPendingDelete, SecretState::kFrozen}) {
    if (SecretStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view TaskStatusName(TaskStatus s) {
  switch (s) {
    case TaskStatus::kRunning:
      return "RUNNING";
    case TaskStatus::kSuccess:
      return "SUCCESS";
    case TaskStatus::kFailed:
      return "FAILED";
  }
  return "RUNNING";
}

std::optional<TaskStatus> ParseTaskStatus(std::string_view name) {
  for (auto s : {TaskStatus::kRunning, TaskStatus::kSuccess, TaskStatus::kFailed}) {
    if (TaskStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<int64_t> ParseRotationPeriod(std::string_view text) {
  // The spec's units are d, h, m and s; "ms" is not one of them.
  if (text.size() > limits::kMaxRotationPeriodLength || (text.size() > 2 && text.substr(text.size() - 2) == "ms")) {
    return std::nullopt;
  }
  std::optional<int64_t> ms = ParseDurationMillis(text);
  if (!ms || *ms < limits::kMinRotationPeriodMillis || *ms > limits::kMaxRotationPeriodMillis) return std::nullopt;
  return ms;
}

std::optional<int64_t> ParseVersionId(std::string_view id) {
  if (id.size() < 2 || id.size() > 11 || id[0] != 'v') return std::nullopt;
  std::string_view digits = id.substr(1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // "v01" is not "v1"
  int64_t n = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (n < 1) return std::nullopt;
  return n;
}

bool IsSupportedSecretType(std::string_view type) {
  return type == "COMMON" || type == "RDS-FG" || type == "GaussDB-FG";
}

namespace {

std::optional<int64_t> DueFor(int64_t expire_time, int next_lead, const std::vector<int64_t>& leads_ms) {
  if (next_lead < static_cast<int>(leads_ms.size())) return expire_time - leads_ms[next_lead];
  return expire_time;
}

}  // namespace

ExpirySchedule ArmExpiry(int64_t expire_time, const std::vector<int64_t>& leads_ms) {
  ExpirySchedule s;
  s.next_lead = 0;
  s.expired_fired = false;
  s.due_time = DueFor(expire_time, 0, leads_ms);
  return s;
}

ExpiryStep AdvanceExpiry(int64_t now, int64_t expire_time, const ExpirySchedule& current,
                         const std::vector<int64_t>& leads_ms) {
  ExpiryStep step;
  step.next = current;
  if (current.expired_fired) {
    step.next.due_time.reset();
    return step;
  }
  const int n = static_cast<int>(leads_ms.size());
  if (now >= expire_time) {
    step.kind = ExpiryStep::kExpired;
    step.next = ExpirySchedule{n, true, std::nullopt};
    return step;
  }
  // Lead times are longest first, so their moments (expire_time - lead) grow with the index: the
  // nearest passed one is the last index whose moment is not in the future.
  int fire = -1;
  for (int j = std::max(current.next_lead, 0); j < n; ++j) {
    if (expire_time - leads_ms[j] <= now)
      fire = j;
    else
      break;
  }
  if (fire >= 0) {
    step.kind = ExpiryStep::kNearExpiry;
    step.lead_ms = leads_ms[fire];
    step.next.next_lead = fire + 1;
  }
  step.next.due_time = DueFor(expire_time, step.next.next_lead, leads_ms);
  return step;
}

}  // namespace csms
