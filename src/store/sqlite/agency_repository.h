// SQLite storage of agencies (table `agencies`, keyed by domain and secret type).
#pragma once

#include "store/agency_repository.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

class SqliteAgencyRepository final : public AgencyRepository {
 public:
  explicit SqliteAgencyRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const Agency& agency) override;
  Status Get(const std::string& domain_id, const std::string& secret_type, Agency* out) override;

 private:
  Connection& conn_;
};

}  // namespace csms::sqlite
