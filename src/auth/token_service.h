// TokenService: Keystone-v3 style password authentication. Issues 24 h bearer tokens scoped to
// one project and validates them on every request. Only the SHA-256 of a token is stored; valid
// tokens are cached in memory for a short while so the request path rarely touches the database.
#pragma once

#include <cstdint>
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
  TokenService(Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  Status Issue(const PasswordAuthRequest& request, IssuedToken* out);
  // Resolves a token into its principal; missing, unknown and expired tokens are 401s.
  Status Validate(std::string_view token, Principal* out);

 private:
  struct CacheEntry {
    Principal principal;
    int64_t expires_at;    // the token's own expiry
    int64_t cached_until;  // when to look at the database again
  };
  static constexpr int64_t kCacheMillis = 60'000;
  static constexpr size_t kMaxCacheEntries = 100'000;

  Store* store_;
  const Clock* clock_;
  std::mutex mu_;
  std::unordered_map<std::string, CacheEntry> cache_;  // keyed by token hash
};

}  // namespace csms
