// CsmsdProcess: starts the real csmsd binary on a free loopback port in a private temp dir and
// stops it (SIGTERM, then SIGKILL) when the test ends.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace csms::test {

class CsmsdProcess {
 public:
  CsmsdProcess();
  ~CsmsdProcess();

  // Starts csmsd with `args` plus --listen 127.0.0.1:0 and --port-file; waits until it listens.
  // Unless args hold --data-dir or --dev, the data dir is <tempdir>/data.
  bool Start(const std::vector<std::string>& args);
  // SIGTERM and wait; returns the exit status (or -1).
  int Stop();
  // SIGKILL and wait: a crash.
  void Kill();
  bool Running();
  // Sends `signal` (e.g. SIGHUP) to the running csmsd; false when it is not running.
  bool Signal(int signal);
  // RLIMIT_NOFILE (soft and hard) csmsd starts with, for tests of descriptor exhaustion; 0 = inherited.
  void set_open_file_limit(long limit) { open_file_limit_ = limit; }

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }  // -1 when not started
  const std::string& dir() const { return dir_.path(); }
  std::string data_dir() const { return dir_.File("data"); }
  std::string Log() const;  // stdout+stderr so far

 private:
  TempDir dir_{"csms-test"};
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  long open_file_limit_ = 0;
};

// Runs `csmsd args...` to completion (admin subcommands); returns exit code, fills output.
int RunCsmsd(const std::vector<std::string>& args, std::string* output);

}  // namespace csms::test
