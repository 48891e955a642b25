// The value format and rotation_config of database secrets (RDS-FG, GaussDB-FG; docs/secrets.md,
// "Database secrets"): what CreateSecret and CreateSecretVersion check, and what the database
// rotation reads and writes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/db_instance.h"
#include "domain/secret.h"
#include "store/store.h"

namespace csms {

// rotation_config: {"InstanceId": "...", "SecretSubType": "SingleUser" | "MultiUser"} (spec §6).
struct DbRotationConfig {
  std::string instance_id;
  std::string sub_type;  // kSingleUser / kMultiUser
};

Status ParseRotationConfig(std::string_view text, DbRotationConfig* out);
// A value: {"engine","host","port","username","password","dbname"?,"account_host"?}; an error
// names `field` (secret_string) and the member, never the value.
Status ParseDbAccount(std::string_view value, DbAccount* out, std::string_view field = "secret_string");
std::string WriteDbAccount(const DbAccount& account);

// The checks of a database secret inside the transaction that creates it or adds a version:
// rotation_config names an instance of the project (400 otherwise), the value is an account of
// the instance's engine. `value` is nullopt for a binary value (refused: these values are JSON).
Status CheckDatabaseSecret(Transaction& tx, const std::string& project_id, const std::string& secret_type,
                           const std::optional<std::string>& rotation_config, const std::optional<std::string>& value,
                           DbInstance* instance = nullptr);

}  // namespace csms
