// Several csmsd replicas on one PostgreSQL database (PostgreSQL-only tests): each a --dev csmsd
// with --database on the shared database, the same master key (CSMS_MASTER_KEY, as replicas must
// share it), and a client logged in as the --dev admin.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/csmsd_process.h"
#include "support/http_client.h"
#include "support/postgres.h"
#include "support/secrets_helpers.h"

namespace csms::test {

// Sets an environment variable for the processes a test starts; restores it at the end.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class Replica {
 public:
  // Starts csmsd --dev on `db` with `extra` flags and logs in; false (with the log) on failure.
  bool Start(const PostgresTestDatabase& db, const std::vector<std::string>& extra = {});
  CsmsdProcess& process() { return process_; }
  HttpClient& client() { return *client_; }
  SecretsApi& api() { return *api_; }

 private:
  CsmsdProcess process_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
};

// The master key every replica of a test shares (hex).
inline const std::string kReplicaMasterKey(64, 'c');

}  // namespace csms::test
