#include "http/grant_check.h"

#include "auth/actions.h"
#include "common/log.h"
#include "service/grant_service.h"

namespace csms::http {

bool GrantAllows(Services& services, const Route& route, const PathParams& params, const Principal& principal) {
  if (route.grant_param == nullptr || services.grants == nullptr || route.access != Access::kProject) return false;
  const auth::ActionInfo* info = auth::FindAction(route.action);
  if (info == nullptr || info->level == auth::AccessLevel::kWrite) return false;
  bool granted = false;
  Status s =
      services.grants->IsGranted(params.Get("project_id"), params.Get(route.grant_param), principal.user_id, &granted);
  if (!s.ok()) {
    log::Error("grant check for user " + principal.user_id + " failed: " + s.ToString());
    return false;
  }
  return granted;
}

}  // namespace csms::http
