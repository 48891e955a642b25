// BatchImportSecrets (spec §1.1): many CreateSecret bodies in one request. Each item succeeds or
// fails on its own through SecretService::Create (same checks, quota, subscriptions, triggers,
// strength checking), each in its own transaction, in the order given; the quota is counted as the
// items go. The answer lists every failed item with its name and message.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "service/secret_service.h"

namespace csms {

// At most this many items per request (the default project quota: one import can fill a project).
inline constexpr size_t kMaxImportItems = 200;

struct ImportItem {
  std::string name;    // as sent, for the error list ("" when the item has no string name)
  Status parse_error;  // an item the handler could not read: reported, never created
  CreateSecretCommand command;
};

struct ImportError {
  std::string name;
  std::string error_msg;
};

struct ImportResult {
  int total = 0, success = 0, failed = 0;
  std::vector<ImportError> errors;
  std::vector<Secret> created;
};

class SecretImporter {
 public:
  explicit SecretImporter(SecretService* secrets) : secrets_(secrets) {}
  // Fails as a whole only for a request that is wrong as a whole (no items, too many); an item's
  // failure is in `out->errors`.
  Status Import(const std::string& project_id, const std::vector<ImportItem>& items, ImportResult* out);

 private:
  SecretService* secrets_;
};

}  // namespace csms
