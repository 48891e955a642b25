// AccessKey repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/access_key_repository.h"

namespace csms::sql {

template <typename D>
class AccessKeyRepositoryOn final : public AccessKeyRepository {
 public:
  explicit AccessKeyRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Insert(const AccessKey& key) override;
  Status Get(const std::string& access_key, AccessKey* out) override;
  Status List(const std::string& domain_id, const std::string& user_id, std::vector<AccessKey>* out) override;
  Status Revoke(const std::string& access_key, int64_t now_ms) override;
  Status DeleteExpiredBefore(int64_t before_ms, int64_t* deleted) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
