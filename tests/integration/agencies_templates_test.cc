// Agencies and rotation-function templates (spec §1.9) over HTTP: ShowAgency / CreateAgency and
// the agency check that comes first when an RDS-FG / GaussDB-FG secret rotates; the template of
// ShowSecretFunctionTemplates is the contrib/ file, and it works: run under python3 as the http
// rotation function of a secret, it rotates it.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "support/child_process.h"
#include "support/db_secrets.h"
#include "support/dev_server.h"
#include "support/event_bodies.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AgenciesTest : public DevServerTest {
 protected:
  HttpResult Get(const std::string& target) { return client_->Request("GET", target); }
  HttpResult Post(const std::string& target, const std::string& body) { return client_->Request("POST", target, body); }
  std::string Message(const HttpResult& r) {
    return r.ok_json && r.json.HasMember("error_msg") ? r.json["error_msg"].GetString() : r.body;
  }
};

TEST_F(AgenciesTest, CreateAgencyGrantsRotationOfItsTypeOnly) {
  HttpResult r = Get("/v1/csms/agencies?secret_type=RDS-FG");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json["agency_granted"].IsString()) << r.body;  // a string, as the spec says
  EXPECT_EQ(std::string(r.json["agency_granted"].GetString()), "false");

  // An instance where nothing listens: rotations are accepted, and their tasks fail.
  ASSERT_EQ(RegisterDevDbInstance(*client_, kDevProject, "i-1", "mysql", "127.0.0.1", 1), 200);
  const std::string value = DbAccountJson("mysql", "127.0.0.1", 1, "u", "pw", "d");
  for (const char* type : {"RDS-FG", "GaussDB-FG"}) {
    std::string name = std::string("db-") + type;
    r = Post(Path("/secrets"), R"({"name":")" + name + R"(","secret_string":)" + JsonString(value) +
                                   R"(,"secret_type":")" + type + R"(","rotation_config":)" +
                                   JsonString(DbRotationConfig("i-1")) + "}");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Without an agency, rotation is refused for that reason first.
  r = Post(Path("/secrets/db-RDS-FG/rotate"), "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0901") << r.body;
  EXPECT_NE(Message(r).find("agency"), std::string::npos) << r.body;

  r = Post("/v1/csms/agencies", R"({"secret_type":"RDS-FG"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json["agencies"].IsArray() && r.json["agencies"].Size() == 1) << r.body;
  std::string agency_id = r.json["agencies"][0]["agency_id"].GetString();
  EXPECT_EQ(agency_id.size(), 32u);
  EXPECT_EQ(std::string(r.json["agencies"][0]["agency_name"].GetString()), "csms_rds_fg_agency");
  // Creating it again answers the same agency.
  r = Post("/v1/csms/agencies", R"({"secret_type":"RDS-FG"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["agencies"][0]["agency_id"].GetString()), agency_id);

  EXPECT_EQ(std::string(Get("/v1/csms/agencies?secret_type=RDS-FG").json["agency_granted"].GetString()), "true");
  EXPECT_EQ(std::string(Get("/v1/csms/agencies?secret_type=GaussDB-FG").json["agency_granted"].GetString()), "false");

  // With the agency, the rotation starts (a task); GaussDB-FG still lacks its agency.
  r = Post(Path("/secrets/db-RDS-FG/rotate"), "");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json.HasMember("rotation_task_id")) << r.body;
  r = Post(Path("/secrets/db-GaussDB-FG/rotate"), "");
  EXPECT_EQ(r.ErrorCode(), "CSMS.0901") << r.body;
}

TEST_F(AgenciesTest, BadAgencyRequestsAre400NamingTheField) {
  for (const char* target :
       {"/v1/csms/agencies", "/v1/csms/agencies?secret_type=COMMON", "/v1/csms/agencies?secret_type=rds-fg"}) {
    HttpResult r = Get(target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0002") << target;
    EXPECT_NE(Message(r).find("secret_type"), std::string::npos) << r.body;
  }
  for (const char* body : {"{}", R"({"secret_type":"COMMON"})", R"({"secret_type":7})"}) {
    HttpResult r = Post("/v1/csms/agencies", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_NE(Message(r).find("secret_type"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Post("/v1/csms/agencies", "not json").status, 400);
  EXPECT_EQ(std::string(Get("/v1/csms/agencies?secret_type=RDS-FG").json["agency_granted"].GetString()), "false");
  // Unauthenticated: 401.
  HttpClient anonymous(server_.port());
  EXPECT_EQ(anonymous.Request("GET", "/v1/csms/agencies?secret_type=RDS-FG").status, 401);
}

TEST_F(AgenciesTest, TemplateQueryIsValidated) {
  struct Case {
    const char* query;
    const char* field;
  } cases[] = {
      {"", "secret_type"},
      {"secret_type=COMMON&secret_sub_type=SingleUser&engine=mysql", "secret_type"},
      {"secret_type=RDS-FG&engine=mysql", "secret_sub_type"},
      {"secret_type=RDS-FG&secret_sub_type=TripleUser&engine=mysql", "secret_sub_type"},
      {"secret_type=RDS-FG&secret_sub_type=SingleUser", "engine"},
      {"secret_type=RDS-FG&secret_sub_type=SingleUser&engine=oracle", "engine"},
      {"secret_type=GaussDB-FG&secret_sub_type=SingleUser&engine=sqlserver", "engine"},
  };
  for (const auto& c : cases) {
    HttpResult r = Get(std::string("/v1/csms/function-templates?") + c.query);
    EXPECT_EQ(r.status, 400) << c.query << " " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0002") << c.query;
    EXPECT_NE(Message(r).find(c.field), std::string::npos) << c.query << ": " << r.body;
  }
  HttpResult r = Get("/v1/csms/function-templates?secret_type=GaussDB-FG&secret_sub_type=MultiUser");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string text = r.json["function_templates"].GetString();
  EXPECT_NE(text.find(R"(TEMPLATE_PARAMETERS = {"secret_type": "GaussDB-FG", "secret_sub_type": "MultiUser", )"
                      R"("engine": "mysql"})"),
            std::string::npos);
}

// The template is the contrib/ file with its parameters line set, and it is a working rotation
// function: run under python3 against this csmsd, it rotates a secret (MultiUser: the two accounts
// take turns).
TEST_F(AgenciesTest, TheTemplateIsTheContribFileAndRotatesASecret) {
  HttpResult r = Get("/v1/csms/function-templates?secret_type=RDS-FG&secret_sub_type=MultiUser&engine=postgresql");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string text = r.json["function_templates"].GetString();
  std::string file = ReadFile(std::string(CSMS_SOURCE_DIR) + "/contrib/rotation-functions/db_rotation_function.py");
  ASSERT_FALSE(file.empty());
  const std::string default_line =
      R"(TEMPLATE_PARAMETERS = {"secret_type": "RDS-FG", "secret_sub_type": "SingleUser", "engine": "mysql"})";
  const std::string asked_line =
      R"(TEMPLATE_PARAMETERS = {"secret_type": "RDS-FG", "secret_sub_type": "MultiUser", "engine": "postgresql"})";
  size_t at = file.find(default_line);
  ASSERT_NE(at, std::string::npos);
  file.replace(at, default_line.size(), asked_line);
  EXPECT_EQ(text, file) << "the answer must be the contrib/ file with only its parameters line set";

  TempDir dir("csms-fn");
  std::string script = dir.File("fn.py");
  std::ofstream(script) << text;
  ChildProcess fn;
  ASSERT_TRUE(
      fn.Start({"python3", script, "--listen", "127.0.0.1:0", "--username", "app", "--port-file", dir.File("port")},
               dir.File("fn.log")));
  std::string port;
  ASSERT_TRUE(WaitUntil(
      [&] {
        port = ReadFile(dir.File("port"));
        return !port.empty() || !fn.Running();
      },
      60s));
  ASSERT_FALSE(port.empty()) << "the template did not start: " << fn.Log();

  r = Post(Path("/secrets"), R"({"name":"via-template","secret_string":"{\"username\":\"app\",\"password\":\"x\"}",)"
                             R"("rotation_func_urn":"http://127.0.0.1:)" +
                                 port + "/\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const char* expected_account : {"app_clone", "app"}) {
    r = Post(Path("/secrets/via-template/rotate"), "");
    ASSERT_EQ(r.status, 200) << r.body;
    std::string task = r.json["rotation_task_id"].GetString();
    std::string status;
    ASSERT_TRUE(WaitUntil(
        [&] {
          HttpResult t = Get(Path("/csms/tasks?task_id=" + task));
          if (t.status != 200 || t.json["tasks"].Size() != 1) return false;
          status = t.json["tasks"][0]["task_status"].GetString();
          return status != "RUNNING";
        },
        60s));
    ASSERT_EQ(status, "SUCCESS") << fn.Log();
    HttpResult v = Get(Path("/secrets/via-template/versions/latest"));
    ASSERT_EQ(v.status, 200) << v.body;
    rapidjson::Document value;
    value.Parse(v.json["version"]["secret_string"].GetString());
    ASSERT_TRUE(value.IsObject()) << v.body;
    EXPECT_EQ(std::string(value["username"].GetString()), expected_account);
    EXPECT_EQ(std::string(value["password"].GetString()).size(), 32u);
  }
  // It ran in dry-run mode and said what it would have run, without the password.
  EXPECT_NE(fn.Log().find("would run on postgresql"), std::string::npos) << fn.Log();
  EXPECT_NE(fn.Log().find("ALTER ROLE \"app_clone\" WITH PASSWORD '********'"), std::string::npos) << fn.Log();
}

}  // namespace
}  // namespace csms::test
