// Issue 11: grants (CreateGrants, ListGrants, UpdateGrant, DeleteGrant). A grant is enforced: a
// read-only user may read the granted secret's values while the grant is valid, and is refused
// again the moment it expires (the --dev clock moves) or is deleted, or its secret goes.
#include <gtest/gtest.h>

#include <string>

#include "support/dev_server.h"
#include "support/grant_helpers.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

constexpr int64_t kHourMs = 3'600'000;

class GrantsTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    client_->set_token(token_);
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
    reader_client_ = std::make_unique<HttpClient>(server_.port());
    reader_token_ = GetToken(*reader_client_, kDevReader, kDevReaderPassword, kDevDomain, kDevProject);
    ASSERT_FALSE(reader_token_.empty());
    reader_client_->set_token(reader_token_);
    reader_id_ = UserIdByName(*client_, token_, kDevReader);
    ASSERT_FALSE(reader_id_.empty());
  }

  // Creates a secret and returns its id.
  std::string CreateSecret(const std::string& name, const std::string& value) {
    auto r = api_->CreateSecret(name, value);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.ok_json ? r.json["secret"]["id"].GetString() : "";
  }
  HttpResult ReaderReads(const std::string& name) {
    return reader_client_->Request("GET", Path("/secrets/" + name + "/versions/latest"));
  }
  HttpResult Grants(const std::string& method, const std::string& query, const std::string& body = "") {
    return client_->Request(method, Path("/csms/grants" + query), body);
  }

  std::unique_ptr<SecretsApi> api_;
  std::unique_ptr<HttpClient> reader_client_;
  std::string reader_token_, reader_id_;
};

TEST_F(GrantsTest, ReadOnlyUserReadsAGrantedSecretUntilTheGrantExpiresOrIsDeleted) {
  std::string id = CreateSecret("granted", "the-value");
  CreateSecret("not-granted", "other-value");
  auto r = ReaderReads("granted");
  ExpectCsmsError(r, 403, "CSMS.0303", "csms:secret:getVersion");

  r = Grants("POST", "", GrantBody(id, reader_id_));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& data = r.json["data"];
  EXPECT_EQ(std::string(data["resourceId"].GetString()), id);
  EXPECT_EQ(std::string(data["granteeUser"].GetString()), reader_id_);
  EXPECT_EQ(std::string(data["type"].GetString()), "SECRET");
  EXPECT_EQ(std::string(data["uuid"].GetString()).size(), 36u);
  EXPECT_TRUE(data["validityTime"].IsNull());
  EXPECT_EQ(data["state"].GetInt(), 0);
  EXPECT_TRUE(data["createTime"].IsInt64());

  r = ReaderReads("granted");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["version"]["secret_string"].GetString()), "the-value");
  // Only that secret, and only reading: writing it stays the role's decision.
  ExpectCsmsError(ReaderReads("not-granted"), 403, "CSMS.0303");
  ExpectCsmsError(reader_client_->Request("POST", Path("/secrets/granted/versions"), R"({"secret_string":"x"})"), 403,
                  "CSMS.0303");
  ExpectCsmsError(reader_client_->Request("POST", Path("/csms/grants"), GrantBody(id, reader_id_)), 403, "CSMS.0303",
                  "csms:grant:create");

  // Valid for one more hour of server time: still readable; past it: refused at once.
  int64_t now = api_->Now();
  r = Grants("PUT", "?resource_id=" + id, GrantBody(id, reader_id_, "0", std::to_string(now + kHourMs)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["validityTime"].GetInt64(), now + kHourMs);
  EXPECT_EQ(ReaderReads("granted").status, 200);
  api_->Advance(kHourMs + 1000);
  ExpectCsmsError(ReaderReads("granted"), 403, "CSMS.0303");
  r = reader_client_->Request("GET", Path("/csms/grants?resource_id=" + id));  // readonly may list grants
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["data"]["grantee_user"].Size(), 1u);
  EXPECT_EQ(r.json["data"]["grantee_user"][0]["state"].GetInt(), 1) << "listed as expired";

  // Renewed: readable again; deleted: refused again.
  now = api_->Now();
  r = Grants("PUT", "?resource_id=" + id, GrantBody(id, reader_id_, "0", std::to_string(now + kHourMs)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ReaderReads("granted").status, 200);
  r = Grants("DELETE", "?resource_id=" + id + "&grantee_user=" + reader_id_);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  ExpectCsmsError(ReaderReads("granted"), 403, "CSMS.0303");
  ExpectCsmsError(Grants("DELETE", "?resource_id=" + id + "&grantee_user=" + reader_id_), 404, "CSMS.0005");
}

