// `csmsd admin backup` / `restore` against a real csmsd: a backup taken while clients write holds
// every write acknowledged before it began and passes integrity_check once restored and served;
// restore refuses a data dir a live csmsd holds and, without --force, one that has a database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "support/csmsd_process.h"
#include "support/engine.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace csms::test {
namespace {

// PRAGMA integrity_check of a database file, as the sqlite3 library answers it.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open " + path;
  }
  std::string result;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

struct Login {
  std::string project, password, token;
};

Login LogIn(CsmsdProcess& server, const std::string& credentials_dir) {
  HttpClient client(server.port());
  auto cred = ReadInitialCredentials(credentials_dir);
  Login login{cred["project_id"], cred["password"], ""};
  login.token = GetToken(client, "admin", login.password, "csms", login.project);
  return login;
}

TEST(BackupRestore, BackupUnderWriteLoadHoldsEveryWriteAcknowledgedBeforeIt) {
  CSMS_SKIP_ON_POSTGRES(
      "`csmsd admin backup` copies the SQLite database file; PostgreSQL is backed up with its own "
      "tools (pg_dump, base backups and WAL archiving)");
  CsmsdProcess server;
  // Every fourth write is a new secret and the writers run until the backup is done, however long
  // that takes on a loaded machine: the default quota of 200 secrets must not end them first.
  ASSERT_TRUE(server.Start({"--secret-quota", "1000000"})) << server.Log();
  Login login = LogIn(server, server.data_dir());
  ASSERT_FALSE(login.token.empty());

  // Writers: each creates a secret, then alternates new versions of it and new secrets. Every
  // acknowledged write is remembered as secret name -> version id -> value.
  constexpr int kThreads = 3;
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0};
  std::mutex mu;
  std::map<std::string, std::map<std::string, std::string>> acknowledged;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(server.port());
      client.set_token(login.token);
      SecretsApi api(&client, login.project);
      api.set_refresh_dev_token(false);
      std::string current;
      for (int i = 0; i < 5000 && !stop; ++i) {
        std::string value = "value-" + std::to_string(t) + "-" + std::to_string(i);
        HttpResult r;
        std::string secret = current;
        if (i % 4 == 0) {
          secret = "load-" + std::to_string(t) + "-" + std::to_string(i);
          r = api.CreateSecret(secret, value);
        } else {
          r = api.CreateVersion(secret, value);
        }
        if (r.status != 200) {
          ADD_FAILURE() << "write failed: " << r.status << " " << r.body;
          break;
        }
        current = secret;
        std::string version = i % 4 == 0 ? "v1" : r.json["version_metadata"]["id"].GetString();
        std::lock_guard<std::mutex> lock(mu);
        acknowledged[secret][version] = value;
        ++acked;
      }
    });
  }
  auto stop_writers = [&] {
    stop = true;
    for (auto& th : threads) th.join();
  };

  ASSERT_TRUE(WaitUntil([&] { return acked >= 150; }, std::chrono::seconds(120)))
      << "only " << acked << " writes in 120 s";
  std::map<std::string, std::map<std::string, std::string>> before;  // acknowledged before the backup began
  {
    std::lock_guard<std::mutex> lock(mu);
    before = acknowledged;
  }
  int acked_at_backup = acked;
  TempDir backups("csms-backup");
  const std::string backup_file = backups.File("csms.backup");
  std::string out;
  int rc = RunCsmsd({"admin", "backup", "--data-dir", server.data_dir(), "--to", backup_file}, &out);
  // The load goes on after the backup: the server was not stopped or blocked by it.
  bool continued = WaitUntil([&] { return acked >= acked_at_backup + 30; }, std::chrono::seconds(60));
  stop_writers();
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(continued) << "writes stopped after the backup";
  EXPECT_NE(out.find("integrity=ok"), std::string::npos) << out;
  EXPECT_NE(out.find("needs_master_key="), std::string::npos) << out;
  // The master-key version the data is sealed under (docs/keys.md), named, never included.
  EXPECT_NE(out.find("needs_master_key_version=1 provider="), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(backup_file + ".manifest.json"));
  EXPECT_EQ(IntegrityCheck(backup_file), "ok");

  // Restore onto the live data dir: refused, and the server keeps serving its own data.
  rc = RunCsmsd({"admin", "restore", "--from", backup_file, "--data-dir", server.data_dir(), "--force"}, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("in use by a running csmsd"), std::string::npos) << out;

  // Restore into a new directory, give it the master key (never part of a backup), serve it.
  TempDir restored_parent("csms-restored");
  const std::string restored = restored_parent.File("data");
  rc = RunCsmsd({"admin", "restore", "--from", backup_file, "--data-dir", restored}, &out);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_FALSE(std::filesystem::exists(restored + "/master.key")) << "restore never writes a master key";
  EXPECT_EQ(IntegrityCheck(restored + "/csms.db"), "ok");
  std::filesystem::copy_file(server.data_dir() + "/master.key", restored + "/master.key");

  CsmsdProcess second;
  ASSERT_TRUE(second.Start({"--data-dir", restored})) << second.Log();
  HttpClient client(second.port());
  client.set_token(GetToken(client, "admin", login.password, "csms", login.project));
  SecretsApi api(&client, login.project);
  api.set_refresh_dev_token(false);
  size_t checked = 0;
  for (const auto& [secret, versions] : before) {
    for (const auto& [version, value] : versions) {
      auto r = api.Get("/secrets/" + secret + "/versions/" + version);
      ASSERT_EQ(r.status, 200) << secret << "/" << version << " was acknowledged before the backup: " << r.body;
      EXPECT_EQ(std::string(r.json["version"]["secret_string"].GetString()), value) << secret << "/" << version;
      ++checked;
    }
  }
  EXPECT_GE(checked, 150u);

  // A second restore into the same (now non-empty, not live) directory needs --force.
  EXPECT_EQ(second.Stop(), 0) << second.Log();
  rc = RunCsmsd({"admin", "restore", "--from", backup_file, "--data-dir", restored}, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("--force"), std::string::npos) << out;
  rc = RunCsmsd({"admin", "restore", "--from", backup_file, "--data-dir", restored, "--force"}, &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(IntegrityCheck(restored + "/csms.db"), "ok");
}

TEST(BackupRestore, RestoreAndBackupRefuseBadInput) {
  TempDir dir("csms-backup");
  // Not a database: refused before the target is touched.
  { std::ofstream(dir.File("junk")) << "not a database"; }
  std::string out;
  int rc = RunCsmsd({"admin", "restore", "--from", dir.File("junk"), "--data-dir", dir.File("target")}, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.File("target/csms.db")));
  // A missing source database: refused.
  rc = RunCsmsd({"admin", "backup", "--data-dir", dir.File("nothing"), "--to", dir.File("b")}, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.File("b")));
}

}  // namespace
}  // namespace csms::test
