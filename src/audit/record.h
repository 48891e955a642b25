// audit::Record: what one audit line says about one request or authentication attempt. Built by
// the HTTP layer (http/audit_trail.h), turned into a JSON line by audit::Log. Never carries a
// secret value, a password, a signature or a secret key; the two bearer credentials a caller may
// present (an X-Auth-Token, an X-Security-Token) are held here only so that Log can write their
// HMAC under the installation's audit key, never the text itself (docs/audit.md).
#pragma once

#include <cstdint>
#include <string>

namespace csms::audit {

struct Record {
  int64_t time_ms = 0;
  // "request": a write about to run (written before the handler, so a write whose line cannot be
  // written never happens); "response": the outcome of any request; "auth_failure": credentials
  // refused; "lockout": refused by the brute-force limits before any check; "suppressed": how many
  // lines about unauthenticated failures from `source` the rate limit left out (failure_throttle.h).
  std::string type;
  std::string request_id;
  std::string source;  // the peer's IP address
  std::string method;
  std::string path;  // the route template, e.g. /v1/{project_id}/secrets/{secret_name}
  std::string action;

  // The principal. `auth`: "token", "aksk", "password" (a login) or "none".
  std::string auth;
  std::string user_id, user_name, domain_id, domain_name;
  std::string access_key;  // the AK of a signed request (written in clear: an identifier)
  bool temporary_credential = false;
  std::string token;           // raw X-Auth-Token: written as token_hmac only
  std::string security_token;  // raw X-Security-Token: written as security_token_hmac only

  // The resource, as named by the path.
  std::string project, secret, version, event;

  int status = 0;          // HTTP status of the answer (0 on a "request" line)
  std::string error_code;  // CSMS code of a failure, "" on success

  int64_t suppressed = 0;  // "suppressed" lines only: the lines left out
};

}  // namespace csms::audit
