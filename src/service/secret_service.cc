#include "service/secret_service.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <set>

#include "common/errors.h"
#include "crypto/random.h"
#include "crypto/random_password.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "json/reader.h"
#include "json/writer.h"
#include "service/outbox.h"

namespace csms {
namespace {

constexpr std::string_view kKeyCheckText = "csms master key check v1";
constexpr const char* kManualRotation = "MANUAL_ROTATION";
constexpr const char* kAutoRotation = "AUTO_ROTATION";

Status SecretNotFound(const std::string& name) {
  return errors::SecretNotFound("secret " + name + " does not exist");
}

Status VersionNotFound(const std::string& secret, const std::string& version) {
  return errors::ResourceNotFound("version " + version + " of secret " + secret + " does not exist");
}

Status PendingDelete(const Secret& s) {
  return errors::SecretPendingDelete("secret " + s.name + " is scheduled for deletion; restore it first");
}

// Operations on values and stages need an ENABLED secret (spec §7).
Status RequireEnabled(const Secret& s) {
  if (s.state == SecretState::kPendingDelete) return PendingDelete(s);
  if (s.state != SecretState::kEnabled) {
    return errors::SecretNotEnabled("secret " + s.name + " is " + std::string(SecretStateName(s.state)) +
                                    ", not ENABLED");
  }
  return Status::OK();
}

// Binds a sealed value to its row: moving the ciphertext to another secret or version fails to open.
std::string ValueAad(const std::string& project_id, const Secret& s, int64_t number) {
  return "csms value v1\n" + project_id + "\n" + s.id + "\n" + s.name + "\nv" + std::to_string(number);
}

bool IsRotationUrl(const Secret& s) {
  return s.rotation_func_urn && validation::IsHttpUrl(*s.rotation_func_urn);
}

Status CheckRotatable(const Secret& s) {
  if (s.secret_type != kSecretTypeCommon) {
    return errors::RotationUnsupported("rotation of " + s.secret_type +
                                       " secrets is not supported by this server; only COMMON secrets rotate");
  }
  return Status::OK();
}

Status CheckDescription(const std::optional<std::string>& d) {
  if (d && d->size() > limits::kMaxDescriptionBytes) {
    return errors::InvalidParameter("invalid description: must be at most 2048 bytes");
  }
  return Status::OK();
}

Status CheckRotationPeriod(const std::optional<std::string>& p) {
  if (p && !secret_rules::ParseRotationPeriod(*p)) {
    return errors::InvalidParameter(
        "invalid rotation_period: must be <integer><d|h|m|s> between 6h and 365d (8760h), e.g. 30d");
  }
  return Status::OK();
}

Status CheckRotationFunc(const std::optional<std::string>& urn) {
  if (!urn) return Status::OK();
  bool ok = !urn->empty() && urn->size() <= limits::kMaxRotationFuncUrnLength &&
            (validation::IsHttpUrl(*urn) ||
             (urn->rfind("urn:", 0) == 0 &&
              std::all_of(urn->begin(), urn->end(), [](char c) { return c > 0x20 && c < 0x7f; })));
  if (!ok) {
    return errors::InvalidParameter(
        "invalid rotation_func_urn: must be a FunctionGraph URN (urn:fss:...) or an http(s) URL of at most 2048 bytes");
  }
  return Status::OK();
}

Status CheckStageNames(const std::vector<std::string>& stages) {
  if (stages.empty()) return errors::InvalidParameter("invalid version_stages: must hold 1 to 12 stage names");
  if (stages.size() > limits::kMaxStagesPerSecret) {
    return errors::StagesExceedQuota("invalid version_stages: at most 12 stages are allowed");
  }
  std::set<std::string> seen;
  for (const auto& s : stages) {
    CSMS_RETURN_IF_ERROR(validation::CheckName("version_stages", s));
    if (!seen.insert(s).second) return errors::InvalidParameter("invalid version_stages: duplicate stage " + s);
  }
  return Status::OK();
}

Status CheckExpireTime(int64_t t) {
  if (t < 0 || t > limits::kMaxExpireTime) {
    return errors::InvalidParameter("invalid expire_time: must be epoch milliseconds from 0 to 9999999999999");
  }
  return Status::OK();
}

// The request a rotation function receives: metadata only, never a value.
std::string RotationRequest(const Secret& s, const RotationTask& t) {
  json::Writer w;
  w.StartObject();
  w.Field("action", "rotate");
  w.Field("task_id", t.task_id);
  w.Field("project_id", s.project_id);
  w.Field("secret_id", s.id);
  w.Field("secret_name", s.name);
  w.Field("secret_type", s.secret_type);
  w.Field("current_version_id", "v" + std::to_string(s.last_version));
  w.Field("attempt", static_cast<int64_t>(t.attempt_nums));
  w.EndObject();
  return w.Take();
}

RotationTask NewTask(const Secret& s, const char* operate_type, int64_t now) {
  RotationTask t;
  t.task_id = crypto::NewUuid();
  t.project_id = s.project_id;
  t.secret_id = s.id;
  t.secret_name = s.name;
  t.rotation_func_urn = s.rotation_func_urn.value_or("");
  t.operate_type = operate_type;
  t.task_time = now;
  return t;
}

// A rotation function answers {"secret_string": "..."} or {"secret_binary": "<base64>"}.
Status ParseRotationResponse(const std::string& body, std::string* value, ValueKind* kind) {
  rapidjson::Document doc;
  Status s = json::ParseObject(body, &doc);
  if (!s.ok()) return Status(Status::Kind::kFailedPrecondition, "CSMS.0806", "rotation function response: " + s.message());
  json::ObjectReader r(doc);
  std::optional<std::string> str, bin;
  s = r.OptionalString("secret_string", &str);
  if (s.ok()) s = r.OptionalString("secret_binary", &bin);
  if (s.ok()) s = secret_rules::CheckValue(str, bin, kind);
  if (!s.ok()) return Status(Status::Kind::kFailedPrecondition, "CSMS.0806", "rotation function response: " + s.message());
  *value = str ? *str : *bin;
  return Status::OK();
}

}  // namespace

SecretService::SecretService(Store* store, const Clock* clock, const crypto::KeyStore* keys,
                             SecretServiceOptions options)
    : store_(store), clock_(clock), keys_(keys), options_(std::move(options)) {
  auto& leads = options_.near_expiry_leads_ms;
  std::sort(leads.begin(), leads.end(), std::greater<>());
  leads.erase(std::unique(leads.begin(), leads.end()), leads.end());
  leads.erase(std::remove_if(leads.begin(), leads.end(), [](int64_t l) { return l <= 0; }), leads.end());
}

void SecretService::Notify(bool notifications, bool tasks) const {
  if (notifications && options_.on_notifications) options_.on_notifications();
  if (tasks && options_.on_rotation_task) options_.on_rotation_task();
}

Status SecretService::VerifyMasterKeys() {
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    for (const auto& key : keys_->keys()) {
      std::string key_id, sealed;
      Status s = tx.secrets().GetKeyCheck(key.alias, &key_id, &sealed);
      if (s.IsNotFound()) {
        s = tx.secrets().InsertKeyCheck(key.id, key.alias, key.keyring.Seal(kKeyCheckText, key.id), now);
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

const crypto::MasterKey* SecretService::ResolveKey(const std::string& id_or_alias) const {
  return keys_->Find(id_or_alias);
}

Status SecretService::LoadSecret(Transaction& tx, const std::string& project_id, const std::string& name,
                                 Secret* out) {
  if (!validation::IsValidName(name)) return SecretNotFound(name);
  Status s = tx.secrets().Get(project_id, name, out);
  return s.IsNotFound() ? SecretNotFound(name) : s;
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

void SecretService::ScheduleNextRotation(Secret* secret, int64_t now) const {
  secret->next_rotation_time.reset();
  if (!secret->auto_rotation || secret->state != SecretState::kEnabled || !secret->rotation_period) return;
  if (auto period = secret_rules::ParseRotationPeriod(*secret->rotation_period)) secret->next_rotation_time = now + *period;
}

Status SecretService::StagesOf(Transaction& tx, const std::string& secret_id, int64_t number,
                               std::vector<std::string>* out) {
  std::vector<Stage> stages;
  CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret_id, &stages));
  out->clear();
  for (const auto& st : stages) {
    if (st.version_number == number) out->push_back(st.name);
  }
  return Status::OK();
}

Status SecretService::MoveStage(Transaction& tx, const Secret& secret, const std::string& stage, int64_t number,
                                int64_t now, bool keep_previous) {
  if (stage == kStageCurrent && !keep_previous) {
    Stage current;
    Status s = tx.secrets().GetStage(secret.id, std::string(kStageCurrent), &current);
    if (s.ok() && current.version_number != number) {
      CSMS_RETURN_IF_ERROR(tx.secrets().PutStage(Stage{secret.id, std::string(kStagePrevious), current.version_number, now}));
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

Status SecretService::AddVersion(Transaction& tx, Secret* secret, const std::string& value, ValueKind kind,
                                 const std::optional<std::vector<std::string>>& requested_stages,
                                 std::optional<int64_t> expire_time, int64_t now, AddedVersion* out) {
  const crypto::MasterKey* key = ResolveKey(secret->kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + secret->kms_key_id + " of secret " + secret->name +
                                  " is not configured on this server");
  }
  std::vector<std::string> stages = requested_stages.value_or(std::vector<std::string>{std::string(kStageCurrent)});

  // Stage quota: the stages the secret will carry once the new ones are placed.
  std::vector<Stage> existing;
  CSMS_RETURN_IF_ERROR(tx.secrets().ListStages(secret->id, &existing));
  std::set<std::string> after;
  for (const auto& st : existing) after.insert(st.name);
  for (const auto& st : stages) after.insert(st);
  bool moves_current = std::find(stages.begin(), stages.end(), kStageCurrent) != stages.end();
  bool names_previous = std::find(stages.begin(), stages.end(), kStagePrevious) != stages.end();
  bool had_current = std::any_of(existing.begin(), existing.end(), [](const Stage& s) { return s.name == kStageCurrent; });
  if (moves_current && !names_previous && had_current) after.insert(std::string(kStagePrevious));
  if (after.size() > limits::kMaxStagesPerSecret) {
    return errors::StageQuotaReached("secret " + secret->name + " would carry " + std::to_string(after.size()) +
                                     " stages; at most 12 are allowed");
  }

  SecretVersion v;
  v.secret_id = secret->id;
  v.number = secret->last_version + 1;
  v.create_time = now;
  v.kms_key_id = key->id;
  v.kind = kind;
  auto envelope = key->keyring.SealEnvelope(value, ValueAad(secret->project_id, *secret, v.number));
  if (envelope.ciphertext.empty() || envelope.wrapped_key.empty()) {
    return errors::Internal("sealing the value of secret " + secret->name + " failed");
  }
  v.wrapped_key = std::move(envelope.wrapped_key);
  v.ciphertext = std::move(envelope.ciphertext);
  if (expire_time && *expire_time > 0) {
    v.expire_time = expire_time;
    v.expiry = secret_rules::ArmExpiry(*expire_time, options_.near_expiry_leads_ms);
  } else {
    v.expiry.due_time.reset();
  }
  CSMS_RETURN_IF_ERROR(tx.secrets().InsertVersion(v));
  for (const auto& st : stages) CSMS_RETURN_IF_ERROR(MoveStage(tx, *secret, st, v.number, now, names_previous));

  int64_t count = 0;
  CSMS_RETURN_IF_ERROR(tx.secrets().CountVersions(secret->id, &count));
  while (count > limits::kMaxVersionsPerSecret) {
    int64_t oldest = 0;
    Status s = tx.secrets().OldestUnstagedVersion(secret->id, v.number, &oldest);
    if (s.IsNotFound()) {
      return errors::VersionQuotaReached("secret " + secret->name +
                                         " has 20 versions and each carries a stage; remove a stage first");
    }
    CSMS_RETURN_IF_ERROR(s);
    CSMS_RETURN_IF_ERROR(tx.secrets().DeleteVersion(secret->id, oldest));
    --count;
  }

  secret->last_version = v.number;
  secret->update_time = std::max(now, secret->update_time);
  CSMS_RETURN_IF_ERROR(tx.secrets().Update(*secret));

  notify_format::TriggerDetails d;
  d.version_id = v.id();
  d.version_create_time = v.create_time;
  d.version_expire_time = v.expire_time;
  CSMS_RETURN_IF_ERROR(EmitTrigger(tx, secret, EventType::kVersionCreated, now, d));

  v.wrapped_key.clear();
  v.ciphertext.clear();
  out->version = std::move(v);
  return StagesOf(tx, secret->id, out->version.number, &out->stages);
}

Status SecretService::Open(const Secret& secret, const SecretVersion& v, std::string* plaintext) const {
  const crypto::MasterKey* key = keys_->Find(v.kms_key_id);
  if (!key) {
    return errors::KmsKeyUnusable("the KMS key " + v.kms_key_id + " that sealed version v" + std::to_string(v.number) +
                                  " of secret " + secret.name + " is not configured on this server");
  }
  crypto::Keyring::Envelope e{v.wrapped_key, v.ciphertext};
  return key->keyring.OpenEnvelope(e, ValueAad(secret.project_id, secret, v.number), plaintext);
}

// ---- secrets ----------------------------------------------------------------------------------

Status SecretService::Create(const std::string& project_id, const CreateSecretCommand& cmd, Secret* out) {
  CSMS_RETURN_IF_ERROR(validation::CheckName("name", cmd.name));
  ValueKind kind;
  CSMS_RETURN_IF_ERROR(secret_rules::CheckValue(cmd.secret_string, cmd.secret_binary, &kind));
  CSMS_RETURN_IF_ERROR(CheckDescription(cmd.description));
  std::string type = cmd.secret_type.value_or(std::string(kSecretTypeCommon));
  if (!secret_rules::IsSupportedSecretType(type)) {
    return errors::InvalidParameter("invalid secret_type: must be COMMON, RDS-FG or GaussDB-FG");
  }
  CSMS_RETURN_IF_ERROR(CheckRotationPeriod(cmd.rotation_period));
  if (cmd.rotation_config && cmd.rotation_config->size() > limits::kMaxRotationConfigLength) {
    return errors::InvalidParameter("invalid rotation_config: must be at most 1024 characters");
  }
  if (type != kSecretTypeCommon && (!cmd.rotation_config || cmd.rotation_config->empty())) {
    return errors::InvalidParameter("missing required field rotation_config: required for secret_type " + type);
  }
  if (cmd.enterprise_project_id &&
      (cmd.enterprise_project_id->empty() || cmd.enterprise_project_id->size() > limits::kMaxEnterpriseProjectIdLength)) {
    return errors::InvalidParameter("invalid enterprise_project_id: must be 1 to 36 characters");
  }
  CSMS_RETURN_IF_ERROR(CheckRotationFunc(cmd.rotation_func_urn));
  bool auto_rotation = cmd.auto_rotation.value_or(false);
  if (auto_rotation && !cmd.rotation_period) {
    return errors::InvalidParameter("missing required field rotation_period: required when auto_rotation is true");
  }
  const crypto::MasterKey* key = &keys_->Default();
  if (cmd.kms_key_id) {
    key = ResolveKey(*cmd.kms_key_id);
    if (!key) return errors::KmsKeyUnusable("invalid kms_key_id: no KMS key " + cmd.kms_key_id->substr(0, 64) + " is configured");
  }

  int64_t now = clock_->NowMillis();
  Secret secret;
  secret.project_id = project_id;
  secret.id = crypto::NewUuid();
  secret.name = cmd.name;
  secret.kms_key_id = key->id;
  secret.description = cmd.description;
  secret.create_time = secret.update_time = now;
  secret.secret_type = type;
  secret.auto_rotation = auto_rotation;
  secret.rotation_period = cmd.rotation_period;
  secret.rotation_config = cmd.rotation_config;
  secret.enterprise_project_id = cmd.enterprise_project_id.value_or("0");
  secret.rotation_func_urn = cmd.rotation_func_urn;
  if (auto_rotation) CSMS_RETURN_IF_ERROR(CheckRotatable(secret));
  ScheduleNextRotation(&secret, now);
  const std::string& value = cmd.secret_string ? *cmd.secret_string : *cmd.secret_binary;

  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret existing;
    Status s = tx.secrets().Get(project_id, cmd.name, &existing);
    if (s.ok()) return errors::SecretNameExists("a secret named " + cmd.name + " already exists");
    if (!s.IsNotFound()) return s;
    int64_t count = 0;
    CSMS_RETURN_IF_ERROR(tx.secrets().Count(project_id, &count));
    if (count >= options_.secret_quota) {
      return errors::SecretQuotaReached("the project already has the maximum of " +
                                        std::to_string(options_.secret_quota) + " secrets");
    }
    CSMS_RETURN_IF_ERROR(CheckSubscriptions(tx, project_id, cmd.event_subscriptions, &secret.event_subscription));
    s = tx.secrets().Insert(secret);
    if (s.IsConflict()) return errors::SecretNameExists("a secret named " + cmd.name + " already exists");
    CSMS_RETURN_IF_ERROR(s);
    AddedVersion added;
    return AddVersion(tx, &secret, value, kind, std::nullopt, std::nullopt, now, &added);
  }));
  Notify(true, false);
  *out = std::move(secret);
  return Status::OK();
}

Status SecretService::Get(const std::string& project_id, const std::string& name, Secret* out) {
  return store_->Read([&](Transaction& tx) { return LoadSecret(tx, project_id, name, out); });
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
  CSMS_RETURN_IF_ERROR(CheckRotationFunc(cmd.rotation_func_urn));
  const crypto::MasterKey* key = nullptr;
  if (cmd.kms_key_id) {
    if (cmd.kms_key_id->size() < 2 || cmd.kms_key_id->size() > limits::kMaxKmsKeyIdLength) {
      return errors::InvalidParameter("invalid kms_key_id: must be 2 to 64 characters");
    }
    key = ResolveKey(*cmd.kms_key_id);
    if (!key) return errors::KmsKeyUnusable("invalid kms_key_id: no KMS key " + *cmd.kms_key_id + " is configured");
  }
  int64_t now = clock_->NowMillis();
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    if (secret.state == SecretState::kPendingDelete) return PendingDelete(secret);
    bool reschedule = false;
    if (key) secret.kms_key_id = key->id;
    if (cmd.description) secret.description = cmd.description;
    if (cmd.rotation_func_urn) secret.rotation_func_urn = cmd.rotation_func_urn;
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
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    notify_format::TriggerDetails d;
    d.deletion_type = "IMMEDIATE";
    CSMS_RETURN_IF_ERROR(EmitTrigger(tx, &secret, EventType::kDeleted, now, d));
    return tx.secrets().Delete(secret);
  }));
  Notify(true, false);
  return Status::OK();
}

