// Agency repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/agency_repository.h"

namespace csms::sql {

template <typename D>
class AgencyRepositoryOn final : public AgencyRepository {
 public:
  explicit AgencyRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Insert(const Agency& agency) override;
  Status Get(const std::string& domain_id, const std::string& secret_type, Agency* out) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
