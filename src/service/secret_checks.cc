#include "service/secret_checks.h"

#include <algorithm>
#include <set>

#include "common/errors.h"
#include "crypto/encoding.h"
#include "domain/limits.h"
#include "domain/validation.h"

namespace csms {

Status CheckSecretValue(const std::optional<std::string>& secret_string,
                        const std::optional<std::string>& secret_binary, ValueKind* kind) {
  if (secret_string.has_value() == secret_binary.has_value()) {
    return errors::InvalidParameter("invalid secret value: give exactly one of secret_string and secret_binary");
  }
  if (secret_string) {
    if (secret_string->size() > limits::kMaxSecretValueBytes) {
      return errors::InvalidParameter("invalid secret_string: must be at most 32768 bytes");
    }
    *kind = ValueKind::kString;
    return Status::OK();
  }
  if (secret_binary->size() > limits::kMaxSecretValueBytes) {
    return errors::InvalidParameter("invalid secret_binary: must be at most 32768 bytes of Base64 text");
  }
  if (!crypto::Base64Decode(*secret_binary)) {
    return errors::InvalidParameter("invalid secret_binary: must be standard Base64 with padding");
  }
  *kind = ValueKind::kBinary;
  return Status::OK();
}

Status CheckDescription(const std::optional<std::string>& d) {
  if (d && d->size() > limits::kMaxDescriptionBytes) {
    return errors::InvalidParameter("invalid description: must be at most 2048 bytes");
  }
  return Status::OK();
}

Status CheckRotationPeriod(const std::optional<std::string>& p) {
  if (p && !ParseRotationPeriod(*p)) {
    return errors::InvalidParameter(
        "invalid rotation_period: must be <integer><d|h|m|s> between 6h and 365d (8760h), e.g. 30d");
  }
  return Status::OK();
}

Status CheckRotationFunc(const std::optional<std::string>& urn, bool allow_empty) {
  if (!urn || (allow_empty && urn->empty())) return Status::OK();
  bool ok = !urn->empty() && urn->size() <= limits::kMaxRotationFuncUrnLength &&
            (validation::IsHttpUrl(*urn) ||
             (urn->rfind("urn:", 0) == 0 &&
              std::all_of(urn->begin(), urn->end(), [](char c) { return c > 0x20 && c < 0x7f; })));
  if (!ok) {
    return errors::InvalidParameter(
        "invalid rotation_func_urn: must be a FunctionGraph URN (urn:fss:...) or an http(s) URL of at most 2048 bytes");
  }
  return Status::OK();
}

Status CheckStageNames(const std::vector<std::string>& stages) {
  if (stages.empty()) return errors::InvalidParameter("invalid version_stages: must hold 1 to 12 stage names");
  if (stages.size() > limits::kMaxStagesPerSecret) {
    return errors::StagesExceedQuota("invalid version_stages: at most 12 stages are allowed");
  }
  std::set<std::string> seen;
  for (const auto& s : stages) {
    CSMS_RETURN_IF_ERROR(validation::CheckName("version_stages", s));
    if (!seen.insert(s).second) return errors::InvalidParameter("invalid version_stages: duplicate stage " + s);
  }
  return Status::OK();
}

Status CheckExpireTime(int64_t t) {
  if (t < 0 || t > limits::kMaxExpireTime) {
    return errors::InvalidParameter("invalid expire_time: must be epoch milliseconds from 0 to 9999999999999");
  }
  return Status::OK();
}

}  // namespace csms
