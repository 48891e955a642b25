// PostgreSQL storage of agencies (table `agencies`, keyed by domain and secret type).
#pragma once

#include "store/agency_repository.h"
#include "store/postgres/connection.h"
#include "store/postgres/dialect.h"
#include "store/sql/agency_repository.h"

namespace csms::postgres {

using PgAgencyRepository = sql::AgencyRepositoryOn<Dialect>;

}  // namespace csms::postgres

extern template class csms::sql::AgencyRepositoryOn<csms::postgres::Dialect>;