// ---- versions ---------------------------------------------------------------------------------

Status SecretService::CreateVersion(const std::string& project_id, const std::string& name,
                                    const CreateVersionCommand& cmd, VersionView* out) {
  ValueKind kind;
  CSMS_RETURN_IF_ERROR(secret_rules::CheckValue(cmd.secret_string, cmd.secret_binary, &kind));
  if (cmd.version_stages) CSMS_RETURN_IF_ERROR(CheckStageNames(*cmd.version_stages));
  if (cmd.expire_time) CSMS_RETURN_IF_ERROR(CheckExpireTime(*cmd.expire_time));
  const std::string& value = cmd.secret_string ? *cmd.secret_string : *cmd.secret_binary;
  int64_t now = clock_->NowMillis();
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    AddedVersion added;
    CSMS_RETURN_IF_ERROR(AddVersion(tx, &secret, value, kind, cmd.version_stages, cmd.expire_time, now, &added));
    out->version = std::move(added.version);
    out->stages = std::move(added.stages);
    out->secret_name = secret.name;
    out->value.reset();
    return Status::OK();
  }));
  Notify(true, false);
  return Status::OK();
}

Status SecretService::ListVersions(const std::string& project_id, const std::string& name, const std::string& marker,
                                   int limit, Page<VersionView>* out) {
  int64_t after = 0;
  if (!marker.empty()) {
    if (marker == "latest") {
      after = INT64_MAX;
    } else if (auto n = secret_rules::ParseVersionId(marker)) {
      after = *n;
    } else {
      return errors::InvalidParameter("invalid marker: must be a version id such as v3, or latest");
    }
  }
  std::vector<SecretVersion> versions;
  std::vector<Stage> stages;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
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
    number = secret_rules::ParseVersionId(version_id);
    if (!number) return VersionNotFound(name, version_id);
  }
  Secret secret;
  SecretVersion v;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    Status s = tx.secrets().GetVersion(secret.id, number.value_or(secret.last_version), true, &v);
    if (s.IsNotFound()) return VersionNotFound(name, version_id);
    CSMS_RETURN_IF_ERROR(s);
    return StagesOf(tx, secret.id, v.number, &out->stages);
  }));
  std::string plaintext;
  CSMS_RETURN_IF_ERROR(Open(secret, v, &plaintext));
  v.wrapped_key.clear();
  v.ciphertext.clear();
  out->version = std::move(v);
  out->secret_name = secret.name;
  out->value = std::move(plaintext);
  return Status::OK();
}

