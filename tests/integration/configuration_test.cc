// Configuration of the real csmsd: docs/configuration.md is exactly what the binary prints, and
// a key of the --config file, a CSMS_* variable and a flag take effect in that order of precedence.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/csmsd_process.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace csms::test {
namespace {

TEST(ConfigurationDocTest, DocsConfigurationIsTheGeneratedReference) {
  std::string printed;
  ASSERT_EQ(RunCsmsd({"--print-config-reference"}, &printed), 0) << printed;
  std::ifstream in(std::string(CSMS_SOURCE_DIR) + "/docs/configuration.md");
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_EQ(doc.str(), printed) << "docs/configuration.md is stale; regenerate it with\n"
                                << "  build/csmsd --print-config-reference > docs/configuration.md";
}

// Which log format a csmsd started with `args` (and the current environment) writes.
bool WritesJsonLogs(const std::vector<std::string>& args) {
  CsmsdProcess server;
  std::vector<std::string> all = {"--dev"};
  all.insert(all.end(), args.begin(), args.end());
  EXPECT_TRUE(server.Start(all)) << server.Log();
  std::string log = server.Log();
  EXPECT_NE(log.find("csmsd listening"), std::string::npos) << log;
  return log.find(R"("msg":"csmsd listening)") != std::string::npos;
}

TEST(ConfigurationPrecedenceTest, FlagOverEnvironmentOverFileOverDefault) {
  unsetenv("CSMS_LOG_FORMAT");
  TempDir dir("csms-config");
  const std::string file = dir.File("csmsd.toml");
  std::ofstream(file) << "log-format = \"json\"\nno-delivery = true\n";

  EXPECT_FALSE(WritesJsonLogs({}));                 // the default: text
  EXPECT_TRUE(WritesJsonLogs({"--config", file}));  // the file
  setenv("CSMS_LOG_FORMAT", "text", 1);
  EXPECT_FALSE(WritesJsonLogs({"--config", file}));                         // the environment over the file
  EXPECT_TRUE(WritesJsonLogs({"--config", file, "--log-format", "json"}));  // the flag over both
  unsetenv("CSMS_LOG_FORMAT");
}

TEST(ConfigurationPrecedenceTest, BadValuesAreRefusedWherever) {
  TempDir dir("csms-config");
  const std::string file = dir.File("csmsd.toml");
  std::ofstream(file) << "log-format = \"xml\"\n";
  std::string out;
  EXPECT_NE(RunCsmsd({"--config", file, "--print-config-reference"}, &out), 0) << out;
  std::ofstream(file) << "no-such-option = 1\n";
  EXPECT_NE(RunCsmsd({"--config", file, "--print-config-reference"}, &out), 0) << out;
}

}  // namespace
}  // namespace csms::test
