// PostgreSQL storage of agencies (table `agencies`, keyed by domain and secret type).
#pragma once

#include "store/agency_repository.h"
#include "store/postgres/connection.h"

namespace csms::postgres {

class PgAgencyRepository final : public AgencyRepository {
 public:
  explicit PgAgencyRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const Agency& agency) override;
  Status Get(const std::string& domain_id, const std::string& secret_type, Agency* out) override;

 private:
  Connection& conn_;
};

}  // namespace csms::postgres
