// The password policy of UpdateUserPassword (a user changing its own password): 10 to 128
// characters of valid UTF-8 without control characters, at least three of the four classes
// (lower-case letters, upper-case letters, digits, anything else), not the user name (nor it
// reversed, ignoring case) and not the old password. `csmsd admin create-user` and `set-password`
// apply it too (with no old password), so an operator cannot set a password a user could not.
#pragma once

#include <string_view>

#include "common/status.h"

namespace csms::password_policy {

inline constexpr size_t kMinLength = 10;
inline constexpr size_t kMaxLength = 128;
inline constexpr int kMinClasses = 3;

// The first rule `password` breaks, as a WeakPassword error naming the field "password".
Status Check(std::string_view user_name, std::string_view old_password, std::string_view password);

}  // namespace csms::password_policy
