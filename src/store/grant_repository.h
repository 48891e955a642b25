// Storage of grants (domain/grant.h). A grant belongs to its secret by the secret's id and is
// removed with it (by the store itself, so no code path that deletes a secret can forget).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/grant.h"

namespace csms {

class GrantRepository {
 public:
  virtual ~GrantRepository() = default;
  // kConflict when the secret already has a grant for that grantee.
  virtual Status Insert(const Grant& grant) = 0;
  virtual Status Get(const std::string& secret_id, GranteeType type, const std::string& grantee_id, Grant* out) = 0;
  // Writes validity_time and update_time of the grant with grant.id.
  virtual Status Update(const Grant& grant) = 0;
  // Every grant of the secret, or only those of `grantee_id` (user or group); *deleted counts them.
  virtual Status Delete(const std::string& secret_id, const std::optional<std::string>& grantee_id,
                        int64_t* deleted) = 0;
  virtual Status Count(const std::string& secret_id, int64_t* out) = 0;
  // The secret's grants with their grantees' names, oldest first.
  virtual Status List(const std::string& secret_id, std::vector<GrantView>* out) = 0;
  // True when the secret has a grant valid at `now_ms` for the user, directly or through one of
  // the user's groups.
  virtual Status HasValidGrant(const std::string& secret_id, const std::string& user_id, int64_t now_ms, bool* out) = 0;
};

}  // namespace csms
