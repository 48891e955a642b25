// `csmsd admin audit verify FILE...`: checks the hash chain of audit files given oldest first
// (audit/verify.h). Needs no data dir and no master key.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace csms {

class AuditAdminCli {
 public:
  // Adds `audit verify` under the `admin` subcommand.
  explicit AuditAdminCli(CLI::App& admin);
  bool parsed() const { return verify_->parsed(); }
  // Prints the result; 0 when the chain holds, 1 at the first broken link.
  int Run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* verify_;
  std::vector<std::string> files_;
};

}  // namespace csms