Status SecretService::UpdateVersion(const std::string& project_id, const std::string& name,
                                    const std::string& version_id, int64_t expire_time, VersionView* out) {
  CSMS_RETURN_IF_ERROR(CheckExpireTime(expire_time));
  std::optional<int64_t> number;
  if (version_id != "latest") {
    number = secret_rules::ParseVersionId(version_id);
    if (!number) return VersionNotFound(name, version_id);
  }
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    SecretVersion v;
    Status s = tx.secrets().GetVersion(secret.id, number.value_or(secret.last_version), false, &v);
    if (s.IsNotFound()) return VersionNotFound(name, version_id);
    CSMS_RETURN_IF_ERROR(s);
    if (expire_time > 0) {
      v.expire_time = expire_time;
      v.expiry = secret_rules::ArmExpiry(expire_time, options_.near_expiry_leads_ms);
    } else {
      v.expire_time.reset();
      v.expiry = ExpirySchedule{};
    }
    CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(secret.id, v.number, v.expire_time, v.expiry));
    out->version = std::move(v);
    out->secret_name = secret.name;
    out->value.reset();
    return StagesOf(tx, secret.id, out->version.number, &out->stages);
  }));
  return Status::OK();
}

// ---- stages -----------------------------------------------------------------------------------

Status SecretService::GetStage(const std::string& project_id, const std::string& name, const std::string& stage,
                               StageView* out) {
  return store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
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
  auto number = secret_rules::ParseVersionId(version_id);
  if (!number) return errors::InvalidParameter("invalid version_id: must be a version id such as v3");
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
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
    CSMS_RETURN_IF_ERROR(MoveStage(tx, secret, stage, *number, now, false));
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
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    Status s = validation::IsValidName(stage) ? tx.secrets().DeleteStage(secret.id, stage)
                                              : Status(Status::Kind::kNotFound, "", "");
    if (s.IsNotFound()) return errors::ResourceNotFound("stage " + stage + " of secret " + name + " does not exist");
    return s;
  });
}

