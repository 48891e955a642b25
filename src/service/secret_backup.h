// SecretBackup: DownloadSecretBlob and UploadSecretBlob (spec §1.9). A backup blob holds one
// secret whole: its metadata, every version with its value, expiry and stages, and its tags. It
// is sealed with AES-256-GCM under the master key the secret names, with the project id in the
// associated data, so it is opaque, tamper-evident and restores only into the same project of an
// installation holding the same master key:
//
//   CSMSBackupV1.<master key id>.<Base64url(nonce | ciphertext | tag)>
//
// The key id in clear only finds the key; it is authenticated too (associated data). Restoring
// recreates the secret exactly (same id, versions and version ids, stages, times, tags); values
// are sealed again under the target's fresh data keys. A restore fires no trigger (decisions.md).
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "domain/secret.h"
#include "service/secret_vault.h"
#include "store/store.h"

namespace csms {

// Spec §8: a backup blob is at most 5 MiB.
inline constexpr size_t kMaxSecretBlobBytes = 5 * 1024 * 1024;

struct SecretBackupOptions {
  int secret_quota = 200;
};

class SecretBackup {
 public:
  SecretBackup(Store* store, const SecretVault* vault, SecretBackupOptions options)
      : store_(store), vault_(vault), options_(options) {}

  // The blob of secret `name`; a secret scheduled for deletion is refused (CSMS.0103).
  Status Download(const std::string& project_id, const std::string& name, std::string* blob);
  // Recreates the secret of `blob` in the project; *out is the restored secret.
  Status Upload(const std::string& project_id, const std::string& blob, Secret* out);

 private:
  Store* store_;
  const SecretVault* vault_;
  SecretBackupOptions options_;
};

}  // namespace csms
