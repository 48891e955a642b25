// Reading the body of POST /v3/auth/tokens (Keystone password method, project scope): a pure
// function of the body's bytes, the first thing an unauthenticated client reaches; the handler
// and the fuzz target run the same code.
#pragma once

#include <string_view>

#include "auth/token_service.h"
#include "common/status.h"

namespace csms::http::handlers {

Status ReadPasswordAuthBody(std::string_view text, PasswordAuthRequest* out);

}  // namespace csms::http::handlers
