// A real csmsd (with a data dir, not --dev) holding two projects of one domain, each with an admin
// token and a SecretsApi: for tests of what one project must never see of another.
#pragma once

#include <memory>
#include <string>

#include "support/csmsd_process.h"
#include "support/http_client.h"
#include "support/secrets_helpers.h"

namespace csms::test {

// `csmsd admin create-project --name NAME` on a (running) server's data dir: the new project's id,
// or "" (with a gtest failure) when that fails.
std::string CreateProject(const std::string& data_dir, const std::string& name);

struct TwoProjects {
  // Starts the server and creates project B; false (with a gtest failure) when that fails.
  bool Start(const std::vector<std::string>& extra_args = {});

  CsmsdProcess server;
  std::string project_a, project_b;
  std::unique_ptr<HttpClient> client_a, client_b;
  std::unique_ptr<SecretsApi> a, b;
};

}  // namespace csms::test
