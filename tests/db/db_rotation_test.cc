// Database credential rotation (RDS-FG / GaussDB-FG, issue 12) against the real MariaDB and
// PostgreSQL of the CTest fixtures `mariadb` and `postgres`, each test once per engine: a real csmsd (with a data dir,
// so `csmsd admin create-db-instance` and a restart after kill -9 work) rotates real accounts; each test makes its own
// database and accounts.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "common/clock.h"
#include "store/store.h"
#include "support/db_secrets.h"
#include "support/dev_fixture.h"
#include "support/mariadb.h"
#include "support/postgres.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

std::string Account(const std::string& engine, const std::string& host, int port, const std::string& user,
                    const std::string& password, const std::string& db) {
  return R"({"engine":")" + engine + R"(","host":")" + host + R"(","port":)" + std::to_string(port) +
         R"(,"username":")" + user + R"(","password":")" + password + R"(","dbname":")" + db + R"("})";
}

std::string Config(const std::string& instance, const std::string& sub_type) {
  return R"(,"secret_type":"RDS-FG","rotation_config":)" +
         JsonString(R"({"InstanceId":")" + instance + R"(","SecretSubType":")" + sub_type + R"("})");
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// One engine's test server, as the tests need it: a fresh database, accounts, logins.
class TestDb {
 public:
  virtual ~TestDb() = default;
  virtual std::string engine() const = 0;
  virtual std::string host() const = 0;
  virtual int port() const = 0;
  virtual std::string admin_user() const = 0;
  virtual std::string admin_password() const = 0;
  virtual std::string database() const = 0;
  virtual bool CreateAccount(const std::string& user, const std::string& password) = 0;
  virtual bool CanLogin(const std::string& user, const std::string& password, std::string* error = nullptr) = 0;
};

class MariaDb final : public TestDb {
 public:
  MariaDb() : s_(MariaDbTestServer::Get()), db_(s_.CreateDatabase("rot")) {}
  std::string engine() const override { return "mysql"; }
  std::string host() const override { return s_.host(); }
  int port() const override { return s_.port(); }
  std::string admin_user() const override { return s_.admin_user(); }
  std::string admin_password() const override { return s_.admin_password(); }
  std::string database() const override { return db_; }
  bool CreateAccount(const std::string& user, const std::string& password) override {
    return s_.CreateAccount(user, password, db_);
  }
  bool CanLogin(const std::string& user, const std::string& password, std::string* error) override {
    return s_.CanLogin(user, password, error);
  }

 private:
  const MariaDbTestServer& s_;
  std::string db_;
};

class Postgres final : public TestDb {
 public:
  std::string engine() const override { return "postgresql"; }
  std::string host() const override { return db_.server().host; }
  int port() const override { return std::atoi(db_.server().port.c_str()); }
  std::string admin_user() const override { return db_.server().user; }
  std::string admin_password() const override { return db_.server().password; }
  std::string database() const override { return db_.name(); }
  bool CreateAccount(const std::string& user, const std::string& password) override {
    std::string error = db_.Exec("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
    EXPECT_EQ(error, "");
    return error.empty();
  }
  bool CanLogin(const std::string& user, const std::string& password, std::string* error) override {
    std::string e = TryPostgresLogin(db_.server().host, db_.server().port, user, password, db_.name());
    if (error) *error = e;
    return e.empty();
  }

 private:
  PostgresTestDatabase db_;
};

class DbRotationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "mysql") {
      std::string why;
      ASSERT_TRUE(MariaDbTestServer::Available(&why)) << why;
      db_ = std::make_unique<MariaDb>();
    } else {
      std::string why;
      ASSERT_NE(PostgresTestServer::Get(&why), nullptr) << why;
      db_ = std::make_unique<Postgres>();
    }
    database_ = db_->database();
    ASSERT_FALSE(database_.empty());
  }

  void StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--no-access-log", "--no-delivery"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(server_.Start(args)) << server_.Log();
    auto cred = ReadInitialCredentials(server_.data_dir());
    if (project_.empty()) {
      project_ = cred["project_id"];
      password_ = cred["password"];
    }
    client_ = std::make_unique<HttpClient>(server_.port());
    client_->set_token(GetToken(*client_, "admin", password_, "csms", project_));
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
  }

  // Registers an instance with `csmsd admin` (the server keeps running).
  void CreateInstance(const std::string& id, int port, const std::string& admin_secret = "") {
    std::vector<std::string> args = {"admin",
                                     "--data-dir",
                                     server_.data_dir(),
                                     "create-db-instance",
                                     "--project-id",
                                     project_,
                                     "--instance-id",
                                     id,
                                     "--engine",
                                     db_->engine(),
                                     "--host",
                                     db_->host(),
                                     "--port",
                                     std::to_string(port)};
    if (!admin_secret.empty()) {
      args.push_back("--admin-secret");
      args.push_back(admin_secret);
    }
    std::string out;
    ASSERT_EQ(RunCsmsd(args, &out), 0) << out;
  }

  void Prepare(const std::string& instance = "mdb", const std::string& admin_secret = "") {
    StartServer();
    auto agency = client_->Request("POST", "/v1/csms/agencies", R"({"secret_type":"RDS-FG"})");
    ASSERT_EQ(agency.status, 200) << agency.body;
    CreateInstance(instance, db_->port(), admin_secret);
    ASSERT_EQ(api_->CreateEvent("ev", {"SECRET_ROTATED", "SECRET_ROTATED_FAILED"}).status, 200);
  }

  std::string Value(const std::string& user, const std::string& password) const {
    return Account(db_->engine(), db_->host(), db_->port(), user, password, database_);
  }

  // Polls the task until it leaves RUNNING; returns it.
  rapidjson::Document WaitTask(const std::string& task_id) {
    rapidjson::Document task;
    WaitUntil(
        [&] {
          auto r = api_->Get("/csms/tasks?task_id=" + task_id);
          if (r.status != 200 || r.json["tasks"].Size() != 1) return false;
          task.CopyFrom(r.json["tasks"][0], task.GetAllocator());
          return std::string(task["task_status"].GetString()) != "RUNNING";
        },
        std::chrono::seconds(90));
    return task;
  }

  std::string Rotate(const std::string& secret) {
    auto r = api_->Post("/secrets/" + secret + "/rotate", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json["rotation_task_id"].GetString() : "";
  }

  // The version a stage is on ("" when the stage does not exist).
  std::string StageVersion(const std::string& secret, const std::string& stage) {
    auto r = api_->Get("/secrets/" + secret + "/stages/" + stage);
    return r.status == 200 ? r.json["stage"]["version_id"].GetString() : "";
  }

  // The account a version holds.
  rapidjson::Document VersionValue(const std::string& secret, const std::string& version) {
    auto r = api_->Get("/secrets/" + secret + "/versions/" + version);
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document d;
    if (r.status == 200) d.Parse(r.json["version"]["secret_string"].GetString());
    return d;
  }

  std::string CurrentPassword(const std::string& secret) {
    auto d = VersionValue(secret, StageVersion(secret, "SYSCURRENT"));
    return d.IsObject() ? d["password"].GetString() : "";
  }

  std::unique_ptr<TestDb> db_;
  std::string database_;
  CsmsdProcess server_;
  std::string project_, password_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_P(DbRotationTest, SingleUserRotationChangesThePasswordInTheDatabase) {
  Prepare();
  std::string user = "su_" + RandomSuffix();
  ASSERT_TRUE(db_->CreateAccount(user, "Initial-pw-1"));
  ASSERT_EQ(api_->CreateSecret("acct", Value(user, "Initial-pw-1"), "ev", Config("mdb", "SingleUser")).status, 200);

  std::string task_id = Rotate("acct");
  auto task = WaitTask(task_id);
  ASSERT_TRUE(task.IsObject());
  EXPECT_STREQ(task["task_status"].GetString(), "SUCCESS") << task["task_error_msg"].GetString();
  EXPECT_STREQ(task["version_id"].GetString(), "v2");

  EXPECT_EQ(StageVersion("acct", "SYSCURRENT"), "v2");
  EXPECT_EQ(StageVersion("acct", "SYSPREVIOUS"), "v1");
  EXPECT_EQ(StageVersion("acct", "SYSPENDING"), "");
  std::string fresh = CurrentPassword("acct");
  ASSERT_EQ(fresh.size(), 32u);
  std::string error;
  EXPECT_TRUE(db_->CanLogin(user, fresh, &error)) << error;
  EXPECT_FALSE(db_->CanLogin(user, "Initial-pw-1")) << "the old password still logs in";

  bool rotated = false;
  for (const auto& row : api_->Outbox("acct")) {
    EXPECT_EQ(row.content_text.find(fresh), std::string::npos) << "a password in a notification";
    if (row.type == "SECRET_ROTATED") rotated = true;
  }
  EXPECT_TRUE(rotated);

  // And again: the rotation logs in with the password it set last time.
  task = WaitTask(Rotate("acct"));
  EXPECT_STREQ(task["task_status"].GetString(), "SUCCESS") << task["task_error_msg"].GetString();
  EXPECT_TRUE(db_->CanLogin(user, CurrentPassword("acct")));
  EXPECT_FALSE(db_->CanLogin(user, fresh));
}

TEST_P(DbRotationTest, MultiUserRotationResetsThePreviousAccountAndSwaps) {
  StartServer();
  ASSERT_EQ(api_->CreateSecret("mdb-admin", Value(db_->admin_user(), db_->admin_password())).status, 200);
  auto agency = client_->Request("POST", "/v1/csms/agencies", R"({"secret_type":"RDS-FG"})");
  ASSERT_EQ(agency.status, 200) << agency.body;
  CreateInstance("mdb", db_->port(), "mdb-admin");
  std::string a = "mu_a_" + RandomSuffix(), b = "mu_b_" + RandomSuffix();
  ASSERT_TRUE(db_->CreateAccount(a, "Pw-of-a-1"));
  ASSERT_TRUE(db_->CreateAccount(b, "Pw-of-b-1"));
  ASSERT_EQ(api_->CreateSecret("multi", Value(a, "Pw-of-a-1"), "", Config("mdb", "MultiUser")).status, 200);
  auto v2 = api_->CreateVersion("multi", Value(b, "Pw-of-b-1"), R"(,"version_stages":["SYSPREVIOUS"])");
  ASSERT_EQ(v2.status, 200) << v2.body;

  auto task = WaitTask(Rotate("multi"));
  EXPECT_STREQ(task["task_status"].GetString(), "SUCCESS") << task["task_error_msg"].GetString();
  EXPECT_EQ(StageVersion("multi", "SYSCURRENT"), "v3");
  EXPECT_EQ(StageVersion("multi", "SYSPREVIOUS"), "v1");
  auto current = VersionValue("multi", "v3");
  EXPECT_EQ(std::string(current["username"].GetString()), b);
  EXPECT_TRUE(db_->CanLogin(b, current["password"].GetString()));
  EXPECT_FALSE(db_->CanLogin(b, "Pw-of-b-1"));
  EXPECT_TRUE(db_->CanLogin(a, "Pw-of-a-1")) << "the previous account works until the next rotation";

  // The next rotation resets a (now SYSPREVIOUS) and swaps back.
  task = WaitTask(Rotate("multi"));
  EXPECT_STREQ(task["task_status"].GetString(), "SUCCESS") << task["task_error_msg"].GetString();
  auto again = VersionValue("multi", StageVersion("multi", "SYSCURRENT"));
  EXPECT_EQ(std::string(again["username"].GetString()), a);
  EXPECT_TRUE(db_->CanLogin(a, again["password"].GetString()));
  EXPECT_FALSE(db_->CanLogin(a, "Pw-of-a-1"));
  EXPECT_TRUE(db_->CanLogin(b, current["password"].GetString()));
}

TEST_P(DbRotationTest, CreateChecksTheInstanceAndTheValue) {
  Prepare();
  auto unknown = api_->CreateSecret("s1", Value("x", "y"), "", Config("nope", "SingleUser"));
  ExpectCsmsError(unknown, 400, "CSMS.0002", "InstanceId");
  ExpectCsmsError(api_->CreateSecret("s2", "not json", "", Config("mdb", "SingleUser")), 400, "CSMS.0002");
  ExpectCsmsError(
      api_->CreateSecret("s3", R"({"engine":"mysql","host":"h","port":1})", "", Config("mdb", "SingleUser")), 400,
      "CSMS.0002", "username");
  std::string other = db_->engine() == "mysql" ? "postgresql" : "mysql";
  ExpectCsmsError(api_->CreateSecret("s4", Account(other, "h", 1, "u", "p", "d"), "", Config("mdb", "SingleUser")), 400,
                  "CSMS.0002", "engine");
  ExpectCsmsError(api_->CreateSecret("s5", Value("u", "p"), "", Config("mdb", "Both")), 400, "CSMS.0002",
                  "SecretSubType");
  ASSERT_EQ(api_->CreateSecret("ok", Value("u", "p"), "", Config("mdb", "SingleUser")).status, 200);
  ExpectCsmsError(api_->CreateVersion("ok", "{}"), 400, "CSMS.0002", "engine");
  EXPECT_EQ(api_->CreateVersion("ok", Value("u", "p2")).status, 200);
}

TEST_P(DbRotationTest, ARotationAgainstAStoppedDatabaseFailsAndKeepsTheCurrentVersion) {
  Prepare();
  // An instance whose server is down: nothing listens on its port.
  int closed_port = 1;
  CreateInstance("down", closed_port);
  std::string user = "down_" + RandomSuffix();
  ASSERT_TRUE(db_->CreateAccount(user, "Kept-pw-1"));
  ASSERT_EQ(api_->CreateSecret("acct", Value(user, "Kept-pw-1"), "ev", Config("down", "SingleUser")).status, 200);

  auto task = WaitTask(Rotate("acct"));
  EXPECT_STREQ(task["task_status"].GetString(), "FAILED");
  EXPECT_STREQ(task["task_error_code"].GetString(), "CSMS.0807");
  std::string msg = task["task_error_msg"].GetString();
  EXPECT_NE(msg.find("changing the password failed"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Kept-pw-1"), std::string::npos) << msg;
  EXPECT_EQ(StageVersion("acct", "SYSCURRENT"), "v1");
  EXPECT_EQ(StageVersion("acct", "SYSPENDING"), "v2") << "the pending version stays marked";
  EXPECT_TRUE(db_->CanLogin(user, "Kept-pw-1")) << "SYSCURRENT still works";
  bool failed = false;
  for (const auto& row : api_->Outbox("acct")) {
    if (row.type == "SECRET_ROTATED_FAILED") failed = true;
    EXPECT_NE(row.type, "SECRET_ROTATED");
  }
  EXPECT_TRUE(failed);
}

TEST_P(DbRotationTest, AKillBetweenPasswordChangeAndStageMoveIsFinishedOnRestart) {
  std::string pause = server_.dir() + "/pause-rotation";
  { std::ofstream(pause) << "1"; }
  StartServer({"--test-rotation-pause-file", pause});
  auto agency = client_->Request("POST", "/v1/csms/agencies", R"({"secret_type":"RDS-FG"})");
  ASSERT_EQ(agency.status, 200) << agency.body;
  CreateInstance("mdb", db_->port());
  std::string user = "kill_" + RandomSuffix();
  ASSERT_TRUE(db_->CreateAccount(user, "Before-crash-1"));
  ASSERT_EQ(api_->CreateSecret("acct", Value(user, "Before-crash-1"), "", Config("mdb", "SingleUser")).status, 200);
  std::string task_id = Rotate("acct");
  ASSERT_TRUE(WaitUntil([&] { return FileExists(pause + ".reached"); }, std::chrono::seconds(60)))
      << "the rotation never reached the hook: " << server_.Log();
  EXPECT_FALSE(db_->CanLogin(user, "Before-crash-1")) << "the database has the new password already";
  server_.Kill();

  // Let the task's lease run out instead of waiting for it.
  {
    SqliteOptions options;
    options.path = server_.data_dir() + "/csms.db";
    std::unique_ptr<Store> store;
    ASSERT_TRUE(OpenSqliteStore(options, &store).ok());
    Status s = store->Write([&](Transaction& tx) -> Status {
      RotationTask t;
      CSMS_RETURN_IF_ERROR(tx.tasks().Get(project_, task_id, &t));
      EXPECT_EQ(t.status, TaskStatus::kRunning);
      t.due_time = SystemClock().NowMillis() - 1;
      return tx.tasks().Update(t);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  StartServer();
  auto task = WaitTask(task_id);
  EXPECT_STREQ(task["task_status"].GetString(), "SUCCESS") << task["task_error_msg"].GetString();
  EXPECT_EQ(StageVersion("acct", "SYSCURRENT"), "v2");
  EXPECT_EQ(StageVersion("acct", "SYSPENDING"), "");
  EXPECT_TRUE(db_->CanLogin(user, CurrentPassword("acct"))) << "the database and SYSCURRENT agree";
}

TEST_P(DbRotationTest, AutoRotationFiresFromTheScheduler) {
  Prepare();
  std::string user = "auto_" + RandomSuffix();
  ASSERT_TRUE(db_->CreateAccount(user, "Auto-pw-1"));
  ASSERT_EQ(api_->CreateSecret("acct", Value(user, "Auto-pw-1"), "",
                               Config("mdb", "SingleUser") + R"(,"auto_rotation":true,"rotation_period":"6h")")
                .status,
            200);
  // Bring the due moment forward (the server's clock is real outside --dev).
  {
    SqliteOptions options;
    options.path = server_.data_dir() + "/csms.db";
    std::unique_ptr<Store> store;
    ASSERT_TRUE(OpenSqliteStore(options, &store).ok());
    Status s = store->Write([&](Transaction& tx) -> Status {
      Secret secret;
      CSMS_RETURN_IF_ERROR(tx.secrets().Get(project_, "acct", &secret));
      EXPECT_TRUE(secret.next_rotation_time.has_value());
      secret.next_rotation_time = SystemClock().NowMillis() - 1;
      return tx.secrets().Update(secret);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string task_id;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = api_->Get("/csms/tasks?secret_name=acct&status=SUCCESS");
        if (r.status != 200 || r.json["tasks"].Size() == 0) return false;
        EXPECT_STREQ(r.json["tasks"][0]["operate_type"].GetString(), "AUTO_ROTATION");
        return true;
      },
      std::chrono::seconds(90)));
  EXPECT_TRUE(db_->CanLogin(user, CurrentPassword("acct")));
  EXPECT_FALSE(db_->CanLogin(user, "Auto-pw-1"));
}

TEST_P(DbRotationTest, AutoRotationFiresWithTheDevClock) {
  // A --dev server: the instance is registered through its --dev route, time moves by its clock.
  ASSERT_TRUE(server_.Start({"--dev", "--no-access-log", "--no-delivery"})) << server_.Log();
  project_ = kDevProject;
  client_ = std::make_unique<HttpClient>(server_.port());
  client_->set_token(GetToken(*client_, kDevUser, kDevPassword, kDevDomain, kDevProject));
  api_ = std::make_unique<SecretsApi>(client_.get(), project_);
  ASSERT_EQ(client_->Request("POST", "/v1/csms/agencies", R"({"secret_type":"RDS-FG"})").status, 200);
  ASSERT_EQ(RegisterDevDbInstance(*client_, project_, "mdb", db_->engine(), db_->host(), db_->port()), 200);
  std::string user = "devclk_" + RandomSuffix();
  ASSERT_TRUE(db_->CreateAccount(user, "Clock-pw-1"));
  ASSERT_EQ(api_->CreateSecret("acct", Value(user, "Clock-pw-1"), "",
                               Config("mdb", "SingleUser") + R"(,"auto_rotation":true,"rotation_period":"6h")")
                .status,
            200);
  // Not due yet: a tick rotates nothing.
  auto tick = client_->Request("POST", "/csms-dev/scheduler/tick", "");
  ASSERT_EQ(tick.status, 200) << tick.body;
  EXPECT_EQ(tick.json["rotations"].GetInt64(), 0);
  ASSERT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":25200000})").status, 200);  // 7 h
  // The clock wakes the background scheduler; its tick queues the rotation, the worker runs it.
  std::string state;
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = api_->Get("/csms/tasks?secret_name=acct");
        if (r.status != 200 || r.json["tasks"].Size() == 0) return false;
        state = r.json["tasks"][0]["task_status"].GetString();
        EXPECT_STREQ(r.json["tasks"][0]["operate_type"].GetString(), "AUTO_ROTATION");
        return state != "RUNNING";
      },
      std::chrono::seconds(90)));
  EXPECT_EQ(state, "SUCCESS");
  EXPECT_TRUE(db_->CanLogin(user, CurrentPassword("acct")));
  EXPECT_FALSE(db_->CanLogin(user, "Clock-pw-1"));
}

INSTANTIATE_TEST_SUITE_P(Engines, DbRotationTest, ::testing::Values("mysql", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace csms::test
