// SQLite storage: the agency repository shared by both engines (store/sql/agency_repository_impl.h).
#include "store/sql/agency_repository_impl.h"
#include "store/sqlite/dialect.h"
#include "store/sqlite/query.h"

namespace csms::sql {
template class AgencyRepositoryOn<sqlite::Dialect>;
}  // namespace csms::sql
