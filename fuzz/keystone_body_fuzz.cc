// POST /v3/auth/tokens (http/handlers/keystone_body.h): the body an unauthenticated client sends,
// read as the handler reads it. The input is the body itself.
#include <cstdint>
#include <string_view>

#include "fuzz_input.h"
#include "http/handlers/keystone_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::PasswordAuthRequest request;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (csms::http::handlers::ReadPasswordAuthBody(body, &request).ok()) {
    CSMS_FUZZ_CHECK(request.user_domain_name || request.user_domain_id);
    CSMS_FUZZ_CHECK(request.project_id || request.project_name);
  }
  return 0;
}
