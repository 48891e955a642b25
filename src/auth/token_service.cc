#include "auth/token_service.h"

#include "common/errors.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "domain/limits.h"

namespace csms {
namespace {

// Tokens are long random strings; the prefix makes them recognisable in a leaked-secret scan.
std::string NewTokenText() { return "CSMSv1." + crypto::RandomHex(32); }

}  // namespace

Status TokenService::Issue(const PasswordAuthRequest& req, IssuedToken* out) {
  const Status bad_credentials = errors::BadCredentials("the user name, password or domain is incorrect");
  Status s = store_->Read([&](Transaction& tx) -> Status {
    Domain domain;
    Status st = req.user_domain_id ? tx.identity().GetDomainById(*req.user_domain_id, &domain)
                                   : tx.identity().GetDomainByName(req.user_domain_name.value_or(""), &domain);
    if (st.IsNotFound()) return bad_credentials;
    CSMS_RETURN_IF_ERROR(st);
    User user;
    st = tx.identity().GetUserByName(domain.id, req.user_name, &user);
    if (st.IsNotFound()) return bad_credentials;
    CSMS_RETURN_IF_ERROR(st);
    out->user = user;
    out->domain = domain;
    Project project;
    st = req.project_id ? tx.identity().GetProjectById(*req.project_id, &project)
                        : tx.identity().GetProjectByName(domain.id, req.project_name.value_or(""), &project);
    if (st.IsNotFound() || (st.ok() && project.domain_id != domain.id)) {
      // Checked after the password below, so a wrong password never reveals which projects exist.
      project = Project{};
    } else {
      CSMS_RETURN_IF_ERROR(st);
    }
    out->project = project;
    return Status::OK();
  });
  if (!s.ok()) {
    // Spend the same time on unknown users as on wrong passwords.
    if (s.code() == bad_credentials.code()) crypto::VerifyPassword(req.password, crypto::HashPassword("x", 1000));
    return s;
  }
  if (!crypto::VerifyPassword(req.password, out->user.password_hash)) return bad_credentials;
  if (out->project.id.empty()) {
    return errors::InvalidParameter("the project in auth.scope.project does not exist in the user's domain");
  }

  out->token = NewTokenText();
  out->issued_at = clock_->NowMillis();
  out->expires_at = out->issued_at + limits::kTokenLifetimeMillis;
  TokenRecord record{crypto::Sha256Hex(out->token), out->user.id, out->project.id, out->issued_at, out->expires_at};
  return store_->Write([&](Transaction& tx) { return tx.identity().InsertToken(record); });
}

Status TokenService::Validate(std::string_view token, Principal* out) {
  if (token.empty()) return errors::InvalidToken("X-Auth-Token is missing");
  if (token.size() > 4096) return errors::InvalidToken("X-Auth-Token is invalid");
  std::string hash = crypto::Sha256Hex(token);
  int64_t now = clock_->NowMillis();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now < it->second.cached_until) {
      if (now >= it->second.expires_at) return errors::InvalidToken("X-Auth-Token has expired");
      *out = it->second.principal;
      return Status::OK();
    }
  }
  TokenRecord record;
  Principal principal;
  Status s = store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.identity().GetToken(hash, &record));
    User user;
    CSMS_RETURN_IF_ERROR(tx.identity().GetUserById(record.user_id, &user));
    principal = Principal{user.id, user.name, user.domain_id, record.project_id, user.role};
    return Status::OK();
  });
  if (s.IsNotFound()) return errors::InvalidToken("X-Auth-Token is invalid");
  CSMS_RETURN_IF_ERROR(s);
  if (now >= record.expires_at) return errors::InvalidToken("X-Auth-Token has expired");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // crude but bounded; refills on demand
    cache_[hash] = CacheEntry{principal, record.expires_at, std::min(record.expires_at, now + kCacheMillis)};
  }
  *out = std::move(principal);
  return Status::OK();
}

}  // namespace csms
