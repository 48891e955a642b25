// The query string (http/message.h QueryParams) and what the list handlers read from it: the page
// limit, the markers (domain/validation.h), the record listing's filters
// (http/handlers/record_filters.h) and its cursor (service/record_cursor.h). The input is a
// request (fuzz_input.h); only the query of its target is used. Promises checked: a parsed query
// has each key once and only valid UTF-8.
#include <cstdint>
#include <set>
#include <string>

#include "common/utf8.h"
#include "domain/limits.h"
#include "domain/validation.h"
#include "fuzz_input.h"
#include "http/handlers/record_filters.h"
#include "http/message.h"
#include "service/record_cursor.h"

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  csms::http::QueryParams q;
  if (!q.Parse(r.query).ok()) return 0;
  std::set<std::string> keys;
  for (const auto& [key, value] : q.items()) {
    CSMS_FUZZ_CHECK(keys.insert(key).second);
    CSMS_FUZZ_CHECK(csms::utf8::IsValid(key) && csms::utf8::IsValid(value));
  }
  int limit = 0;
  csms::validation::ParseLimit(q.Get("limit"), csms::limits::kDefaultPageSize, csms::limits::kMaxPageSize, &limit)
      .IgnoreError();
  std::string marker(q.Get("marker").value_or(""));
  csms::validation::IsValidMarker(marker);
  csms::RecordQuery query;
  csms::http::handlers::ParseRecordFilters(q, &query).IgnoreError();
  if (!marker.empty()) csms::DecodeRecordCursor(marker, &query).IgnoreError();
  return 0;
}
