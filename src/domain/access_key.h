// Access keys: the AK/SK pairs that sign requests (SDK-HMAC-SHA256). A permanent key lives until
// it is revoked; temporary credentials also carry a security token (sent as X-Security-Token)
// and an expiry. Only the AK is public; the SK is kept sealed under the master key and the
// security token only as a hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms {

enum class AccessKeyStatus { kActive, kRevoked };

struct AccessKey {
  std::string access_key;  // the AK: 20 upper-case letters and digits
  std::string user_id;
  std::string sealed_secret;  // the SK sealed with Keyring::Seal, AAD = access_key
  // Hex SHA-256 of the security token; empty for a permanent key.
  std::string security_token_hash;
  std::string description;
  AccessKeyStatus status = AccessKeyStatus::kActive;
  int64_t create_time = 0;             // ms
  std::optional<int64_t> expires_at;   // ms; temporary credentials only
  std::optional<int64_t> revoke_time;  // ms

  bool temporary() const { return !security_token_hash.empty(); }
  bool expired(int64_t now_ms) const { return expires_at && now_ms >= *expires_at; }
};

inline std::string_view AccessKeyStatusName(AccessKeyStatus s) {
  return s == AccessKeyStatus::kActive ? "active" : "revoked";
}

}  // namespace csms
