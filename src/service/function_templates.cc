#include "service/function_templates.h"

#include "common/errors.h"
#include "csms_rotation_function_template.h"  // generated from contrib/rotation-functions (CMakeLists.txt)
#include "domain/agency.h"

namespace csms {
namespace {

constexpr std::string_view kParametersLine = "TEMPLATE_PARAMETERS = ";

bool OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) {
    if (v == a) return true;
  }
  return false;
}

}  // namespace

std::string_view RawRotationFunctionTemplate() { return generated::kDbRotationFunctionTemplate; }

Status RotationFunctionTemplate(const FunctionTemplateQuery& q, std::string* out) {
  if (!q.secret_type) return errors::InvalidParameter("secret_type is required: RDS-FG or GaussDB-FG");
  if (!NeedsAgency(*q.secret_type))
    return errors::InvalidParameter("invalid secret_type: must be RDS-FG or GaussDB-FG");
  if (!q.secret_sub_type) return errors::InvalidParameter("secret_sub_type is required: SingleUser or MultiUser");
  if (!OneOf(*q.secret_sub_type, {"SingleUser", "MultiUser"})) {
    return errors::InvalidParameter("invalid secret_sub_type: must be SingleUser or MultiUser");
  }
  std::string engine = q.engine.value_or("");
  if (*q.secret_type == kSecretTypeRdsFg) {
    if (!q.engine) return errors::InvalidParameter("engine is required for RDS-FG: mysql, postgresql or sqlserver");
    if (!OneOf(engine, {"mysql", "postgresql", "sqlserver"})) {
      return errors::InvalidParameter("invalid engine: must be mysql, postgresql or sqlserver");
    }
  } else {
    // GaussDB-FG is TaurusDB, which speaks MySQL.
    if (q.engine && engine != "mysql") {
      return errors::InvalidParameter("invalid engine: GaussDB-FG (TaurusDB) takes mysql or no engine");
    }
    engine = "mysql";
  }
  std::string_view raw = RawRotationFunctionTemplate();
  size_t start = raw.find(std::string("\n") + std::string(kParametersLine));
  if (start == std::string_view::npos) return errors::Internal("the rotation-function template has no parameters line");
  start += 1;
  size_t end = raw.find('\n', start);
  if (end == std::string_view::npos) end = raw.size();
  // The values come from the fixed sets checked above: nothing of the query is copied verbatim.
  std::string line = std::string(kParametersLine) + "{\"secret_type\": \"" + *q.secret_type +
                     "\", \"secret_sub_type\": \"" + *q.secret_sub_type + "\", \"engine\": \"" + engine + "\"}";
  out->assign(raw.substr(0, start));
  *out += line;
  out->append(raw.substr(end));
  return Status::OK();
}

}  // namespace csms
