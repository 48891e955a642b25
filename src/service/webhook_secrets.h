// WebhookSecrets: the Standard Webhooks signing secrets of WEBHOOK events. A secret is generated
// when the event is created (shown once, in that response), sealed under the master key in the
// store, and rotatable: a rotation makes a new current secret while the old ones keep signing
// until their overlap ends. The dispatcher reads the live keys through a short cache.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "store/store.h"

namespace csms {

class WebhookSecrets {
 public:
  WebhookSecrets(Store* store, const crypto::Keyring* keyring, const Clock* clock)
      : store_(store), keyring_(keyring), clock_(clock) {}

  // In the caller's transaction: a new current secret for the event. *secret is its text
  // ("whsec_..."), to be shown once. Call Invalidate after the commit.
  Status Create(Transaction& tx, const std::string& project_id, const std::string& event_name, std::string* secret);
  // In the caller's transaction: the current secrets stop signing at `expires_at`, then a new
  // current secret is created; secrets expired by now are deleted.
  Status Rotate(Transaction& tx, const std::string& project_id, const std::string& event_name, int64_t expires_at,
                std::string* secret);
  // In the caller's transaction: whether the event has any secret.
  Status Exists(Transaction& tx, const std::string& project_id, const std::string& event_name, bool* exists);
  Status DeleteAll(Transaction& tx, const std::string& project_id, const std::string& event_name);

  // The HMAC keys (decoded) of every secret of the event that still signs now: the current one
  // first. Empty when the event has none (deleted, or not a WEBHOOK event).
  Status LiveKeys(const std::string& project_id, const std::string& event_name, std::vector<std::string>* keys);
  // Forgets cached keys after a change (other replicas pick changes up within the cache TTL).
  void Invalidate(const std::string& project_id, const std::string& event_name);
  // The associated data a signing secret is sealed with (the master-key re-wrap needs it too).
  static std::string Aad(const std::string& project_id, const std::string& event_name, const std::string& secret_id);

 private:
  struct CachedKey {
    std::string key;
    std::optional<int64_t> expires_at;
  };
  struct Entry {
    std::vector<CachedKey> keys;
    std::chrono::steady_clock::time_point loaded;
  };

  Store* store_;
  const crypto::Keyring* keyring_;
  const Clock* clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
  uint64_t generation_ = 0;  // bumped by Invalidate
};

}  // namespace csms
