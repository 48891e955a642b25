// PostgreSQL storage: the agency repository shared by both engines (store/sql/agency_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/agency_repository_impl.h"

namespace csms::sql {
template class AgencyRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
