// Issue 14 item 10: csmsd creates its data dir 0700 and its files 0600, and refuses (without
// touching it) an existing data dir that group or others can enter.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "support/csmsd_process.h"
#include "support/engine.h"
#include "support/http_client.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

// A scratch directory removed at the end of the test.
struct ScratchDir {
  ScratchDir() {
    char tmpl[] = "/tmp/csms-datadir-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

class OpenDataDirTest : public ::testing::TestWithParam<mode_t> {};

TEST_P(OpenDataDirTest, IsRefusedAndLeftAsItWas) {
  ScratchDir scratch;
  std::string dir = scratch.path + "/shared";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(chmod(dir.c_str(), GetParam()), 0);  // chmod: not limited by the umask

  CsmsdProcess server;
  EXPECT_FALSE(server.Start({"--no-access-log", "--data-dir", dir})) << "csmsd started on a group/world-open dir";
  server.Kill();
  std::string log = server.Log();
  EXPECT_NE(log.find("refusing to use data dir " + dir), std::string::npos) << log;
  EXPECT_NE(log.find("chmod 700"), std::string::npos) << log;
  EXPECT_EQ(ModeOf(dir), GetParam()) << "the mode of an existing directory must never change";
  EXPECT_FALSE(std::filesystem::exists(dir + "/csms.db")) << "nothing is created in a refused dir";

  // The admin command refuses it the same way.
  int rc = 0;
  std::string out;
  RunAdmin(dir, {"list-projects"}, &rc, &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("refusing to use data dir"), std::string::npos) << out;
  EXPECT_EQ(ModeOf(dir), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Modes, OpenDataDirTest, ::testing::Values(0777, 01777, 0750, 0705),
                         [](const ::testing::TestParamInfo<mode_t>& info) {
                           char buf[8];
                           snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(info.param));
                           return std::string("mode") + buf;
                         });

TEST(DataDir, FreshDirIs0700AndEveryFileIs0600) {
  CSMS_SKIP_ON_POSTGRES("the database files of the data dir");
  ScratchDir scratch;
  std::string dir = scratch.path + "/new/data";  // parents missing too
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log", "--data-dir", dir})) << server.Log();
  // A request, so the database has been written (WAL and shared-memory files exist while it runs).
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);
  EXPECT_EQ(ModeOf(dir), 0700u);
  for (const char* f : {"csms.db", "csms.db-wal", "csms.db-shm", "master.key", "initial-credentials"}) {
    std::string path = dir + "/" + f;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(ModeOf(path), 0600u) << path;
  }
  EXPECT_EQ(server.Stop(), 0);
  // A restart on its own 0700 dir is fine.
  ASSERT_TRUE(server.Start({"--no-access-log", "--data-dir", dir})) << server.Log();
  EXPECT_EQ(ModeOf(dir), 0700u);
}

// Under systemd or a container runtime stdout is a log others may read: the generated admin
// password goes to the 0600 file only, and the log says where it is.
TEST(DataDir, FirstStartKeepsThePasswordOutOfANonTerminalStdout) {
  CSMS_SKIP_ON_POSTGRES("the first start's credentials file of a data dir");
  ScratchDir scratch;
  std::string dir = scratch.path + "/data";
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log", "--data-dir", dir})) << server.Log();
  auto creds = ReadInitialCredentials(dir);
  ASSERT_GE(creds["password"].size(), 16u);
  EXPECT_EQ(server.Log().find(creds["password"]), std::string::npos) << server.Log();
  EXPECT_NE(server.Log().find(dir + "/initial-credentials"), std::string::npos) << server.Log();
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace csms::test
