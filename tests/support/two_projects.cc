#include "support/two_projects.h"

#include <gtest/gtest.h>

#include "support/dev_server.h"
#include "support/signed_request.h"

namespace csms::test {

std::string CreateProject(const std::string& data_dir, const std::string& name) {
  std::string out;
  if (RunCsmsd({"admin", "--data-dir", data_dir, "create-project", "--name", name}, &out) != 0) {
    ADD_FAILURE() << out;
    return "";
  }
  auto id_pos = out.find("id=");
  if (id_pos == std::string::npos) {
    ADD_FAILURE() << out;
    return "";
  }
  return out.substr(id_pos + 3, 32);
}

bool TwoProjects::Start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"--no-access-log"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  if (!server.Start(args)) {
    ADD_FAILURE() << server.Log();
    return false;
  }
  auto cred = ReadInitialCredentials(server.data_dir());
  project_a = cred["project_id"];
  project_b = CreateProject(server.data_dir(), "team-b");
  if (project_b.empty()) return false;
  client_a = std::make_unique<HttpClient>(server.port());
  client_b = std::make_unique<HttpClient>(server.port());
  client_a->set_token(GetToken(*client_a, "admin", cred["password"], "csms", project_a));
  client_b->set_token(GetToken(*client_b, "admin", cred["password"], "csms", project_b));
  a = std::make_unique<SecretsApi>(client_a.get(), project_a);
  b = std::make_unique<SecretsApi>(client_b.get(), project_b);
  return true;
}

}  // namespace csms::test
