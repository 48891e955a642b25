#include "auth/token_service.h"

#include "auth/attempt_limiter.h"
#include "auth/roles.h"
#include "common/errors.h"
#include "common/log.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "domain/limits.h"
#include "domain/password_policy.h"

namespace csms {
namespace {

// Tokens are long random strings; the prefix makes them recognisable in a leaked-secret scan.
std::string NewTokenText() { return "CSMSv1." + crypto::RandomHex(32); }

int64_t SteadyMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

// The decoy has the cost of every password stored today (crypto::HashPassword's default).
TokenService::TokenService(Store* store, const Clock* clock, int64_t generation_check_ms)
    : store_(store),
      clock_(clock),
      decoy_hash_(crypto::DecoyPasswordHash()),
      generation_check_ms_(generation_check_ms) {}

Status TokenService::Issue(const PasswordAuthRequest& req, IssuedToken* out) {
  const Status bad_credentials = errors::BadCredentials("the user name, password or domain is incorrect");
  if (accounts_ready_.valid() && accounts_ready_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    log::Write(log::Level::kDebug, "a login waits for the first start's admin password to be stored");
    accounts_ready_.wait();  // on a pool thread, tens of ms
  }
  bool found = false;
  Status s = store_->Read([&](Transaction& tx) -> Status {
    Domain domain;
    Status st = req.user_domain_id ? tx.identity().GetDomainById(*req.user_domain_id, &domain)
                                   : tx.identity().GetDomainByName(req.user_domain_name.value_or(""), &domain);
    if (st.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(st);
    User user;
    st = tx.identity().GetUserByName(domain.id, req.user_name, &user);
    if (st.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(st);
    found = true;
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
  CSMS_RETURN_IF_ERROR(s);
  // Exactly one password check on every path: an unknown domain or user is checked against the
  // decoy (same cost as a stored hash), a disabled user against its own hash.
  bool password_ok = crypto::VerifyPassword(req.password, found ? out->user.password_hash : decoy_hash_);
  if (!found || !password_ok || !out->user.enabled) return bad_credentials;
  if (out->project.id.empty()) {
    return errors::InvalidParameter("the project in auth.scope.project does not exist in the user's domain");
  }

  out->token = NewTokenText();
  out->issued_at = clock_->NowMillis();
  out->expires_at = out->issued_at + limits::kTokenLifetimeMillis;
  TokenRecord record{crypto::Sha256Hex(out->token), out->user.id, out->project.id, out->issued_at, out->expires_at};
  return store_->Write([&](Transaction& tx) { return tx.identity().InsertToken(record); });
}

std::string TokenService::LoginAttemptSubject(const PasswordAuthRequest& req) {
  std::string domain_as_sent = req.user_domain_id ? *req.user_domain_id : req.user_domain_name.value_or("");
  std::string subject = UnknownUserAttemptSubject(req.user_name, domain_as_sent);
  // Not found (or a store error, which the login itself then reports): the user as named.
  Status ignored = store_->Read([&](Transaction& tx) -> Status {
    Domain domain;
    Status st = req.user_domain_id ? tx.identity().GetDomainById(*req.user_domain_id, &domain)
                                   : tx.identity().GetDomainByName(domain_as_sent, &domain);
    if (!st.ok()) return st;
    subject = UnknownUserAttemptSubject(req.user_name, domain.id);
    User user;
    st = tx.identity().GetUserByName(domain.id, req.user_name, &user);
    if (!st.ok()) return st;
    subject = UserAttemptSubject(user.id);
    return Status::OK();
  });
  (void)ignored;
  return subject;
}

void TokenService::AdoptGenerationLocked(int64_t generation) {
  if (generation > generation_) {
    cache_.clear();
    generation_ = generation;
  }
}

void TokenService::CheckGeneration() {
  int64_t now = SteadyMillis();
  int64_t due = next_generation_check_.load(std::memory_order_relaxed);
  if (now < due) return;
  // One caller does the check; the others go on with the cache as it is.
  if (!next_generation_check_.compare_exchange_strong(due, now + generation_check_ms_)) return;
  int64_t generation = 0;
  Status s = store_->Read([&](Transaction& tx) { return tx.identity().GetTokenRevocationGeneration(&generation); });
  std::lock_guard<std::mutex> lock(mu_);
  if (!s.ok()) {
    cache_.clear();  // cannot tell what was revoked: trust nothing cached
    next_generation_check_.store(0);
    return;
  }
  AdoptGenerationLocked(generation);
}

bool TokenService::ValidateCached(std::string_view token, Principal* out) {
  if (token.empty() || token.size() > 4096) return false;
  // A revocation check is due: only Validate may do it (it reads the store).
  if (SteadyMillis() >= next_generation_check_.load(std::memory_order_relaxed)) return false;
  std::string hash = crypto::Sha256Hex(token);
  int64_t now = clock_->NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end() || now >= it->second.cached_until || now >= it->second.expires_at) return false;
  *out = it->second.principal;
  cache_hits_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

Status TokenService::Validate(std::string_view token, Principal* out) {
  if (token.empty()) return errors::InvalidToken("X-Auth-Token is missing");
  if (token.size() > 4096) return errors::InvalidToken("X-Auth-Token is invalid");
  std::string hash = crypto::Sha256Hex(token);
  int64_t now = clock_->NowMillis();
  CheckGeneration();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now < it->second.cached_until) {
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      if (now >= it->second.expires_at) return errors::InvalidToken("X-Auth-Token has expired");
      *out = it->second.principal;
      return Status::OK();
    }
  }
  cache_misses_.fetch_add(1, std::memory_order_relaxed);
  TokenRecord record;
  Principal principal;
  int64_t generation = 0;
  bool enabled = true;
  Status s = store_->Read([&](Transaction& tx) -> Status {
    // Read with the token, so an entry cached below is never older than the generation it carries.
    CSMS_RETURN_IF_ERROR(tx.identity().GetTokenRevocationGeneration(&generation));
    CSMS_RETURN_IF_ERROR(tx.identity().GetToken(hash, &record));
    User user;
    CSMS_RETURN_IF_ERROR(tx.identity().GetUserById(record.user_id, &user));
    enabled = user.enabled;
    principal = Principal{user.id, user.name, user.domain_id, record.project_id, user.role, ""};
    return Status::OK();
  });
  if (s.IsNotFound() || (s.ok() && !enabled)) return errors::InvalidToken("X-Auth-Token is invalid");
  CSMS_RETURN_IF_ERROR(s);
  if (now >= record.expires_at) return errors::InvalidToken("X-Auth-Token has expired");
  {
    std::lock_guard<std::mutex> lock(mu_);
    AdoptGenerationLocked(generation);
    // A read older than what the cache already knows may predate a revocation: use it, don't keep it.
    if (generation == generation_) {
      if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // crude but bounded; refills on demand
      cache_[hash] = CacheEntry{principal, record.expires_at, std::min(record.expires_at, now + kCacheMillis)};
    }
  }
  *out = std::move(principal);
  return Status::OK();
}

Status TokenService::Revoke(const Principal& caller, std::string_view subject_token) {
  const Status not_found = errors::ResourceNotFound("the token in X-Subject-Token does not exist");
  if (subject_token.empty()) return errors::InvalidParameter("X-Subject-Token is missing");
  if (subject_token.size() > 4096) return not_found;
  std::string hash = crypto::Sha256Hex(subject_token);
  int64_t now = clock_->NowMillis();
  int64_t generation = 0;
  Status s = store_->Write([&](Transaction& tx) -> Status {
    TokenRecord record;
    Status st = tx.identity().GetToken(hash, &record);
    if (st.IsNotFound()) return not_found;
    CSMS_RETURN_IF_ERROR(st);
    if (now >= record.expires_at) return not_found;
    if (record.user_id != caller.user_id) {
      User owner;
      st = tx.identity().GetUserById(record.user_id, &owner);
      if (st.IsNotFound()) return not_found;
      CSMS_RETURN_IF_ERROR(st);
      if (caller.role != auth::kRoleAdmin || owner.domain_id != caller.domain_id) return not_found;
    }
    CSMS_RETURN_IF_ERROR(tx.identity().RevokeToken(hash));
    return tx.identity().GetTokenRevocationGeneration(&generation);
  });
  CSMS_RETURN_IF_ERROR(s);
  // Adopting the new generation empties the cache at once, and keeps a validation that read the
  // token just before the revocation from caching it afterwards.
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(hash);
  AdoptGenerationLocked(generation);
  return Status::OK();
}

Status TokenService::ChangePassword(const Principal& caller, std::string_view old_password,
                                    std::string_view new_password) {
  const Status wrong = errors::WrongOldPassword("old_password is incorrect");
  User user;
  bool found = false;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    Status st = tx.identity().GetUserById(caller.user_id, &user);
    if (st.IsNotFound()) return Status::OK();
    CSMS_RETURN_IF_ERROR(st);
    found = true;
    return Status::OK();
  }));
  // One check on every path, as at login: a vanished or disabled user costs the same.
  bool ok = crypto::VerifyPassword(old_password, found ? user.password_hash : decoy_hash_);
  if (!found || !ok || !user.enabled) return wrong;
  CSMS_RETURN_IF_ERROR(password_policy::Check(user.name, old_password, new_password));
  std::string hash = crypto::HashPassword(new_password);
  int64_t generation = 0;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    User current;
    CSMS_RETURN_IF_ERROR(tx.identity().GetUserById(user.id, &current));
    // Changed by someone else since it was checked: the old password is no longer the password.
    if (current.password_hash != user.password_hash || !current.enabled) return wrong;
    // The store revokes the user's tokens with the change (and moves the revocation generation).
    CSMS_RETURN_IF_ERROR(tx.identity().UpdateUserPassword(user.id, hash));
    return tx.identity().GetTokenRevocationGeneration(&generation);
  }));
  std::lock_guard<std::mutex> lock(mu_);
  AdoptGenerationLocked(generation);
  return Status::OK();
}

}  // namespace csms
