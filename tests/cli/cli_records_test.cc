// csms events ... and csms records ... against a real csmsd --dev: event CRUD, records with
// filters, --follow seeing a record appear, show, redeliver, redrive.
#include <chrono>

#include "cli_fixture.h"
#include "support/child_process.h"
#include "support/wait.h"

namespace csms::test {
namespace {

constexpr const char* kTopic = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts";

TEST_F(CliTest, EventsCreateListShowUpdateDelete) {
  Ok({"events", "create", "ev", "--type", "SECRET_VERSION_CREATED", "--type", "SECRET_DELETED", "--target-id", kTopic});
  rapidjson::Document shown = Json({"events", "show", "ev"});
  EXPECT_EQ(std::string(shown["event"]["notification"]["target_type"].GetString()), "SMN");
  EXPECT_EQ(shown["event"]["event_types"].Size(), 2u);

  rapidjson::Document list = Json({"events", "list"});
  ASSERT_EQ(list["events"].Size(), 1u);
  std::string table = Ok({"events", "list"});
  EXPECT_NE(table.find("ENABLED"), std::string::npos) << table;

  rapidjson::Document updated = Json({"events", "update", "ev", "--state", "DISABLED"});
  EXPECT_EQ(std::string(updated["event"]["state"].GetString()), "DISABLED");
  Ok({"events", "delete", "ev"});
  EXPECT_EQ(Json({"events", "list"})["events"].Size(), 0u);
}

// An SMN event without --smn-endpoint: each notification becomes an INVALID record at once.
class CliRecordsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (HasFatalFailure()) return;
    Ok({"events", "create", "ev", "--type", "SECRET_VERSION_CREATED", "--target-id", kTopic});
    Ok({"secrets", "create", "watched", "--event", "ev"}, "v1");
  }

  // The records of `secret` with a final status, through the CLI.
  rapidjson::Document Records(const std::string& secret) { return Json({"records", "list", "--secret-name", secret}); }
  bool HasRecords(const std::string& secret, rapidjson::SizeType n) {
    ProgramResult r = Csms({"--output", "json", "records", "list", "--secret-name", secret});
    rapidjson::Document doc;
    doc.Parse(r.out.c_str());
    return r.exit_code == 0 && !doc.HasParseError() && doc.IsObject() && doc.HasMember("records") &&
           doc["records"].IsArray() && doc["records"].Size() >= n;
  }
};

TEST_F(CliRecordsTest, ListWithFiltersShowRedeliverRedrive) {
  ASSERT_TRUE(WaitUntil([&] { return HasRecords("watched", 1); }, std::chrono::seconds(30)));
  rapidjson::Document records = Records("watched");
  const auto& record = records["records"][0];
  EXPECT_EQ(std::string(record["notification_status"].GetString()), "INVALID");
  std::string id = record["record_id"].GetString();

  EXPECT_EQ(Json({"records", "list", "--secret-name", "other"})["records"].Size(), 0u);
  EXPECT_EQ(Json({"records", "list", "--status", "SUCCESS"})["records"].Size(), 0u);
  EXPECT_EQ(Json({"records", "list", "--status", "INVALID", "--event-name", "ev", "--type", "SECRET_VERSION_CREATED",
                  "--since", "2020-01-01T00:00:00Z"})["records"]
                .Size(),
            1u);
  EXPECT_EQ(Json({"records", "list", "--until", "2020-01-01T00:00:00Z"})["records"].Size(), 0u);
  std::string table = Ok({"records", "list"});
  EXPECT_NE(table.find(id), std::string::npos) << table;

  rapidjson::Document shown = Json({"records", "show", id});
  EXPECT_EQ(std::string(shown["record"]["record_id"].GetString()), id);
  EXPECT_NE(Ok({"records", "show", id}).find("ATTEMPT"), std::string::npos);

  rapidjson::Document redelivered = Json({"records", "redeliver", id});
  EXPECT_EQ(std::string(redelivered["record"]["record_id"].GetString()), id);
  ASSERT_TRUE(WaitUntil([&] { return HasRecords("watched", 1); }, std::chrono::seconds(30)));
  rapidjson::Document redriven = Json({"records", "redrive", "--secret-name", "watched"});
  ASSERT_TRUE(redriven.HasMember("redriven_count"));
  EXPECT_EQ(redriven["redriven_count"].GetInt(), 1);
}

TEST_F(CliRecordsTest, FollowPrintsARecordCreatedWhileItRuns) {
  ASSERT_TRUE(WaitUntil([&] { return HasRecords("watched", 1); }, std::chrono::seconds(30)));
  std::string first_id = Records("watched")["records"][0]["record_id"].GetString();

  ChildProcess follow;
  std::string log = home_.File("follow.log");
  ASSERT_TRUE(follow.Start({CSMS_CLI_PATH, "--config-dir", config_dir(), "--dev", "--endpoint", Endpoint(), "records",
                            "list", "--follow", "--interval-ms", "100", "--secret-name", "watched"},
                           log));
  // The newest records first: the one that exists already, under the header.
  ASSERT_TRUE(WaitUntil([&] { return follow.Log().find(first_id) != std::string::npos; }, std::chrono::seconds(30)))
      << follow.Log();

  Ok({"secrets", "put-value", "watched"}, "v2");
  ASSERT_TRUE(WaitUntil([&] { return HasRecords("watched", 2); }, std::chrono::seconds(30)));
  rapidjson::Document records = Records("watched");
  std::string second_id = records["records"][0]["record_id"].GetString();
  ASSERT_NE(second_id, first_id);
  EXPECT_TRUE(WaitUntil([&] { return follow.Log().find(second_id) != std::string::npos; }, std::chrono::seconds(30)))
      << follow.Log();
  EXPECT_TRUE(follow.Running()) << follow.Log();
  follow.Stop();
  std::string out = follow.Log();
  EXPECT_EQ(out.find("RECORD_ID"), out.rfind("RECORD_ID")) << "one header: " << out;
  EXPECT_EQ(out.find(first_id), out.rfind(first_id)) << "each record once: " << out;
  EXPECT_LT(out.find(first_id), out.find(second_id)) << "oldest first: " << out;
}

}  // namespace
}  // namespace csms::test
