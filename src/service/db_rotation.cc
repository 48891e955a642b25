#include "service/db_rotation.h"

#include "common/errors.h"
#include "common/log.h"
#include "common/utf8.h"
#include "crypto/random_password.h"
#include "service/db_secret_value.h"
#include "service/outbox.h"

namespace csms {

std::string ScrubSecrets(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view s : secrets) {
    if (s.empty()) continue;
    for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 3))
      text.replace(at, s.size(), "***");
  }
  return text;
}

namespace {

// Every failure of a database rotation reads as CSMS.0807 with what happened; the messages of the
// database clients are already scrubbed, this scrubs again with the passwords the rotation knows.
Status Failed(const std::string& what) { return errors::DatabaseRotationFailed(what); }

// New passwords: 32 characters of letters, digits and punctuation both engines take inside a
// quoted literal (no quotes, backslash or backtick), each class present.
std::optional<std::string> NewDbPassword() {
  crypto::PasswordPolicy policy;
  policy.length = 32;
  policy.exclude_characters = "'\"\\`";
  policy.require_each_included_type = true;
  return crypto::GenerateRandomPassword(policy);
}

// The number of the version carrying `stage`, or 0 when none does.
Status StageVersion(Transaction& tx, const std::string& secret_id, const char* stage, int64_t* number) {
  Stage s;
  Status st = tx.secrets().GetStage(secret_id, stage, &s);
  *number = 0;
  if (st.IsNotFound()) return Status::OK();
  CSMS_RETURN_IF_ERROR(st);
  *number = s.version_number;
  return Status::OK();
}

Status OpenAccount(Transaction& tx, const SecretVault& vault, const Secret& secret, int64_t number, DbAccount* out) {
  SecretVersion v;
  CSMS_RETURN_IF_ERROR(tx.secrets().GetVersion(secret.id, number, true, &v));
  std::string value;
  CSMS_RETURN_IF_ERROR(vault.Open(secret, v, &value));
  Status s = ParseDbAccount(value, out, "v" + std::to_string(number));
  if (!s.ok())
    return Failed("version v" + std::to_string(number) + " does not hold a database account: " + s.message());
  return Status::OK();
}

}  // namespace

struct DbRotation::Plan {
  Secret secret;
  std::string sub_type;
  DbEndpoint endpoint;
  DbAccount current;            // the account SYSCURRENT holds
  DbAccount target;             // the account to rotate, with its new password
  std::string target_password;  // its password before the rotation (SingleUser: the current one)
  DbAccount admin;              // MultiUser
  int64_t pending = 0;          // the version staged SYSPENDING (0: not yet created)
  bool resumed = false;         // the task had staged its version already (a retry)
};

DbRotation::DbRotation(Store* store, const Clock* clock, const SecretVault* vault, DatabaseAccounts* accounts,
                       DbRotationOptions options)
    : store_(store), clock_(clock), vault_(vault), accounts_(accounts), options_(std::move(options)) {}

// Reads everything the rotation needs: the instance, the accounts of the stages, the admin account.
Status DbRotation::Prepare(const RotationTask& t, Plan* plan) {
  return store_->Read([&](Transaction& tx) -> Status {
    CSMS_RETURN_IF_ERROR(tx.secrets().GetById(t.secret_id, &plan->secret));
    const Secret& secret = plan->secret;
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    DbRotationConfig config;
    Status s = ParseRotationConfig(secret.rotation_config.value_or(""), &config);
    if (!s.ok()) return Failed(s.message());
    DbInstance instance;
    s = tx.db_instances().Get(secret.project_id, config.instance_id, &instance);
    if (s.IsNotFound()) return Failed("database instance " + config.instance_id + " is not registered");
    CSMS_RETURN_IF_ERROR(s);
    plan->sub_type = config.sub_type;
    int64_t current = 0, previous = 0, pending = 0;
    CSMS_RETURN_IF_ERROR(StageVersion(tx, secret.id, kStageCurrent.data(), &current));
    CSMS_RETURN_IF_ERROR(StageVersion(tx, secret.id, kStagePrevious.data(), &previous));
    CSMS_RETURN_IF_ERROR(StageVersion(tx, secret.id, kStagePending.data(), &pending));
    if (current == 0) return Failed("the secret has no SYSCURRENT version");
    CSMS_RETURN_IF_ERROR(OpenAccount(tx, *vault_, secret, current, &plan->current));
    plan->endpoint = DbEndpoint{instance.engine,   instance.host,    instance.port,
                                instance.tls_mode, instance.ca_file, plan->current.dbname};

    if (config.sub_type == kMultiUser) {
      if (previous == 0) {
        return Failed("MultiUser rotation needs a second account: create a version holding it staged SYSPREVIOUS");
      }
      CSMS_RETURN_IF_ERROR(OpenAccount(tx, *vault_, secret, previous, &plan->target));
      if (plan->target.username == plan->current.username) {
        return Failed("MultiUser rotation needs SYSPREVIOUS and SYSCURRENT to hold two different accounts");
      }
      if (instance.admin_secret.empty()) {
        return Failed("database instance " + instance.instance_id + " has no admin secret for MultiUser rotation");
      }
      Secret admin_secret;
      s = tx.secrets().Get(secret.project_id, instance.admin_secret, &admin_secret);
      if (s.IsNotFound()) return Failed("the admin secret " + instance.admin_secret + " does not exist");
      CSMS_RETURN_IF_ERROR(s);
      int64_t admin_current = 0;
      CSMS_RETURN_IF_ERROR(StageVersion(tx, admin_secret.id, kStageCurrent.data(), &admin_current));
      if (admin_current == 0) return Failed("the admin secret has no SYSCURRENT version");
      CSMS_RETURN_IF_ERROR(OpenAccount(tx, *vault_, admin_secret, admin_current, &plan->admin));
    } else {
      plan->target = plan->current;
    }
    plan->target_password = plan->target.password;
    // A retry: the version this task staged is still pending; rotate to its password again.
    if (t.version_id && pending != 0 && "v" + std::to_string(pending) == *t.version_id) {
      DbAccount staged;
      CSMS_RETURN_IF_ERROR(OpenAccount(tx, *vault_, secret, pending, &staged));
      if (staged.username == plan->target.username) {
        plan->target.password = staged.password;
        plan->pending = pending;
        plan->resumed = true;
      }
    }
    return Status::OK();
  });
}

