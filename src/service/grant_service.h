// GrantService: CreateGrants, ListGrants, UpdateGrant, DeleteGrant (spec §1.9), and the check the
// API makes when a caller's role denies reading a secret's value (http/api.cc): does the caller
// hold a valid grant on that secret, directly or through one of its groups?
//
// A grant names its secret by id (`resource_id`, as the tags API does) within the caller's
// project; its grantee is a user ("0") or a group ("2") of the caller's domain. Grants only ever
// add the right to read the secret's values; they never allow a change.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/grant.h"
#include "domain/secret.h"
#include "store/store.h"

namespace csms {

// A GrantReq body, as read by the handler (types checked there, values here).
struct GrantCommand {
  std::string resource_id;   // the secret's id
  std::string type;          // "SECRET" (csms has no secret groups)
  std::string grantee_type;  // "0" user, "2" group
  std::string grantee_target_id;
  std::optional<int64_t> validity_time;  // ms; none = until deleted
};

// Who asks: the grants API is scoped to the caller's project and domain.
struct GrantScope {
  std::string project_id;
  std::string domain_id;
};

struct GrantList {
  Secret secret;
  std::vector<GrantView> grants;
};

class GrantService {
 public:
  GrantService(Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  Status Create(const GrantScope& scope, const GrantCommand& cmd, Grant* out);
  // Changes the validity time of the grant of (resource_id, grantee_type, grantee_target_id);
  // `query_resource_id` must equal the body's resource_id.
  Status Update(const GrantScope& scope, const std::string& query_resource_id, const GrantCommand& cmd, Grant* out);
  Status List(const GrantScope& scope, const std::string& resource_id, GrantList* out);
  // Every grant of the secret, or those of one grantee (a user or group id; kNotFound when none).
  Status Delete(const GrantScope& scope, const std::string& resource_id, const std::optional<std::string>& grantee);

  // True when `user_id` holds a grant on the secret `secret_name` of `project_id` that is valid
  // now. A secret that does not exist is simply not granted.
  Status IsGranted(const std::string& project_id, const std::string& secret_name, const std::string& user_id,
                   bool* out);

 private:
  Status Check(const GrantCommand& cmd, GranteeType* type) const;
  Status Upsert(const GrantScope& scope, const GrantCommand& cmd, bool create, Grant* out);

  Store* store_;
  const Clock* clock_;
};

}  // namespace csms
