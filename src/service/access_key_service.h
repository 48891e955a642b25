// AccessKeyService: administration of access keys (`csmsd admin create-access-key`, ...) and
// the --dev fixed pair. The SK is generated here, handed back once, and stored only sealed
// under the master key with the AK as associated data, so a sealed SK cannot be moved to
// another key's row. A temporary credential also gets a security token, stored as a hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "domain/access_key.h"
#include "store/store.h"

namespace csms {

struct CreatedAccessKey {
  AccessKey key;
  std::string user_name;
  std::string secret_key;      // plaintext SK: shown once, never stored
  std::string security_token;  // temporary credentials only: shown once, stored as a hash
};

struct AccessKeyListing {
  AccessKey key;
  std::string user_name;
};

class AccessKeyService {
 public:
  // Temporary credentials live 15 min by default and at least 15 min, at most 24 h, as Huawei's
  // (duration_seconds 900..86400). Tests of expiry move a settable clock instead of asking for
  // shorter ones.
  static constexpr int64_t kDefaultTemporarySeconds = 900;
  static constexpr int64_t kMinTemporarySeconds = 900;
  static constexpr int64_t kMaxTemporarySeconds = 86'400;
  static constexpr size_t kMaxDescriptionBytes = 255;

  AccessKeyService(Store* store, const crypto::Keyring* keyring, const Clock* clock)
      : store_(store), keyring_(keyring), clock_(clock) {}

  // A permanent AK/SK for a user of a domain.
  Status Create(const std::string& domain_name, const std::string& user_name, const std::string& description,
                CreatedAccessKey* out);
  // A temporary AK/SK + security token that expires after `duration_seconds`.
  Status CreateTemporary(const std::string& domain_name, const std::string& user_name, int64_t duration_seconds,
                         CreatedAccessKey* out);
  // The keys of a domain, or of one of its users when user_name is set.
  Status List(const std::string& domain_name, const std::optional<std::string>& user_name,
              std::vector<AccessKeyListing>* out);
  // Revocation takes effect on the next request: keys are not cached.
  Status Revoke(const std::string& access_key);

  // --dev: makes sure `access_key`/`secret_key` exist for the user (a fixed, well-known pair).
  Status EnsureFixture(const std::string& domain_id, const std::string& user_name, const std::string& access_key,
                       const std::string& secret_key);

 private:
  Status Insert(const std::string& domain_name, const std::string& user_name, AccessKey key, CreatedAccessKey* out);

  Store* store_;
  const crypto::Keyring* keyring_;
  const Clock* clock_;
};

// Key material generators (exposed for tests): AK = prefix + upper-case letters and digits, 20
// characters in all; SK = 40 letters and digits; security token = 64 URL-safe Base64 characters.
std::string NewAccessKeyId(bool temporary);
std::string NewSecretKey();
std::string NewSecurityToken();

}  // namespace csms
