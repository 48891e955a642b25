// Reading the request bodies of CreateEvent and UpdateEvent (spec §1.6) into commands: pure
// functions of the body's bytes (no service, no store), so the handlers and the fuzz targets run
// the same code.
#pragma once

#include <string_view>

#include "common/status.h"
#include "service/event_service.h"

namespace csms::http::handlers {

// The first bad field is the error, naming it (CSMS.0002 / CSMS.0001 for malformed JSON).
Status ReadCreateEventBody(std::string_view text, CreateEventCommand* cmd);
// `event_name` is the event of the path: a body may repeat it, never change it.
Status ReadUpdateEventBody(std::string_view text, std::string_view event_name, UpdateEventCommand* cmd);

}  // namespace csms::http::handlers
