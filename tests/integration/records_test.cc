// ListNotificationRecords over HTTP. Records are written through the storage interface (the
// same SQLite file the running server uses), since nothing in this layer produces them.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "common/clock.h"
#include "domain/limits.h"
#include "store/store.h"
#include "support/dev_server.h"
#include "support/engine.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

const char* kSeedContent =
    R"({"eventName":"TestEvent20221112","eventType":"SECRET_VERSION_EXPIRED","eventTime":"2023-04-14T20:25:10.126Z","data":{"secretId":"fde3d6ba-cb31-40b0-b6c4-78757050f8c8","secretName":"Secret20230325","createTime":"2023-03-22T20:43:04.000Z","updateTime":"2023-04-14T20:18:29.000Z","versionId":"v18","versionExpireTime":"2023-03-29T17:07:23.000Z"}})";

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log"})) << server_.Log();
    cred_ = ReadInitialCredentials(server_.data_dir());
    project_ = cred_["project_id"];
    client_ = std::make_unique<HttpClient>(server_.port());
    client_->set_token(GetToken(*client_, "admin", cred_["password"], "csms", project_));
    ASSERT_TRUE(OpenEngineStore(server_.data_dir(), &store_).ok());
    now_ = SystemClock().NowMillis();
  }

  NotificationRecord Make(int i, int64_t create_time, NotificationStatus status = NotificationStatus::kSuccess) {
    NotificationRecord r;
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    r.record_id = id;
    r.project_id = project_;
    r.event_name = i % 2 ? "odd-event" : "even-event";
    r.trigger_event_type = i % 3 == 0 ? EventType::kVersionExpired : EventType::kVersionCreated;
    r.create_time = create_time;
    r.secret_name = "secret-" + std::to_string(i % 5);
    r.secret_type = "COMMON";
    r.target_type = "SMN";
    r.notification_target_name = "topic";
    r.notification_target_id = "urn:smn:cn-north-4:p:topic";
    r.notification_content = "{}";
    r.notification_status = status;
    return r;
  }

  void Insert(const std::vector<NotificationRecord>& records) {
    Status s = store_->Write([&](Transaction& tx) -> Status {
      for (const auto& r : records) CSMS_RETURN_IF_ERROR(tx.records().Insert(r));
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  HttpResult List(const std::string& query = "") {
    return client_->Request("GET", "/v1/" + project_ + "/csms/notification-records" + query);
  }

  CsmsdProcess server_;
  std::map<std::string, std::string> cred_;
  std::string project_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<Store> store_;
  int64_t now_ = 0;
};

TEST_F(RecordsTest, SeedExampleRecordRoundTripsFieldByField) {
  NotificationRecord r = Make(1, now_ - 1000);
  r.event_name = "demo-event";
  r.trigger_event_type = EventType::kVersionExpired;
  r.secret_name = "demo-secret";
  r.notification_target_name = "SecretExpirationNotificationTest";
  r.notification_target_id = "urn:smn:cn-north-4:SecretExpirationTest";
  r.notification_content = kSeedContent;
  Insert({r});
  auto res = List();
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(res.json["records"].Size(), 1u);
  const auto& rec = res.json["records"][0];
  EXPECT_STREQ(rec["event_name"].GetString(), "demo-event");
  EXPECT_STREQ(rec["trigger_event_type"].GetString(), "SECRET_VERSION_EXPIRED");
  EXPECT_EQ(rec["create_time"].GetInt64(), now_ - 1000);
  EXPECT_STREQ(rec["secret_name"].GetString(), "demo-secret");
  EXPECT_STREQ(rec["secret_type"].GetString(), "COMMON");
  EXPECT_STREQ(rec["notification_target_name"].GetString(), "SecretExpirationNotificationTest");
  EXPECT_STREQ(rec["notification_target_id"].GetString(), "urn:smn:cn-north-4:SecretExpirationTest");
  EXPECT_STREQ(rec["notification_content"].GetString(), kSeedContent);
  EXPECT_STREQ(rec["notification_status"].GetString(), "SUCCESS");
  EXPECT_EQ(res.json["page_info"]["current_count"].GetInt(), 1);
}

TEST_F(RecordsTest, NoParametersReturnsUpTo1000NewestFirstWithinRetention) {
  std::vector<NotificationRecord> batch;
  for (int i = 0; i < 1100; ++i) batch.push_back(Make(i, now_ - 1000LL * i));
  batch.push_back(Make(5000, now_ - 91 * limits::kMillisPerDay));        // past retention
  batch.push_back(Make(5001, now_ - 10, NotificationStatus::kPending));  // in flight
  auto other = Make(5002, now_ - 5);
  other.project_id = "ffffffffffffffffffffffffffffffff";  // another project
  batch.push_back(other);
  Insert(batch);

  auto res = List();
  ASSERT_EQ(res.status, 200);
  const auto& records = res.json["records"];
  ASSERT_EQ(records.Size(), 1000u);
  for (rapidjson::SizeType i = 1; i < records.Size(); ++i) {
    EXPECT_GE(records[i - 1]["create_time"].GetInt64(), records[i]["create_time"].GetInt64());
  }
  for (const auto& r : records.GetArray()) {
    EXPECT_STRNE(r["notification_status"].GetString(), "PENDING");
    EXPECT_STRNE(r["record_id"].GetString(), "00000000-0000-4000-8000-000000005000");
    EXPECT_STRNE(r["record_id"].GetString(), "00000000-0000-4000-8000-000000005002");
  }
  ASSERT_TRUE(res.json["page_info"].HasMember("next_marker"));

  // Paging with limit + the opaque marker visits each visible record exactly once.
  std::set<std::string> seen;
  std::string marker;
  int pages = 0;
  for (; pages < 20; ++pages) {
    auto page = List("?limit=300" + (marker.empty() ? "" : "&marker=" + marker));
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& r : page.json["records"].GetArray()) EXPECT_TRUE(seen.insert(r["record_id"].GetString()).second);
    if (!page.json["page_info"].HasMember("next_marker")) break;
    marker = page.json["page_info"]["next_marker"].GetString();
  }
  EXPECT_EQ(seen.size(), 1100u);
  EXPECT_EQ(pages, 3);

  auto pending = List("?notification_status=PENDING");
  ASSERT_EQ(pending.json["records"].Size(), 1u);
  EXPECT_STREQ(pending.json["records"][0]["notification_status"].GetString(), "PENDING");
}

TEST_F(RecordsTest, FiltersNarrowTheListing) {
  std::vector<NotificationRecord> batch;
  for (int i = 0; i < 60; ++i)
    batch.push_back(
        Make(i, now_ - 60000 + 1000LL * i, i % 4 == 0 ? NotificationStatus::kFail : NotificationStatus::kSuccess));
  Insert(batch);
  auto count = [&](const std::string& q) {
    auto r = List(q);
    EXPECT_EQ(r.status, 200) << q << " " << r.body;
    return r.status == 200 ? static_cast<int>(r.json["records"].Size()) : -1;
  };
  EXPECT_EQ(count(""), 60);
  EXPECT_EQ(count("?event_name=odd-event"), 30);
  EXPECT_EQ(count("?secret_name=secret-0"), 12);
  EXPECT_EQ(count("?trigger_event_type=SECRET_VERSION_EXPIRED"), 20);
  EXPECT_EQ(count("?notification_status=FAIL"), 15);
  EXPECT_EQ(count("?notification_status=SUCCESS&event_name=even-event"), 15);
  EXPECT_EQ(count("?start_time=" + std::to_string(now_ - 60000 + 50000)), 10);
  EXPECT_EQ(count("?end_time=" + std::to_string(now_ - 60000 + 9000)), 10);
  EXPECT_EQ(count("?secret_name=nobody"), 0);
  // The 2023 API's marker: a 13-digit record time; records strictly older come back.
  EXPECT_EQ(count("?marker=" + std::to_string(now_ - 60000 + 10000)), 10);
}

TEST_F(RecordsTest, BadParametersAnswer400) {
  auto expect = [&](const std::string& q, const std::string& code) {
    auto r = List(q);
    EXPECT_EQ(r.status, 400) << q << " " << r.body;
    EXPECT_EQ(r.ErrorCode(), code) << q;
  };
  expect("?limit=0", "CSMS.0002");
  expect("?limit=1001", "CSMS.0002");
  expect("?limit=x", "CSMS.0002");
  expect("?marker=not-a-cursor!", "CSMS.0701");
  expect("?marker=%21%21%21", "CSMS.0701");
  expect("?trigger_event_type=SECRET_EXPLODED", "CSMS.0002");
  expect("?notification_status=DONE", "CSMS.0002");
  expect("?event_name=bad%20name", "CSMS.0002");
  expect("?start_time=yesterday", "CSMS.0002");
  expect("?start_time=2000&end_time=1000", "CSMS.0002");
}

}  // namespace
}  // namespace csms::test
