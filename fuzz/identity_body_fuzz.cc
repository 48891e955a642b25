// The bodies of the grants API (GrantReq) and of ChangePassword (http/handlers/identity_body.h),
// read as the handlers read them, then through the checks the services make: the grantee type,
// the validity time and the password policy (domain/grant.h, domain/password_policy.h). The
// input is a request (fuzz_input.h).
#include <cstdint>
#include <string>

#include "domain/grant.h"
#include "domain/password_policy.h"
#include "fuzz_input.h"
#include "http/handlers/identity_body.h"

namespace handlers = csms::http::handlers;

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  csms::GrantCommand grant;
  if (handlers::ReadGrantBody(r.body, &grant).ok()) {
    csms::GranteeType type;
    csms::ParseGranteeType(grant.grantee_type, &type);
  }
  std::string password, old_password;
  if (handlers::ReadChangePasswordBody(r.body, &password, &old_password).ok()) {
    csms::password_policy::Check("admin", old_password, password).IgnoreError();
  }
  return 0;
}
