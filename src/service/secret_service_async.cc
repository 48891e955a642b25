// SecretService: the transactions of CreateSecret and CreateSecretVersion, shared by the
// synchronous forms (secret_service.cc) and the asynchronous ones (CreateAsync, CreateVersionAsync)
// that hand their transaction to Store::WriteAsync and answer from its completion.
#include <memory>
#include <utility>

#include "common/errors.h"
#include "crypto/random.h"
#include "service/db_secret_value.h"
#include "service/outbox.h"
#include "service/secret_checker_service.h"
#include "service/secret_checks.h"
#include "service/secret_service.h"

namespace csms {

Secret SecretService::NewSecret(const std::string& project_id, const CreateSecretCommand& cmd,
                                const crypto::MasterKey& key, int64_t now) const {
  Secret secret;
  secret.project_id = project_id;
  secret.id = crypto::NewTimeOrderedUuid();
  secret.name = cmd.name;
  secret.kms_key_id = key.id;
  secret.description = cmd.description;
  secret.create_time = secret.update_time = now;
  secret.secret_type = cmd.secret_type.value_or(std::string(kSecretTypeCommon));
  secret.auto_rotation = cmd.auto_rotation.value_or(false);
  secret.rotation_period = cmd.rotation_period;
  secret.rotation_config = cmd.rotation_config;
  secret.enterprise_project_id = cmd.enterprise_project_id.value_or("0");
  secret.rotation_func_urn = cmd.rotation_func_urn;
  ScheduleNextRotation(&secret, now);
  return secret;
}

Status SecretService::InsertSecret(Transaction& tx, const CreateSecretCommand& cmd, ValueKind kind, int64_t now,
                                   Secret* secret) {
  const std::string& project_id = secret->project_id;
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
  CSMS_RETURN_IF_ERROR(CheckSubscriptions(tx, project_id, cmd.event_subscriptions, &secret->event_subscription));
  CSMS_RETURN_IF_ERROR(
      CheckDatabaseSecret(tx, project_id, secret->secret_type, secret->rotation_config, cmd.secret_string));
  const std::string& value = cmd.secret_string ? *cmd.secret_string : *cmd.secret_binary;
  SecretVault::AddedVersion added;
  return vault_->InsertWithFirstVersion(tx, secret, value, kind, now, &added);
}

Status SecretService::InsertVersion(Transaction& tx, const std::string& project_id, const std::string& name,
                                    const CreateVersionCommand& cmd, ValueKind kind, int64_t now, VersionView* out) {
  Secret secret;
  CSMS_RETURN_IF_ERROR(vault_->Load(tx, project_id, name, &secret));
  CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
  CSMS_RETURN_IF_ERROR(
      CheckDatabaseSecret(tx, project_id, secret.secret_type, secret.rotation_config, cmd.secret_string));
  const std::string& value = cmd.secret_string ? *cmd.secret_string : *cmd.secret_binary;
  SecretVault::AddedVersion added;
  CSMS_RETURN_IF_ERROR(vault_->AddVersion(tx, &secret, value, kind, cmd.version_stages, cmd.expire_time, now, &added));
  out->version = std::move(added.version);
  out->stages = std::move(added.stages);
  out->secret_name = secret.name;
  out->value.reset();
  return Status::OK();
}

void SecretService::CreateAsync(const std::string& project_id, CreateSecretCommand cmd, CreateDone done) {
  ValueKind kind;
  const crypto::MasterKey* key = nullptr;
  Status checked = CheckCreate(cmd, &kind, &key);
  if (!checked.ok()) return done(std::move(checked), Secret{});
  struct State {
    CreateSecretCommand cmd;
    Secret initial, secret;
  };
  const int64_t now = clock_->NowMillis();
  auto state = std::make_shared<State>();
  state->initial = NewSecret(project_id, cmd, *key, now);
  state->cmd = std::move(cmd);
  store_->WriteAsync(
      [this, state, kind, now](Transaction& tx) -> Status {
        const CreateSecretCommand& cmd = state->cmd;
        const Secret& initial = state->initial;
        // Create's checks before its transaction, in its order: here they may read the store.
        if (options_.strength && cmd.secret_string) {
          CSMS_RETURN_IF_ERROR(
              options_.strength->CheckNewValue(tx, initial.project_id, "secret_string", *cmd.secret_string, cmd.name));
        }
        if (initial.auto_rotation) CSMS_RETURN_IF_ERROR(CheckRotatable(initial));
        state->secret = initial;  // PostgreSQL may run this again after a serialization failure
        return InsertSecret(tx, cmd, kind, now, &state->secret);
      },
      [this, state, done = std::move(done)](Status s) {
        const bool ok = s.ok();
        if (ok) Notify();
        done(std::move(s), ok ? std::move(state->secret) : Secret{});
      });
}

void SecretService::CreateVersionAsync(const std::string& project_id, const std::string& name, CreateVersionCommand cmd,
                                       VersionDone done) {
  ValueKind kind;
  Status checked = CheckSecretValue(cmd.secret_string, cmd.secret_binary, &kind);
  if (checked.ok() && cmd.version_stages) checked = CheckStageNames(*cmd.version_stages);
  if (checked.ok() && cmd.expire_time) checked = CheckExpireTime(*cmd.expire_time);
  if (!checked.ok()) return done(std::move(checked), VersionView{});
  struct State {
    std::string project_id, name;
    CreateVersionCommand cmd;
    VersionView view;
  };
  const int64_t now = clock_->NowMillis();
  auto state = std::make_shared<State>(State{project_id, name, std::move(cmd), {}});
  store_->WriteAsync(
      [this, state, kind, now](Transaction& tx) -> Status {
        const CreateVersionCommand& cmd = state->cmd;
        if (options_.strength && cmd.secret_string) {
          CSMS_RETURN_IF_ERROR(options_.strength->CheckNewValue(tx, state->project_id, "secret_string",
                                                                *cmd.secret_string, state->name));
        }
        state->view = VersionView{};
        return InsertVersion(tx, state->project_id, state->name, cmd, kind, now, &state->view);
      },
      [this, state, done = std::move(done)](Status s) {
        const bool ok = s.ok();
        if (ok) Notify();
        done(std::move(s), ok ? std::move(state->view) : VersionView{});
      });
}

}  // namespace csms
