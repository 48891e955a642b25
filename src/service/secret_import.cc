#include "service/secret_import.h"

#include "common/errors.h"
#include "common/log.h"

namespace csms {

Status SecretImporter::Import(const std::string& project_id, const std::vector<ImportItem>& items, ImportResult* out) {
  if (items.empty()) return errors::InvalidParameter("invalid secrets: must hold at least one secret");
  if (items.size() > kMaxImportItems) {
    return errors::InvalidParameter("invalid secrets: at most " + std::to_string(kMaxImportItems) +
                                    " secrets per import");
  }
  *out = ImportResult();
  out->total = static_cast<int>(items.size());
  for (const ImportItem& item : items) {
    Status s = item.parse_error;
    Secret secret;
    if (s.ok()) s = secrets_->Create(project_id, item.command, &secret);
    if (s.ok()) {
      ++out->success;
      out->created.push_back(std::move(secret));
      continue;
    }
    ++out->failed;
    // An internal error's details are for the operator's log, not for the list.
    if (s.kind() == Status::Kind::kInternal) log::Error("batch import of " + item.name + ": " + s.ToString());
    std::string msg = s.kind() == Status::Kind::kInternal ? "internal error" : s.code() + ": " + s.message();
    out->errors.push_back({item.name, std::move(msg)});
  }
  return Status::OK();
}

}  // namespace csms
