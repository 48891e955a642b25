// --writer-nice (decisions 128, 139): the SQLite writer and checkpoint threads, and the threads that
// prepare hot writes, run at a lower priority than the I/O threads and readers, so a burst of
// writes yields the CPU to reads. Checked on the real csmsd through /proc: the named threads' nice
// values, and everyone else's left alone.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/dev_server.h"
#include "support/engine.h"
#include "support/secrets_helpers.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

// comm → nice of every thread of `pid` (field 19 of /proc/PID/task/TID/stat); threads of the same
// name keep the highest nice value seen.
std::map<std::string, int> ThreadNices(pid_t pid) {
  std::map<std::string, int> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream comm_file(dir + "/" + e->d_name + "/comm");
    std::ifstream stat_file(dir + "/" + e->d_name + "/stat");
    std::string comm, stat;
    if (!std::getline(comm_file, comm) || !std::getline(stat_file, stat)) continue;
    // After the ")" that ends the command: state is field 3, nice field 19.
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    int nice = 0;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19) nice = std::stoi(field);
    }
    auto it = out.find(comm);
    if (it == out.end() || nice > it->second) out[comm] = nice;
  }
  closedir(d);
  return out;
}

std::string Names(const std::map<std::string, int>& nices) {
  std::string out;
  for (const auto& [comm, nice] : nices) out += comm + "(" + std::to_string(nice) + ") ";
  return out;
}

class WriterPriorityTest : public DevServerTest {
 protected:
  void SetUp() override {
    if (TestEngineIsPostgres()) GTEST_SKIP() << "SQLite's writer (PostgreSQL has no writer thread)";
    DevServerTest::SetUp();
  }
  std::vector<std::string> ExtraArgs() override { return {"--writer-nice", nice_, "--no-delivery"}; }
  // Creates secrets until the named threads exist: the writer's thread starts with the first write
  // queued without a waiting caller (a create whose token is cached, prepared on a csms-prepare
  // thread; the first request's token is not cached, and its write is led by the pool thread that
  // waits for it). The writer's thread is started by a csms-prepare thread, whose lowered priority
  // it inherits: it must not be lowered twice.
  std::map<std::string, int> NicesAfterAWrite(bool with_prepare = true) {
    SecretsApi api(client_.get(), kDevProject);
    std::map<std::string, int> nices;
    int n = 0;
    EXPECT_TRUE(WaitUntil(
        [&] {
          if (n < 50) {
            EXPECT_EQ(api.CreateSecret("prio-s" + std::to_string(++n), "value").status, 200);
          }
          nices = ThreadNices(server_.pid());
          return nices.count("csms-writer") && nices.count("csms-checkpoint") && nices.count("csms-write-pool") &&
                 (!with_prepare || nices.count("csms-prepare"));
        },
        30s))
        << "no thread named csms-writer, csms-checkpoint, csms-write-pool (and csms-prepare) among " << Names(nices);
    return nices;
  }
  std::string nice_ = "7";
};

// What runs writes: the store's writer and checkpointer, the threads preparing hot writes, the
// writer pool (requests other than GET and HEAD) and the I/O threads of write connections.
bool RunsWrites(const std::string& comm) {
  return comm == "csms-writer" || comm == "csms-checkpoint" || comm == "csms-prepare" || comm == "csms-write-pool" ||
         comm == "csms-io-write";
}

TEST_F(WriterPriorityTest, TheWriterAndCheckpointerRunLowerThanEveryOtherThread) {
  auto nices = NicesAfterAWrite();
  EXPECT_EQ(nices["csms-writer"], 7);
  EXPECT_EQ(nices["csms-checkpoint"], 7);
  EXPECT_EQ(nices["csms-prepare"], 7);
  EXPECT_EQ(nices["csms-write-pool"], 7) << "the first create (its token not yet cached) runs on the writer pool";
  EXPECT_EQ(nices["csms-io-write"], 7);
  EXPECT_EQ(nices.count("csms-io"), 1u) << Names(nices);
  for (const auto& [comm, nice] : nices) {
    if (!RunsWrites(comm)) {
      EXPECT_EQ(nice, 0) << "thread " << comm;
    }
  }
}

class WriterPriorityOffTest : public WriterPriorityTest {
 protected:
  WriterPriorityOffTest() { nice_ = "0"; }
};

TEST_F(WriterPriorityOffTest, ZeroLeavesTheWriterAtTheServersPriority) {
  auto nices = NicesAfterAWrite(/*with_prepare=*/false);
  EXPECT_EQ(nices["csms-writer"], 0);
  EXPECT_EQ(nices["csms-checkpoint"], 0);
  EXPECT_EQ(nices.count("csms-prepare"), 0u) << "0: hot writes are prepared on the I/O threads";
  EXPECT_EQ(nices.count("csms-io-write"), 0u) << "0: every connection stays on the I/O thread that accepted it";
  EXPECT_EQ(nices["csms-write-pool"], 0);
}

}  // namespace
}  // namespace csms::test
