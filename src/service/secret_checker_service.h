// SecretCheckerService: the secret strength checker of CSMS (spec §1.9): CheckSecrets estimates a
// candidate value, ShowSecretsConfig / UpdateSecretsConfig keep the per-project
// checking_secret_strength flag, and CheckNewValue is what CreateSecret, CreateSecretVersion and
// BatchImportSecrets ask before storing a value: with the flag on, a weak value is refused
// (decision 46 in docs/decisions.md). The candidate value is never logged nor echoed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "service/strength_checker.h"
#include "store/store.h"

namespace csms {

class SecretCheckerService {
 public:
  SecretCheckerService(Store* store, const Clock* clock, const StrengthChecker* checker);

  // CheckSecrets: `value` ≤ 32 KiB, `user_inputs` ≤ 16 words of ≤ 64 bytes each.
  Status Check(const std::string& value, const std::vector<std::string>& user_inputs, StrengthEstimate* out) const;

  Status GetConfig(const std::string& project_id, ProjectSettings* out) const;
  // Absent `checking_secret_strength` changes nothing and answers the current settings.
  Status UpdateConfig(const std::string& project_id, std::optional<bool> checking_secret_strength,
                      ProjectSettings* out) const;

  // Before a secret_string is stored: ok when the project does not check strength or the value is
  // strong enough; otherwise CSMS.0002 naming `field`, the score and the reasons, never the value.
  // `secret_name` counts as a user input (a value containing its own secret's name is weaker).
  // Binary values (secret_binary) are data, not passwords: they are not checked.
  Status CheckNewValue(const std::string& project_id, const std::string& field, const std::string& value,
                       const std::string& secret_name) const;
  // The same inside the caller's transaction (an asynchronous create checks there: service/secret_service.h).
  Status CheckNewValue(Transaction& tx, const std::string& project_id, const std::string& field,
                       const std::string& value, const std::string& secret_name) const;

 private:
  Status CheckAgainst(const ProjectSettings& settings, const std::string& field, const std::string& value,
                      const std::string& secret_name) const;

  Store* store_;
  const Clock* clock_;
  const StrengthChecker* checker_;
};

}  // namespace csms
