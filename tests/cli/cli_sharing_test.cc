// csms grants / check / checker / function-template against a real csmsd --dev: a grant of a
// secret to the read-only user created, listed, refused twice, given an end, revoked; the strength
// estimate of weak and strong values (never echoed), the project's strength check refusing a weak
// value; the rotation-function template printed and written 0600.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "cli_fixture.h"

namespace csms::test {
namespace {

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

class CliSharingTest : public CliTest {
 protected:
  // The id of a user of the dev domain, from `csms users list`.
  std::string UserId(const std::string& name) {
    rapidjson::Document doc = Json({"users", "list"});  // offset 0, limit 100 by default
    if (!doc.IsObject() || !doc.HasMember("users")) return "";
    for (const auto& u : doc["users"].GetArray()) {
      if (std::string(u["user_name"].GetString()) == name) return u["user_id"].GetString();
    }
    ADD_FAILURE() << "no user " << name;
    return "";
  }
  // csms --output json secrets show NAME: secret.id.
  std::string SecretId(const std::string& name) {
    rapidjson::Document doc = Json({"secrets", "show", name});
    return doc["secret"]["id"].GetString();
  }
};

TEST_F(CliSharingTest, GrantsAreCreatedListedUpdatedAndRevoked) {
  Ok({"secrets", "create", "shared"}, "v");
  std::string reader = UserId(kDevReader);
  ASSERT_FALSE(reader.empty());

  rapidjson::Document created = Json({"grants", "create", "shared", "--user", reader});
  ASSERT_TRUE(created.HasMember("data")) << ToJson(created);
  EXPECT_EQ(std::string(created["data"]["granteeUser"].GetString()), reader);
  EXPECT_EQ(std::string(created["data"]["resourceId"].GetString()), SecretId("shared"));
  EXPECT_TRUE(created["data"]["validityTime"].IsNull());

  std::string table = Ok({"grants", "list", "shared"});
  EXPECT_NE(table.find("GRANTEE"), std::string::npos) << table;
  EXPECT_NE(table.find(reader), std::string::npos) << table;
  EXPECT_NE(table.find(kDevReader), std::string::npos) << table;

  ProgramResult again = Csms({"grants", "create", "shared", "--user", reader});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("CSMS.0903"), std::string::npos) << again.err;

  // A validity in the future (year 2100, in milliseconds), then by the secret's id.
  rapidjson::Document updated =
      Json({"grants", "update", SecretId("shared"), "--id", "--user", reader, "--valid-until", "4102444800000"});
  EXPECT_EQ(updated["data"]["validityTime"].GetInt64(), 4102444800000);
  rapidjson::Document listed = Json({"grants", "list", "shared"});
  ASSERT_EQ(listed["data"]["grantee_user"].Size(), 1u);
  EXPECT_EQ(listed["data"]["grantee_user"][0]["validity_time"].GetInt64(), 4102444800000);

  std::string revoked = Ok({"grants", "delete", "shared", "--user", reader});
  EXPECT_NE(revoked.find("revoked"), std::string::npos) << revoked;
  listed = Json({"grants", "list", "shared"});
  EXPECT_EQ(listed["data"]["grantee_user"].Size(), 0u);
  ProgramResult none = Csms({"grants", "delete", "shared", "--user", reader});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("CSMS.0005"), std::string::npos) << none.err;

  EXPECT_EQ(Csms({"grants", "create", "shared"}).exit_code, 2) << "a grantee is required";
  EXPECT_EQ(Csms({"grants", "create", "shared", "--user", reader, "--group", "g"}).exit_code, 2);
  EXPECT_EQ(Csms({"grants", "list", "no-such-secret"}).exit_code, 1);
}

