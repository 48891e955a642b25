// Reading the request bodies of the grants API (CreateGrant, UpdateGrant: GrantReq) and of the
// users API (ChangePassword). Pure functions of the body's bytes, so the handlers and the fuzz
// targets run the same code.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "service/grant_service.h"

namespace csms::http::handlers {

// validity_time may be an integer (ms since the epoch) or a string (digits, or
// "YYYY-MM-DD HH:MM:SS" UTC).
Status ReadGrantBody(std::string_view text, GrantCommand* cmd);
Status ReadChangePasswordBody(std::string_view text, std::string* password, std::string* old_password);

}  // namespace csms::http::handlers
