#include "service/secret_service.h"

#include <algorithm>
#include <set>

#include "common/errors.h"
#include "common/utf8.h"
#include "crypto/constant_time.h"
#include "crypto/random.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "service/db_secret_value.h"
#include "service/outbox.h"
#include "service/secret_checker_service.h"
#include "service/secret_checks.h"
#include "service/secret_read_cache.h"

namespace csms {
namespace {

constexpr std::string_view kKeyCheckText = "csms master key check v1";

}  // namespace

SecretService::SecretService(Store* store, const Clock* clock, const SecretVault* vault, SecretServiceOptions options)
    : store_(store), clock_(clock), vault_(vault), options_(std::move(options)) {}

void SecretService::Notify() const {
  if (options_.on_notifications) options_.on_notifications();
}

Status SecretService::VerifyMasterKeys() {
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    for (const auto& key : vault_->keys().keys()) {
      std::string key_id, sealed;
      Status s = tx.secrets().GetKeyCheck(key.alias, &key_id, &sealed);
      if (s.IsNotFound()) {
        std::string check = key.keyring.Seal(kKeyCheckText, key.id);
        if (check.empty()) return errors::Internal("master key " + key.alias + " cannot seal");
        s = tx.secrets().InsertKeyCheck(key.id, key.alias, check, now);
        if (s.IsConflict()) {
          return errors::Internal("master key " + key.alias + " (" + key.id +
                                  ") is already recorded in the database under another alias");
        }
        CSMS_RETURN_IF_ERROR(s);
        continue;
      }
      CSMS_RETURN_IF_ERROR(s);
      std::string text;
      if (key_id != key.id || !key.keyring.Open(sealed, key.id, &text).ok() || text != kKeyCheckText) {
        return errors::Internal("master key " + key.alias + " is " + key.id + " but the database was sealed with " +
                                key_id);
      }
    }
    return Status::OK();
  });
}

Status SecretService::CheckSubscriptions(Transaction& tx, const std::string& project_id,
                                         const std::vector<std::string>& names, std::optional<std::string>* out) {
  if (names.size() > 1) {
    return errors::InvalidParameter("invalid event_subscriptions: a secret subscribes to at most one event");
  }
  out->reset();
  if (names.empty()) return Status::OK();
  const std::string& event_name = names.front();
  CSMS_RETURN_IF_ERROR(validation::CheckName("event_subscriptions", event_name));
  Event event;
  Status s = tx.events().Get(project_id, event_name, &event);
  if (s.IsNotFound()) {
    return errors::SubscribedEventMissing("invalid event_subscriptions: event " + event_name + " does not exist");
  }
  CSMS_RETURN_IF_ERROR(s);
  *out = event_name;
  return Status::OK();
}

// ---- secrets ----------------------------------------------------------------------------------

// Everything about a new secret that needs no stored state; `key` is the master key it names.
Status SecretService::CheckCreate(const CreateSecretCommand& cmd, ValueKind* kind,
                                  const crypto::MasterKey** key) const {
  CSMS_RETURN_IF_ERROR(validation::CheckName("name", cmd.name));
  CSMS_RETURN_IF_ERROR(CheckSecretValue(cmd.secret_string, cmd.secret_binary, kind));
  CSMS_RETURN_IF_ERROR(CheckDescription(cmd.description));
  std::string type = cmd.secret_type.value_or(std::string(kSecretTypeCommon));
  if (!IsSupportedSecretType(type)) {
    return errors::InvalidParameter("invalid secret_type: must be COMMON, RDS-FG or GaussDB-FG");
  }
  CSMS_RETURN_IF_ERROR(CheckRotationPeriod(cmd.rotation_period));
  if (cmd.rotation_config && cmd.rotation_config->size() > limits::kMaxRotationConfigLength) {
    return errors::InvalidParameter("invalid rotation_config: must be at most 1024 characters");
  }
  if (type != kSecretTypeCommon && (!cmd.rotation_config || cmd.rotation_config->empty())) {
    return errors::InvalidParameter("missing required field rotation_config: required for secret_type " + type);
  }
  if (cmd.enterprise_project_id && (cmd.enterprise_project_id->empty() ||
                                    cmd.enterprise_project_id->size() > limits::kMaxEnterpriseProjectIdLength)) {
    return errors::InvalidParameter("invalid enterprise_project_id: must be 1 to 36 characters");
  }
  CSMS_RETURN_IF_ERROR(CheckRotationFunc(cmd.rotation_func_urn, false));
  if (cmd.auto_rotation.value_or(false) && !cmd.rotation_period) {
    return errors::InvalidParameter("missing required field rotation_period: required when auto_rotation is true");
  }
  *key = &vault_->keys().Default();
  if (cmd.kms_key_id) {
    *key = vault_->ResolveKey(*cmd.kms_key_id);
    if (!*key)
      return errors::KmsKeyUnusable("invalid kms_key_id: no KMS key " +
                                    std::string(utf8::Truncate(*cmd.kms_key_id, 64)) + " is configured");
  }
  return Status::OK();
}

