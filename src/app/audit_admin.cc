#include "app/audit_admin.h"

#include "audit/verify.h"

namespace csms {

AuditAdminCli::AuditAdminCli(CLI::App& admin) {
  CLI::App* audit = admin.add_subcommand("audit", "the audit log (docs/audit.md)");
  verify_ = audit->add_subcommand("verify", "check the hash chain of audit files, given oldest first");
  verify_->add_option("files", files_, "audit files, oldest first (e.g. audit.log.* audit.log)")->required();
  audit->require_subcommand(1);
}

int AuditAdminCli::Run(std::ostream& out, std::ostream& err) const {
  audit::VerifyResult r = audit::VerifyChain(files_);
  if (!r.ok) {
    err << "audit chain broken: " << r.file << ":" << r.line << ": " << r.message << "\n";
    out << "verified=false\nlines=" << r.lines << "\nfile=" << r.file << "\nline=" << r.line << "\n";
    return 1;
  }
  out << "verified=true\nlines=" << r.lines << "\n";
  if (r.starts_mid_chain) {
    out << "note=the first line continues an older chain (earlier files were not given or were removed)\n";
  }
  return 0;
}

}  // namespace csms
