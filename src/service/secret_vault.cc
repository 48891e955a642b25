#include "service/secret_vault.h"

#include <algorithm>
#include <functional>
#include <set>

#include "common/errors.h"
#include "domain/db_instance.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "service/outbox.h"

namespace csms {

std::string ValueAad(const std::string& project_id, const std::string& secret_id, const std::string& secret_name,
                     int64_t number) {
  return "csms value v1\n" + project_id + "\n" + secret_id + "\n" + secret_name + "\nv" + std::to_string(number);
}

namespace {

std::string ValueAad(const std::string& project_id, const Secret& s, int64_t number) {
  return csms::ValueAad(project_id, s.id, s.name, number);
}

// The stages the secret will carry once `stages` are placed on a new version must fit the quota.
Status CheckStageQuota(Transaction& tx, const Secret& secret, const std::vector<std::string>& stages,
                       bool names_previous) {
  std::vector<Stage> existing;
  CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret.id, &existing));
  std::set<std::string> after;
  for (const auto& st : existing) after.insert(st.name);
  for (const auto& st : stages) after.insert(st);
  bool moves_current = std::find(stages.begin(), stages.end(), kStageCurrent) != stages.end();
  bool had_current =
      std::any_of(existing.begin(), existing.end(), [](const Stage& s) { return s.name == kStageCurrent; });
  if (moves_current && !names_previous && had_current) after.insert(std::string(kStagePrevious));
  if (after.size() > limits::kMaxStagesPerSecret) {
    return errors::StageQuotaReached("secret " + secret.name + " would carry " + std::to_string(after.size()) +
                                     " stages; at most 12 are allowed");
  }
  return Status::OK();
}

// Removes the oldest versions without a stage while the secret has more than the limit.
Status PurgeBeyondLimit(Transaction& tx, const Secret& secret, int64_t newest) {
  int64_t count = 0;
  CSMS_RETURN_IF_ERROR(tx.secrets().CountVersions(secret.id, &count));
  while (count > limits::kMaxVersionsPerSecret) {
    int64_t oldest = 0;
    Status s = tx.secrets().OldestUnstagedVersion(secret.id, newest, &oldest);
    if (s.IsNotFound()) {
      return errors::VersionQuotaReached("secret " + secret.name +
                                         " has 20 versions and each carries a stage; remove a stage first");
    }
    CSMS_RETURN_IF_ERROR(s);
    CSMS_RETURN_IF_ERROR(tx.secrets().DeleteVersion(secret.id, oldest));
    --count;
  }
  return Status::OK();
}

}  // namespace

Status SecretNotFound(const std::string& name) { return errors::SecretNotFound("secret " + name + " does not exist"); }

Status VersionNotFound(const std::string& secret, const std::string& version) {
  return errors::ResourceNotFound("version " + version + " of secret " + secret + " does not exist");
}

Status PendingDelete(const Secret& s) {
  return errors::SecretPendingDelete("secret " + s.name + " is scheduled for deletion; restore it first");
}

Status RequireEnabled(const Secret& s) {
  if (s.state == SecretState::kPendingDelete) return PendingDelete(s);
  if (s.state != SecretState::kEnabled) {
    return errors::SecretNotEnabled("secret " + s.name + " is " + std::string(SecretStateName(s.state)) +
                                    ", not ENABLED");
  }
  return Status::OK();
}

Status CheckRotatable(const Secret& s) {
  if (s.secret_type != kSecretTypeCommon && !IsDatabaseSecretType(s.secret_type)) {
    return errors::RotationUnsupported("rotation of " + s.secret_type + " secrets is not supported by this server");
  }
  return Status::OK();
}

bool HasRotationUrl(const Secret& s) { return s.rotation_func_urn && validation::IsHttpUrl(*s.rotation_func_urn); }