TEST_F(GrantsTest, ListShowsTheSecretAndItsGrantees) {
  std::string id = CreateSecret("listed", "v");
  auto r = Grants("GET", "?resource_id=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["data"]["id"].GetString()), id);
  EXPECT_EQ(std::string(r.json["data"]["name"].GetString()), "listed");
  EXPECT_EQ(r.json["data"]["grantee_user"].Size(), 0u);
  EXPECT_TRUE(r.json["data"]["create_time"].IsNull());

  // The time format of the spec's examples ("YYYY-MM-DD HH:MM:SS", UTC) is accepted too.
  r = Grants("POST", "", GrantBody(id, reader_id_, "0", R"("2099-01-01 00:00:00")"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["validityTime"].GetInt64(), 4070908800000);
  r = Grants("GET", "?resource_id=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["data"]["grantee_user"].Size(), 1u);
  const auto& g = r.json["data"]["grantee_user"][0];
  EXPECT_EQ(std::string(g["user_id"].GetString()), reader_id_);
  EXPECT_EQ(std::string(g["user_name"].GetString()), kDevReader);
  EXPECT_EQ(g["validity_time"].GetInt64(), 4070908800000);
  EXPECT_EQ(g["state"].GetInt(), 0);
  EXPECT_TRUE(r.json["data"]["create_time"].IsInt64());

  // DELETE without grantee_user removes every grant of the secret.
  EXPECT_EQ(Grants("DELETE", "?resource_id=" + id).status, 204);
  r = Grants("GET", "?resource_id=" + id);
  EXPECT_EQ(r.json["data"]["grantee_user"].Size(), 0u) << r.body;
}

TEST_F(GrantsTest, GrantsGoWithTheirSecret) {
  std::string id = CreateSecret("short-lived", "v1");
  ASSERT_EQ(Grants("POST", "", GrantBody(id, reader_id_)).status, 200);
  ASSERT_EQ(ReaderReads("short-lived").status, 200);
  ASSERT_EQ(api_->Delete("/secrets/short-lived").status, 200);
  // The same name again is another secret: the old grant does not carry over.
  CreateSecret("short-lived", "v2");
  ExpectCsmsError(ReaderReads("short-lived"), 403, "CSMS.0303");
  ExpectCsmsError(Grants("GET", "?resource_id=" + id), 404, "CSMS.0106");
}

TEST_F(GrantsTest, BadRequestsAreRefusedAndChangeNothing) {
  std::string id = CreateSecret("checked", "v");
  ExpectCsmsError(Grants("POST", "", "{"), 400, "CSMS.0004");
  ExpectCsmsError(Grants("POST", "", R"({"type":"SECRET","grantee_type":"0","grantee_target_id":"x"})"), 400,
                  "CSMS.0002", "resource_id");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "1")), 400, "CSMS.0002", "grantee_type");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "0", "", "GROUP")), 400, "CSMS.0002", "GROUP");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "0", "", "KEY")), 400, "CSMS.0002", "type");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, "0123456789abcdef0123456789abcdef")), 400, "CSMS.0002",
                  "grantee_target_id");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "2")), 400, "CSMS.0002", "no group");
  ExpectCsmsError(Grants("POST", "", GrantBody(std::string(65, 'a'), reader_id_)), 400, "CSMS.0002", "resource_id");
  ExpectCsmsError(Grants("POST", "", GrantBody("5a1b2c3d-0000-0000-0000-000000000000", reader_id_)), 404, "CSMS.0106");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "0", "1000")), 400, "CSMS.0002", "future");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "0", R"("tomorrow")")), 400, "CSMS.0002",
                  "validity_time");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "0", R"("2099-02-30 00:00:00")")), 400, "CSMS.0002",
                  "validity_time");
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_, "0", "true")), 400, "CSMS.0002", "validity_time");
  ExpectCsmsError(Grants("GET", ""), 400, "CSMS.0002", "resource_id");
  ExpectCsmsError(Grants("PUT", "?resource_id=" + id, GrantBody(id, reader_id_)), 404, "CSMS.0005");
  ExpectCsmsError(Grants("PUT", "?resource_id=other", GrantBody(id, reader_id_)), 400, "CSMS.0002", "resource_id");
  ExpectCsmsError(Grants("DELETE", ""), 400, "CSMS.0002", "resource_id");
  // None of them made a grant.
  auto r = Grants("GET", "?resource_id=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["grantee_user"].Size(), 0u) << r.body;
  ExpectCsmsError(ReaderReads("checked"), 403, "CSMS.0303");

  // Twice the same grantee: 409.
  ASSERT_EQ(Grants("POST", "", GrantBody(id, reader_id_)).status, 200);
  ExpectCsmsError(Grants("POST", "", GrantBody(id, reader_id_)), 409, "CSMS.0903");
}

