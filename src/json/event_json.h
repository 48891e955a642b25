// The API representation of an Event (spec §2.5), in one place: handlers write it, and the event
// service stores it in the event's row, so a list of 50 events is a join of stored texts instead
// of 50 rows decoded into objects and re-encoded field by field.
#pragma once

#include <string>

#include "domain/event.h"
#include "json/writer.h"

namespace csms::json {

// Writes {"state","name","event_id","event_types","create_time","update_time","notification"}.
// `signing_secret` (extension) is shown only in the response that created it.
void WriteEvent(Writer& w, const Event& event, const std::string& signing_secret = "");
std::string RenderEvent(const Event& event);

}  // namespace csms::json
