#include "service/grant_service.h"

#include "common/errors.h"
#include "crypto/random.h"
#include "domain/limits.h"

namespace csms {
namespace {

Status CheckId(const char* field, const std::string& v) {
  if (v.empty() || v.size() > grants::kMaxIdLength) {
    return errors::InvalidParameter(std::string(field) + " must have 1 to 64 characters");
  }
  return Status::OK();
}

// The secret named by a grant's resource_id, in the caller's project only.
Status FindSecret(Transaction& tx, const GrantScope& scope, const std::string& secret_id, Secret* out) {
  Status s = tx.secrets().GetById(secret_id, out);
  if (s.IsNotFound() || (s.ok() && out->project_id != scope.project_id)) {
    return errors::SecretNotFound("no secret with id " + secret_id + " in this project");
  }
  return s;
}

// The grantee must be a user or a group of the caller's domain.
Status CheckGrantee(Transaction& tx, const GrantScope& scope, GranteeType type, const std::string& id) {
  if (type == GranteeType::kUser) {
    User u;
    Status s = tx.identity().GetUserById(id, &u);
    if (s.IsNotFound() || (s.ok() && u.domain_id != scope.domain_id)) {
      return errors::InvalidParameter("grantee_target_id: no user with id " + id + " in this domain");
    }
    return s;
  }
  Group g;
  Status s = tx.identity().GetGroupById(id, &g);
  if (s.IsNotFound() || (s.ok() && g.domain_id != scope.domain_id)) {
    return errors::InvalidParameter("grantee_target_id: no group with id " + id + " in this domain");
  }
  return s;
}

}  // namespace

Status GrantService::Check(const GrantCommand& cmd, GranteeType* type) const {
  CSMS_RETURN_IF_ERROR(CheckId("resource_id", cmd.resource_id));
  if (cmd.type == "GROUP") {
    return errors::InvalidParameter("type GROUP (a group of secrets) is not supported: csms grants single secrets");
  }
  if (cmd.type != "SECRET") return errors::InvalidParameter("type must be SECRET");
  if (!ParseGranteeType(cmd.grantee_type, type)) {
    return errors::InvalidParameter("grantee_type must be \"0\" (a user) or \"2\" (a group)");
  }
  CSMS_RETURN_IF_ERROR(CheckId("grantee_target_id", cmd.grantee_target_id));
  if (cmd.validity_time) {
    if (*cmd.validity_time > limits::kMaxExpireTime) return errors::InvalidParameter("validity_time is too far away");
    if (*cmd.validity_time <= clock_->NowMillis())
      return errors::InvalidParameter("validity_time must be in the future");
  }
  return Status::OK();
}

Status GrantService::Upsert(const GrantScope& scope, const GrantCommand& cmd, bool create, Grant* out) {
  GranteeType type;
  CSMS_RETURN_IF_ERROR(Check(cmd, &type));
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(FindSecret(tx, scope, cmd.resource_id, &secret));
    CSMS_RETURN_IF_ERROR(CheckGrantee(tx, scope, type, cmd.grantee_target_id));
    Grant existing;
    Status s = tx.grants().Get(secret.id, type, cmd.grantee_target_id, &existing);
    if (!s.ok() && !s.IsNotFound()) return s;
    if (create) {
      if (s.ok()) return errors::GrantExists("the secret is already granted to " + cmd.grantee_target_id);
      int64_t count = 0;
      CSMS_RETURN_IF_ERROR(tx.grants().Count(secret.id, &count));
      if (count >= grants::kMaxGrantsPerSecret) {
        return errors::GrantQuotaReached("a secret has at most " + std::to_string(grants::kMaxGrantsPerSecret) +
                                         " grants");
      }
      *out = Grant{crypto::NewUuid(), scope.project_id, secret.id, type, cmd.grantee_target_id, now, now,
                   cmd.validity_time};
      return tx.grants().Insert(*out);
    }
    if (s.IsNotFound()) {
      return errors::ResourceNotFound("the secret has no grant for " + cmd.grantee_target_id);
    }
    existing.validity_time = cmd.validity_time;
    existing.update_time = now;
    *out = existing;
    return tx.grants().Update(existing);
  });
}

Status GrantService::Create(const GrantScope& scope, const GrantCommand& cmd, Grant* out) {
  return Upsert(scope, cmd, /*create=*/true, out);
}

Status GrantService::Update(const GrantScope& scope, const std::string& query_resource_id, const GrantCommand& cmd,
                            Grant* out) {
  CSMS_RETURN_IF_ERROR(CheckId("resource_id", query_resource_id));
  if (cmd.resource_id != query_resource_id) {
    return errors::InvalidParameter("the body's resource_id must equal the query's resource_id");
  }
  return Upsert(scope, cmd, /*create=*/false, out);
}

Status GrantService::List(const GrantScope& scope, const std::string& resource_id, GrantList* out) {
  CSMS_RETURN_IF_ERROR(CheckId("resource_id", resource_id));
  return store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(FindSecret(tx, scope, resource_id, &out->secret));
    return tx.grants().List(out->secret.id, &out->grants);
  });
}

Status GrantService::Delete(const GrantScope& scope, const std::string& resource_id,
                            const std::optional<std::string>& grantee) {
  CSMS_RETURN_IF_ERROR(CheckId("resource_id", resource_id));
  if (grantee) CSMS_RETURN_IF_ERROR(CheckId("grantee_user", *grantee));
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(FindSecret(tx, scope, resource_id, &secret));
    int64_t deleted = 0;
    CSMS_RETURN_IF_ERROR(tx.grants().Delete(secret.id, grantee, &deleted));
    if (grantee && deleted == 0) return errors::ResourceNotFound("the secret has no grant for " + *grantee);
    return Status::OK();
  });
}

Status GrantService::IsGranted(const std::string& project_id, const std::string& secret_name,
                               const std::string& user_id, bool* out) {
  *out = false;
  int64_t now = clock_->NowMillis();
  return store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    Status s = tx.secrets().Get(project_id, secret_name, &secret);
    if (s.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(s);
    return tx.grants().HasValidGrant(secret.id, user_id, now, out);
  });
}

}  // namespace csms
