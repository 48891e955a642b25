// ChildProcess: runs a helper program (e.g. a rotation function under python3) for a test, its
// stdout and stderr in a file, and kills it (SIGTERM, then SIGKILL) when the test ends.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace csms::test {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (looked up in PATH) with argv; output goes to `log_file`. False if it cannot start.
  bool Start(const std::vector<std::string>& argv, const std::string& log_file);
  // True while it runs.
  bool Running();
  void Stop();
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_file_;
};

}  // namespace csms::test
