// SQLite storage of per-project settings (table project_settings).
#pragma once

#include "store/project_settings_repository.h"
#include "store/sql/project_settings_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/dialect.h"

namespace csms::sqlite {

using SqliteProjectSettingsRepository = sql::ProjectSettingsRepositoryOn<Dialect>;

}  // namespace csms::sqlite

extern template class csms::sql::ProjectSettingsRepositoryOn<csms::sqlite::Dialect>;
