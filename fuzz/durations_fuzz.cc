// The small text parsers of API fields and flags: durations and duration lists
// (common/duration.h), rotation periods, version ids and secret types (domain/secret.h), grant
// validity times (domain/grant.h), page limits and names (domain/validation.h), and the enum
// names of events, records and tasks. The input is one text. Promises checked: a duration is
// never negative, a list holds only positive ones, a limit lies within its bounds.
#include <cstdint>
#include <string_view>

#include "common/duration.h"
#include "domain/event.h"
#include "domain/event_type.h"
#include "domain/grant.h"
#include "domain/notification_record.h"
#include "domain/secret.h"
#include "domain/validation.h"
#include "fuzz_input.h"

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (std::optional<int64_t> ms = csms::ParseDurationMillis(text)) CSMS_FUZZ_CHECK(*ms >= 0);
  if (auto list = csms::ParsePositiveDurationList(text)) {
    for (int64_t ms : *list) CSMS_FUZZ_CHECK(ms > 0);
  }
  if (std::optional<int64_t> period = csms::ParseRotationPeriod(text)) CSMS_FUZZ_CHECK(*period > 0);
  csms::ParseVersionId(text);
  csms::IsSupportedSecretType(text);
  int64_t validity = 0;
  csms::grants::ParseValidityText("validity_time", text, &validity).IgnoreError();
  int limit = 0;
  if (csms::validation::ParseLimit(text, 50, 200, &limit).ok()) CSMS_FUZZ_CHECK(limit >= 1 && limit <= 200);
  csms::validation::CheckName("name", text).IgnoreError();
  csms::validation::IsValidMarker(text);
  csms::ParseEventType(text);
  csms::ParseEventState(text);
  csms::ParseTargetType(text);
  csms::ParseNotificationStatus(text);
  csms::ParseSecretState(text);
  csms::ParseTaskStatus(text);
  csms::GranteeType grantee;
  csms::ParseGranteeType(text, &grantee);
  return 0;
}
