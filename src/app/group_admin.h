// `csmsd admin create-group | add-group-member | remove-group-member | list-groups`.
#pragma once

#include <ostream>

#include "app/server_app.h"
#include "common/status.h"
#include "service/identity_service.h"

namespace csms {

// Runs one group subcommand and prints its result to `out`: `key=value` lines, and for
// list-groups one line per group (`group=<name> id=<id> members=<a,b>`).
Status RunGroupAdmin(IdentityService& identity, const AdminCommand& cmd, std::ostream& out);

}  // namespace csms
