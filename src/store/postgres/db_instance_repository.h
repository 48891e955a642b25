// PostgreSQL storage of the database instance registry (table `db_instances`).
#pragma once

#include "store/db_instance_repository.h"
#include "store/postgres/connection.h"

namespace csms::postgres {

class PgDbInstanceRepository final : public DbInstanceRepository {
 public:
  explicit PgDbInstanceRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const DbInstance& instance) override;
  Status Get(const std::string& project_id, const std::string& instance_id, DbInstance* out) override;
  Status List(const std::string& project_id, std::vector<DbInstance>* out) override;
  Status Delete(const std::string& project_id, const std::string& instance_id) override;

 private:
  Connection& conn_;
};

}  // namespace csms::postgres
