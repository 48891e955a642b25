// Master-key versions and the background re-wrap (docs/keys.md): plain records, no crypto.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace csms {

// One version of the csms/default master key, as recorded in the database. Where the key lives is
// recorded, never the key or a PIN: a key file (relative paths are relative to --data-dir), the
// environment variable CSMS_MASTER_KEY, or a PKCS#11 key (module, token, key label, PIN file).
struct MasterKeyVersion {
  int64_t version = 0;
  std::string provider;  // kMasterKeyFile, kMasterKeyEnv or kMasterKeyPkcs11
  std::string file;
  std::string pkcs11_module, pkcs11_token, pkcs11_key, pkcs11_pin_file;
  std::string fingerprint;  // KeyProvider::Fingerprint()
  std::string check_value;  // kMasterKeyCheckText sealed under this version (AAD: the fingerprint)
  std::string state;        // kMasterKeyActive, kMasterKeyDraining or kMasterKeyRetired
  int64_t create_time = 0;
  std::optional<int64_t> retire_time;
};

inline constexpr const char* kMasterKeyFile = "file";
inline constexpr const char* kMasterKeyEnv = "env";
inline constexpr const char* kMasterKeyPkcs11 = "pkcs11";
// ACTIVE: seals new values (exactly one). DRAINING: still opens values, re-wrap moves them away.
// RETIRED: nothing uses it any more; no longer loaded.
inline constexpr const char* kMasterKeyActive = "ACTIVE";
inline constexpr const char* kMasterKeyDraining = "DRAINING";
inline constexpr const char* kMasterKeyRetired = "RETIRED";
inline constexpr const char* kMasterKeyCheckText = "csms master key version check v1";

// The kinds of rows whose seals the re-wrap visits, in the order it visits them.
enum class SealedKind { kVersionKeys = 0, kAccessKeys = 1, kWebhookSecrets = 2, kDone = 3 };

// Progress of the re-wrap towards `target_version` (one row; absent before the first rotation).
// A pass visits every sealed row in key order, `cursor` after the last one seen; a pass that finds
// nothing under another version retires every DRAINING version and ends the re-wrap (kDone).
struct RewrapState {
  int64_t target_version = 0;
  int64_t pass = 1;
  SealedKind kind = SealedKind::kVersionKeys;
  std::string cursor1, cursor2, cursor3;  // the key of the last row seen (by kind)
  int64_t cursor_number = 0;
  int64_t scanned = 0;     // rows visited, all passes
  int64_t rewrapped = 0;   // rows moved to the target version, all passes
  int64_t pass_moved = 0;  // rows of this pass not (yet) under the target version
  int64_t unreadable = 0;  // rows of this pass no loaded version opens (they block retirement)
  int64_t start_time = 0;
  int64_t update_time = 0;
  std::optional<int64_t> finish_time;
};

// One sealed value the re-wrap may move: which row, the associated data its seal binds, the seal.
struct SealedRow {
  std::string key1, key2, key3;  // the row's key (by kind)
  int64_t number = 0;
  std::string sealed;
};

}  // namespace csms
