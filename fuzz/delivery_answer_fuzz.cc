// What a webhook or SMN endpoint answers to a delivery (notify/attempt.h ClassifyAnswer): any
// status, Retry-After and body a remote server sends. The input is a response in the request
// format of fuzz_input.h: the first line's second word is the status ("HTTP/1.1 503"), then the
// headers (Retry-After) and the body. Promise checked: an attempt's error is at most 300 bytes
// plus the status and holds no control character (it goes into the attempt log).
#include <charconv>
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "notify/attempt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  csms::net::ResponseInfo info;
  std::from_chars(r.target.data(), r.target.data() + r.target.size(), info.status);
  info.retry_after = std::string(r.Header("retry-after").value_or(""));
  info.body_prefix = std::string(r.body);
  if (info.status == 0) info.error = std::string(r.body);
  for (csms::TargetType type : {csms::TargetType::kWebhook, csms::TargetType::kSmn}) {
    csms::notify::AttemptResult result = csms::notify::ClassifyAnswer(type, info);
    if (info.status != 0) {
      CSMS_FUZZ_CHECK(result.error.size() <= 300 + 16);
      for (char c : result.error) CSMS_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    }
  }
  return 0;
}
