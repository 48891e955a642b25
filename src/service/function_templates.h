// ShowSecretFunctionTemplates (spec §1.9): the template of a rotation function for a database
// secret type, sub-type and engine. The template is contrib/rotation-functions/
// db_rotation_function.py, compiled in at build time; the answer is that file with its one
// TEMPLATE_PARAMETERS line set to the query, a working function of our http rotation-function
// protocol (docs/secrets.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace csms {

struct FunctionTemplateQuery {
  std::optional<std::string> secret_type;      // required: RDS-FG or GaussDB-FG
  std::optional<std::string> secret_sub_type;  // required: SingleUser or MultiUser
  std::optional<std::string> engine;           // mysql, postgresql, sqlserver; required for RDS-FG
};

// 400 naming the field for a missing or unknown value (GaussDB-FG, TaurusDB, takes mysql only).
Status RotationFunctionTemplate(const FunctionTemplateQuery& query, std::string* out);

// The template as compiled in, before its parameters are set.
std::string_view RawRotationFunctionTemplate();

}  // namespace csms
