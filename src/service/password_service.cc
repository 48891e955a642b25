#include "service/password_service.h"

#include "common/errors.h"

namespace csms {

Status GeneratePassword(const crypto::PasswordPolicy& policy, std::string* out) {
  switch (crypto::CheckPasswordPolicy(policy)) {
    case crypto::PasswordPolicyProblem::kNone:
      break;
    case crypto::PasswordPolicyProblem::kLengthOutOfRange:
      return errors::InvalidParameter("invalid length: must be an integer from " +
                                      std::to_string(crypto::kMinPasswordLength) + " to " +
                                      std::to_string(crypto::kMaxPasswordLength));
    case crypto::PasswordPolicyProblem::kNoCharacterLeft:
      return errors::InvalidParameter(
          "invalid exclude_characters: the exclude_* flags and exclude_characters leave no character to use");
    case crypto::PasswordPolicyProblem::kTooShortForEachClass:
      return errors::InvalidParameter("invalid require_each_included_type: length " + std::to_string(policy.length) +
                                      " is shorter than the number of character types the policy includes");
  }
  std::optional<std::string> password = crypto::GenerateRandomPassword(policy);
  if (!password) return errors::Internal("a password policy that passed its checks produced no password");
  *out = std::move(*password);
  return Status::OK();
}

}  // namespace csms
