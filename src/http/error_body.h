// The CSMS error body, written once for the API and for the errors the server answers itself
// (framing, limits): both documented shapes at once, flat and nested, so every SDK finds its field.
#pragma once

#include <string>

#include "common/status.h"

namespace csms::http {

// {"error_code":..., "error_msg":..., "error":{"error_code":..., "error_msg":...}}, valid UTF-8
// whatever the message holds.
std::string ErrorBody(const Status& status);

}  // namespace csms::http