// ---- rotation ---------------------------------------------------------------------------------

Status SecretService::FinishRotation(Transaction& tx, Secret* secret, RotationTask* task, const std::string& value,
                                     ValueKind kind, int64_t now) {
  AddedVersion added;
  CSMS_RETURN_IF_ERROR(AddVersion(tx, secret, value, kind, std::nullopt, std::nullopt, now, &added));
  secret->rotation_time = now;
  if (secret->auto_rotation) ScheduleNextRotation(secret, now);
  CSMS_RETURN_IF_ERROR(tx.secrets().Update(*secret));
  task->status = TaskStatus::kSuccess;
  task->due_time.reset();
  task->version_id = added.version.id();
  task->error_code.clear();
  task->error_msg.clear();
  notify_format::TriggerDetails d;
  d.version_id = added.version.id();
  d.version_create_time = added.version.create_time;
  d.task_id = task->task_id;
  return EmitTrigger(tx, secret, EventType::kRotated, now, d);
}

Status SecretService::FailRotation(Transaction& tx, Secret* secret, RotationTask* task, const Status& why,
                                   int64_t now) {
  task->status = TaskStatus::kFailed;
  task->due_time.reset();
  task->error_code = why.code().empty() ? "CSMS.0806" : why.code();
  task->error_msg = why.message().substr(0, 512);
  notify_format::TriggerDetails d;
  d.task_id = task->task_id;
  d.error_code = task->error_code;
  d.error_msg = task->error_msg;
  return EmitTrigger(tx, secret, EventType::kRotatedFailed, now, d);
}

