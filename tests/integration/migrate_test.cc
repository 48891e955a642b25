// `csmsd admin migrate --from <data-dir> --to postgresql://…` (app/migrate_admin.cc): an SQLite
// installation populated over HTTP, stopped and migrated, serves the same data from PostgreSQL
// with the same master key: the same values, lists and records, its token and access key still
// valid, the notification that was pending delivered. A second migrate into the now non-empty
// database and a migrate of a data dir a csmsd runs on are refused and change nothing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "support/csmsd_process.h"
#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/engine.h"
#include "support/postgres.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

// Short retries so the pending notification is tried again soon on either engine.
const std::vector<std::string> kDeliveryArgs = {"--no-access-log",
                                                "--delivery-retry-schedule",
                                                "200ms",
                                                "--delivery-retry-horizon",
                                                "10m",
                                                "--delivery-poll-ms",
                                                "50"};

std::vector<std::string> Plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

int Migrate(const std::string& from, const PostgresTestDatabase& to, std::string* output) {
  return RunCsmsd(
      {"admin", "migrate", "--from", from, "--to", to.url(), "--database-password-file", to.server().password_file},
      output);
}

std::string Count(const PostgresTestDatabase& db, const std::string& table) {
  std::string n;
  std::string err = db.Exec("SELECT count(*) FROM " + table, &n);
  return err.empty() ? n : "error: " + err;
}

// What the API shows of the installation: compared before and after the move.
struct Snapshot {
  std::string secrets, events, versions, s1_latest, s1_blue, s1_v1, s2_latest;
};

Snapshot Take(SecretsApi& api) {
  Snapshot s;
  s.secrets = api.Get("/secrets?limit=50").body;
  s.events = api.Get("/csms/events?limit=50").body;
  s.versions = api.Get("/secrets/s1/versions").body;
  s.s1_latest = api.Get("/secrets/s1/versions/latest").body;
  s.s1_blue = api.Get("/secrets/s1/stages/blue").body;
  s.s1_v1 = api.Get("/secrets/s1/versions/v1").body;
  s.s2_latest = api.Get("/secrets/s2/versions/latest").body;
  return s;
}

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override { CSMS_SKIP_ON_POSTGRES("the source of a migrate is an SQLite data dir"); }
};

