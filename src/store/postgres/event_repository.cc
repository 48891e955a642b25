// PostgreSQL storage: the event repository shared by both engines (store/sql/event_repository_impl.h).
#include "store/postgres/dialect.h"
#include "store/postgres/query.h"
#include "store/sql/event_repository_impl.h"

namespace csms::sql {
template class EventRepositoryOn<postgres::Dialect>;
}  // namespace csms::sql