// A rotation that failed inside its own transaction (rolled back) is recorded in a second one.
Status SecretService::RecordFailedRotation(const std::string& secret_id, RotationTask task, const Status& why) {
  int64_t now = clock_->NowMillis();
  Status s = store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    Status st = tx.secrets().GetById(secret_id, &secret);
    if (st.ok()) CSMS_RETURN_IF_ERROR(FailRotation(tx, &secret, &task, why, now));
    else if (st.IsNotFound()) {
      task.status = TaskStatus::kFailed;
      task.due_time.reset();
      task.error_code = why.code();
      task.error_msg = why.message().substr(0, 512);
    } else {
      return st;
    }
    RotationTask existing;
    Status found = tx.tasks().Get(task.project_id, task.task_id, &existing);
    if (found.IsNotFound()) return tx.tasks().Insert(task);
    CSMS_RETURN_IF_ERROR(found);
    return tx.tasks().Update(task);
  });
  Notify(true, false);
  return s;
}

Status SecretService::RotateInline(const std::string& project_id, const std::string& name,
                                   const std::string& operate_type, RotateResult* out) {
  crypto::PasswordPolicy policy;  // GenerateRandomPassword's defaults: 32 characters of all classes
  std::optional<std::string> value = crypto::GenerateRandomPassword(policy);
  if (!value) return errors::Internal("generating a random value failed");
  int64_t now = clock_->NowMillis();
  RotationTask task;
  std::string secret_id;
  Status s = store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    CSMS_RETURN_IF_ERROR(CheckRotatable(secret));
    secret_id = secret.id;
    task = NewTask(secret, operate_type.c_str(), now);
    task.attempt_nums = 1;
    CSMS_RETURN_IF_ERROR(FinishRotation(tx, &secret, &task, *value, ValueKind::kString, now));
    return tx.tasks().Insert(task);
  });
  if (!s.ok() && !secret_id.empty() && s.kind() != Status::Kind::kUnavailable) {
    // The secret exists and is rotatable, but the rotation itself failed: keep the failure on record.
    RecordFailedRotation(secret_id, task, s);
    return s;
  }
  CSMS_RETURN_IF_ERROR(s);
  Notify(true, false);
  out->task_id = task.task_id;
  out->secret_name = name;
  out->version_id = task.version_id;
  return Status::OK();
}

