// csms authentication and configuration against a real csmsd --dev: AK/SK signing from --dev, the
// environment and a config.toml profile; `csms login` tokens (cached 0600) and logout; the exit
// codes (1 API error with the CSMS code, 2 usage, 3 no connection); bash completion.
#include <sys/stat.h>

#include <fstream>

#include "cli_fixture.h"

namespace csms::test {
namespace {

TEST_F(CliTest, NotFoundIsExitCodeOneWithTheCsmsCodeOnStderr) {
  ProgramResult r = Csms({"secrets", "show", "no-such-secret"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("CSMS.0106"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("HTTP 404"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-such-secret"), std::string::npos) << r.err;

  ProgramResult value = Csms({"--output", "json", "secrets", "get-value", "no-such-secret"});
  EXPECT_EQ(value.exit_code, 1);
  EXPECT_TRUE(value.out.empty()) << value.out;
}

TEST_F(CliTest, UsageErrorsAreExitCodeTwo) {
  EXPECT_EQ(Csms({"secrets", "create"}).exit_code, 2);  // the name is required
  EXPECT_EQ(Csms({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(Csms({"--output", "yaml", "secrets", "list"}).exit_code, 2);
  EXPECT_EQ(Csms({}).exit_code, 2);
  ProgramResult no_endpoint = Csms({"secrets", "list"}, "", /*dev=*/false);
  EXPECT_EQ(no_endpoint.exit_code, 2);
  EXPECT_NE(no_endpoint.err.find("endpoint"), std::string::npos) << no_endpoint.err;
  EXPECT_EQ(Csms({"--help"}).exit_code, 0);
}

TEST_F(CliTest, NoServerIsExitCodeThree) {
  ProgramResult r = RunProgram(
      {CSMS_CLI_PATH, "--config-dir", config_dir(), "--dev", "--endpoint", "http://127.0.0.1:1", "secrets", "list"}, "",
      {"HOME=" + home_.path()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot reach"), std::string::npos) << r.err;
}

TEST_F(CliTest, AkSkFromTheEnvironmentAndFromAProfile) {
  Ok({"secrets", "create", "s"}, "v");
  ProgramResult from_env =
      Csms({"--output", "json", "secrets", "list"}, "", false,
           {"CSMS_ENDPOINT=" + Endpoint(), std::string("CSMS_ACCESS_KEY=") + kDevAk,
            std::string("CSMS_SECRET_KEY=") + kDevSk, std::string("CSMS_PROJECT_ID=") + kDevProject});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_NE(from_env.out.find("\"name\":\"s\""), std::string::npos) << from_env.out;

  ProgramResult wrong_key = Csms({"secrets", "list"}, "", false,
                                 {"CSMS_ENDPOINT=" + Endpoint(), std::string("CSMS_ACCESS_KEY=") + kDevAk,
                                  "CSMS_SECRET_KEY=wrong", std::string("CSMS_PROJECT_ID=") + kDevProject});
  EXPECT_EQ(wrong_key.exit_code, 1);
  EXPECT_NE(wrong_key.err.find("HTTP 401"), std::string::npos) << wrong_key.err;

  ASSERT_EQ(mkdir(config_dir().c_str(), 0700), 0);
  std::ofstream(config_dir() + "/config.toml") << "[default]\nendpoint = \"http://127.0.0.1:1\"\n\n"
                                               << "[staging]\nendpoint = \"" << Endpoint() << "\"\n"
                                               << "access_key = \"" << kDevAk << "\"\n"
                                               << "secret_key = \"" << kDevSk << "\"\n"
                                               << "project_id = \"" << kDevProject << "\"\n";
  ProgramResult profile = Csms({"--profile", "staging", "secrets", "get-value", "s"}, "", false);
  EXPECT_EQ(profile.exit_code, 0) << profile.err;
  EXPECT_EQ(profile.out, "v");
  EXPECT_EQ(Csms({"--profile", "missing", "secrets", "list"}, "", false).exit_code, 2);
  EXPECT_EQ(Csms({"secrets", "list"}, "", false).exit_code, 2) << "default profile has no credentials";
}

TEST_F(CliTest, LoginCachesATokenThatCommandsUseUntilLogout) {
  EXPECT_EQ(Csms({"--auth", "token", "secrets", "list"}).exit_code, 2) << "not logged in yet";

  ProgramResult bad = Csms({"login", "--user", "reader"}, "wrong-password\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("CSMS.0305"), std::string::npos) << bad.err;

  ProgramResult login = Csms({"login", "--user", "admin"}, "admin\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  struct stat st = {};
  ASSERT_EQ(stat((config_dir() + "/tokens/dev.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Ok({"--auth", "token", "secrets", "create", "by-token"}, "t");
  EXPECT_EQ(Ok({"--auth", "token", "secrets", "get-value", "by-token"}), "t");

  // A read-only user's token is refused a write with the server's code.
  Ok({"login", "--user", "reader"}, "reader\n");
  ProgramResult denied = Csms({"--auth", "token", "secrets", "create", "x"}, "x");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("HTTP 403"), std::string::npos) << denied.err;

  std::ifstream in(config_dir() + "/tokens/dev.json");
  std::string cached((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Ok({"logout"});
  EXPECT_NE(stat((config_dir() + "/tokens/dev.json").c_str(), &st), 0) << "the cache is gone";
  EXPECT_EQ(Csms({"--auth", "token", "secrets", "list"}).exit_code, 2);
  // The token itself was revoked on the server.
  rapidjson::Document doc;
  doc.Parse(cached.c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("token"));
  auto r = client_->Request("GET", Path("/secrets"), "", {{"X-Auth-Token", doc["token"].GetString()}});
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(CliTest, BashCompletionCompletesCommandsAndOptions) {
  std::string script = Ok({"completion", "bash"});
  std::string file = home_.File("csms.bash");
  std::ofstream(file) << script;
  auto complete = [&](const std::string& words, int cword) {
    std::string cmd = "source " + file + "; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
                      "; _csms; echo \"${COMPREPLY[*]}\"";
    return RunProgram({"/bin/bash", "-c", cmd}, "", {"PATH=/usr/bin:/bin"});
  };
  ProgramResult secrets = complete("csms secrets cr", 2);
  ASSERT_EQ(secrets.exit_code, 0) << secrets.err;
  EXPECT_EQ(secrets.out, "create\n");
  EXPECT_EQ(complete("csms records list --fol", 3).out, "--follow\n");
  EXPECT_EQ(complete("csms --dev secrets stage s", 4).out, "show set\n");
}

}  // namespace
}  // namespace csms::test
