// csms against a csmsd serving HTTPS (the test PKI of tests/support/test_pki.h): trusted through
// --ca-file (or CSMS_CA_FILE), refused without it (exit code 3, nothing sent), and --insecure.
#include <gtest/gtest.h>

#include "support/csmsd_process.h"
#include "support/dev_fixture.h"
#include "support/program_run.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace csms::test {
namespace {

class CliTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pki_ = SharedTestPki(&error);
    ASSERT_NE(pki_, nullptr) << error;
    ASSERT_TRUE(
        server_.Start({"--dev", "--no-access-log", "--tls-cert", pki_->server_cert, "--tls-key", pki_->server_key}))
        << server_.Log();
  }

  ProgramResult Csms(const std::string& host, std::vector<std::string> args, const std::string& input = "",
                     const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> argv = {
        CSMS_CLI_PATH, "--config-dir", home_.File("csms-config"),
        "--dev",       "--endpoint",   "https://" + host + ":" + std::to_string(server_.port())};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env = {"HOME=" + home_.path(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    return RunProgram(argv, input, env);
  }

  const TestPki* pki_ = nullptr;
  CsmsdProcess server_;
  TempDir home_{"csms-cli-tls"};
};

TEST_F(CliTlsTest, TrustsTheServerThroughCaFile) {
  ProgramResult create = Csms("localhost", {"--ca-file", pki_->ca_cert, "secrets", "create", "over-tls"}, "v1");
  ASSERT_EQ(create.exit_code, 0) << create.err;
  ProgramResult value = Csms("127.0.0.1", {"secrets", "get-value", "over-tls"}, "", {"CSMS_CA_FILE=" + pki_->ca_cert});
  EXPECT_EQ(value.exit_code, 0) << value.err;
  EXPECT_EQ(value.out, "v1");
  ProgramResult login = Csms("localhost", {"--ca-file", pki_->ca_cert, "login", "--user", "admin"}, "admin\n");
  EXPECT_EQ(login.exit_code, 0) << login.err;
  ProgramResult by_token =
      Csms("localhost", {"--ca-file", pki_->ca_cert, "--auth", "token", "secrets", "get-value", "over-tls"});
  EXPECT_EQ(by_token.exit_code, 0) << by_token.err;
  EXPECT_EQ(by_token.out, "v1");
}

TEST_F(CliTlsTest, AnUntrustedCertificateIsExitCodeThreeAndNothingIsSent) {
  ProgramResult untrusted = Csms("localhost", {"secrets", "create", "never"}, "v");
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.err;
  EXPECT_NE(untrusted.err.find("cannot reach"), std::string::npos) << untrusted.err;
  ProgramResult wrong_ca = Csms("localhost", {"--ca-file", pki_->rogue_cert, "secrets", "create", "never"}, "v");
  EXPECT_EQ(wrong_ca.exit_code, 3) << wrong_ca.err;

  ProgramResult check = Csms("localhost", {"--ca-file", pki_->ca_cert, "secrets", "show", "never"});
  EXPECT_EQ(check.exit_code, 1) << "the refused requests created nothing: " << check.out;

  ProgramResult insecure = Csms("localhost", {"--insecure", "secrets", "list"});
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
}

}  // namespace
}  // namespace csms::test