Status SecretService::Rotate(const std::string& project_id, const std::string& name, RotateResult* out) {
  bool async = false;
  CSMS_RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    CSMS_RETURN_IF_ERROR(CheckRotatable(secret));
    async = IsRotationUrl(secret);
    return Status::OK();
  }));
  if (!async) return RotateInline(project_id, name, kManualRotation, out);

  // A rotation function is called by the rotation worker, outside any request: queue a task.
  int64_t now = clock_->NowMillis();
  RotationTask task;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    task = NewTask(secret, kManualRotation, now);
    task.due_time = now;
    return tx.tasks().Insert(task);
  }));
  Notify(false, true);
  out->task_id = task.task_id;
  out->secret_name = name;
  out->version_id.reset();
  return Status::OK();
}

Status SecretService::RunRotationTasks(int64_t now, int limit, int* done) {
  *done = 0;
  std::vector<RotationTask> claimed;
  std::vector<RotationTask> exhausted;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    std::vector<RotationTask> due;
    CSMS_RETURN_IF_ERROR(tx.tasks().DueRunning(now, limit, &due));
    for (auto& t : due) {
      if (t.attempt_nums >= options_.rotation_max_attempts) {
        exhausted.push_back(t);
        continue;
      }
      ++t.attempt_nums;
      t.due_time = now + options_.rotation_lease_ms;  // the lease: a crash mid-call retries after it
      CSMS_RETURN_IF_ERROR(tx.tasks().Update(t));
      claimed.push_back(t);
    }
    return Status::OK();
  }));
  for (auto& t : exhausted) {
    RecordFailedRotation(t.secret_id, t,
                         Status(Status::Kind::kFailedPrecondition, "CSMS.0806",
                                "rotation abandoned after " + std::to_string(t.attempt_nums) + " interrupted attempts"));
    ++*done;
  }
  for (auto& t : claimed) {
    Secret secret;
    Status s = store_->Read([&](Transaction& tx) { return tx.secrets().GetById(t.secret_id, &secret); });
    if (s.IsNotFound()) {
      RecordFailedRotation(t.secret_id, t, Status(Status::Kind::kNotFound, "CSMS.0005", "the secret was deleted"));
      ++*done;
      continue;
    }
    CSMS_RETURN_IF_ERROR(s);
    Status why;
    std::string value;
    ValueKind kind = ValueKind::kString;
    if (secret.state != SecretState::kEnabled) {
      why = PendingDelete(secret);
    } else if (!IsRotationUrl(secret)) {
      why = Status(Status::Kind::kFailedPrecondition, "CSMS.0806", "the secret no longer has an http(s) rotation_func_urn");
    } else if (!options_.call_rotation_function) {
      why = Status(Status::Kind::kFailedPrecondition, "CSMS.0806", "rotation functions are not enabled on this server");
    } else {
      std::string response;
      why = options_.call_rotation_function(*secret.rotation_func_urn, RotationRequest(secret, t), &response);
      if (why.ok()) why = ParseRotationResponse(response, &value, &kind);
    }
    if (!why.ok()) {
      RecordFailedRotation(t.secret_id, t, why);
      ++*done;
      continue;
    }
    int64_t finished = clock_->NowMillis();
    s = store_->Write([&](Transaction& tx) -> Status {
      Secret current;
      CSMS_RETURN_IF_ERROR(tx.secrets().GetById(t.secret_id, &current));
      CSMS_RETURN_IF_ERROR(RequireEnabled(current));
      RotationTask task = t;
      CSMS_RETURN_IF_ERROR(FinishRotation(tx, &current, &task, value, kind, finished));
      return tx.tasks().Update(task);
    });
    if (!s.ok()) RecordFailedRotation(t.secret_id, t, s);
    Notify(true, false);
    ++*done;
  }
  return Status::OK();
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
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
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
    CSMS_RETURN_IF_ERROR(LoadSecret(tx, project_id, name, &secret));
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

