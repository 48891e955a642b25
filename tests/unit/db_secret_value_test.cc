// The value format and rotation_config of database secrets (service/db_secret_value.h), the
// instance rules (domain/db_instance.h) and the scrubbing of passwords from messages.
#include <gtest/gtest.h>

#include "domain/db_instance.h"
#include "service/db_rotation.h"
#include "service/db_secret_value.h"

namespace csms::test {
namespace {

TEST(DbSecretValueTest, AnAccountRoundTripsAndEveryMemberIsChecked) {
  DbAccount a;
  ASSERT_TRUE(ParseDbAccount(R"({"engine":"mysql","host":"db","port":3306,"username":"app","password":"p'w\"",
                                "dbname":"shop"})",
                             &a)
                  .ok());
  EXPECT_EQ(a.engine, "mysql");
  EXPECT_EQ(a.port, 3306);
  EXPECT_EQ(a.password, "p'w\"");
  EXPECT_EQ(a.account_host, "%");
  DbAccount back;
  ASSERT_TRUE(ParseDbAccount(WriteDbAccount(a), &back).ok());
  EXPECT_EQ(back.username, "app");
  EXPECT_EQ(back.password, a.password);
  EXPECT_EQ(back.dbname, "shop");

  for (const char* bad : {"", "[]", "x", R"({"engine":"oracle","host":"h","port":1,"username":"u","password":"p"})",
                          R"({"engine":"mysql","host":"h","port":0,"username":"u","password":"p"})",
                          R"({"engine":"mysql","host":"h","port":1,"username":"","password":"p"})",
                          R"({"engine":"mysql","host":"h","port":1,"username":"u"})",
                          R"({"engine":"mysql","host":"h","port":"1","username":"u","password":"p"})",
                          R"({"engine":"mysql","host":"h","port":1,"username":"u\n","password":"p"})"}) {
    Status s = ParseDbAccount(bad, &a);
    EXPECT_EQ(s.code(), "CSMS.0002") << bad;
  }
  // An error never repeats the value.
  Status s = ParseDbAccount(R"({"engine":"mysql","host":"h","port":1,"username":"u","password":"sekrit\u0001"})", &a);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().find("sekrit"), std::string::npos) << s.message();
}

TEST(DbSecretValueTest, RotationConfigNamesAnInstanceAndAStrategy) {
  DbRotationConfig c;
  ASSERT_TRUE(ParseRotationConfig(R"({"InstanceId":"i-1","SecretSubType":"MultiUser"})", &c).ok());
  EXPECT_EQ(c.instance_id, "i-1");
  EXPECT_EQ(c.sub_type, "MultiUser");
  ASSERT_TRUE(ParseRotationConfig(R"({"InstanceId":"i-1"})", &c).ok());
  EXPECT_EQ(c.sub_type, "SingleUser");
  EXPECT_FALSE(ParseRotationConfig(R"({"InstanceId":"i-1","SecretSubType":"Triple"})", &c).ok());
  EXPECT_FALSE(ParseRotationConfig(R"({"SecretSubType":"SingleUser"})", &c).ok());
  EXPECT_FALSE(ParseRotationConfig("{'InstanceId':'i'}", &c).ok());
}

TEST(DbSecretValueTest, InstancesAreChecked) {
  DbInstance i;
  i.instance_id = "mdb-1";
  i.engine = "mysql";
  i.host = "127.0.0.1";
  i.port = 3306;
  EXPECT_TRUE(CheckDbInstance(i).ok());
  DbInstance bad = i;
  bad.engine = "sqlserver";
  EXPECT_FALSE(CheckDbInstance(bad).ok());
  bad = i;
  bad.host = "h; rm -rf /";
  EXPECT_FALSE(CheckDbInstance(bad).ok());
  bad = i;
  bad.port = 70000;
  EXPECT_FALSE(CheckDbInstance(bad).ok());
  bad = i;
  bad.instance_id = "a/b";
  EXPECT_FALSE(CheckDbInstance(bad).ok());
  bad = i;
  bad.tls_mode = "prefer";
  EXPECT_FALSE(CheckDbInstance(bad).ok());
}

TEST(DbSecretValueTest, PasswordsAreScrubbedFromMessages) {
  EXPECT_EQ(ScrubSecrets("login as u with pw123 failed: pw123", {"pw123", ""}), "login as u with *** failed: ***");
  EXPECT_EQ(ScrubSecrets("nothing here", {"x-y"}), "nothing here");
}

}  // namespace
}  // namespace csms::test
