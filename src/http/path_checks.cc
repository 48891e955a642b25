#include "http/path_checks.h"

#include "common/errors.h"
#include "domain/validation.h"

namespace csms::http {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool IsValidVersionId(std::string_view v) {
  if (v.empty() || v.size() > 64 || !IsAlnum(v.front())) return false;
  for (char c : v) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

Status CheckPathParams(const PathParams& params) {
  for (const auto& [name, value] : params.values) {
    if (name == "secret_name" || name == "event_name" || name == "stage_name") {
      CSMS_RETURN_IF_ERROR(validation::CheckName(name, value));
    } else if (name == "version_id" && !IsValidVersionId(value)) {
      return errors::InvalidParameter("invalid version_id: must match ^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$");
    }
  }
  return Status::OK();
}

}  // namespace csms::http
