// TokenService: Keystone-v3 style password authentication. Issues 24 h bearer tokens scoped to
// one project and validates them on every request. Only the SHA-256 of a token is stored; valid
// tokens are cached in memory for a short while so the request path rarely touches the database.
//
// Revocation (DELETE /v3/auth/tokens, a changed password, a disabled user) deletes token rows and
// moves a revocation generation in the store. The cache forgets a revoked token at once when the
// revocation went through this object, and within the generation check interval (by default
// kGenerationCheckMillis; csmsd --token-revocation-check-ms) when it happened
// elsewhere (`csmsd admin`, another csmsd on the same database): the cache re-reads the
// generation at most that often and drops everything it holds when it has moved.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/status.h"
#include "domain/identity.h"
#include "store/store.h"

namespace csms {

struct PasswordAuthRequest {
  std::string user_name;
  std::string password;
  std::optional<std::string> user_domain_name, user_domain_id;
  // Project scope (exactly one of id / name; a name is looked up in the user's domain).
  std::optional<std::string> project_id, project_name;
};

struct IssuedToken {
  std::string token;  // returned once, in X-Subject-Token
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  User user;
  Domain domain;
  Project project;
};

class TokenService {
 public:
  static constexpr int64_t kGenerationCheckMillis = 1'000;

  // `generation_check_ms`: how often the revocation generation is re-read (see above).
  TokenService(Store* store, const Clock* clock, int64_t generation_check_ms = kGenerationCheckMillis);

  // Password logins wait for `ready` before they read the user: a first start stores its admin's
  // password hash while the server already listens (app/first_start.h). Call before serving.
  void WaitBeforeLogins(std::shared_future<void> ready) { accounts_ready_ = std::move(ready); }

  // Every failure costs one password check of the current iteration count, whatever failed
  // (unknown domain or user, disabled user, wrong password), so timing tells nothing.
  Status Issue(const PasswordAuthRequest& request, IssuedToken* out);
  // The brute-force subject of a login (auth/attempt_limiter.h): the user's id when the user
  // exists, however the request names its domain; one store read, no password check. On a store
  // error the user as named.
  std::string LoginAttemptSubject(const PasswordAuthRequest& request);
  // Resolves a token into its principal; missing, unknown, revoked and expired tokens, and tokens
  // of a disabled user, are 401s.
  Status Validate(std::string_view token, Principal* out);
  // Validate from memory alone, never touching the store (for the HTTP I/O threads): true with
  // *out set only when Validate would accept the token from its cache right now; false means
  // "not known here" (call Validate), never "invalid".
  bool ValidateCached(std::string_view token, Principal* out);
  // Keystone's DELETE /v3/auth/tokens: `caller` revokes `subject_token`. A user may revoke its own
  // tokens, an admin also those of its domain's users; anything else (unknown, expired, someone
  // else's) is a 404 that does not say which.
  Status Revoke(const Principal& caller, std::string_view subject_token);
  // UpdateUserPassword: the caller changes its own password. The old one is checked like a login
  // (exactly one check at the cost of a stored password, whatever fails: WrongOldPassword), then
  // the new one against domain/password_policy.h (WeakPassword). Revokes every token of the user,
  // the caller's own included, at once on this server (other servers within
  // kGenerationCheckMillis). Access keys stay valid.
  Status ChangePassword(const Principal& caller, std::string_view old_password, std::string_view new_password);

  // Validations answered from the cache (hits) and from the store (misses), for /metrics.
  int64_t cache_hits() const { return cache_hits_.load(std::memory_order_relaxed); }
  int64_t cache_misses() const { return cache_misses_.load(std::memory_order_relaxed); }

 private:
  struct CacheEntry {
    Principal principal;
    int64_t expires_at;    // the token's own expiry
    int64_t cached_until;  // when to look at the database again
  };
  static constexpr int64_t kCacheMillis = 60'000;
  static constexpr size_t kMaxCacheEntries = 100'000;

  // Drops the cache when the store's revocation generation moved (looked at most every
  // kGenerationCheckMillis of steady time).
  void CheckGeneration();
  // Under mu_: adopts a generation read from the store; a newer one empties the cache.
  void AdoptGenerationLocked(int64_t generation);

  Store* store_;
  const Clock* clock_;
  std::string decoy_hash_;                   // what an unknown user's login is checked against: same cost as a real one
  std::shared_future<void> accounts_ready_;  // set before serving, then only read
  std::mutex mu_;
  std::unordered_map<std::string, CacheEntry> cache_;  // keyed by token hash
  int64_t generation_ = 0;                             // of the entries in cache_; under mu_
  const int64_t generation_check_ms_;
  std::atomic<int64_t> next_generation_check_{0};  // steady-clock ms
  std::atomic<int64_t> cache_hits_{0}, cache_misses_{0};
};

}  // namespace csms
