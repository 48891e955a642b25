// PostgreSQL storage of per-project settings (table project_settings).
#pragma once

#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/project_settings_repository.h"
#include "store/sql/project_settings_repository.h"

namespace csms::postgres {

using PgProjectSettingsRepository = sql::ProjectSettingsRepositoryOn<Dialect>;

}  // namespace csms::postgres

extern template class csms::sql::ProjectSettingsRepositoryOn<csms::postgres::Dialect>;
