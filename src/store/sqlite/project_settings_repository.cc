// SQLite storage: the projectsettings repository shared by both engines (store/sql/project_settings_repository_impl.h).
#include "store/sql/project_settings_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class ProjectSettingsRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
