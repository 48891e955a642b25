// A first start listens before its admin's password hash (a deliberately slow key derivation) is
// stored (app/first_start.h): a login that arrives meanwhile waits for it instead of failing, and
// a first start killed before it stored the hash is finished by the next start from the password its
// credentials file gave the operator. The hook --test-initial-password-pause-file holds the store of
// the hash, so each state is reached by a condition, never by timing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <string>

#include "support/csmsd_process.h"
#include "support/dev_server.h"
#include "support/http_client.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace first_start {

constexpr auto kDeadline = std::chrono::seconds(60);

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Starts `server` on an empty data dir with the store of the admin's password held; returns once
// the holder is reached (the server listens and has written its credentials file).
bool StartHeld(CsmsdProcess& server, const std::string& pause, const std::vector<std::string>& more = {}) {
  std::ofstream(pause) << "hold";
  std::vector<std::string> args = {"--no-access-log", "--test-initial-password-pause-file", pause};
  args.insert(args.end(), more.begin(), more.end());
  return server.Start(args) && WaitUntil([&] { return Exists(pause + ".reached"); }, kDeadline);
}

// A first start killed while its admin's hash was held: the admin is pending, the credentials
// file written; returns what the file says (empty when the start failed).
std::map<std::string, std::string> KilledBeforeTheHash(CsmsdProcess& server) {
  const std::string pause = server.dir() + "/pause";
  if (!StartHeld(server, pause)) return {};
  auto cred = ReadInitialCredentials(server.data_dir());
  server.Kill();
  std::filesystem::remove(pause);
  return cred;
}

struct RemoveAtExit {
  ~RemoveAtExit() { std::filesystem::remove(path); }
  std::string path;
};

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

int Login(HttpClient& client, const std::map<std::string, std::string>& cred) {
  return client
      .Request("POST", "/v3/auth/tokens", PasswordAuthBody("admin", cred.at("password"), "csms", cred.at("project_id")))
      .status;
}

