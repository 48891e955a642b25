// Reading the request bodies of the secret tools (spec §1.1, §1.9): BatchImportSecrets,
// GenerateRandomPassword, CheckSecrets and UpdateSecretsConfig. Pure functions of the body's
// bytes, so the handlers and the fuzz targets run the same code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crypto/random_password.h"
#include "service/secret_import.h"

namespace csms::http::handlers {

// One item per element of `secrets`; an element that cannot be read carries its parse_error (the
// import reports it), a body that is not such an array is the error.
Status ReadImportBody(std::string_view text, std::vector<ImportItem>* items);
// An empty body leaves the defaults; a length out of range becomes -1 (the service names it).
Status ReadPasswordPolicyBody(std::string_view text, crypto::PasswordPolicy* policy);
Status ReadCheckSecretsBody(std::string_view text, std::string* type, std::string* value,
                            std::optional<std::vector<std::string>>* user_inputs);
// An empty body changes nothing.
Status ReadSecretsConfigBody(std::string_view text, std::optional<bool>* checking);

}  // namespace csms::http::handlers
