#include "support/replicas.h"

#include <cstdlib>

#include "support/dev_server.h"

namespace csms::test {

ScopedEnv::ScopedEnv(const char* name, const std::string& value) : name_(name) {
  if (const char* old = std::getenv(name)) old_ = old;
  setenv(name, value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
  if (old_) {
    setenv(name_, old_->c_str(), 1);
  } else {
    unsetenv(name_);
  }
}

bool Replica::Start(const PostgresTestDatabase& db, const std::vector<std::string>& extra) {
  ScopedEnv key("CSMS_MASTER_KEY", kReplicaMasterKey);
  std::vector<std::string> args = {"--dev",  "--no-access-log",          "--database",
                                   db.url(), "--database-password-file", db.server().password_file};
  args.insert(args.end(), extra.begin(), extra.end());
  if (!process_.Start(args)) return false;
  client_ = std::make_unique<HttpClient>(process_.port());
  std::string token = GetToken(*client_, kDevUser, kDevPassword, kDevDomain, kDevProject);
  if (token.empty()) return false;
  client_->set_token(token);
  api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  return true;
}

}  // namespace csms::test
