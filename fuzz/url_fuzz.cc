// The http(s) URLs a client may give csmsd to call (a WEBHOOK event's target, a rotation function):
// the API's check (domain/validation.h) and the clients' parser (net/url.h). The input is one URL.
// Promise checked: a URL the parser accepts has a host and port and a target that would go into
// the request as they are, with no byte that could end a header or request line.
#include <cstdint>
#include <string>

#include "domain/event.h"
#include "domain/validation.h"
#include "fuzz_input.h"
#include "net/url.h"

namespace {

bool NoControlOrSpace(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  bool accepted = csms::validation::IsHttpUrl(text);
  csms::NotificationTarget target;
  target.type = csms::TargetType::kWebhook;
  target.id = text;
  target.name = "fuzz";
  csms::validation::CheckNotificationTarget(target).IgnoreError();
  csms::net::Url url;
  if (csms::net::ParseUrl(text, &url)) {
    CSMS_FUZZ_CHECK(!url.host.empty() && !url.port.empty() && !url.target.empty() && url.target[0] == '/');
    if (accepted) {
      CSMS_FUZZ_CHECK(NoControlOrSpace(url.host) && NoControlOrSpace(url.target));
    }
  }
  return 0;
}
