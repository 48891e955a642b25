// Database secrets (RDS-FG / GaussDB-FG) in tests: their value format and rotation_config, and the
// --dev registration of a database instance (POST /csms-dev/db-instances).
#pragma once

#include <string>

#include "support/http_client.h"

namespace csms::test {

// A database secret's value: the JSON account format of docs/secrets.md.
inline std::string DbAccountJson(const std::string& engine, const std::string& host, int port, const std::string& user,
                                 const std::string& password, const std::string& dbname) {
  return R"({"engine":")" + engine + R"(","host":")" + host + R"(","port":)" + std::to_string(port) +
         R"(,"username":")" + user + R"(","password":")" + password + R"(","dbname":")" + dbname + R"("})";
}

// The rotation_config text: {"InstanceId": ..., "SecretSubType": ...}.
inline std::string DbRotationConfig(const std::string& instance, const std::string& sub_type = "SingleUser") {
  return R"({"InstanceId":")" + instance + R"(","SecretSubType":")" + sub_type + R"("})";
}

// Registers an instance in a --dev server's project; the HTTP status.
inline int RegisterDevDbInstance(HttpClient& client, const std::string& project, const std::string& id,
                                 const std::string& engine, const std::string& host, int port,
                                 const std::string& admin_secret = "") {
  std::string body = R"({"project_id":")" + project + R"(","instance_id":")" + id + R"(","engine":")" + engine +
                     R"(","host":")" + host + R"(","port":)" + std::to_string(port);
  if (!admin_secret.empty()) body += R"(,"admin_secret":")" + admin_secret + "\"";
  return client.Request("POST", "/csms-dev/db-instances", body + "}").status;
}

}  // namespace csms::test
