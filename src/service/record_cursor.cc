#include "service/record_cursor.h"

#include <algorithm>

#include "common/errors.h"
#include "crypto/encoding.h"

namespace csms {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Status DecodeRecordCursor(const std::string& marker, RecordQuery* q) {
  if (marker.size() == 13 && AllDigits(marker)) {  // the 2023 API's marker: a record time in ms
    q->before_time = std::stoll(marker);
    q->before_id = std::nullopt;
    return Status::OK();
  }
  const Status bad = errors::InvalidRecordMarker("invalid marker: use the next_marker of a previous page");
  if (marker.size() > 200) return bad;
  auto raw = crypto::Base64UrlDecode(marker);
  if (!raw) return bad;
  size_t colon = raw->find(':');
  if (colon == std::string::npos || colon == 0 || colon > 15 || !AllDigits(std::string_view(*raw).substr(0, colon)))
    return bad;
  std::string id = raw->substr(colon + 1);
  if (id.empty() || id.size() > 64) return bad;
  q->before_time = std::stoll(raw->substr(0, colon));
  q->before_id = id;
  return Status::OK();
}

}  // namespace csms
