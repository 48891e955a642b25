#include "auth/roles.h"

#include "auth/actions.h"

namespace csms::auth {

bool IsBuiltinRole(std::string_view role) { return role == kRoleAdmin || role == kRoleReadonly; }

bool RoleAllows(std::string_view role, std::string_view action) {
  const ActionInfo* info = FindAction(action);
  if (info == nullptr) return false;
  if (role == kRoleAdmin) return true;
  if (role == kRoleReadonly) {
    return info->self_service || (info->level != AccessLevel::kWrite && !info->reveals_secret_value);
  }
  return false;
}

}  // namespace csms::auth
