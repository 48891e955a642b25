#include "audit/verify.h"

#include <rapidjson/document.h>

#include <fstream>

#include "audit/audit_log.h"
#include "json/reader.h"

namespace csms::audit {
namespace {

VerifyResult Broken(const std::string& file, int64_t line, std::string message, int64_t lines) {
  VerifyResult r;
  r.ok = false;
  r.file = file;
  r.line = line;
  r.message = std::move(message);
  r.lines = lines;
  return r;
}

}  // namespace

VerifyResult VerifyChain(const std::vector<std::string>& files) {
  VerifyResult result;
  std::string prev_hash;  // "" before the first line
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Broken(file, 0, "cannot open the file", result.lines);
    std::string text;
    int64_t number = 0;
    while (std::getline(in, text)) {
      ++number;
      rapidjson::Document doc;
      if (!json::ParseObject(text, &doc).ok()) {
        return Broken(file, number, "not a JSON object (a changed or cut line)", result.lines);
      }
      auto it = doc.FindMember("prev_hash");
      if (it == doc.MemberEnd() || !it->value.IsString()) {
        return Broken(file, number, "no prev_hash", result.lines);
      }
      std::string claimed(it->value.GetString(), it->value.GetStringLength());
      if (prev_hash.empty()) {
        result.starts_mid_chain = claimed != kGenesisHash;
      } else if (claimed != prev_hash) {
        return Broken(file, number,
                      "prev_hash " + claimed.substr(0, 64) + " is not the hash of the line before it (" + prev_hash +
                          "): a line before it was changed, removed or moved, or this one was",
                      result.lines);
      }
      prev_hash = LineHash(text);
      ++result.lines;
    }
    if (in.bad()) return Broken(file, number, "read error", result.lines);
  }
  return result;
}

}  // namespace csms::audit
