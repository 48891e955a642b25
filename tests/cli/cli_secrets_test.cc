// csms secrets ... against a real csmsd --dev: values from stdin and files, versions, stages,
// backup and restore, tags, rotation tasks, random passwords; json output parses.
#include <fstream>

#include "cli_fixture.h"
#include "support/http_client.h"

namespace csms::test {
namespace {

TEST_F(CliTest, CreateFromStdinThenGetValueGivesTheSameBytes) {
  const std::string value = "p@ss w0rd\nsecond line";
  ProgramResult created = Csms({"secrets", "create", "db-password", "--description", "from stdin"}, value);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("name: db-password"), std::string::npos) << created.out;
  EXPECT_EQ(created.out.find(value), std::string::npos) << "the value is never printed: " << created.out;

  EXPECT_EQ(Ok({"secrets", "get-value", "db-password"}), value);
  // What the API stores is what was piped in.
  auto r = client_->Request("GET", Path("/secrets/db-password/versions/latest"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["version"]["secret_string"].GetString()), value);
}

TEST_F(CliTest, BinaryValuesRoundTripAndTextMustBeUtf8) {
  const std::string bytes("\x00\xff\x10 binary\n", 11);
  ProgramResult text = Csms({"secrets", "create", "blob"}, bytes);
  EXPECT_EQ(text.exit_code, 2) << "not UTF-8 text: " << text.err;
  EXPECT_NE(text.err.find("--binary"), std::string::npos) << text.err;

  Ok({"secrets", "create", "blob", "--binary"}, bytes);
  EXPECT_EQ(Ok({"secrets", "get-value", "blob", "--decode"}), bytes);
}

TEST_F(CliTest, ValueOnTheCommandLineNeedsItsExplicitFlag) {
  ProgramResult refused = Csms({"secrets", "create", "s", "--value", "in-history"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--allow-value-arg"), std::string::npos) << refused.err;
  EXPECT_EQ(client_->Request("GET", Path("/secrets/s")).status, 404) << "a refused command changes nothing";

  Ok({"secrets", "create", "s", "--value", "in-history", "--allow-value-arg"});
  EXPECT_EQ(Ok({"secrets", "get-value", "s"}), "in-history");
}

TEST_F(CliTest, VersionsStagesAndValuesFromFiles) {
  Ok({"secrets", "create", "api-key"}, "first");
  std::string file = home_.File("v2.txt");
  std::ofstream(file) << "second";
  Ok({"secrets", "put-value", "api-key", "--value-file", file});

  rapidjson::Document versions = Json({"secrets", "versions", "api-key"});
  ASSERT_TRUE(versions.HasMember("version_metadatas"));
  ASSERT_EQ(versions["version_metadatas"].Size(), 2u);
  std::string table = Ok({"secrets", "versions", "api-key"});
  EXPECT_NE(table.find("VERSION"), std::string::npos) << table;
  EXPECT_NE(table.find("SYSPREVIOUS"), std::string::npos) << table;

  EXPECT_EQ(Ok({"secrets", "get-value", "api-key"}), "second");
  EXPECT_EQ(Ok({"secrets", "get-value", "api-key", "--version", "v1"}), "first");
  EXPECT_EQ(Ok({"secrets", "get-value", "api-key", "--stage", "SYSPREVIOUS"}), "first");

  Ok({"secrets", "stage", "set", "api-key", "pinned", "v1"});
  EXPECT_EQ(Ok({"secrets", "get-value", "api-key", "--stage", "pinned"}), "first");
  rapidjson::Document stage = Json({"secrets", "stage", "show", "api-key", "pinned"});
  EXPECT_EQ(std::string(stage["stage"]["version_id"].GetString()), "v1");
  Ok({"secrets", "stage", "delete", "api-key", "pinned"});
  EXPECT_EQ(Csms({"secrets", "stage", "show", "api-key", "pinned"}).exit_code, 1);
}

TEST_F(CliTest, ListShowUpdateAndJsonOutputParses) {
  Ok({"secrets", "create", "a-secret"}, "x");
  Ok({"secrets", "create", "b-secret"}, "y");
  rapidjson::Document list = Json({"secrets", "list"});
  ASSERT_TRUE(list.HasMember("secrets") && list["secrets"].IsArray()) << Ok({"--output", "json", "secrets", "list"});
  ASSERT_EQ(list["secrets"].Size(), 2u);
  EXPECT_EQ(std::string(list["secrets"][0]["name"].GetString()), "a-secret");

  rapidjson::Document paged = Json({"secrets", "list", "--limit", "1", "--all"});
  EXPECT_EQ(paged["secrets"].Size(), 2u) << "--all follows next_marker";

  std::string table = Ok({"secrets", "list"});
  EXPECT_EQ(table.rfind("NAME", 0), 0u) << table;
  EXPECT_NE(table.find("b-secret"), std::string::npos) << table;

  Ok({"secrets", "update", "a-secret", "--description", "changed"});
  rapidjson::Document shown = Json({"secrets", "show", "a-secret"});
  EXPECT_EQ(std::string(shown["secret"]["description"].GetString()), "changed");
}

TEST_F(CliTest, ScheduledDeletionRestoreAndDelete) {
  Ok({"secrets", "create", "s"}, "v");
  rapidjson::Document scheduled = Json({"secrets", "schedule-delete", "s", "--days", "7"});
  EXPECT_EQ(std::string(scheduled["secret"]["state"].GetString()), "PENDING_DELETE");
  rapidjson::Document restored = Json({"secrets", "restore", "s"});
  EXPECT_EQ(std::string(restored["secret"]["state"].GetString()), "ENABLED");
  Ok({"secrets", "delete", "s"});
  EXPECT_EQ(client_->Request("GET", Path("/secrets/s")).status, 404);
}

TEST_F(CliTest, BackupThenRestoreRecreatesTheSecret) {
  Ok({"secrets", "create", "s"}, "kept");
  std::string blob = home_.File("s.blob");
  Ok({"secrets", "backup", "s", "--out", blob});
  Ok({"secrets", "delete", "s"});
  Ok({"secrets", "restore-backup", "--in", blob});
  EXPECT_EQ(Ok({"secrets", "get-value", "s"}), "kept");
}

TEST_F(CliTest, TagsRotationTasksAndPasswords) {
  Ok({"secrets", "create", "s"}, "v");
  Ok({"secrets", "tag", "s", "team", "payments"});
  std::string tags = Ok({"secrets", "tags", "s"});
  EXPECT_NE(tags.find("payments"), std::string::npos) << tags;
  EXPECT_NE(Ok({"tags"}).find("team"), std::string::npos);
  Ok({"secrets", "untag", "s", "team"});
  EXPECT_EQ(Ok({"secrets", "tags", "s"}).find("payments"), std::string::npos);

  rapidjson::Document rotated = Json({"secrets", "rotate", "s"});
  ASSERT_TRUE(rotated.HasMember("rotation_task_id"));
  std::string task_id = rotated["rotation_task_id"].GetString();
  rapidjson::Document tasks = Json({"tasks", "list", "--secret-name", "s"});
  ASSERT_TRUE(tasks.HasMember("tasks"));
  bool found = false;
  for (const auto& t : tasks["tasks"].GetArray()) found |= t["task_id"].GetString() == task_id;
  EXPECT_TRUE(found) << task_id;

  std::string password = Ok({"password", "--length", "24", "--no-punctuation"});
  ASSERT_EQ(password.size(), 25u) << password;
  EXPECT_EQ(password.back(), '\n');
}

}  // namespace
}  // namespace csms::test
