#include "support/softhsm.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "support/csmsd_process.h"

namespace csms::test {
namespace {

// Runs a shell command line (arguments are test-made paths and labels: no quoting needed);
// its exit code, output in *output.
int Run(const std::string& command, std::string* output) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

bool SoftHsmAvailable(std::string* why) {
  struct stat st;
  if (::stat(kSoftHsmModule, &st) != 0) {
    *why = std::string(kSoftHsmModule) + " is missing (Debian package softhsm2)";
    return false;
  }
  if (::stat("/usr/bin/softhsm2-util", &st) != 0) {
    *why = "softhsm2-util is missing (Debian package softhsm2)";
    return false;
  }
  return true;
}

bool SoftHsmToken::Init(const std::string& label, const std::string& pin, std::string* error) {
  if (!dir_.ok()) {
    *error = "no temporary directory";
    return false;
  }
  ::mkdir(dir_.File("tokens").c_str(), 0700);
  std::string conf = dir_.File("softhsm2.conf");
  std::ofstream(conf) << "directories.tokendir = " << dir_.File("tokens")
                      << "\nobjectstore.backend = file\nlog.level = ERROR\n";
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  label_ = label;
  pin_file_ = dir_.File("pin");
  std::ofstream(pin_file_) << pin << "\n";
  std::string output;
  int rc = Run("softhsm2-util --init-token --free --label " + label + " --pin " + pin + " --so-pin 87654321", &output);
  if (rc != 0) *error = "softhsm2-util --init-token failed: " + output;
  return rc == 0;
}

bool SoftHsmToken::GenerateKey(const std::string& key_label, std::string* error) {
  std::vector<std::string> args = {"admin", "--data-dir", dir_.File("scratch"), "generate-pkcs11-key"};
  for (const auto& f : Flags(key_label)) args.push_back(f);
  int rc = RunCsmsd(args, error);
  return rc == 0;
}

std::vector<std::string> SoftHsmToken::Flags(const std::string& key_label) const {
  return {"--pkcs11-module", kSoftHsmModule, "--pkcs11-token",    label_,
          "--pkcs11-key",    key_label,      "--pkcs11-pin-file", pin_file_};
}

}  // namespace csms::test