// ---- tasks ------------------------------------------------------------------------------------

Status SecretService::ListTasks(const std::string& project_id, const TaskListRequest& req, TaskListResult* out) {
  out->tasks.clear();
  out->next_marker.reset();
  out->total = 0;
  if (req.task_id) {
    if (req.secret_name || req.status || req.marker) {
      return errors::InvalidParameter("invalid task_id: cannot be combined with other query parameters");
    }
    return store_->Read([&](Transaction& tx) -> Status {
      RotationTask t;
      Status s = tx.tasks().Get(project_id, *req.task_id, &t);
      if (s.IsNotFound()) return Status::OK();
      CSMS_RETURN_IF_ERROR(s);
      out->tasks.push_back(std::move(t));
      out->total = 1;
      return Status::OK();
    });
  }
  if (req.secret_name) CSMS_RETURN_IF_ERROR(validation::CheckName("secret_name", *req.secret_name));
  TaskQuery q;
  q.project_id = project_id;
  q.secret_name = req.secret_name;
  q.status = req.status;
  q.limit = req.limit + 1;
  return store_->Read([&](Transaction& tx) -> Status {
    if (req.marker) {
      RotationTask last;
      Status s = tx.tasks().Get(project_id, *req.marker, &last);
      if (s.IsNotFound()) return errors::InvalidTaskMarker("invalid marker: no task " + req.marker->substr(0, 64));
      CSMS_RETURN_IF_ERROR(s);
      q.before_time = last.task_time;
      q.before_id = last.task_id;
    }
    CSMS_RETURN_IF_ERROR(tx.tasks().Count(q, &out->total));
    CSMS_RETURN_IF_ERROR(tx.tasks().List(q, &out->tasks));
    if (static_cast<int>(out->tasks.size()) > req.limit) {
      out->tasks.pop_back();
      out->next_marker = out->tasks.back().task_id;
    }
    return Status::OK();
  });
}

