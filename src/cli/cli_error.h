// The exit codes of `csms` (docs/cli.md) and the one exception that carries one to main().
#pragma once

#include <stdexcept>
#include <string>

namespace csms::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitApiError = 1;    // the server answered with an error (CSMS code on stderr)
inline constexpr int kExitUsage = 2;       // bad arguments, missing configuration, unreadable input
inline constexpr int kExitConnection = 3;  // no answer: connection refused, TLS failure, timeout

// Thrown by a command to end the process with `code`; `what()` goes to stderr as "csms: <what>".
class CliError : public std::runtime_error {
 public:
  CliError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

inline CliError UsageError(const std::string& message) { return CliError(kExitUsage, message); }

}  // namespace csms::cli