Status SecretService::Create(const std::string& project_id, const CreateSecretCommand& cmd, Secret* out) {
  ValueKind kind;
  const crypto::MasterKey* key = nullptr;
  CSMS_RETURN_IF_ERROR(CheckCreate(cmd, &kind, &key));
  if (options_.strength && cmd.secret_string) {
    CSMS_RETURN_IF_ERROR(options_.strength->CheckNewValue(project_id, "secret_string", *cmd.secret_string, cmd.name));
  }
  int64_t now = clock_->NowMillis();
  const Secret initial = NewSecret(project_id, cmd, *key, now);
  if (initial.auto_rotation) CSMS_RETURN_IF_ERROR(CheckRotatable(initial));
  Secret secret;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    secret = initial;  // PostgreSQL may run this again after a serialization failure: start afresh
    return InsertSecret(tx, cmd, kind, now, &secret);
  }));
  Notify();
  *out = std::move(secret);
  return Status::OK();
}

Status SecretService::Get(const std::string& project_id, const std::string& name, Secret* out) {
  return store_->Read([&](Transaction& tx) { return vault_->Load(tx, project_id, name, out); });
}

Status SecretService::List(const std::string& project_id, const std::string& marker,
                           const std::optional<std::string>& event_name, int limit, Page<Secret>* out) {
  if (!marker.empty() && !validation::IsValidMarker(marker)) {
    return errors::InvalidParameter("invalid marker: must be the name of the last secret of the previous page");
  }
  if (event_name) CSMS_RETURN_IF_ERROR(validation::CheckName("event_name", *event_name));
  std::vector<Secret> secrets;
  secrets.reserve(limit + 1);
  CSMS_RETURN_IF_ERROR(store_->Read(
      [&](Transaction& tx) { return tx.secrets().List(project_id, marker, event_name, limit + 1, &secrets); }));
  bool more = static_cast<int>(secrets.size()) > limit;
  if (more) secrets.pop_back();
  out->previous_marker.reset();
  out->next_marker.reset();
  if (!secrets.empty()) out->previous_marker = secrets.front().name;
  if (more) out->next_marker = secrets.back().name;
  out->items = std::move(secrets);
  return Status::OK();
}

