// PostgreSQL storage of grants.
#pragma once

#include "store/grant_repository.h"
#include "store/postgres/connection.h"

namespace csms::postgres {

class PgGrantRepository final : public GrantRepository {
 public:
  explicit PgGrantRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const Grant& grant) override;
  Status Get(const std::string& secret_id, GranteeType type, const std::string& grantee_id, Grant* out) override;
  Status Update(const Grant& grant) override;
  Status Delete(const std::string& secret_id, const std::optional<std::string>& grantee_id, int64_t* deleted) override;
  Status Count(const std::string& secret_id, int64_t* out) override;
  Status List(const std::string& secret_id, std::vector<GrantView>* out) override;
  Status HasValidGrant(const std::string& secret_id, const std::string& user_id, int64_t now_ms, bool* out) override;

 private:
  Connection& conn_;
};

}  // namespace csms::postgres
