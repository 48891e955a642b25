// The bodies of BatchImportSecrets, GenerateRandomPassword, CheckSecrets and UpdateSecretsConfig
// (http/handlers/secret_tools_body.h), read as the handlers read them; a password policy that
// reads is generated from as GenerateRandomPassword does. The input is a request (fuzz_input.h).
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "http/handlers/secret_tools_body.h"
#include "service/password_service.h"

namespace handlers = csms::http::handlers;

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  std::vector<csms::ImportItem> items;
  if (handlers::ReadImportBody(r.body, &items).ok()) CSMS_FUZZ_CHECK(items.size() <= csms::kMaxImportItems);
  csms::crypto::PasswordPolicy policy;
  if (handlers::ReadPasswordPolicyBody(r.body, &policy).ok()) {
    std::string password;
    if (csms::GeneratePassword(policy, &password).ok()) {
      CSMS_FUZZ_CHECK(static_cast<int>(password.size()) == policy.length);
      for (char c : password) CSMS_FUZZ_CHECK(policy.exclude_characters.find(c) == std::string::npos);
    }
  }
  std::string type, value;
  std::optional<std::vector<std::string>> user_inputs;
  handlers::ReadCheckSecretsBody(r.body, &type, &value, &user_inputs).IgnoreError();
  std::optional<bool> checking;
  handlers::ReadSecretsConfigBody(r.body, &checking).IgnoreError();
  return 0;
}
