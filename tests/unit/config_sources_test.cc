// The --config / CSMS_* mechanism of app/config_file.h on a small CLI11 app: every option gets
// its key and its variable, and the precedence is flag > environment > file > default.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/config_file.h"
#include "support/temp_dir.h"

namespace csms {
namespace {

struct Parsed {
  std::string listen = "default-listen";
  int queue = 1;
  bool quiet = false;
  std::vector<std::string> keys;
};

// Parses `args` (after the program name) with the mechanism installed; false on a parse error.
bool Parse(const std::vector<std::string>& args, Parsed* out, std::string* error = nullptr) {
  CLI::App cli{"test"};
  cli.add_option("--listen", out->listen, "where")->capture_default_str();
  cli.add_option("--test-queue", out->queue, "how many")->capture_default_str();
  cli.add_flag("--quiet-mode", out->quiet, "hush");
  cli.add_option("--kms-key", out->keys, "repeatable");
  bool print = false;
  AddConfigSources(cli, &print);
  std::vector<std::string> argv = {"csmsd"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  try {
    cli.parse(static_cast<int>(raw.size()), raw.data());
    return true;
  } catch (const CLI::ParseError& e) {
    if (error) *error = e.what();
    return false;
  }
}

class ConfigSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"CSMS_LISTEN", "CSMS_TEST_QUEUE", "CSMS_QUIET_MODE", "CSMS_KMS_KEY", "CSMS_CONFIG"})
      unsetenv(v);
    file_ = dir_.File("csmsd.toml");
    std::ofstream(file_)
        << "listen = \"file-listen\"\ntest-queue = 30\nquiet-mode = true\nkms-key = [\"a=1\", \"b=2\"]\n";
  }
  void TearDown() override {
    for (const char* v : {"CSMS_LISTEN", "CSMS_TEST_QUEUE", "CSMS_QUIET_MODE", "CSMS_KMS_KEY", "CSMS_CONFIG"})
      unsetenv(v);
  }
  test::TempDir dir_{"csms-config"};
  std::string file_;
};

TEST_F(ConfigSourcesTest, EnvironmentNames) {
  EXPECT_EQ(EnvironmentName("data-dir"), "CSMS_DATA_DIR");
  EXPECT_EQ(EnvironmentName("no-delivery"), "CSMS_NO_DELIVERY");
}

TEST_F(ConfigSourcesTest, DefaultsWithoutAnySource) {
  Parsed p;
  ASSERT_TRUE(Parse({}, &p));
  EXPECT_EQ(p.listen, "default-listen");
  EXPECT_EQ(p.queue, 1);
  EXPECT_FALSE(p.quiet);
}

TEST_F(ConfigSourcesTest, FileBeatsDefault) {
  Parsed p;
  ASSERT_TRUE(Parse({"--config", file_}, &p));
  EXPECT_EQ(p.listen, "file-listen");
  EXPECT_EQ(p.queue, 30);
  EXPECT_TRUE(p.quiet);
  EXPECT_EQ(p.keys, (std::vector<std::string>{"a=1", "b=2"}));
}

TEST_F(ConfigSourcesTest, EnvironmentBeatsFile) {
  setenv("CSMS_LISTEN", "env-listen", 1);
  setenv("CSMS_QUIET_MODE", "false", 1);
  Parsed p;
  ASSERT_TRUE(Parse({"--config", file_}, &p));
  EXPECT_EQ(p.listen, "env-listen");
  EXPECT_FALSE(p.quiet);
  EXPECT_EQ(p.queue, 30);  // not in the environment: the file's
}

TEST_F(ConfigSourcesTest, FlagBeatsEnvironmentAndFile) {
  setenv("CSMS_LISTEN", "env-listen", 1);
  setenv("CSMS_TEST_QUEUE", "40", 1);
  Parsed p;
  ASSERT_TRUE(Parse({"--config", file_, "--listen", "flag-listen"}, &p));
  EXPECT_EQ(p.listen, "flag-listen");
  EXPECT_EQ(p.queue, 40);
}

TEST_F(ConfigSourcesTest, ConfigFileFromTheEnvironment) {
  setenv("CSMS_CONFIG", file_.c_str(), 1);
  Parsed p;
  ASSERT_TRUE(Parse({}, &p));
  EXPECT_EQ(p.listen, "file-listen");
}

TEST_F(ConfigSourcesTest, UnknownKeyAndMissingFileAreErrors) {
  std::ofstream(file_) << "lisen = \"typo\"\n";
  Parsed p;
  std::string error;
  EXPECT_FALSE(Parse({"--config", file_}, &p, &error));
  EXPECT_FALSE(Parse({"--config", dir_.File("absent.toml")}, &p, &error));
}

TEST_F(ConfigSourcesTest, ReferenceListsEveryOptionWithItsVariable) {
  CLI::App cli{"test"};
  std::string listen = "x";
  bool flag = false;
  cli.add_option("--listen", listen, "where | how")->capture_default_str();
  cli.add_flag("--quiet-mode", flag, "hush");
  bool print = false;
  AddConfigSources(cli, &print);
  std::ostringstream out;
  PrintConfigReference(cli, out);
  EXPECT_NE(out.str().find("| `listen` | `CSMS_LISTEN` | `x` | where \\| how |"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("| `quiet-mode` | `CSMS_QUIET_MODE` | `false` | hush |"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("`help`"), std::string::npos);
}

}  // namespace
}  // namespace csms
