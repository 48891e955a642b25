#include "support/engine.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <sqlite3.h>

#include "store/postgres/postgres_store.h"
#include "support/postgres.h"

namespace csms::test {

bool TestEngineIsPostgres() {
  const char* engine = std::getenv("CSMS_TEST_ENGINE");
  return engine && std::string(engine) == "postgresql";
}

namespace {

bool Has(const std::vector<std::string>& args, const char* flag) {
  for (const auto& a : args) {
    if (a == flag) return true;
  }
  return false;
}

std::string ValueOf(const std::vector<std::string>& args, const char* flag, const std::string& fallback) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return fallback;
}

// A fresh database kept for the life of the test process: csmsd processes of the test use it
// until they stop.
std::shared_ptr<PostgresTestDatabase> KeptDatabase() {
  auto db = std::make_shared<PostgresTestDatabase>();
  static std::mutex mu;
  static std::vector<std::shared_ptr<PostgresTestDatabase>> all;
  std::lock_guard<std::mutex> lock(mu);
  all.push_back(db);
  return db;
}

EngineDatabase Describe(const PostgresTestDatabase& db) {
  if (!db.ok()) return EngineDatabase{"postgresql://no-test-server.invalid/none", "/nonexistent"};
  return EngineDatabase{db.url(), db.server().password_file};
}

// The database of each data dir, for the life of the test process. Plain pointers: the databases
// are dropped by KeptDatabase's list, which is destroyed before libpq's OpenSSL is torn down (it
// is made after the first connection); a map made earlier would drop them after that, and crash.
PostgresTestDatabase* DatabaseObjectOfDataDir(const std::string& data_dir) {
  static std::mutex mu;
  static std::map<std::string, PostgresTestDatabase*> databases;
  std::lock_guard<std::mutex> lock(mu);
  auto it = databases.find(data_dir);
  if (it == databases.end()) it = databases.emplace(data_dir, KeptDatabase().get()).first;
  return it->second;
}

EngineDatabase DatabaseOfDataDir(const std::string& data_dir) { return Describe(*DatabaseObjectOfDataDir(data_dir)); }

void Append(std::vector<std::string>* args, const EngineDatabase& db) {
  args->insert(args->end(), {"--database", db.url, "--database-password-file", db.password_file});
}

}  // namespace

std::vector<std::string> WithEngineArgs(const std::vector<std::string>& args, const std::string& data_dir) {
  if (!TestEngineIsPostgres() || Has(args, "--database")) return args;
  std::vector<std::string> out = args;
  Append(&out, Has(args, "--dev") ? NewPostgresDatabase() : DatabaseOfDataDir(ValueOf(args, "--data-dir", data_dir)));
  return out;
}

std::vector<std::string> WithEngineAdminArgs(const std::vector<std::string>& args) {
  if (!TestEngineIsPostgres() || Has(args, "--database") || args.empty() || args[0] != "admin") return args;
  std::vector<std::string> extra;
  Append(&extra, DatabaseOfDataDir(ValueOf(args, "--data-dir", "data")));
  std::vector<std::string> out = {args[0]};
  out.insert(out.end(), extra.begin(), extra.end());
  out.insert(out.end(), args.begin() + 1, args.end());
  return out;
}

Status OpenEngineStore(const std::string& data_dir, std::unique_ptr<Store>* out) {
  if (!TestEngineIsPostgres()) {
    SqliteOptions options;
    options.path = data_dir + "/csms.db";
    options.synchronous_full = false;
    return OpenSqliteStore(options, out);
  }
  EngineDatabase db = DatabaseOfDataDir(data_dir);
  const PostgresTestServer* server = PostgresTestServer::Get();
  PostgresOptions options;
  options.url = db.url;
  options.password = server ? server->password : "";
  options.max_connections = 4;
  return OpenPostgresStore(options, out);
}

EngineDatabase NewPostgresDatabase() { return Describe(*KeptDatabase()); }

std::string ExecEngineSql(const std::string& data_dir, const std::string& sql) {
  if (TestEngineIsPostgres()) return DatabaseObjectOfDataDir(data_dir)->Exec(sql);
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open((data_dir + "/csms.db").c_str(), &db) != SQLITE_OK) {
    error = db ? sqlite3_errmsg(db) : "cannot open";
  } else {
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) error = sqlite3_errmsg(db);
  }
  sqlite3_close(db);
  return error;
}

}  // namespace csms::test
