// The secret request bodies (http/handlers/secret_body.h: create, update, versions, stages,
// scheduled deletion) read as the handlers read them, then through the input checks the secret
// use cases make (service/secret_checks.h). The input is a request (fuzz_input.h): the body is
// read every way; the last path segment is the secret of an update.
#include <cstdint>
#include <string>

#include "domain/secret.h"
#include "fuzz_input.h"
#include "http/handlers/secret_body.h"
#include "service/secret_checks.h"

namespace handlers = csms::http::handlers;

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  csms::ValueKind kind;
  csms::CreateSecretCommand create;
  if (handlers::ReadCreateSecretBody(r.body, &create).ok()) {
    csms::CheckSecretValue(create.secret_string, create.secret_binary, &kind).IgnoreError();
    csms::CheckDescription(create.description).IgnoreError();
    csms::CheckRotationPeriod(create.rotation_period).IgnoreError();
    csms::CheckRotationFunc(create.rotation_func_urn, false).IgnoreError();
    if (create.secret_type) csms::IsSupportedSecretType(*create.secret_type);
  }
  std::string_view name = r.path.substr(r.path.rfind('/') == std::string_view::npos ? 0 : r.path.rfind('/') + 1);
  csms::UpdateSecretCommand update;
  if (handlers::ReadUpdateSecretBody(r.body, name, &update).ok()) {
    csms::CheckDescription(update.description).IgnoreError();
    csms::CheckRotationPeriod(update.rotation_period).IgnoreError();
    csms::CheckRotationFunc(update.rotation_func_urn, true).IgnoreError();
  }
  csms::CreateVersionCommand version;
  if (handlers::ReadCreateVersionBody(r.body, &version).ok()) {
    csms::CheckSecretValue(version.secret_string, version.secret_binary, &kind).IgnoreError();
    if (version.version_stages) csms::CheckStageNames(*version.version_stages).IgnoreError();
    if (version.expire_time) csms::CheckExpireTime(*version.expire_time).IgnoreError();
  }
  int64_t expire_time = 0;
  if (handlers::ReadUpdateVersionBody(r.body, &expire_time).ok()) csms::CheckExpireTime(expire_time).IgnoreError();
  std::string version_id;
  if (handlers::ReadUpdateStageBody(r.body, &version_id).ok()) csms::ParseVersionId(version_id);
  int64_t days = 0;
  handlers::ReadScheduleDeletionBody(r.body, &days).IgnoreError();
  return 0;
}