TEST_F(CliSharingTest, CheckEstimatesStrengthWithoutEchoingTheValue) {
  ProgramResult weak = Csms({"check"}, "password");
  ASSERT_EQ(weak.exit_code, 0) << weak.err;
  EXPECT_NE(weak.out.find("weak: true"), std::string::npos) << weak.out;
  EXPECT_NE(weak.out.find("dictionary word"), std::string::npos) << weak.out;

  rapidjson::Document strong = Json({"check", "--user-input", "alice"}, "T7#qv9!Lm2@xZr4$Wp8&Kd");
  ASSERT_TRUE(strong.HasMember("data")) << ToJson(strong);
  EXPECT_FALSE(strong["data"]["weak"].GetBool());
  EXPECT_EQ(strong["data"]["score"].GetInt(), 4);
  EXPECT_EQ(ToJson(strong).find("T7#qv9"), std::string::npos) << "the value is never echoed";

  rapidjson::Document with_input = Json({"check", "--user-input", "alice2026"}, "alice2026");
  EXPECT_TRUE(with_input["data"]["weak"].GetBool());

  EXPECT_EQ(Csms({"check", "--value", "x"}).exit_code, 2) << "--value needs --allow-value-arg";
  EXPECT_EQ(Csms({"check"}, "").exit_code, 2) << "an empty value";
}

TEST_F(CliSharingTest, TheStrengthCheckRefusesWeakValuesOnceTurnedOn) {
  EXPECT_NE(Ok({"checker", "show"}).find("checking_secret_strength: false"), std::string::npos);
  Ok({"secrets", "create", "before"}, "password");  // accepted while the check is off

  rapidjson::Document on = Json({"checker", "set", "--strength-check", "true"});
  EXPECT_TRUE(on["checking_secret_strength"].GetBool());
  EXPECT_NE(Ok({"checker", "show"}).find("checking_secret_strength: true"), std::string::npos);
  ProgramResult refused = Csms({"secrets", "create", "weak-one"}, "password");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("CSMS.0002"), std::string::npos) << refused.err;
  EXPECT_EQ(Csms({"secrets", "show", "weak-one"}).exit_code, 1) << "nothing was stored";

  Ok({"checker", "set", "--strength-check", "false"});
  Ok({"secrets", "create", "weak-one"}, "password");
  EXPECT_EQ(Csms({"checker", "set", "--strength-check", "maybe"}).exit_code, 2);
  EXPECT_EQ(Csms({"checker", "set"}).exit_code, 2);
}

TEST_F(CliSharingTest, FunctionTemplateIsPrintedOrWrittenPrivately) {
  std::string script =
      Ok({"function-template", "--secret-type", "RDS-FG", "--sub-type", "SingleUser", "--engine", "mysql"});
  EXPECT_NE(script.find("TEMPLATE_PARAMETERS"), std::string::npos) << script.substr(0, 500);
  EXPECT_NE(script.find("mysql"), std::string::npos);
  EXPECT_EQ(script.rfind("#!/usr/bin/env python3\n", 0), 0u) << "printed as code, not as a JSON string";

  std::string file = home_.File("fn.py");
  EXPECT_EQ(Ok({"function-template", "--secret-type", "GaussDB-FG", "--sub-type", "MultiUser", "--out", file}), "");
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::stringstream written;
  written << std::ifstream(file).rdbuf();
  EXPECT_NE(written.str().find("MultiUser"), std::string::npos);

  ProgramResult bad = Csms({"function-template", "--secret-type", "RDS-FG", "--sub-type", "SingleUser"});
  EXPECT_EQ(bad.exit_code, 1) << "RDS-FG needs an engine";
  EXPECT_NE(bad.err.find("CSMS.0002"), std::string::npos) << bad.err;
  EXPECT_EQ(Csms({"function-template", "--secret-type", "OTHER", "--sub-type", "SingleUser"}).exit_code, 2);
}

TEST_F(CliSharingTest, CompletionKnowsTheNewCommands) {
  std::string script = Ok({"completion", "bash"});
  EXPECT_NE(script.find("[\"csms grants\"]=\"list create update delete\""), std::string::npos) << script;
  EXPECT_NE(script.find("[\"csms checker\"]=\"show set\""), std::string::npos);
  EXPECT_NE(script.find("--valid-until"), std::string::npos);
  EXPECT_NE(script.find("function-template"), std::string::npos);
}

}  // namespace
}  // namespace csms::test
