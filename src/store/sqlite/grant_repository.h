// SQLite storage of grants.
#pragma once

#include "store/grant_repository.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

class SqliteGrantRepository final : public GrantRepository {
 public:
  explicit SqliteGrantRepository(Connection& conn) : conn_(conn) {}
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

}  // namespace csms::sqlite
