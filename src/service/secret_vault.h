// SecretVault: what the secret use cases share (SecretService, RotationService and the
// scheduler's lifecycle jobs): loading a secret by name, sealing and adding a version, moving
// stages, opening a value, and the state rules every one of them checks. It works inside the
// caller's transaction and never opens one itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "crypto/key_store.h"
#include "domain/secret.h"
#include "store/store.h"

namespace csms {

// The errors and state rules of secrets, for every use case alike.
Status SecretNotFound(const std::string& name);
Status VersionNotFound(const std::string& secret, const std::string& version);
Status PendingDelete(const Secret& s);
// Operations on values and stages need an ENABLED secret (spec §7).
Status RequireEnabled(const Secret& s);
// COMMON secrets rotate to random values (or through a rotation function); RDS-FG / GaussDB-FG
// secrets rotate their database account (service/db_rotation.h).
Status CheckRotatable(const Secret& s);
// The secret's rotation_func_urn is an http(s) URL (our extension): rotation calls it.
bool HasRotationUrl(const Secret& s);
// Sets next_rotation_time to now + period while auto-rotation is on and the secret ENABLED.
void ScheduleNextRotation(Secret* secret, int64_t now);

// Binds a sealed value (and its data key) to its row: moved to another secret or version it fails
// to open. The master-key re-wrap (master_key_service.h) needs it too.
std::string ValueAad(const std::string& project_id, const std::string& secret_id, const std::string& secret_name,
                     int64_t number);

// Near-expiry lead times when none are configured: 30 d, 7 d, 1 d.
inline const std::vector<int64_t> kDefaultNearExpiryLeadsMs = {30 * 86'400'000LL, 7 * 86'400'000LL, 86'400'000LL};

class SecretVault {
 public:
  // `near_expiry_leads_ms` in any order; kept longest first, without duplicates or non-positive values.
  SecretVault(const crypto::KeyStore* keys, std::vector<int64_t> near_expiry_leads_ms);

  struct AddedVersion {
    SecretVersion version;  // without the sealed bytes
    std::vector<std::string> stages;
  };

  // The secret `name` of the project; SecretNotFound (CSMS.0106) when there is none.
  Status Load(Transaction& tx, const std::string& project_id, const std::string& name, Secret* out) const;
  // Seals and stores a new version, moves stages, purges the oldest unstaged version beyond the
  // limit, updates the secret and fires SECRET_VERSION_CREATED.
  Status AddVersion(Transaction& tx, Secret* secret, const std::string& value, ValueKind kind,
                    const std::optional<std::vector<std::string>>& stages, std::optional<int64_t> expire_time,
                    int64_t now, AddedVersion* out) const;
  // A new secret (last_version 0) with its version 1 carrying SYSCURRENT and its
  // SECRET_VERSION_CREATED: what Insert then AddVersion would do, without their reads (a secret
  // created in this transaction has no stages or versions to look at) and with one write of the
  // secret (its last_version is set before the insert): on PostgreSQL 6 round trips fewer per
  // create. A secret of that name already there: SecretNameExists (CSMS.0801).
  Status InsertWithFirstVersion(Transaction& tx, Secret* secret, const std::string& value, ValueKind kind, int64_t now,
                                AddedVersion* out) const;
  // Moves `stage` to version `number`; moving SYSCURRENT puts SYSPREVIOUS on the version that
  // held it unless `keep_previous` (the caller places SYSPREVIOUS itself).
  Status MoveStage(Transaction& tx, const Secret& secret, const std::string& stage, int64_t number, int64_t now,
                   bool keep_previous) const;
  Status StagesOf(Transaction& tx, const std::string& secret_id, int64_t number, std::vector<std::string>* out) const;
  // Seals `value` as version v->number of `secret` under fresh data keys of the master key
  // v->kms_key_id names (a restored backup: the version keeps its number, times and key).
  Status SealRestoredVersion(const Secret& secret, const std::string& value, SecretVersion* v) const;
  // Decrypts a version read with its sealed bytes.
  Status Open(const Secret& secret, const SecretVersion& version, std::string* plaintext) const;

  const crypto::MasterKey* ResolveKey(const std::string& id_or_alias) const { return keys_->Find(id_or_alias); }
  const crypto::KeyStore& keys() const { return *keys_; }
  // Near-expiry lead times, longest first.
  const std::vector<int64_t>& near_expiry_leads_ms() const { return leads_ms_; }

 private:
  // Version `number` of `secret` holding `value` sealed under the secret's master key.
  Status SealVersion(const Secret& secret, const std::string& value, ValueKind kind, int64_t number, int64_t now,
                     SecretVersion* v) const;

  const crypto::KeyStore* keys_;
  std::vector<int64_t> leads_ms_;
};

}  // namespace csms
