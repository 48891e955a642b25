// DbInstance repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/db_instance_repository.h"

namespace csms::sql {

template <typename D>
class DbInstanceRepositoryOn final : public DbInstanceRepository {
 public:
  explicit DbInstanceRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Insert(const DbInstance& instance) override;
  Status Get(const std::string& project_id, const std::string& instance_id, DbInstance* out) override;
  Status List(const std::string& project_id, std::vector<DbInstance>* out) override;
  Status Delete(const std::string& project_id, const std::string& instance_id) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
