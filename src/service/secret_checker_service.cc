#include "service/secret_checker_service.h"

#include <cstdio>

#include "common/errors.h"
#include "domain/limits.h"

namespace csms {
namespace {

constexpr size_t kMaxUserInputs = 16;
constexpr size_t kMaxUserInputBytes = 64;

std::string Describe(const StrengthEstimate& e) {
  char bits[32];
  std::snprintf(bits, sizeof bits, "%.1f", e.entropy_bits);
  std::string out = "score " + std::to_string(e.score) + " of 4, " + bits + " bits";
  if (!e.reasons.empty()) {
    out += ": ";
    for (size_t i = 0; i < e.reasons.size(); ++i) out += (i ? ", " : "") + e.reasons[i];
  }
  return out;
}

}  // namespace

SecretCheckerService::SecretCheckerService(Store* store, const Clock* clock, const StrengthChecker* checker)
    : store_(store), clock_(clock), checker_(checker) {}

Status SecretCheckerService::Check(const std::string& value, const std::vector<std::string>& user_inputs,
                                   StrengthEstimate* out) const {
  if (value.empty()) return errors::InvalidParameter("invalid data.secret_string: must not be empty");
  if (value.size() > limits::kMaxSecretValueBytes) {
    return errors::InvalidParameter("invalid data.secret_string: must be at most 32768 bytes");
  }
  if (user_inputs.size() > kMaxUserInputs) {
    return errors::InvalidParameter("invalid data.user_inputs: at most 16 words");
  }
  for (const auto& w : user_inputs) {
    if (w.size() > kMaxUserInputBytes) {
      return errors::InvalidParameter("invalid data.user_inputs: each word must be at most 64 bytes");
    }
  }
  *out = checker_->Estimate(value, user_inputs);
  return Status::OK();
}

Status SecretCheckerService::GetConfig(const std::string& project_id, ProjectSettings* out) const {
  return store_->Read([&](Transaction& tx) { return tx.project_settings().Get(project_id, out); });
}

Status SecretCheckerService::UpdateConfig(const std::string& project_id, std::optional<bool> checking_secret_strength,
                                          ProjectSettings* out) const {
  if (!checking_secret_strength) return GetConfig(project_id, out);
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    ProjectSettings settings;
    CSMS_RETURN_IF_ERROR(tx.project_settings().Get(project_id, &settings));
    settings.checking_secret_strength = *checking_secret_strength;
    settings.update_time = now;
    CSMS_RETURN_IF_ERROR(tx.project_settings().Put(project_id, settings));
    *out = settings;
    return Status::OK();
  });
}

Status SecretCheckerService::CheckNewValue(const std::string& project_id, const std::string& field,
                                           const std::string& value, const std::string& secret_name) const {
  ProjectSettings settings;
  CSMS_RETURN_IF_ERROR(GetConfig(project_id, &settings));
  return CheckAgainst(settings, field, value, secret_name);
}

Status SecretCheckerService::CheckNewValue(Transaction& tx, const std::string& project_id, const std::string& field,
                                           const std::string& value, const std::string& secret_name) const {
  ProjectSettings settings;
  CSMS_RETURN_IF_ERROR(tx.project_settings().Get(project_id, &settings));
  return CheckAgainst(settings, field, value, secret_name);
}

Status SecretCheckerService::CheckAgainst(const ProjectSettings& settings, const std::string& field,
                                          const std::string& value, const std::string& secret_name) const {
  if (!settings.checking_secret_strength) return Status::OK();
  StrengthEstimate e = checker_->Estimate(value, {secret_name});
  if (!e.weak) return Status::OK();
  return errors::InvalidParameter("invalid " + field +
                                  ": the value is too weak for this project's strength checking (" + Describe(e) +
                                  "); use a stronger value or turn checking_secret_strength off");
}

}  // namespace csms
