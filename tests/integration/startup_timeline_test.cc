// The start-up timeline of the real csmsd (common/startup_timeline.h): the listening line says how
// long after exec the server listened, and --log-level debug logs every start-up phase once, in
// order, with times that only grow.
#include <gtest/gtest.h>

#include <cstdio>
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

// sscanf, not std::regex: g++ 12's <regex> trips -Wmaybe-uninitialized at -O1 (the sanitizer build).
std::vector<PhaseLine> PhaseLines(const std::string& log) {
  std::vector<PhaseLine> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    const size_t at = line.find("start-up phase phase=");
    if (at == std::string::npos) continue;
    char name[64] = {};
    PhaseLine p;
    if (std::sscanf(line.c_str() + at, "start-up phase phase=%63s us=%lld at_us=%lld cpu_us=%lld", name, &p.us,
                    &p.at_us, &p.cpu_us) != 4)
      continue;
    p.name = name;
    out.push_back(p);
  }
  return out;
}

// "csmsd listening on <address>, after <N.N> ms (<N.N> ms of CPU)" somewhere in the log, with a
// positive time and CPU time (the whole process's, threads that ended included).
bool HasListeningLineWithTime(const std::string& log) {
  for (size_t at = log.find("csmsd listening on "); at != std::string::npos;
       at = log.find("csmsd listening on ", at + 1)) {
    const size_t end = log.find('\n', at);
    const std::string line = log.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const size_t after = line.find(", after ");
    if (after == std::string::npos) continue;
    double ms = 0, cpu_ms = 0;
    int consumed = 0;
    if (std::sscanf(line.c_str() + after, ", after %lf ms (%lf ms of CPU)%n", &ms, &cpu_ms, &consumed) == 2 &&
        consumed > 0 && ms > 0 && cpu_ms > 0) {
      return true;
    }
  }
  return false;
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
  EXPECT_TRUE(HasListeningLineWithTime(log)) << log;
  EXPECT_TRUE(PhaseLines(log).empty()) << log;
}

}  // namespace
}  // namespace csms::test
