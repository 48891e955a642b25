// csms secrets tag-batch, resources and users change-password against a real csmsd --dev: tags
// created and deleted in one request (all or nothing), secrets found by tags and name, and a
// user's own password changed (its tokens revoked, the new password the only one that works).
#include "cli_fixture.h"

namespace csms::test {
namespace {

TEST_F(CliTest, TagBatchAndResourcesFindSecretsByTags) {
  Ok({"secrets", "create", "api-key"}, "v");
  Ok({"secrets", "create", "db-password"}, "v");
  Ok({"secrets", "tag-batch", "api-key", "create", "env=prod", "team=payments"});
  Ok({"secrets", "tag-batch", "db-password", "create", "env=dev"});
  std::string tags = Ok({"secrets", "tags", "api-key"});
  EXPECT_NE(tags.find("payments"), std::string::npos) << tags;

  std::string prod = Ok({"resources", "--tag", "env=prod"});
  EXPECT_NE(prod.find("api-key"), std::string::npos) << prod;
  EXPECT_EQ(prod.find("db-password"), std::string::npos) << prod;
  rapidjson::Document both = Json({"resources", "--tag", "env=prod,dev"});
  EXPECT_EQ(both["total_count"].GetInt(), 2);
  EXPECT_EQ(Ok({"resources", "--count", "--tag", "env", "--name-contains", "db-"}), "1\n");
  EXPECT_EQ(Ok({"resources", "--count", "--tag", "env=prod", "--tag", "team=other"}), "0\n");

  Ok({"secrets", "tag-batch", "api-key", "delete", "env"});
  EXPECT_EQ(Ok({"resources", "--count", "--tag", "env=prod"}), "0\n");
  // All or nothing: a bad key among good ones changes nothing.
  ProgramResult bad = Csms({"secrets", "tag-batch", "api-key", "create", "ok=1", "_sys_x=2"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("CSMS.0002"), std::string::npos) << bad.err;
  EXPECT_EQ(Ok({"secrets", "tags", "api-key"}).find("ok"), std::string::npos);
  EXPECT_EQ(Csms({"secrets", "tag-batch", "api-key", "create", "no-value"}).exit_code, 2);
  EXPECT_EQ(Csms({"secrets", "tag-batch", "api-key", "rename", "a=b"}).exit_code, 2);
}

TEST_F(CliTest, ChangePasswordRevokesTokensAndReplacesThePassword) {
  ASSERT_EQ(Csms({"login", "--user", kDevReader}, std::string(kDevReaderPassword) + "\n").exit_code, 0);
  ProgramResult weak = Csms({"--auth", "token", "users", "change-password"}, "reader\nshort\n");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("CSMS.0314"), std::string::npos) << weak.err;

  ProgramResult changed = Csms({"--auth", "token", "users", "change-password"}, "reader\nN3w-Reader-Pass!\n");
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.out.find("password changed"), std::string::npos) << changed.out;
  ProgramResult revoked = Csms({"--auth", "token", "users", "list", "--offset", "0", "--limit", "10"});
  EXPECT_EQ(revoked.exit_code, 1) << "the token was revoked";
  EXPECT_NE(revoked.err.find("HTTP 401"), std::string::npos) << revoked.err;

  EXPECT_EQ(Csms({"login", "--user", kDevReader}, std::string(kDevReaderPassword) + "\n").exit_code, 1);
  EXPECT_EQ(Csms({"login", "--user", kDevReader}, "N3w-Reader-Pass!\n").exit_code, 0);
  EXPECT_EQ(Csms({"users", "change-password"}, "only-one-line\n").exit_code, 2) << "no new password";
}

}  // namespace
}  // namespace csms::test