// A data-dir server: groups come from `csmsd admin`, and a second project holds a secret of the
// same name.
class GroupGrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log", "--no-delivery"})) << server_.Log();
    auto creds = ReadInitialCredentials(server_.data_dir());
    project_ = creds["project_id"];
    admin_password_ = creds["password"];
    int rc = 0;
    RunAdmin(server_.data_dir(),
             {"create-user", "--name", "member", "--password", "Member-Passw0rd", "--role", "readonly"}, &rc);
    ASSERT_EQ(rc, 0);
    auto kv = RunAdmin(server_.data_dir(), {"create-group", "--name", "team"}, &rc);
    ASSERT_EQ(rc, 0);
    group_id_ = kv["id"];
    ASSERT_EQ(group_id_.size(), 32u);
    RunAdmin(server_.data_dir(), {"add-group-member", "--group", "team", "--user", "member"}, &rc);
    ASSERT_EQ(rc, 0);
    std::string out;
    RunAdmin(server_.data_dir(), {"create-project", "--name", "other"}, &rc, &out);
    ASSERT_EQ(rc, 0) << out;
    auto id_pos = out.find("id=");
    ASSERT_NE(id_pos, std::string::npos) << out;
    other_project_ = out.substr(id_pos + 3, 32);
    client_ = std::make_unique<HttpClient>(server_.port());
  }

  HttpResult As(const std::string& token, const std::string& method, const std::string& project,
                const std::string& rest, const std::string& body = "") {
    return client_->Request(method, "/v1/" + project + rest, body, {{"X-Auth-Token", token}});
  }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::string project_, other_project_, admin_password_, group_id_;
};

TEST_F(GroupGrantsTest, AGroupGrantOpensTheSecretToItsMembersOnlyInItsProject) {
  int rc = 0;
  std::string out;
  RunAdmin(server_.data_dir(), {"list-groups"}, &rc, &out);
  ASSERT_EQ(rc, 0);
  EXPECT_NE(out.find("group=team id=" + group_id_ + " members=member"), std::string::npos) << out;

  std::string admin = GetToken(*client_, "admin", admin_password_, "csms", project_);
  std::string other_admin = GetToken(*client_, "admin", admin_password_, "csms", other_project_);
  std::string member = GetToken(*client_, "member", "Member-Passw0rd", "csms", project_);
  std::string member_other = GetToken(*client_, "member", "Member-Passw0rd", "csms", other_project_);
  auto r = As(admin, "POST", project_, "/secrets", R"({"name":"shared","secret_string":"team-value"})");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id = r.json["secret"]["id"].GetString();
  ASSERT_EQ(As(other_admin, "POST", other_project_, "/secrets", R"({"name":"shared","secret_string":"x"})").status,
            200);
  const std::string read = "/secrets/shared/versions/latest";
  ExpectCsmsError(As(member, "GET", project_, read), 403, "CSMS.0303");

  r = As(admin, "POST", project_, "/csms/grants", GrantBody(id, group_id_, "2"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["data"]["granteeType"].GetString()), "2");
  r = As(member, "GET", project_, read);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["version"]["secret_string"].GetString()), "team-value");
  r = As(admin, "GET", project_, "/csms/grants?resource_id=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["data"]["grantee_user"][0]["user_name"].GetString()), "team");

  // The secret of the same name in another project is another secret: never granted.
  ExpectCsmsError(As(member_other, "GET", other_project_, read), 403, "CSMS.0303");
  // Nor can the other project see or manage this project's grants.
  ExpectCsmsError(As(other_admin, "GET", other_project_, "/csms/grants?resource_id=" + id), 404, "CSMS.0106");
  ExpectCsmsError(As(other_admin, "DELETE", other_project_, "/csms/grants?resource_id=" + id), 404, "CSMS.0106");

  // Leaving the group ends it at once (`csmsd admin` from another process; no cache).
  RunAdmin(server_.data_dir(), {"remove-group-member", "--group", "team", "--user", "member"}, &rc);
  ASSERT_EQ(rc, 0);
  ExpectCsmsError(As(member, "GET", project_, read), 403, "CSMS.0303");
  RunAdmin(server_.data_dir(), {"remove-group-member", "--group", "team", "--user", "member"}, &rc);
  EXPECT_NE(rc, 0) << "not a member any more";
}

TEST_F(GroupGrantsTest, AdminGroupCommandsRefuseBadInput) {
  int rc = 0;
  std::string out;
  RunAdmin(server_.data_dir(), {"create-group", "--name", "team"}, &rc, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("CSMS.0009"), std::string::npos) << out;
  RunAdmin(server_.data_dir(), {"create-group", "--name", "bad name!"}, &rc);
  EXPECT_NE(rc, 0);
  RunAdmin(server_.data_dir(), {"add-group-member", "--group", "nope", "--user", "member"}, &rc);
  EXPECT_NE(rc, 0);
  RunAdmin(server_.data_dir(), {"add-group-member", "--group", "team", "--user", "nobody"}, &rc);
  EXPECT_NE(rc, 0);
  RunAdmin(server_.data_dir(), {"add-group-member", "--group", "team", "--user", "member"}, &rc, &out);
  EXPECT_NE(rc, 0) << "already a member: " << out;
}

}  // namespace
}  // namespace csms::test
