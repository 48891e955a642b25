// DbInstanceService: the per-project registry of database instances that RDS-FG / GaussDB-FG
// secrets rotate in (`csmsd admin create-db-instance | list-db-instances | delete-db-instance`,
// and the --dev test endpoint).
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/db_instance.h"
#include "store/store.h"

namespace csms {

class DbInstanceService {
 public:
  DbInstanceService(Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  // Registers `instance` in its project (which must exist); NameTaken (CSMS.0009) when the id is in use.
  Status Create(DbInstance instance, DbInstance* out);
  Status List(const std::string& project_id, std::vector<DbInstance>* out);
  // ResourceNotFound when the project has no such instance. Secrets that name it then fail their rotations.
  Status Delete(const std::string& project_id, const std::string& instance_id);

 private:
  Store* store_;
  const Clock* clock_;
};

}  // namespace csms
