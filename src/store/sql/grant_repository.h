// Grant repository on either SQL engine: one text, instantiated by the engines' .cc files with
// their Dialect (store/<engine>/dialect.h). Not thread-safe: bound to one transaction's connection.
#pragma once

#include "store/grant_repository.h"

namespace csms::sql {

template <typename D>
class GrantRepositoryOn final : public GrantRepository {
 public:
  explicit GrantRepositoryOn(typename D::Connection& conn) : conn_(conn) {}
  Status Insert(const Grant& grant) override;
  Status Get(const std::string& secret_id, GranteeType type, const std::string& grantee_id, Grant* out) override;
  Status Update(const Grant& grant) override;
  Status Delete(const std::string& secret_id, const std::optional<std::string>& grantee_id, int64_t* deleted) override;
  Status Count(const std::string& secret_id, int64_t* out) override;
  Status List(const std::string& secret_id, std::vector<GrantView>* out) override;
  Status HasValidGrant(const std::string& secret_id, const std::string& user_id, int64_t now_ms, bool* out) override;

 private:
  using Statement = typename D::Statement;
  typename D::Connection& conn_;
};

}  // namespace csms::sql