void ScheduleNextRotation(Secret* secret, int64_t now) {
  secret->next_rotation_time.reset();
  if (!secret->auto_rotation || secret->state != SecretState::kEnabled || !secret->rotation_period) return;
  if (auto period = ParseRotationPeriod(*secret->rotation_period)) secret->next_rotation_time = now + *period;
}

SecretVault::SecretVault(const crypto::KeyStore* keys, std::vector<int64_t> leads)
    : keys_(keys), leads_ms_(std::move(leads)) {
  std::sort(leads_ms_.begin(), leads_ms_.end(), std::greater<>());
  leads_ms_.erase(std::unique(leads_ms_.begin(), leads_ms_.end()), leads_ms_.end());
  leads_ms_.erase(std::remove_if(leads_ms_.begin(), leads_ms_.end(), [](int64_t l) { return l <= 0; }),
                  leads_ms_.end());
}

Status SecretVault::Load(Transaction& tx, const std::string& project_id, const std::string& name, Secret* out) const {
  if (!validation::IsValidName(name)) return SecretNotFound(name);
  Status s = tx.secrets().Get(project_id, name, out);
  return s.IsNotFound() ? SecretNotFound(name) : s;
}

Status SecretVault::StagesOf(Transaction& tx, const std::string& secret_id, int64_t number,
                             std::vector<std::string>* out) const {
  std::vector<Stage> stages;
  CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret_id, &stages));
  out->clear();
  for (const auto& st : stages) {
    if (st.version_number == number) out->push_back(st.name);
  }
  return Status::OK();
}

Status SecretVault::MoveStage(Transaction& tx, const Secret& secret, const std::string& stage, int64_t number,
                              int64_t now, bool keep_previous) const {
  if (stage == kStageCurrent && !keep_previous) {
    Stage current;
    Status s = tx.secrets().GetStage(secret.id, std::string(kStageCurrent), &current);
    if (s.ok() && current.version_number != number) {
      CSMS_RETURN_IF_ERROR(
          tx.secrets().PutStage(Stage{secret.id, std::string(kStagePrevious), current.version_number, now}));
    } else if (!s.ok() && !s.IsNotFound()) {
      return s;
    }
  }
  Stage existing;
  Status s = tx.secrets().GetStage(secret.id, stage, &existing);
  if (s.ok() && existing.version_number == number) return Status::OK();  // already there: keep its update_time
  if (!s.ok() && !s.IsNotFound()) return s;
  return tx.secrets().PutStage(Stage{secret.id, stage, number, now});
}

Status SecretVault::SealVersion(const Secret& secret, const std::string& value, ValueKind kind, int64_t number,
                                int64_t now, SecretVersion* v) const {
  const crypto::MasterKey* key = ResolveKey(secret.kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + secret.kms_key_id + " of secret " + secret.name +
                                  " is not configured on this server");
  }
  v->secret_id = secret.id;
  v->number = number;
  v->create_time = now;
  v->kms_key_id = key->id;
  v->kind = kind;
  auto envelope = key->keyring.SealEnvelope(value, ValueAad(secret.project_id, secret, number));
  if (envelope.ciphertext.empty() || envelope.wrapped_key.empty()) {
    return errors::Internal("sealing the value of secret " + secret.name + " failed");
  }
  v->wrapped_key = std::move(envelope.wrapped_key);
  v->ciphertext = std::move(envelope.ciphertext);
  return Status::OK();
}

namespace {

// SECRET_VERSION_CREATED for `v`, then `v` without its sealed bytes as the caller's answer.
Status VersionCreated(Transaction& tx, Secret* secret, SecretVersion& v, int64_t now) {
  notify_format::TriggerDetails d;
  d.version_id = v.id();
  d.version_create_time = v.create_time;
  d.version_expire_time = v.expire_time;
  CSMS_RETURN_IF_ERROR(EmitTrigger(tx, secret, EventType::kVersionCreated, now, d));
  v.wrapped_key.clear();
  v.ciphertext.clear();
  return Status::OK();
}

}  // namespace

