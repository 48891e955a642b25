// The bodies of CreateEvent and UpdateEvent (http/handlers/event_body.h) read as the handlers read
// them, then checked as EventService checks a command (domain/validation.h). The input is a
// request (fuzz_input.h): the body is read both ways; the last path segment is the event of an
// update.
#include <cstdint>
#include <string>

#include "domain/validation.h"
#include "fuzz_input.h"
#include "http/handlers/event_body.h"

namespace handlers = csms::http::handlers;

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  csms::CreateEventCommand create;
  if (handlers::ReadCreateEventBody(r.body, &create).ok()) {
    CSMS_FUZZ_CHECK(csms::validation::IsValidName(create.name));
    csms::validation::CheckEventTypes(create.event_types).IgnoreError();
    csms::validation::CheckNotificationTarget(create.notification).IgnoreError();
  }
  std::string_view name = r.path.substr(r.path.rfind('/') == std::string_view::npos ? 0 : r.path.rfind('/') + 1);
  csms::UpdateEventCommand update;
  if (handlers::ReadUpdateEventBody(r.body, name, &update).ok()) {
    if (update.event_types) csms::validation::CheckEventTypes(*update.event_types).IgnoreError();
    if (update.notification) csms::validation::CheckNotificationTarget(*update.notification).IgnoreError();
  }
  return 0;
}
