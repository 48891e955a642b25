// The start-up timeline of the real csmsd (common/startup_timeline.h): the listening line says how
// long after exec the server listened, and --log-level debug logs every start-up phase once, in
// order, with times that only grow.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/csmsd_process.h"

namespace csms::test {
namespace {

struct PhaseLine {
  std::string name;
  long long us = 0, at_us = 0, cpu_us = 0;
};

std::vector<PhaseLine> PhaseLines(const std::string& log) {
  static const std::regex kLine(R"(start-up phase phase=(\S+) us=(\d+) at_us=(\d+) cpu_us=(\d+))");
  std::vector<PhaseLine> out;
  std::istringstream in(log);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_search(line, m, kLine)) continue;
    out.push_back({m[1], std::stoll(m[2]), std::stoll(m[3]), std::stoll(m[4])});
  }
  return out;
}

TEST(StartupTimelineTest, DebugLogsEveryPhaseOnceInOrder) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev", "--log-level", "debug"})) << server.Log();
  const std::string log = server.Log();
  std::vector<PhaseLine> phases = PhaseLines(log);
  std::vector<std::string> names;
  for (const auto& p : phases) names.push_back(p.name);
  const std::vector<std::string> expected = {
      "loader",    "static-init",           "flags",  "data-dir",          "open-store",
      "bootstrap", "master-keys",           "auth",   "events-delivery",   "secrets-scheduler",
      "api",       "crypto-warm-up-joined", "listen", "background-threads"};
  ASSERT_EQ(names, expected) << log;
  long long previous_at = 0;
  for (const auto& p : phases) {
    EXPECT_GE(p.at_us, previous_at) << p.name << "\n" << log;  // since exec: never goes back
    EXPECT_LE(p.us, p.at_us) << p.name;                        // a phase lies after exec
    previous_at = p.at_us;
  }
}

TEST(StartupTimelineTest, TheListeningLineSaysWhenAndInfoLogsNoPhases) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev"})) << server.Log();
  const std::string log = server.Log();
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(csmsd listening on .*, after \d+\.\d ms)"))) << log;
  EXPECT_TRUE(PhaseLines(log).empty()) << log;
}

}  // namespace
}  // namespace csms::test