TEST_F(MigrateTest, SqliteInstallationServesTheSameDataFromPostgres) {
  WebhookReceiver receiver;
  receiver.Stop();  // down while the SQLite server runs: its notification stays PENDING

  CsmsdProcess sqlite_server;
  ASSERT_TRUE(sqlite_server.Start(kDeliveryArgs)) << sqlite_server.Log();
  const std::string data_dir = sqlite_server.data_dir();
  auto cred = ReadInitialCredentials(data_dir);
  const std::string project = cred["project_id"];
  HttpClient client(sqlite_server.port());
  std::string token = GetToken(client, "admin", cred["password"], "csms", project);
  ASSERT_FALSE(token.empty());
  client.set_token(token);
  SecretsApi api(&client, project);

  ASSERT_FALSE(CreateWebhookEvent(api, "hook", {"SECRET_VERSION_CREATED"}, receiver.Url("/hook")).empty());
  ASSERT_EQ(api.CreateEvent("smn-ev", {"SECRET_DELETED"}).status, 200);
  ASSERT_EQ(api.CreateSecret("s1", "value-one", "hook").status, 200);
  ASSERT_EQ(api.CreateVersion("s1", "value-two", R"(,"version_stages":["blue"])").status, 200);
  ASSERT_EQ(api.CreateVersion("s1", "value-three").status, 200);
  ASSERT_EQ(api.CreateSecret("s2", "line1\nline2\t\\tab").status, 200);
  AkSk ak = CreateAccessKey(data_dir, "admin");
  ASSERT_FALSE(ak.ak.empty());
  ASSERT_EQ(SignedRequest(client, ak, "GET", "/v1/" + project + "/secrets/s2/versions/latest", "", project).status,
            200);
  // The SQLite server has tried (and failed) each of the three notifications at least once.
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto pending = api.Records("notification_status=PENDING");
        if (pending.size() != 3) return false;
        for (const auto& r : pending) {
          auto d = ShowRecord(api, r.record_id);
          if (d.status != 200 || d.json["record"]["attempt_count"].GetInt() < 1) return false;
        }
        return true;
      },
      60s));
  Snapshot before = Take(api);
  std::set<std::string> pending_ids;
  for (const auto& r : api.Records("notification_status=PENDING")) pending_ids.insert(r.record_id);
  ASSERT_EQ(pending_ids.size(), 3u);
  ASSERT_NE(before.s1_latest.find("value-three"), std::string::npos) << before.s1_latest;
  ASSERT_EQ(sqlite_server.Stop(), 0);

  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  std::string out;
  ASSERT_EQ(Migrate(data_dir, db, &out), 0) << out;
  EXPECT_NE(out.find("table=secrets rows=2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("table=versions rows=4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("table=notifications rows=3\n"), std::string::npos) << out;
  // PostgreSQL's outbox (decision 127) holds the three PENDING ones, ready to be claimed.
  EXPECT_NE(out.find("table=outbox rows=3\n"), std::string::npos) << out;
  EXPECT_EQ(Count(db, "outbox"), "3");
  EXPECT_NE(out.find("table=access_keys rows=1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("verified=counts"), std::string::npos) << out;
  EXPECT_NE(out.find("needs_master_key version=1"), std::string::npos) << out;
  EXPECT_EQ(Count(db, "secrets"), "2");
  EXPECT_EQ(Count(db, "events"), "2");
  // Values stay sealed: the copied ciphertext holds no plaintext.
  EXPECT_EQ(Count(db, "versions WHERE position('value-one'::bytea in ciphertext) > 0"), "0");
  // Derived rows were copied, not recomputed by the target's triggers.
  EXPECT_EQ(Count(db, "project_secret_counts WHERE secrets = 2"), "1");

  // A csmsd on PostgreSQL with the same master key and its own (empty) data dir.
  receiver.Start();
  receiver.RespondAlways(200);
  // The master-key versions moved with the data name their file relative to --data-dir: the
  // replica gets a copy of master.key in its own data dir (docs/scaling.md).
  CsmsdProcess pg_server;
  ASSERT_EQ(::mkdir(pg_server.data_dir().c_str(), 0700), 0);
  std::filesystem::copy_file(data_dir + "/master.key", pg_server.data_dir() + "/master.key");
  std::filesystem::permissions(pg_server.data_dir() + "/master.key",
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_TRUE(pg_server.Start(
      Plus(kDeliveryArgs, {"--database", db.url(), "--database-password-file", db.server().password_file})))
      << pg_server.Log();
  HttpClient pg_client(pg_server.port());
  pg_client.set_token(token);  // the token issued by the SQLite server
  SecretsApi pg_api(&pg_client, project);

  // The three notifications the SQLite server could not deliver reach the receiver, once each
  // as SUCCESS (a retry may repeat a webhook-id, never a second SUCCESS).
  ASSERT_TRUE(WaitForStatusCount(pg_api, "SUCCESS", 3, 90s)) << pg_server.Log();
  std::set<std::string> delivered = receiver.DistinctIds();
  EXPECT_EQ(delivered, pending_ids);
  std::set<std::string> success_ids;
  for (const auto& r : pg_api.Records("notification_status=SUCCESS")) success_ids.insert(r.record_id);
  EXPECT_EQ(success_ids, pending_ids);
  // Each record kept the SQLite server's failed attempts before the one that succeeded.
  for (const auto& id : pending_ids) {
    auto d = ShowRecord(pg_api, id);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_GE(d.json["record"]["attempt_count"].GetInt(), 2) << d.body;
  }

  Snapshot after = Take(pg_api);
  EXPECT_EQ(after.secrets, before.secrets);
  EXPECT_EQ(after.events, before.events);
  EXPECT_EQ(after.versions, before.versions);
  EXPECT_EQ(after.s1_latest, before.s1_latest);
  EXPECT_EQ(after.s1_blue, before.s1_blue);
  EXPECT_EQ(after.s1_v1, before.s1_v1);
  EXPECT_EQ(after.s2_latest, before.s2_latest);
  EXPECT_NE(after.s2_latest.find(R"(line1\nline2\t\\tab)"), std::string::npos) << after.s2_latest;
  auto signed_read = SignedRequest(pg_client, ak, "GET", "/v1/" + project + "/secrets/s1/versions/latest", "", project);
  EXPECT_EQ(signed_read.status, 200) << signed_read.body;
  EXPECT_NE(signed_read.body.find("value-three"), std::string::npos);
  // The migrated installation takes writes: the quota counter and the triggers work on.
  EXPECT_EQ(pg_api.CreateSecret("s3", "after-the-move").status, 200);
  EXPECT_EQ(Count(db, "project_secret_counts WHERE secrets = 3"), "1");

  // A second migrate into the now non-empty database is refused and changes nothing.
  std::string again;
  EXPECT_NE(Migrate(data_dir, db, &again), 0) << again;
  EXPECT_NE(again.find("not empty"), std::string::npos) << again;
  EXPECT_EQ(Count(db, "secrets"), "3");
  EXPECT_EQ(Count(db, "notifications"), "3");
}

TEST_F(MigrateTest, RefusesADataDirACsmsdRunsOn) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  std::string out;
  EXPECT_NE(Migrate(server.data_dir(), db, &out), 0) << out;
  EXPECT_NE(out.find("in use by a running csmsd"), std::string::npos) << out;
  // Nothing was written to the target, not even the schema.
  std::string tables;
  ASSERT_EQ(db.Exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &tables), "");
  EXPECT_EQ(tables, "0");
  // Stopped, the same data dir migrates.
  ASSERT_EQ(server.Stop(), 0);
  EXPECT_EQ(Migrate(server.data_dir(), db, &out), 0) << out;
  EXPECT_EQ(Count(db, "users"), "1");
}

// Runs one statement on the stopped source's csms.db (no foreign-key enforcement: SQLite's default).
std::string SqliteExec(const std::string& data_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string err;
  if (sqlite3_open((data_dir + "/csms.db").c_str(), &db) != SQLITE_OK) err = "cannot open";
  char* msg = nullptr;
  if (err.empty() && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) err = msg ? msg : "failed";
  sqlite3_free(msg);
  sqlite3_close(db);
  return err;
}

TEST_F(MigrateTest, AFailedCopyLeavesTheTargetEmpty) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  ASSERT_EQ(server.Stop(), 0);
  // An access key whose user does not exist: PostgreSQL's foreign key refuses it, late in the copy
  // (access_keys comes after domains, projects and users).
  ASSERT_EQ(SqliteExec(server.data_dir(),
                       "INSERT INTO access_keys (access_key, user_id, sealed_secret, description, status, create_time) "
                       "VALUES ('GHOSTKEY', 'no-such-user', 'x', '', 'active', 1)"),
            "");
  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  std::string out;
  EXPECT_NE(Migrate(server.data_dir(), db, &out), 0) << out;
  EXPECT_NE(out.find("access_keys"), std::string::npos) << out;
  EXPECT_EQ(out.find("table="), std::string::npos) << out;  // no table reported as copied
  EXPECT_EQ(Count(db, "domains"), "0");
  EXPECT_EQ(Count(db, "users"), "0");
  EXPECT_EQ(Count(db, "token_revocations"), "1");  // the migrations' own row, as before
  // The target still counts as empty: with the bad row gone the copy goes through.
  ASSERT_EQ(SqliteExec(server.data_dir(), "DELETE FROM access_keys WHERE access_key = 'GHOSTKEY'"), "");
  EXPECT_EQ(Migrate(server.data_dir(), db, &out), 0) << out;
  EXPECT_EQ(Count(db, "users"), "1");
  EXPECT_EQ(Count(db, "access_keys"), "0");
}

TEST_F(MigrateTest, RefusesADirectoryWithoutDatabaseAndATargetThatIsNotPostgres) {
  TempDir empty("csms-migrate");
  PostgresTestDatabase db;
  ASSERT_TRUE(db.ok());
  std::string out;
  EXPECT_NE(Migrate(empty.path(), db, &out), 0) << out;
  EXPECT_NE(out.find("holds no SQLite database"), std::string::npos) << out;
  EXPECT_NE(RunCsmsd({"admin", "migrate", "--from", empty.path(), "--to", "/tmp/x.db"}, &out), 0) << out;
  EXPECT_NE(out.find("postgresql://"), std::string::npos) << out;
}

}  // namespace
}  // namespace csms::test
