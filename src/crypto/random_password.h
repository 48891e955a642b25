// Random passwords with the options of GenerateRandomPassword (spec §1.9): the value a COMMON
// secret rotates to.
#pragma once

#include <optional>
#include <string>

namespace csms::crypto {

struct PasswordPolicy {
  int length = 32;
  std::string exclude_characters;
  bool exclude_lowercase = false;
  bool exclude_uppercase = false;
  bool exclude_numbers = false;
  bool exclude_punctuation = false;
  bool include_space = false;
  bool require_each_included_type = false;
};

// nullopt when the policy leaves no character to use, or cannot satisfy
// require_each_included_type within `length`. Characters are drawn uniformly (rejection sampling).
std::optional<std::string> GenerateRandomPassword(const PasswordPolicy& policy);

}  // namespace csms::crypto
