// SQLite storage of per-project settings (table project_settings).
#pragma once

#include "store/project_settings_repository.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

class SqliteProjectSettingsRepository final : public ProjectSettingsRepository {
 public:
  explicit SqliteProjectSettingsRepository(Connection& conn) : conn_(conn) {}
  Status Get(const std::string& project_id, ProjectSettings* out) override;
  Status Put(const std::string& project_id, const ProjectSettings& settings) override;

 private:
  Connection& conn_;
};

}  // namespace csms::sqlite
