// The built-in roles. A user has exactly one (users.role); it decides which IAM actions the
// user's requests may perform, whatever the credentials (token, AK/SK, temporary AK/SK).
#pragma once

#include <string_view>

namespace csms::auth {

// Full access: every action in the catalogue.
inline constexpr std::string_view kRoleAdmin = "admin";
// Read-only: list and read actions, except those that reveal a secret value.
inline constexpr std::string_view kRoleReadonly = "readonly";

bool IsBuiltinRole(std::string_view role);

// True when `role` may perform `action`. Unknown roles and actions outside the catalogue
// (auth/actions.h) are denied: a missing entry fails closed.
bool RoleAllows(std::string_view role, std::string_view action);

}  // namespace csms::auth
