// The router (http/router.h) over csmsd's route table (route_templates.h), then the path-name
// rules (http/path_checks.h) on what it matched. The input is a request (fuzz_input.h); only its
// method and path are used. Promises checked: every matched parameter is valid UTF-8, a match
// has as many segments as its template, and the two SplitPath overloads agree.
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/utf8.h"
#include "fuzz_input.h"
#include "http/path_checks.h"
#include "http/router.h"
#include "route_templates.h"

namespace http = csms::http;

namespace {

const http::Router<size_t>& TheRouter() {
  static const http::Router<size_t>* router = [] {
    auto* r = new http::Router<size_t>();
    size_t i = 0;
    for (const auto& [method, path_template] : csms::fuzz::kRouteTemplates) r->Add(method, path_template, i++);
    return r;
  }();
  return *router;
}

}  // namespace

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  std::vector<std::string_view> segments;
  bool split = http::SplitPath(r.path, &segments);
  std::string_view fixed[http::kMaxPathSegments];
  size_t count = 0;
  bool split_fixed = http::SplitPath(r.path, fixed, http::kMaxPathSegments, &count);
  if (split_fixed) {
    CSMS_FUZZ_CHECK(split && count == segments.size());
    for (size_t i = 0; i < count; ++i) CSMS_FUZZ_CHECK(fixed[i] == segments[i]);
  } else if (split) {
    CSMS_FUZZ_CHECK(segments.size() > http::kMaxPathSegments);
  }

  const size_t* route = nullptr;
  http::PathParams params;
  if (TheRouter().Find(r.method, r.path, &route, &params) == http::Router<size_t>::Match::kFound) {
    for (const auto& [name, value] : params.values) CSMS_FUZZ_CHECK(csms::utf8::IsValid(value));
    std::vector<std::string_view> template_segments;
    http::SplitPath(csms::fuzz::kRouteTemplates[*route].second, &template_segments);
    CSMS_FUZZ_CHECK(split && segments.size() == template_segments.size());
    http::CheckPathParams(params).IgnoreError();
  }
  return 0;
}
