// DbRotation: rotating the account of a database secret (RDS-FG, GaussDB-FG; docs/secrets.md,
// "Database secrets"), one claimed RUNNING task at a time on the rotation worker. The steps, each
// recorded before the next so that a crash anywhere is finished or rolled back by a retry:
//   1. one write: a new version holding a new CSPRNG password, staged SYSPENDING, its id on the task;
//   2. no transaction: change the password in the database (SingleUser: the account itself, with
//      its current password; MultiUser: the admin account resets the account SYSPREVIOUS holds);
//   3. no transaction: log in afresh with the new password and run a query;
//   4. one write: SYSCURRENT onto the pending version (SYSPREVIOUS onto the former current one),
//      SYSPENDING removed, the task SUCCESS, SECRET_ROTATED.
// A retry of a task whose pending version exists first tries the pending password: if it logs in,
// step 2 had happened and only step 4 is left; otherwise step 2 runs again with the same password.
// A failure leaves SYSCURRENT where it was (and the pending version marked) and is returned to the
// caller, which records it (task FAILED, SECRET_ROTATED_FAILED). Passwords are never logged and are
// scrubbed from every message.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "domain/secret.h"
#include "service/database_accounts.h"
#include "service/secret_vault.h"
#include "store/store.h"

namespace csms {

struct DbRotationOptions {
  // Test hook (--test-rotation-pause-file): called between the password change and the stage move.
  std::function<void(const RotationTask&)> after_password_change;
};

class DbRotation {
 public:
  // `accounts` may be null: database rotations then fail.
  DbRotation(Store* store, const Clock* clock, const SecretVault* vault, DatabaseAccounts* accounts,
             DbRotationOptions options);

  // Runs the claimed task `t` of a database secret to its end. OK: the rotation is done (task
  // SUCCESS, SECRET_ROTATED written). An error says why it failed (scrubbed), for the caller to record.
  Status Run(const RotationTask& t);

 private:
  struct Plan;
  Status Prepare(const RotationTask& t, Plan* plan);
  Status StagePending(const RotationTask& t, Plan* plan);
  Status ChangePassword(const Plan& plan);
  Status Finish(const RotationTask& t, const Plan& plan);

  Store* store_;
  const Clock* clock_;
  const SecretVault* vault_;
  DatabaseAccounts* accounts_;
  DbRotationOptions options_;
};

// Replaces every occurrence of each of `secrets` (non-empty) in `text` with "***".
std::string ScrubSecrets(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace csms
