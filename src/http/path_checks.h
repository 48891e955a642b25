// The documented rules of path parameters, checked once in the request pipeline (Api::Run, after
// the action check and before the handler): a malformed name in a path is 400 naming the
// parameter and its rule, never a lookup that answers 404 "does not exist". By parameter name:
//   secret_name, event_name, stage_name  ^[a-zA-Z0-9_-]{1,64}$
//   version_id                           ^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$ (v<n> or latest)
// Other parameters (project_id, ids) are checked where they are used.
#pragma once

#include "common/status.h"
#include "http/router.h"

namespace csms::http {

Status CheckPathParams(const PathParams& params);

}  // namespace csms::http
