#include "cli/secret_ref.h"

#include "cli/cli_error.h"
#include "cli/output.h"

namespace csms::cli {

std::string SecretId(ApiClient& api, const std::string& name) {
  rapidjson::Document doc = ParseBody(api.Call("GET", api.ProjectPath("/secrets" + Segment(name))));
  const rapidjson::Value* id = Find(doc, "secret.id");
  if (!id || !id->IsString()) throw CliError(kExitApiError, "the server's answer has no secret.id");
  return id->GetString();
}

}  // namespace csms::cli
