#include "service/secret_backup.h"

#include <cstdint>

#include "common/errors.h"
#include "crypto/encoding.h"
#include "service/backup_blob.h"
#include "service/tag_service.h"

namespace csms {

Status SecretBackup::Download(const std::string& project_id, const std::string& name, std::string* blob) {
  Secret secret;
  std::vector<SecretVersion> sealed;
  std::vector<Stage> stages;
  std::vector<Tag> tags;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    std::vector<SecretVersion> metas;
    CSMS_RETURN_IF_ERROR(tx.secrets().ListVersions(secret.id, 0, INT32_MAX, &metas));
    for (const SecretVersion& m : metas) {
      CSMS_RETURN_IF_ERROR(tx.secrets().GetVersion(secret.id, m.number, true, &sealed.emplace_back()));
    }
    CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret.id, &stages));
    return tx.tags().List(secret.id, &tags);
  }));
  std::vector<BackupVersion> versions;
  for (SecretVersion& v : sealed) {
    BackupVersion& bv = versions.emplace_back();
    CSMS_RETURN_IF_ERROR(vault_->Open(secret, v, &bv.value));
    v.wrapped_key.clear();
    v.ciphertext.clear();
    bv.version = std::move(v);
  }
  const crypto::MasterKey* key = vault_->ResolveKey(secret.kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + secret.kms_key_id + " of secret " + secret.name +
                                  " is not configured on this server");
  }
  std::string sealed_doc =
      key->keyring.Seal(WriteBackupDocument(secret, versions, stages, tags), BackupBlobAad(key->id, project_id));
  if (sealed_doc.empty()) return errors::Internal("sealing the backup of secret " + secret.name + " failed");
  *blob = std::string(kBackupBlobPrefix) + key->id + "." + crypto::Base64UrlEncode(sealed_doc);
  if (blob->size() > kMaxSecretBlobBytes) {
    size_t size = blob->size();
    blob->clear();
    return errors::BackupTooLarge("the backup of secret " + secret.name + " would be " + std::to_string(size) +
                                  " bytes; a backup blob is at most 5 MiB (5242880 bytes)");
  }
  return Status::OK();
}

Status SecretBackup::Upload(const std::string& project_id, const std::string& blob, Secret* out) {
  if (blob.size() > kMaxSecretBlobBytes) {
    return errors::InvalidParameter("invalid secret_blob: must be at most 5 MiB (5242880 bytes)");
  }
  std::string_view key_id;
  std::string sealed;
  CSMS_RETURN_IF_ERROR(SplitBackupBlob(blob, &key_id, &sealed));
  const crypto::MasterKey* key = nullptr;
  for (const auto& k : vault_->keys().keys()) {
    if (k.id == key_id) key = &k;
  }
  if (!key) {
    return errors::InvalidParameter(
        "invalid secret_blob: it was sealed with a master key this server does not hold (key id " +
        std::string(key_id.substr(0, 64)) + ")");
  }
  std::string text;
  if (!key->keyring.Open(sealed, BackupBlobAad(key->id, project_id), &text).ok()) return InvalidBackupBlob();
  BackupDocument r;
  CSMS_RETURN_IF_ERROR(ParseBackupDocument(text, project_id, &r));
  if (!vault_->ResolveKey(r.secret.kms_key_id)) {
    return errors::KmsKeyUnusable("the KMS key " + r.secret.kms_key_id + " of the backed-up secret " + r.secret.name +
                                  " is not configured on this server");
  }
  // Values are sealed again under fresh data keys of the key that sealed each version.
  for (BackupVersion& bv : r.versions) {
    CSMS_RETURN_IF_ERROR(vault_->SealRestoredVersion(r.secret, bv.value, &bv.version));
  }
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret existing;
    Status s = tx.secrets().Get(project_id, r.secret.name, &existing);
    if (s.ok()) return errors::SecretNameExists("a secret named " + r.secret.name + " already exists");
    if (!s.IsNotFound()) return s;
    s = tx.secrets().GetById(r.secret.id, &existing);
    if (s.ok()) return errors::SecretNameExists("a secret with the id " + r.secret.id + " already exists");
    if (!s.IsNotFound()) return s;
    int64_t count = 0;
    CSMS_RETURN_IF_ERROR(tx.secrets().Count(project_id, &count));
    if (count >= options_.secret_quota) {
      return errors::SecretQuotaReached("the project already has the maximum of " +
                                        std::to_string(options_.secret_quota) + " secrets");
    }
    // A subscription survives only if the project has that event (no secret subscribes to an
    // event that does not exist).
    if (r.secret.event_subscription) {
      Event event;
      Status e = tx.events().Get(project_id, *r.secret.event_subscription, &event);
      if (e.IsNotFound()) {
        r.secret.event_subscription.reset();
      } else {
        CSMS_RETURN_IF_ERROR(e);
      }
    }
    s = tx.secrets().Insert(r.secret);
    if (s.IsConflict()) return errors::SecretNameExists("a secret named " + r.secret.name + " already exists");
    CSMS_RETURN_IF_ERROR(s);
    for (const BackupVersion& bv : r.versions) CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(bv.version));
    for (const Stage& st : r.stages) CSMS_RETURN_IF_ERROR(tx.secrets().PutStage(st));
    for (const Tag& t : r.tags) CSMS_RETURN_IF_ERROR(tx.tags().Put(project_id, r.secret.id, t));
    return Status::OK();
  }));
  *out = std::move(r.secret);
  return Status::OK();
}

}  // namespace csms