// Step 1: the new password, sealed in a version staged SYSPENDING, named on the task.
Status DbRotation::StagePending(const RotationTask& t, Plan* plan) {
  std::optional<std::string> password = NewDbPassword();
  if (!password) return errors::Internal("generating a database password failed");
  plan->target.password = *password;
  std::string value = WriteDbAccount(plan->target);
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(tx.secrets().GetById(t.secret_id, &secret));
    CSMS_RETURN_IF_ERROR(RequireEnabled(secret));
    SecretVault::AddedVersion added;
    std::vector<std::string> stages = {std::string(kStagePending)};
    CSMS_RETURN_IF_ERROR(vault_->AddVersion(tx, &secret, value, ValueKind::kString, stages, std::nullopt, now, &added));
    RotationTask task;
    CSMS_RETURN_IF_ERROR(tx.tasks().Get(t.project_id, t.task_id, &task));
    task.version_id = added.version.id();
    CSMS_RETURN_IF_ERROR(tx.tasks().Update(task));
    plan->pending = added.version.number;
    return Status::OK();
  });
}

// Step 2: the database learns the new password.
Status DbRotation::ChangePassword(const Plan& plan) {
  if (plan.sub_type == kMultiUser) {
    return accounts_->SetPassword(plan.endpoint, plan.admin, plan.target, plan.target.password);
  }
  Status s = accounts_->ChangeOwnPassword(plan.endpoint, plan.target, plan.target_password, plan.target.password);
  if (!s.ok() && plan.resumed) {
    // An earlier attempt may have changed it before dying and before its test: the pending
    // password may already be the account's (TestLogin said no only when the database was down).
    Status again = accounts_->ChangeOwnPassword(plan.endpoint, plan.target, plan.target.password, plan.target.password);
    if (again.ok()) return again;
  }
  return s;
}

// Step 4: the pending version becomes SYSCURRENT, the former current one SYSPREVIOUS.
Status DbRotation::Finish(const RotationTask& t, const Plan& plan) {
  int64_t now = clock_->NowMillis();
  return store_->Write([&](Transaction& tx) -> Status {
    Secret secret;
    CSMS_RETURN_IF_ERROR(tx.secrets().GetById(t.secret_id, &secret));
    int64_t pending = 0;
    CSMS_RETURN_IF_ERROR(StageVersion(tx, secret.id, kStagePending.data(), &pending));
    if (pending != plan.pending) return Failed("the pending version moved during the rotation");
    CSMS_RETURN_IF_ERROR(vault_->MoveStage(tx, secret, std::string(kStageCurrent), pending, now, false));
    CSMS_RETURN_IF_ERROR(tx.secrets().DeleteStage(secret.id, std::string(kStagePending)));
    secret.rotation_time = now;
    if (secret.auto_rotation) ScheduleNextRotation(&secret, now);
    CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
    RotationTask task;
    CSMS_RETURN_IF_ERROR(tx.tasks().Get(t.project_id, t.task_id, &task));
    task.status = TaskStatus::kSuccess;
    task.due_time.reset();
    task.version_id = "v" + std::to_string(pending);
    task.error_code.clear();
    task.error_msg.clear();
    CSMS_RETURN_IF_ERROR(tx.tasks().Update(task));
    notify_format::TriggerDetails d;
    d.version_id = *task.version_id;
    SecretVersion v;
    CSMS_RETURN_IF_ERROR(tx.secrets().GetVersion(secret.id, pending, false, &v));
    d.version_create_time = v.create_time;
    d.task_id = task.task_id;
    return EmitTrigger(tx, &secret, EventType::kRotated, now, d);
  });
}

Status DbRotation::Run(const RotationTask& t) {
  if (!accounts_) return Failed("database rotation is not enabled on this server");
  Plan plan;
  CSMS_RETURN_IF_ERROR(Prepare(t, &plan));
  auto scrub = [&](const Status& s) {
    if (s.ok()) return s;
    std::string msg = ScrubSecrets(
        s.message(), {plan.target.password, plan.target_password, plan.current.password, plan.admin.password});
    return Failed(std::string(utf8::Truncate(msg, 400)));
  };
  // A retry whose pending password already logs in: the database changed before the crash.
  bool changed = plan.resumed && accounts_->TestLogin(plan.endpoint, plan.target, plan.target.password).ok();
  if (!changed) {
    if (!plan.resumed) CSMS_RETURN_IF_ERROR(StagePending(t, &plan));
    Status s = ChangePassword(plan);
    if (!s.ok()) return scrub(Status(s.kind(), s.code(), "changing the password failed: " + s.message()));
    if (options_.after_password_change) options_.after_password_change(t);
    s = accounts_->TestLogin(plan.endpoint, plan.target, plan.target.password);
    if (!s.ok()) return scrub(Status(s.kind(), s.code(), "the new password does not log in: " + s.message()));
  }
  return scrub(Finish(t, plan));
}

}  // namespace csms
