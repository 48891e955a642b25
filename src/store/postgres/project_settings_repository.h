// PostgreSQL storage of per-project settings (table project_settings).
#pragma once

#include "store/postgres/connection.h"
#include "store/project_settings_repository.h"

namespace csms::postgres {

class PgProjectSettingsRepository final : public ProjectSettingsRepository {
 public:
  explicit PgProjectSettingsRepository(Connection& conn) : conn_(conn) {}
  Status Get(const std::string& project_id, ProjectSettings* out) override;
  Status Put(const std::string& project_id, const ProjectSettings& settings) override;

 private:
  Connection& conn_;
};

}  // namespace csms::postgres