Status SecretService::Update(const std::string& project_id, const std::string& name, const UpdateSecretCommand& cmd,
                             Secret* out) {
  CSMS_RETURN_IF_ERROR(CheckDescription(cmd.description));
  CSMS_RETURN_IF_ERROR(CheckRotationPeriod(cmd.rotation_period));
  CSMS_RETURN_IF_ERROR(CheckRotationFunc(cmd.rotation_func_urn, true));
  const crypto::MasterKey* key = nullptr;
  if (cmd.kms_key_id) {
    if (cmd.kms_key_id->size() < 2 || cmd.kms_key_id->size() > limits::kMaxKmsKeyIdLength) {
      return errors::InvalidParameter("invalid kms_key_id: must be 2 to 64 characters");
    }
    key = vault_->ResolveKey(*cmd.kms_key_id);
    if (!key) return errors::KmsKeyUnusable("invalid kms_key_id: no KMS key " + *cmd.kms_key_id + " is configured");
  }
  int64_t now = clock_->NowMillis();
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    if (secret.state == SecretState::kPendingDelete) return PendingDelete(secret);
    bool reschedule = false;
    if (key) secret.kms_key_id = key->id;
    if (cmd.description) secret.description = cmd.description;
    if (cmd.rotation_func_urn) {  // "" removes the function: rotation makes a random value again
      secret.rotation_func_urn = cmd.rotation_func_urn->empty() ? std::nullopt : cmd.rotation_func_urn;
    }
    if (cmd.rotation_period) {
      reschedule = reschedule || secret.rotation_period != cmd.rotation_period;
      secret.rotation_period = cmd.rotation_period;
    }
    if (cmd.auto_rotation) {
      reschedule = reschedule || secret.auto_rotation != *cmd.auto_rotation;
      secret.auto_rotation = *cmd.auto_rotation;
    }
    if (secret.auto_rotation) {
      if (!secret.rotation_period) {
        return errors::InvalidParameter("missing required field rotation_period: required when auto_rotation is true");
      }
      CSMS_RETURN_IF_ERROR(CheckRotatable(secret));
    }
    if (reschedule) ScheduleNextRotation(&secret, now);
    if (cmd.event_subscriptions) {
      CSMS_RETURN_IF_ERROR(CheckSubscriptions(tx, project_id, *cmd.event_subscriptions, &secret.event_subscription));
    }
    secret.update_time = std::max(now, secret.update_time);
    CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
    *out = std::move(secret);
    return Status::OK();
  }));
  return Status::OK();
}

Status SecretService::Delete(const std::string& project_id, const std::string& name) {
  int64_t now = clock_->NowMillis();
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    notify_format::TriggerDetails d;
    d.deletion_type = "IMMEDIATE";
    CSMS_RETURN_IF_ERROR(EmitTrigger(tx, &secret, EventType::kDeleted, now, d));
    return tx.secrets().Delete(secret);
  }));
  Notify();
  return Status::OK();
}

// ---- versions ---------------------------------------------------------------------------------

Status SecretService::CreateVersion(const std::string& project_id, const std::string& name,
                                    const CreateVersionCommand& cmd, VersionView* out) {
  ValueKind kind;
  CSMS_RETURN_IF_ERROR(CheckSecretValue(cmd.secret_string, cmd.secret_binary, &kind));
  if (cmd.version_stages) CSMS_RETURN_IF_ERROR(CheckStageNames(*cmd.version_stages));
  if (cmd.expire_time) CSMS_RETURN_IF_ERROR(CheckExpireTime(*cmd.expire_time));
  if (options_.strength && cmd.secret_string) {
    CSMS_RETURN_IF_ERROR(options_.strength->CheckNewValue(project_id, "secret_string", *cmd.secret_string, name));
  }
  int64_t now = clock_->NowMillis();
  CSMS_RETURN_IF_ERROR(
      store_->Write([&](Transaction& tx) { return InsertVersion(tx, project_id, name, cmd, kind, now, out); }));
  Notify();
  return Status::OK();
}