Status SecretVault::AddVersion(Transaction& tx, Secret* secret, const std::string& value, ValueKind kind,
                               const std::optional<std::vector<std::string>>& requested_stages,
                               std::optional<int64_t> expire_time, int64_t now, AddedVersion* out) const {
  std::vector<std::string> stages = requested_stages.value_or(std::vector<std::string>{std::string(kStageCurrent)});

  bool names_previous = std::find(stages.begin(), stages.end(), kStagePrevious) != stages.end();
  SecretVersion v;
  CSMS_RETURN_IF_ERROR(SealVersion(*secret, value, kind, secret->last_version + 1, now, &v));
  CSMS_RETURN_IF_ERROR(CheckStageQuota(tx, *secret, stages, names_previous));
  if (expire_time && *expire_time > 0) {
    v.expire_time = expire_time;
    v.expiry = ArmExpiry(*expire_time, leads_ms_);
  } else {
    v.expiry.due_time.reset();
  }
  CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(v));
  for (const auto& st : stages) CSMS_RETURN_IF_ERROR(MoveStage(tx, *secret, st, v.number, now, names_previous));

  CSMS_RETURN_IF_ERROR(PurgeBeyondLimit(tx, *secret, v.number));

  secret->last_version = v.number;
  secret->update_time = std::max(now, secret->update_time);
  CSMS_RETURN_IF_ERROR(tx.secrets().Update(*secret));

  CSMS_RETURN_IF_ERROR(VersionCreated(tx, secret, v, now));
  out->version = std::move(v);
  return StagesOf(tx, secret->id, out->version.number, &out->stages);
}

Status SecretVault::InsertWithFirstVersion(Transaction& tx, Secret* secret, const std::string& value, ValueKind kind,
                                           int64_t now, AddedVersion* out) const {
  SecretVersion v;
  CSMS_RETURN_IF_ERROR(SealVersion(*secret, value, kind, 1, now, &v));
  v.expiry.due_time.reset();
  secret->last_version = v.number;
  secret->update_time = std::max(now, secret->update_time);
  Status inserted = tx.secrets().Insert(*secret);
  if (inserted.IsConflict()) return errors::SecretNameExists("a secret named " + secret->name + " already exists");
  CSMS_RETURN_IF_ERROR(inserted);
  CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(v));
  CSMS_RETURN_IF_ERROR(tx.secrets().PutStage(Stage{secret->id, std::string(kStageCurrent), v.number, now}));
  CSMS_RETURN_IF_ERROR(VersionCreated(tx, secret, v, now));
  out->version = std::move(v);
  out->stages = {std::string(kStageCurrent)};
  return Status::OK();
}

Status SecretVault::SealRestoredVersion(const Secret& secret, const std::string& value, SecretVersion* v) const {
  const crypto::MasterKey* key = keys_->Find(v->kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + v->kms_key_id + " of version v" + std::to_string(v->number) +
                                  " of secret " + secret.name + " is not configured on this server");
  }
  auto envelope = key->keyring.SealEnvelope(value, ValueAad(secret.project_id, secret, v->number));
  if (envelope.ciphertext.empty() || envelope.wrapped_key.empty()) {
    return errors::Internal("sealing the value of secret " + secret.name + " failed");
  }
  v->kms_key_id = key->id;
  v->wrapped_key = std::move(envelope.wrapped_key);
  v->ciphertext = std::move(envelope.ciphertext);
  return Status::OK();
}

Status SecretVault::Open(const Secret& secret, const SecretVersion& v, std::string* plaintext) const {
  const crypto::MasterKey* key = keys_->Find(v.kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + v.kms_key_id + " that sealed version v" + std::to_string(v.number) +
                                  " of secret " + secret.name + " is not configured on this server");
  }
  crypto::Keyring::Envelope e{v.wrapped_key, v.ciphertext};
  return key->keyring.OpenEnvelope(e, ValueAad(secret.project_id, secret, v.number), plaintext);
}

}  // namespace csms
