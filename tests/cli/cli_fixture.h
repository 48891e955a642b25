// The csms CLI tests: a csmsd --dev per test and the built `csms` binary run against it with a
// private configuration directory and HOME, so nothing of the developer's ~/.config is read.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "support/dev_server.h"
#include "support/program_run.h"
#include "support/temp_dir.h"

namespace csms::test {

class CliTest : public DevServerTest {
 protected:
  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  // csms --endpoint <this server> --config-dir <private> [--dev] args...
  ProgramResult Csms(const std::vector<std::string>& args, const std::string& input = "", bool dev = true,
                     const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> argv = {CSMS_CLI_PATH, "--config-dir", config_dir()};
    if (dev) {
      argv.push_back("--dev");
      argv.push_back("--endpoint");
      argv.push_back(Endpoint());
    }
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env = {"HOME=" + home_.path(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    return RunProgram(argv, input, env);
  }
  // Runs and expects exit code 0.
  std::string Ok(const std::vector<std::string>& args, const std::string& input = "") {
    ProgramResult r = Csms(args, input);
    EXPECT_EQ(r.exit_code, 0) << "csms " << Join(args) << "\nstdout: " << r.out << "\nstderr: " << r.err;
    return r.out;
  }
  // Runs with --output json and parses stdout.
  rapidjson::Document Json(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--output", "json"});
    std::string out = Ok(args, input);
    rapidjson::Document doc;
    doc.Parse(out.c_str());
    EXPECT_FALSE(doc.HasParseError()) << out;
    return doc;
  }
  std::string config_dir() const { return home_.File("csms-config"); }

  static std::string Join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  TempDir home_{"csms-cli-home"};
};

}  // namespace csms::test
