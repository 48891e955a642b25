// SQLite storage of agencies (table `agencies`, keyed by domain and secret type).
#pragma once

#include "store/agency_repository.h"
#include "store/sql/agency_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/dialect.h"

namespace csms::sqlite {

using SqliteAgencyRepository = sql::AgencyRepositoryOn<Dialect>;

}  // namespace csms::sqlite

extern template class csms::sql::AgencyRepositoryOn<csms::sqlite::Dialect>;
