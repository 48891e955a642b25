// `csmsd admin create-db-instance | list-db-instances | delete-db-instance`: the registry of
// database instances that RDS-FG / GaussDB-FG secrets rotate in (docs/running.md).
#pragma once

#include <ostream>

#include "app/server_app.h"
#include "common/status.h"
#include "service/db_instance_service.h"

namespace csms {

// Runs one db-instance subcommand and prints `key=value` lines; list-db-instances prints one line per instance.
Status RunDbInstanceAdmin(DbInstanceService& instances, const AdminCommand& cmd, std::ostream& out);

}  // namespace csms