TEST(FirstStartPassword, ALoginBeforeTheHashIsStoredWaitsForIt) {
  CsmsdProcess server;
  const std::string pause = server.dir() + "/pause";
  ASSERT_TRUE(StartHeld(server, pause, {"--log-level", "debug"})) << server.Log();
  auto cred = ReadInitialCredentials(server.data_dir());
  ASSERT_GE(cred["password"].size(), 16u);
  HttpClient probe(server.port());
  EXPECT_EQ(probe.Request("GET", "/healthz").status, 200);

  std::future<int> login = std::async(std::launch::async, [&] {
    HttpClient client(server.port());
    return Login(client, cred);
  });
  // Destroyed before `login` (whose destructor waits for the answer), also when an assertion fails.
  RemoveAtExit unpause{pause};
  // The login is inside the server, waiting (without the wait it would have answered 401 by now).
  ASSERT_TRUE(
      WaitUntil([&] { return server.Log().find("a login waits for the first start") != std::string::npos; }, kDeadline))
      << server.Log();
  EXPECT_NE(login.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  std::filesystem::remove(pause);
  EXPECT_EQ(login.get(), 201) << server.Log();

  // Stored as the user's first password, not a change of it (null as for any new user).
  auto token =
      probe.Request("POST", "/v3/auth/tokens", PasswordAuthBody("admin", cred["password"], "csms", cred["project_id"]));
  ASSERT_EQ(token.status, 201) << token.body;
  auto users =
      probe.Request("GET", "/v1/csms/users?offset=0&limit=10", "", {{"X-Auth-Token", token.Header("x-subject-token")}});
  ASSERT_EQ(users.status, 200) << users.body;
  ASSERT_GE(users.json["users"].Size(), 1u) << users.body;
  EXPECT_TRUE(users.json["users"][0]["pwd_change_at"].IsNull()) << users.body;
  EXPECT_TRUE(users.json["users"][0]["updated_at"].IsNull()) << users.body;
  EXPECT_EQ(server.Stop(), 0);
}

TEST(FirstStartPassword, AStartKilledBeforeItStoredTheHashIsFinishedByTheNext) {
  CsmsdProcess server;
  auto cred = KilledBeforeTheHash(server);
  ASSERT_FALSE(cred.empty()) << server.Log();
  // As if the kill had come before the rename: the file is still under its temporary name.
  const std::string creds = server.data_dir() + "/initial-credentials";
  std::filesystem::rename(creds, creds + ".Ab12Cd");

  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  HttpClient client(server.port());
  EXPECT_EQ(Login(client, cred), 201) << server.Log();
  const std::string resumed = "the first start stopped before it did";
  EXPECT_EQ(Occurrences(server.Log(), resumed), 1u) << server.Log();
  EXPECT_EQ(ReadInitialCredentials(server.data_dir())["password"], cred["password"]) << "renamed into place";
  EXPECT_EQ(server.Stop(), 0);
  // Stored now: a further restart has nothing to finish.
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  EXPECT_EQ(Occurrences(server.Log(), resumed), 1u) << server.Log();
  HttpClient again(server.port());
  EXPECT_EQ(Login(again, cred), 201);
}

TEST(FirstStartPassword, AnAdminCommandFinishesItToo) {
  CsmsdProcess server;
  auto cred = KilledBeforeTheHash(server);
  ASSERT_FALSE(cred.empty()) << server.Log();
  int exit_code = -1;
  std::string out;
  RunAdmin(server.data_dir(), {"list-projects"}, &exit_code, &out);
  ASSERT_EQ(exit_code, 0) << out;

  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  EXPECT_EQ(server.Log().find("the first start stopped before it did"), std::string::npos) << server.Log();
  HttpClient client(server.port());
  EXPECT_EQ(Login(client, cred), 201) << server.Log();
}

TEST(FirstStartPassword, AnotherInstallationsCredentialsFileIsNotTaken) {
  CsmsdProcess server;
  auto cred = KilledBeforeTheHash(server);
  ASSERT_FALSE(cred.empty()) << server.Log();
  // The same user name and a password of the generated kind, but another domain's id.
  const std::string planted = "AAAAAAAAAAAAAAAAAAAAAAAA";
  std::ofstream(server.data_dir() + "/initial-credentials", std::ios::trunc)
      << "domain_name=csms\ndomain_id=" << std::string(32, 'f')
      << "\nproject_name=default\nproject_id=" << cred["project_id"] << "\nuser_name=admin\npassword=" << planted
      << "\n";

  // ... and as a leftover temporary file.
  std::filesystem::copy_file(server.data_dir() + "/initial-credentials",
                             server.data_dir() + "/initial-credentials.Zz9Yy8");

  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  EXPECT_NE(server.Log().find("csmsd admin set-password"), std::string::npos) << server.Log();
  HttpClient client(server.port());
  cred["password"] = planted;
  EXPECT_EQ(Login(client, cred), 401);
}

TEST(FirstStartPassword, WithoutItsCredentialsFileTheOperatorIsToldToSetOne) {
  CsmsdProcess server;
  auto cred = KilledBeforeTheHash(server);
  ASSERT_FALSE(cred.empty()) << server.Log();
  std::filesystem::remove(server.data_dir() + "/initial-credentials");

  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  EXPECT_NE(server.Log().find("csmsd admin set-password"), std::string::npos) << server.Log();
  HttpClient client(server.port());
  EXPECT_EQ(Login(client, cred), 401);  // nobody knows a password that verifies: none does
  const std::string chosen = "Quartz-Ladder-Violet-93";
  int exit_code = -1;
  std::string out;
  RunAdmin(server.data_dir(), {"set-password", "--name", "admin", "--password", chosen}, &exit_code, &out);
  ASSERT_EQ(exit_code, 0) << out;
  cred["password"] = chosen;
  EXPECT_EQ(Login(client, cred), 201) << server.Log();
}

}  // namespace first_start
}  // namespace csms::test
