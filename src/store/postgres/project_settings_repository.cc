// PostgreSQL storage: the projectsettings repository shared by both engines
// (store/sql/project_settings_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/project_settings_repository_impl.h"

namespace csms::sql {
template class ProjectSettingsRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