Status SecretService::ListVersions(const std::string& project_id, const std::string& name, const std::string& marker,
                                   int limit, Page<VersionView>* out) {
  int64_t after = 0;
  if (!marker.empty()) {
    if (marker == "latest") {
      after = INT64_MAX;
    } else if (auto n = ParseVersionId(marker)) {
      after = *n;
    } else {
      return errors::InvalidParameter("invalid marker: must be a version id such as v3, or latest");
    }
  }
  std::vector<SecretVersion> versions;
  std::vector<Stage> stages;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret.id, &stages));
    return tx.secrets().ListVersions(secret.id, after, limit + 1, &versions);
  }));
  bool more = static_cast<int>(versions.size()) > limit;
  if (more) versions.pop_back();
  out->items.clear();
  out->previous_marker.reset();
  out->next_marker.reset();
  for (auto& v : versions) {
    VersionView view;
    view.secret_name = name;
    for (const auto& st : stages) {
      if (st.version_number == v.number) view.stages.push_back(st.name);
    }
    view.version = std::move(v);
    out->items.push_back(std::move(view));
  }
  if (!out->items.empty()) out->previous_marker = out->items.front().version.id();
  if (more) out->next_marker = out->items.back().version.id();
  return Status::OK();
}

Status SecretService::GetVersion(const std::string& project_id, const std::string& name, const std::string& version_id,
                                 VersionView* out) {
  std::optional<int64_t> number;
  if (version_id != "latest") {
    number = ParseVersionId(version_id);
    if (!number) return VersionNotFound(name, version_id);
  }
  Secret secret;
  SecretVersion v;
  SecretReadCache* cache = options_.read_cache;
  SecretReadCache::Ticket ticket;
  if (cache) ticket = cache->Before(project_id, name);  // before the snapshot (secret_read_cache.h)
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    Status s = tx.secrets().GetVersion(secret.id, number.value_or(secret.last_version), true, &v);
    if (s.IsNotFound()) return VersionNotFound(name, version_id);
    CSMS_RETURN_IF_ERROR(s);
    return vault_->StagesOf(tx, secret.id, v.number, &out->stages);
  }));
  std::string plaintext;
  CSMS_RETURN_IF_ERROR(vault_->Open(secret, v, &plaintext));
  v.wrapped_key.clear();
  v.ciphertext.clear();
  out->version = std::move(v);
  out->secret_name = secret.name;
  out->value = std::move(plaintext);
  if (cache && cache->enabled()) {
    // The kept copy's value is wiped when the cache lets it go.
    std::shared_ptr<const VersionView> kept(new VersionView(*out), [](VersionView* view) {
      if (view->value) crypto::Wipe(&*view->value);
      delete view;
    });
    cache->Remember(project_id, name, version_id, ticket, secret.id, std::move(kept));
  }
  return Status::OK();
}

bool SecretService::GetVersionCached(std::string_view project_id, std::string_view name, std::string_view version_id,
                                     std::shared_ptr<const VersionView>* out) {
  return options_.read_cache && options_.read_cache->Find(project_id, name, version_id, out);
}

Status SecretService::UpdateVersion(const std::string& project_id, const std::string& name,
                                    const std::string& version_id, int64_t expire_time, VersionView* out) {
  CSMS_RETURN_IF_ERROR(CheckExpireTime(expire_time));
  std::optional<int64_t> number;
  if (version_id != "latest") {
    number = ParseVersionId(version_id);
    if (!number) return VersionNotFound(name, version_id);
  }
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    SecretVersion v;
    Status s = tx.secrets().GetVersion(secret.id, number.value_or(secret.last_version), false, &v);
    if (s.IsNotFound()) return VersionNotFound(name, version_id);
    CSMS_RETURN_IF_ERROR(s);
    if (expire_time > 0) {
      v.expire_time = expire_time;
      v.expiry = ArmExpiry(expire_time, vault_->near_expiry_leads_ms());
    } else {
      v.expire_time.reset();
      v.expiry = ExpirySchedule{};
    }
    CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(secret.id, v.number, v.expire_time, v.expiry));
    out->version = std::move(v);
    out->secret_name = secret.name;
    out->value.reset();
    return vault_->StagesOf(tx, secret.id, out->version.number, &out->stages);
  }));
  return Status::OK();
}

// ---- stages -----------------------------------------------------------------------------------

