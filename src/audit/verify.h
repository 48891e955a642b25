// Checks a hash chain of audit lines (audit/audit_log.h) across files given oldest first, e.g.
// audit.log.000001 audit.log.000002 audit.log: each line must be a JSON object whose prev_hash
// is the SHA-256 of the line before it (the last line of the previous file, for a file's first
// line). Used by `csmsd admin audit verify`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace csms::audit {

struct VerifyResult {
  bool ok = true;
  int64_t lines = 0;    // lines checked
  std::string file;     // the first broken link: its file,
  int64_t line = 0;     // its line number (1-based) in that file,
  std::string message;  // and what is wrong with it
  // The first line's prev_hash is not the genesis hash: the files given start mid-chain (older
  // files were removed, or the first line of the chain was). Not an error by itself.
  bool starts_mid_chain = false;
};

VerifyResult VerifyChain(const std::vector<std::string>& files);

}  // namespace csms::audit
