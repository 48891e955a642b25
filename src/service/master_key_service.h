// MasterKeyService: the versions of the csms/default master key and their rotation
// (docs/keys.md). The database records where each version lives (master_key_versions); this
// service loads them into the shared Keyring (active version seals, every loaded version opens),
// adds a version (`csmsd admin rotate-master-key`), and re-wraps every sealed value of the default
// key to the active version in bounded batches, each batch one Store::Write, then retires the
// versions nothing uses any more. A crash anywhere leaves every value readable: a version is
// retired only after a whole pass found nothing left under it, and each batch is idempotent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "domain/master_key.h"
#include "store/store.h"

namespace csms {

struct MasterKeyOptions {
  // Turns a recorded version into its provider (a key file, CSMS_MASTER_KEY, a PKCS#11 key).
  std::function<Status(const MasterKeyVersion&, std::shared_ptr<const crypto::KeyProvider>*)> open;
  // A pass of the re-wrap starts no sooner than this after the rotation, so that every server
  // sharing the database has switched to the new version (they re-read the versions this often).
  int64_t settle_ms = 0;
};

struct MasterKeyStatus {
  std::vector<MasterKeyVersion> versions;
  bool rewrap_known = false;
  RewrapState rewrap;
  int64_t sealed_rows = 0;  // version keys, access-key secrets and webhook secrets, now
};

class MasterKeyService {
 public:
  MasterKeyService(Store* store, const Clock* clock, crypto::Keyring* keyring, MasterKeyOptions options);

  // At start: with no version recorded, `configured` (described by `row`) becomes version 1;
  // otherwise every version not retired is loaded from its record (and `configured` is not used).
  Status Bootstrap(std::shared_ptr<const crypto::KeyProvider> configured, MasterKeyVersion row);
  // Re-reads the versions and loads new ones; *changed when the keyring changed. A version that
  // cannot be loaded leaves the keyring as it was (an error).
  Status Refresh(bool* changed);
  // Adds `next` (described by `row`) as the new ACTIVE version; the previous ones drain.
  Status Rotate(std::shared_ptr<const crypto::KeyProvider> next, MasterKeyVersion row, MasterKeyVersion* out);
  // One batch of at most `limit` rows. *more when another batch should follow at once; false when
  // the re-wrap is finished, was never started, or must wait (the target version not loaded here
  // yet, or younger than settle_ms).
  Status RewrapBatch(int limit, bool* more);
  Status GetStatus(MasterKeyStatus* out);

 private:
  Status Load(const std::vector<MasterKeyVersion>& rows, bool* changed);

  Store* store_;
  const Clock* clock_;
  crypto::Keyring* keyring_;
  MasterKeyOptions options_;
};

}  // namespace csms
