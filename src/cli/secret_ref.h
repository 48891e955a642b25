// A secret named on the command line, as the id some APIs address it by (tags, grants).
#pragma once

#include <string>

#include "cli/api_client.h"

namespace csms::cli {

// The id of the secret `name` of the caller's project (ShowSecret); an unknown name ends the
// command like any API error (exit code 1, CSMS.0106).
std::string SecretId(ApiClient& api, const std::string& name);

}  // namespace csms::cli
