// Storage of access keys (AK/SK pairs and temporary credentials).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/access_key.h"

namespace csms {

class AccessKeyRepository {
 public:
  virtual ~AccessKeyRepository() = default;
  // kConflict when the AK exists already.
  virtual Status Insert(const AccessKey& key) = 0;
  virtual Status Get(const std::string& access_key, AccessKey* out) = 0;
  // The keys of the users of a domain, or of one user when user_id is not empty; ordered by
  // creation time.
  virtual Status List(const std::string& domain_id, const std::string& user_id, std::vector<AccessKey>* out) = 0;
  // Marks an active key revoked; kNotFound when the AK does not exist.
  virtual Status Revoke(const std::string& access_key, int64_t now_ms) = 0;
  // Removes temporary credentials that expired before `before_ms`.
  virtual Status DeleteExpiredBefore(int64_t before_ms, int64_t* deleted) = 0;
};

}  // namespace csms
