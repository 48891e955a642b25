// Cross-project isolation: two projects of one server hold secrets, events, tasks and records of
// the same names. Each project sees only its own data; another project's path is 403, and another
// project's ids under one's own path are 404 (or an empty answer), never the other project's data.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/delivery_helpers.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

class IsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log"})) << server_.Log();
    auto cred = ReadInitialCredentials(server_.data_dir());
    project_a_ = cred["project_id"];
    std::string out;
    ASSERT_EQ(RunCsmsd({"admin", "--data-dir", server_.data_dir(), "create-project", "--name", "team-b"}, &out), 0)
        << out;
    auto id_pos = out.find("id=");
    ASSERT_NE(id_pos, std::string::npos) << out;
    project_b_ = out.substr(id_pos + 3, 32);
    client_a_ = std::make_unique<HttpClient>(server_.port());
    client_b_ = std::make_unique<HttpClient>(server_.port());
    client_a_->set_token(GetToken(*client_a_, "admin", cred["password"], "csms", project_a_));
    client_b_->set_token(GetToken(*client_b_, "admin", cred["password"], "csms", project_b_));
    a_ = std::make_unique<SecretsApi>(client_a_.get(), project_a_);
    b_ = std::make_unique<SecretsApi>(client_b_.get(), project_b_);
  }

  CsmsdProcess server_;
  std::string project_a_, project_b_;
  std::unique_ptr<HttpClient> client_a_, client_b_;
  std::unique_ptr<SecretsApi> a_, b_;
};

TEST_F(IsolationTest, SameNamesInTwoProjectsStayApart) {
  ASSERT_EQ(a_->CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  ASSERT_EQ(b_->CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  ASSERT_EQ(a_->CreateSecret("shared", "value-of-a", "ev").status, 200);
  ASSERT_EQ(b_->CreateSecret("shared", "value-of-b", "ev").status, 200);

  auto va = a_->Get("/secrets/shared/versions/latest");
  auto vb = b_->Get("/secrets/shared/versions/latest");
  ASSERT_EQ(va.status, 200) << va.body;
  ASSERT_EQ(vb.status, 200) << vb.body;
  EXPECT_STREQ(va.json["version"]["secret_string"].GetString(), "value-of-a");
  EXPECT_STREQ(vb.json["version"]["secret_string"].GetString(), "value-of-b");

  // Changes in one project leave the other's secret as it was.
  ASSERT_EQ(b_->CreateVersion("shared", "second-of-b").status, 200);
  ASSERT_EQ(b_->Delete("/secrets/shared").status, 200);
  va = a_->Get("/secrets/shared/versions/latest");
  ASSERT_EQ(va.status, 200) << va.body;
  EXPECT_STREQ(va.json["version"]["secret_string"].GetString(), "value-of-a");
  EXPECT_STREQ(va.json["version"]["version_metadata"]["id"].GetString(), "v1");
  auto list_a = a_->Get("/secrets");
  ASSERT_EQ(list_a.status, 200) << list_a.body;
  ASSERT_EQ(list_a.json["secrets"].Size(), 1u);

  // Each project's records are its own: one SECRET_VERSION_CREATED in A, two in B.
  EXPECT_EQ(a_->Outbox("shared").size(), 1u);
  EXPECT_EQ(b_->Outbox("shared").size(), 2u);
}

TEST_F(IsolationTest, AnotherProjectsPathIsForbiddenWhateverTheResource) {
  ASSERT_EQ(b_->CreateSecret("only-b", "secret-of-b").status, 200);
  for (auto [method, rest] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/secrets"},
           {"GET", "/secrets/only-b"},
           {"GET", "/secrets/only-b/versions/latest"},
           {"GET", "/secrets/only-b/versions"},
           {"POST", "/secrets/only-b/rotate"},
           {"DELETE", "/secrets/only-b"},
           {"GET", "/csms/tasks"},
           {"POST", "/csms/notification-records/redrive"},
       }) {
    auto r = client_a_->Request(method, "/v1/" + project_b_ + rest, method == "POST" ? "{}" : "");
    EXPECT_EQ(r.status, 403) << method << " " << rest << " " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0302") << r.body;
    EXPECT_EQ(r.body.find("secret-of-b"), std::string::npos);
  }
  auto still = b_->Get("/secrets/only-b/versions/latest");
  ASSERT_EQ(still.status, 200) << still.body;
  EXPECT_STREQ(still.json["version"]["secret_string"].GetString(), "secret-of-b");
}

TEST_F(IsolationTest, AnotherProjectsIdsAreNotFoundUnderOnesOwnPath) {
  // Project B: a rotation task and a record that ends INVALID (SMN without --smn-endpoint).
  ASSERT_EQ(b_->CreateEvent("ev-b", AllEventTypes()).status, 200);
  ASSERT_EQ(b_->CreateSecret("only-b", "x", "ev-b").status, 200);
  auto rotated = b_->Post("/secrets/only-b/rotate", "");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string task_b = rotated.json["rotation_task_id"].GetString();
  ASSERT_TRUE(WaitForStatusCount(*b_, "INVALID", 1, std::chrono::seconds(60)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ListAllRecords(*b_, "notification_status=PENDING").empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(ListAllRecords(*b_, "notification_status=PENDING").empty());
  auto records_b = ListAllRecords(*b_);
  ASSERT_FALSE(records_b.empty());
  std::string record_b = records_b[0].record_id;

  // B sees its own task and record.
  auto own_task = b_->Get("/csms/tasks?task_id=" + task_b);
  ASSERT_EQ(own_task.status, 200) << own_task.body;
  ASSERT_EQ(own_task.json["tasks"].Size(), 1u);
  ASSERT_EQ(ShowRecord(*b_, record_b).status, 200);

  // A, asking about B's ids under A's own path.
  auto task = a_->Get("/csms/tasks?task_id=" + task_b);
  ASSERT_EQ(task.status, 200) << task.body;
  EXPECT_EQ(task.json["tasks"].Size(), 0u) << task.body;
  EXPECT_EQ(a_->Get("/csms/tasks?secret_name=only-b").json["tasks"].Size(), 0u);

  auto detail = ShowRecord(*a_, record_b);
  EXPECT_EQ(detail.status, 404) << detail.body;
  EXPECT_EQ(detail.body.find("only-b"), std::string::npos) << detail.body;

  auto redeliver = a_->Post("/csms/notification-records/" + record_b + "/redeliver", "");
  EXPECT_EQ(redeliver.status, 404) << redeliver.body;
  EXPECT_EQ(redeliver.body.find("only-b"), std::string::npos) << redeliver.body;

  auto redrive = a_->Post("/csms/notification-records/redrive", "");
  ASSERT_EQ(redrive.status, 200) << redrive.body;
  EXPECT_EQ(redrive.json["redriven_count"].GetInt64(), 0) << redrive.body;
  auto redrive_named = a_->Post("/csms/notification-records/redrive?secret_name=only-b", "");
  ASSERT_EQ(redrive_named.status, 200) << redrive_named.body;
  EXPECT_EQ(redrive_named.json["redriven_count"].GetInt64(), 0) << redrive_named.body;

  // B's records were left alone: still INVALID, none made PENDING again by A's calls.
  for (const auto& r : ListAllRecords(*b_)) EXPECT_EQ(r.status, "INVALID") << r.record_id;
  EXPECT_TRUE(ListAllRecords(*a_).empty());
}

}  // namespace
}  // namespace csms::test