Status SecretService::GetStage(const std::string& project_id, const std::string& name, const std::string& stage,
                               StageView* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    Status s = validation::IsValidName(stage) ? tx.secrets().GetStage(secret.id, stage, &out->stage)
                                              : Status(Status::Kind::kNotFound, "", "");
    if (s.IsNotFound()) return errors::ResourceNotFound("stage " + stage + " of secret " + name + " does not exist");
    out->secret_name = secret.name;
    return s;
  });
}

Status SecretService::UpdateStage(const std::string& project_id, const std::string& name, const std::string& stage,
                                  const std::string& version_id, StageView* out) {
  CSMS_RETURN_IF_ERROR(validation::CheckName("stage_name", stage));
  auto number = ParseVersionId(version_id);
  if (!number) return errors::InvalidParameter("invalid version_id: must be a version id such as v3");
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    SecretVersion v;
    Status s = tx.secrets().GetVersion(secret.id, *number, false, &v);
    if (s.IsNotFound()) return VersionNotFound(name, version_id);
    CSMS_RETURN_IF_ERROR(s);
    std::vector<Stage> stages;
    CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret.id, &stages));
    std::set<std::string> after;
    for (const auto& st : stages) {
      after.insert(st.name);
      // Moving SYSCURRENT off another version puts SYSPREVIOUS there.
      if (stage == kStageCurrent && st.name == kStageCurrent && st.version_number != *number) {
        after.insert(std::string(kStagePrevious));
      }
    }
    after.insert(stage);
    if (after.size() > limits::kMaxStagesPerSecret) {
      return errors::StageQuotaReached("secret " + name + " already carries the maximum of 12 stages");
    }
    CSMS_RETURN_IF_ERROR(vault_->MoveStage(tx, secret, stage, *number, now, false));
    CSMS_RETURN_IF_ERROR(tx.secrets().GetStage(secret.id, stage, &out->stage));
    out->secret_name = secret.name;
    return Status::OK();
  });
}

Status SecretService::DeleteStage(const std::string& project_id, const std::string& name, const std::string& stage) {
  if (stage == kStageCurrent || stage == kStagePrevious) {
    return errors::BuiltinStage("stage " + stage + " is built in and cannot be deleted");
  }
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    Status s = validation::IsValidName(stage) ? tx.secrets().DeleteStage(secret.id, stage)
                                              : Status(Status::Kind::kNotFound, "", "");
    if (s.IsNotFound()) return errors::ResourceNotFound("stage " + stage + " of secret " + name + " does not exist");
    return s;
  });
}

// ---- scheduled deletion -------------------------------------------------------------------------

Status SecretService::ScheduleDeletion(const std::string& project_id, const std::string& name,
                                       int64_t recovery_window_days, Secret* out) {
  if (recovery_window_days < limits::kMinRecoveryWindowDays || recovery_window_days > limits::kMaxRecoveryWindowDays) {
    return errors::InvalidParameter("invalid recovery_window_in_days: must be an integer from 7 to 30");
  }
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    if (secret.state == SecretState::kPendingDelete) {
      return errors::AlreadyScheduled("secret " + name + " is already scheduled for deletion");
    }
    secret.state = SecretState::kPendingDelete;
    secret.scheduled_delete_time = now + recovery_window_days * limits::kMillisPerDay;
    secret.next_rotation_time.reset();
    secret.update_time = std::max(now, secret.update_time);
    CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
    *out = std::move(secret);
    return Status::OK();
  });
}

Status SecretService::Restore(const std::string& project_id, const std::string& name, Secret* out) {
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
    if (secret.state != SecretState::kPendingDelete) {
      return errors::NotScheduled("secret " + name + " is not scheduled for deletion");
    }
    secret.state = SecretState::kEnabled;
    secret.scheduled_delete_time.reset();
    ScheduleNextRotation(&secret, now);
    secret.update_time = std::max(now, secret.update_time);
    CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
    *out = std::move(secret);
    return Status::OK();
  });
}

}  // namespace csms
