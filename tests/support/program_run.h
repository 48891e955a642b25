// RunProgram: runs a program to completion for a test, with the given stdin bytes and environment,
// and captures its exit code, stdout and stderr separately (the csms CLI tests run the client so).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace csms::test {

struct ProgramResult {
  int exit_code = -1;  // -1 when it did not exit by itself (killed at the deadline, or a signal)
  std::string out;
  std::string err;
  bool timed_out = false;
};

// argv[0] is a path. `env` is the whole environment ("NAME=value"); stdin gets `input` then EOF.
// A program still running after `timeout` is killed (SIGKILL) and reported as timed out.
ProgramResult RunProgram(const std::vector<std::string>& argv, const std::string& input,
                         const std::vector<std::string>& env,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace csms::test
