#include "service/strength_checker.h"

#include <zxcvbn.h>

#include <algorithm>
#include <cmath>

namespace csms {
namespace {

const char* ReasonFor(ZxcTypeMatch_t type) {
  switch (static_cast<int>(type) & ~static_cast<int>(MULTIPLE_MATCH)) {
    case DICTIONARY_MATCH:
      return "dictionary word";
    case DICT_LEET_MATCH:
      return "dictionary word with l33t substitutions";
    case USER_MATCH:
    case USER_LEET_MATCH:
      return "contains a user input";
    case REPEATS_MATCH:
      return "repeated characters";
    case SEQUENCE_MATCH:
      return "sequence";
    case SPATIAL_MATCH:
      return "keyboard pattern";
    case DATE_MATCH:
      return "date";
    case YEAR_MATCH:
      return "year";
    default:
      return nullptr;
  }
}

int CodePoints(std::string_view s) {
  return static_cast<int>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

int ScoreForEntropy(double bits) {
  // log2 of 10^3, 10^6, 10^8 and 10^10.
  if (bits < 9.966) return 0;
  if (bits < 19.932) return 1;
  if (bits < 26.575) return 2;
  if (bits < 33.219) return 3;
  return 4;
}

StrengthEstimate ZxcvbnStrengthChecker::Estimate(std::string_view value,
                                                 const std::vector<std::string>& user_inputs) const {
  // zxcvbn reads a NUL-terminated text: a NUL inside the value (JSON allows \u0000) would cut it
  // short, so it becomes another control character that no dictionary holds.
  std::string text(value);
  std::replace(text.begin(), text.end(), '\0', '\x01');
  std::vector<const char*> dict;
  for (const auto& w : user_inputs) {
    if (!w.empty() && w.find('\0') == std::string::npos) dict.push_back(w.c_str());
  }
  dict.push_back(nullptr);
  ZxcMatch_t* info = nullptr;
  double bits = ZxcvbnMatch(text.c_str(), dict.data(), &info);
  StrengthEstimate out;
  out.entropy_bits = std::isfinite(bits) && bits > 0 ? bits : 0;
  out.score = ScoreForEntropy(out.entropy_bits);
  out.weak = out.score < kStrongScore;
  out.length = CodePoints(value);
  if (out.weak) {
    for (ZxcMatch_t* m = info; m; m = m->Next) {
      const char* reason = ReasonFor(m->Type);
      if (reason && std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end()) {
        out.reasons.emplace_back(reason);
      }
    }
    if (out.length < 8) out.reasons.emplace_back("shorter than 8 characters");
    if (out.reasons.empty()) out.reasons.emplace_back("too few guesses needed");
  }
  ZxcvbnFreeInfo(info);
  return out;
}

}  // namespace csms