// ---- scheduler work ---------------------------------------------------------------------------

Status SecretService::RunDueExpiries(int64_t now, int limit, int* done) {
  *done = 0;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    std::vector<SecretVersion> due;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueVersions(now, limit, &due));
    *done = static_cast<int>(due.size());
    std::string cached_id;
    Secret secret;
    for (const auto& v : due) {
      if (v.secret_id != cached_id) {
        CSMS_RETURN_IF_ERROR(tx.secrets().GetById(v.secret_id, &secret));
        cached_id = v.secret_id;
      }
      if (!v.expire_time) {  // cannot happen: a version without expiry has no due_time
        CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(v.secret_id, v.number, v.expire_time, ExpirySchedule{}));
        continue;
      }
      auto step = secret_rules::AdvanceExpiry(now, *v.expire_time, v.expiry, options_.near_expiry_leads_ms);
      if (step.kind != secret_rules::ExpiryStep::kNothing) {
        notify_format::TriggerDetails d;
        d.version_id = v.id();
        d.version_create_time = v.create_time;
        d.version_expire_time = v.expire_time;
        if (step.kind == secret_rules::ExpiryStep::kNearExpiry) d.near_expiry_lead_ms = step.lead_ms;
        EventType type = step.kind == secret_rules::ExpiryStep::kExpired ? EventType::kVersionExpired
                                                                         : EventType::kVersionNearExpiry;
        CSMS_RETURN_IF_ERROR(EmitTrigger(tx, &secret, type, now, d));
      }
      CSMS_RETURN_IF_ERROR(tx.secrets().UpdateVersionExpiry(v.secret_id, v.number, v.expire_time, step.next));
    }
    return Status::OK();
  }));
  if (*done > 0) Notify(true, false);
  return Status::OK();
}

Status SecretService::RunDueRotations(int64_t now, int limit, int* done) {
  *done = 0;
  std::vector<Secret> inline_rotations;
  bool queued = false;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    std::vector<Secret> due;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueRotations(now, limit, &due));
    *done = static_cast<int>(due.size());
    for (auto& secret : due) {
      bool rotatable = secret.state == SecretState::kEnabled && secret.auto_rotation && CheckRotatable(secret).ok();
      if (rotatable && IsRotationUrl(secret)) {
        RotationTask task = NewTask(secret, kAutoRotation, now);
        task.due_time = now;
        CSMS_RETURN_IF_ERROR(tx.tasks().Insert(task));
        queued = true;
      } else if (rotatable) {
        inline_rotations.push_back(secret);
      }
      // Move the schedule on now, so a slow or failing rotation is never picked twice.
      ScheduleNextRotation(&secret, now);
      CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
    }
    return Status::OK();
  }));
  Notify(false, queued);
  for (const auto& secret : inline_rotations) {
    RotateResult ignored;
    Status s = RotateInline(secret.project_id, secret.name, kAutoRotation, &ignored);
    (void)s;  // a failure is recorded as a FAILED task with SECRET_ROTATED_FAILED
  }
  return Status::OK();
}

Status SecretService::RunDueDeletions(int64_t now, int limit, int* done) {
  *done = 0;
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    std::vector<Secret> due;
    CSMS_RETURN_IF_ERROR(tx.secrets().DueDeletions(now, limit, &due));
    *done = static_cast<int>(due.size());
    for (auto& secret : due) {
      notify_format::TriggerDetails d;
      d.deletion_type = "SCHEDULED";
      CSMS_RETURN_IF_ERROR(EmitTrigger(tx, &secret, EventType::kDeleted, now, d));
      CSMS_RETURN_IF_ERROR(tx.secrets().Delete(secret));
    }
    return Status::OK();
  }));
  if (*done > 0) Notify(true, false);
  return Status::OK();
}

}  // namespace csms
