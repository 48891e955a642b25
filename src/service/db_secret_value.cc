#include "service/db_secret_value.h"

#include "common/errors.h"
#include "common/utf8.h"
#include "json/reader.h"
#include "json/writer.h"

namespace csms {
namespace {

// Text fields of a value: 1..max bytes, no control characters.
Status CheckText(std::string_view field, std::string_view member, const std::string& v, size_t max) {
  bool ok = !v.empty() && v.size() <= max;
  for (char c : v) ok = ok && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (ok) return Status::OK();
  return errors::InvalidParameter("invalid " + std::string(field) + ": " + std::string(member) + " must be 1 to " +
                                  std::to_string(max) + " characters without control characters");
}

}  // namespace

Status ParseRotationConfig(std::string_view text, DbRotationConfig* out) {
  rapidjson::Document doc;
  if (!json::ParseObject(text, &doc).ok()) {
    return errors::InvalidParameter(
        R"(invalid rotation_config: must be a JSON object {"InstanceId": "...", "SecretSubType": "SingleUser"|"MultiUser"})");
  }
  json::ObjectReader r(doc, "rotation_config");
  CSMS_RETURN_IF_ERROR(r.RequireString("InstanceId", &out->instance_id));
  std::optional<std::string> sub;
  CSMS_RETURN_IF_ERROR(r.OptionalString("SecretSubType", &sub));
  out->sub_type = sub.value_or(std::string(kSingleUser));
  if (out->sub_type != kSingleUser && out->sub_type != kMultiUser) {
    return errors::InvalidParameter("invalid rotation_config.SecretSubType: must be SingleUser or MultiUser");
  }
  if (out->instance_id.empty() || out->instance_id.size() > 64) {
    return errors::InvalidParameter("invalid rotation_config.InstanceId: must be 1 to 64 characters");
  }
  return Status::OK();
}

Status ParseDbAccount(std::string_view value, DbAccount* out, std::string_view field) {
  rapidjson::Document doc;
  if (!json::ParseObject(value, &doc).ok()) {
    return errors::InvalidParameter("invalid " + std::string(field) +
                                    ": a database secret holds a JSON object with engine, host, port, username, "
                                    "password (docs/secrets.md)");
  }
  json::ObjectReader r(doc, std::string(field));
  CSMS_RETURN_IF_ERROR(r.RequireString("engine", &out->engine));
  if (out->engine != kDbEnginePostgresql && out->engine != kDbEngineMysql) {
    return errors::InvalidParameter("invalid " + std::string(field) + ".engine: must be postgresql or mysql");
  }
  CSMS_RETURN_IF_ERROR(r.RequireString("host", &out->host));
  CSMS_RETURN_IF_ERROR(CheckText(field, "host", out->host, 253));
  int64_t port = 0;
  CSMS_RETURN_IF_ERROR(r.RequireInt64("port", &port));
  if (port < 1 || port > 65535) {
    return errors::InvalidParameter("invalid " + std::string(field) + ".port: must be 1 to 65535");
  }
  out->port = static_cast<int>(port);
  CSMS_RETURN_IF_ERROR(r.RequireString("username", &out->username));
  CSMS_RETURN_IF_ERROR(CheckText(field, "username", out->username, 63));
  CSMS_RETURN_IF_ERROR(r.RequireString("password", &out->password));
  CSMS_RETURN_IF_ERROR(CheckText(field, "password", out->password, 128));
  std::optional<std::string> dbname, account_host;
  CSMS_RETURN_IF_ERROR(r.OptionalString("dbname", &dbname));
  CSMS_RETURN_IF_ERROR(r.OptionalString("account_host", &account_host));
  out->dbname = dbname.value_or("");
  if (dbname) CSMS_RETURN_IF_ERROR(CheckText(field, "dbname", out->dbname, 63));
  out->account_host = account_host.value_or("%");
  CSMS_RETURN_IF_ERROR(CheckText(field, "account_host", out->account_host, 255));
  return Status::OK();
}

std::string WriteDbAccount(const DbAccount& a) {
  json::Writer w;
  w.StartObject();
  w.Key("engine").String(a.engine);
  w.Key("host").String(a.host);
  w.Key("port").Int(a.port);
  w.Key("username").String(a.username);
  w.Key("password").String(a.password);
  if (!a.dbname.empty()) w.Key("dbname").String(a.dbname);
  if (a.engine == kDbEngineMysql) w.Key("account_host").String(a.account_host);
  w.EndObject();
  return w.Take();
}

Status CheckDatabaseSecret(Transaction& tx, const std::string& project_id, const std::string& secret_type,
                           const std::optional<std::string>& rotation_config, const std::optional<std::string>& value,
                           DbInstance* instance) {
  if (!IsDatabaseSecretType(secret_type)) return Status::OK();
  if (!rotation_config) {
    return errors::InvalidParameter("missing required field rotation_config: required for secret_type " + secret_type);
  }
  DbRotationConfig config;
  CSMS_RETURN_IF_ERROR(ParseRotationConfig(*rotation_config, &config));
  DbInstance found;
  Status s = tx.db_instances().Get(project_id, config.instance_id, &found);
  if (s.IsNotFound()) {
    return errors::InvalidParameter("invalid rotation_config.InstanceId: no database instance " +
                                    std::string(utf8::Truncate(config.instance_id, 64)) +
                                    " is registered in this project (csmsd admin create-db-instance)");
  }
  CSMS_RETURN_IF_ERROR(s);
  if (!value) return errors::InvalidParameter("invalid secret_binary: a database secret holds a secret_string");
  DbAccount account;
  CSMS_RETURN_IF_ERROR(ParseDbAccount(*value, &account));
  if (account.engine != found.engine) {
    return errors::InvalidParameter("invalid secret_string.engine: instance " + found.instance_id + " is " +
                                    found.engine);
  }
  if (instance) *instance = std::move(found);
  return Status::OK();
}

}  // namespace csms
