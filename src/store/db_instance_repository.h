// Storage of the database instance registry (domain/db_instance.h), keyed by project and instance id.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "domain/db_instance.h"

namespace csms {

class DbInstanceRepository {
 public:
  virtual ~DbInstanceRepository() = default;
  // kConflict when the project has an instance of that id already.
  virtual Status Insert(const DbInstance& instance) = 0;
  // kNotFound when the project has none of that id.
  virtual Status Get(const std::string& project_id, const std::string& instance_id, DbInstance* out) = 0;
  // The project's instances by id.
  virtual Status List(const std::string& project_id, std::vector<DbInstance>* out) = 0;
  // kNotFound when the project has none of that id.
  virtual Status Delete(const std::string& project_id, const std::string& instance_id) = 0;
};

}  // namespace csms
