// Principal: who is calling, as established by the authenticator, for one project.
#pragma once

#include <string>

namespace csms {

struct Principal {
  std::string user_id;
  std::string user_name;
  std::string domain_id;
  std::string project_id;  // the project the credentials are scoped to
  std::string role;        // built-in role; decides the allowed actions
  std::string access_key;  // the AK of a signed request ("" for a token): logs name it, never the SK
};

}  // namespace csms
