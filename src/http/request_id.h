// Request ids: the X-Request-Id every answer carries, and that access and error logs quote.
// Thread-safe (each thread has its own generator).
#pragma once

#include <string>
#include <string_view>

namespace csms::http {

// A fresh id: 32 hex digits. Unique, not secret.
std::string NewRequestId();
// An id the caller sent is echoed only when it is short and harmless in logs and headers.
bool IsAcceptableRequestId(std::string_view id);

}  // namespace csms::http
