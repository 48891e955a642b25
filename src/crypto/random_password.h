// Random passwords with the options of GenerateRandomPassword (spec §1.9): what the API hands out
// and the value a COMMON secret rotates to. Characters come from OpenSSL's DRBG (seeded from the
// OS), drawn uniformly by rejection sampling (no modulo bias).
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

inline constexpr int kMinPasswordLength = 1;
inline constexpr int kMaxPasswordLength = 4096;
// The punctuation class: every printable ASCII character that is not a letter, digit or space.
inline constexpr std::string_view kPasswordPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

// Why a policy cannot produce a password.
enum class PasswordPolicyProblem {
  kNone,
  kLengthOutOfRange,      // length outside kMinPasswordLength..kMaxPasswordLength
  kNoCharacterLeft,       // the exclusions leave no character to draw from
  kTooShortForEachClass,  // require_each_included_type with fewer characters than classes left
};

PasswordPolicyProblem CheckPasswordPolicy(const PasswordPolicy& policy);

// nullopt exactly when CheckPasswordPolicy reports a problem. Every character is drawn uniformly
// from the characters the policy leaves; with require_each_included_type the password holds at
// least one character of every class left (lower case, upper case, digits, punctuation, space).
std::optional<std::string> GenerateRandomPassword(const PasswordPolicy& policy);

}  // namespace csms::crypto
