// Storage of the master-key versions and of the re-wrap's progress (docs/keys.md), and the
// re-wrap's access to every sealed value of the default master key: the data keys of secret
// versions, access-key secrets and webhook signing secrets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/master_key.h"

namespace csms {

class MasterKeyRepository {
 public:
  virtual ~MasterKeyRepository() = default;
  // Oldest first.
  virtual Status ListVersions(std::vector<MasterKeyVersion>* out) = 0;
  // kConflict when the version number exists.
  virtual Status InsertVersion(const MasterKeyVersion& v) = 0;
  virtual Status SetVersionState(int64_t version, const std::string& state, std::optional<int64_t> retire_time) = 0;
  // kNotFound before the first rotation.
  virtual Status GetRewrap(RewrapState* out) = 0;
  virtual Status PutRewrap(const RewrapState& state) = 0;

  // Up to `limit` sealed rows of `kind` after the cursor of `from`, in key order. Version keys are
  // those of versions recorded under `kms_key_id` (the default key's id), with the secret's
  // project id and name in key2 and key3 (the associated data needs them).
  virtual Status ListSealed(SealedKind kind, const RewrapState& from, const std::string& kms_key_id, int limit,
                            std::vector<SealedRow>* out) = 0;
  // Replaces the seal of one row if it still is `old_sealed`; false in *updated when the row changed
  // or went away meanwhile (nothing to do then).
  virtual Status ReplaceSealed(SealedKind kind, const SealedRow& row, const std::string& new_sealed, bool* updated) = 0;
  virtual Status CountSealed(SealedKind kind, const std::string& kms_key_id, int64_t* out) = 0;
  // The kms_keys check value of `alias` (sealed under the master key), re-sealed before retirement.
  virtual Status ReplaceKeyCheck(const std::string& alias, const std::string& sealed) = 0;
};

}  // namespace csms
