#include "domain/grant.h"

#include <charconv>
#include <chrono>

#include "common/errors.h"

namespace csms {

std::string_view GranteeTypeName(GranteeType type) { return type == GranteeType::kUser ? "0" : "2"; }

bool ParseGranteeType(std::string_view text, GranteeType* out) {
  if (text == "0") {
    *out = GranteeType::kUser;
    return true;
  }
  if (text == "2") {
    *out = GranteeType::kGroup;
    return true;
  }
  return false;
}

namespace grants {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int Digits(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

Status ParseValidityText(std::string_view field, std::string_view text, int64_t* out_ms) {
  const std::string msg =
      std::string(field) + " must be milliseconds since the epoch or a UTC time \"YYYY-MM-DD HH:MM:SS\"";
  if (AllDigits(text)) {
    if (text.size() > 13) return errors::InvalidParameter(msg);
    int64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    *out_ms = v;
    return Status::OK();
  }
  // "YYYY-MM-DD HH:MM:SS": fixed positions, digits elsewhere.
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':') {
    return errors::InvalidParameter(msg);
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (text[i] < '0' || text[i] > '9') return errors::InvalidParameter(msg);
  }
  using namespace std::chrono;
  year_month_day ymd{year{Digits(text.substr(0, 4))}, month{static_cast<unsigned>(Digits(text.substr(5, 2)))},
                     day{static_cast<unsigned>(Digits(text.substr(8, 2)))}};
  int h = Digits(text.substr(11, 2)), m = Digits(text.substr(14, 2)), s = Digits(text.substr(17, 2));
  if (!ymd.ok() || h > 23 || m > 59 || s > 59) return errors::InvalidParameter(msg);
  auto tp = sys_days{ymd} + hours{h} + minutes{m} + seconds{s};
  *out_ms = duration_cast<milliseconds>(tp.time_since_epoch()).count();
  return Status::OK();
}

}  // namespace grants
}  // namespace csms
