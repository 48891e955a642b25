// Reading a csmsd audit file (docs/audit.md) in tests: its lines as text and as parsed JSON, and
// finding the lines that match a few fields.
#pragma once

#include <rapidjson/document.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace csms::test {

inline std::vector<std::string> ReadTextLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline void WriteTextLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : lines) out << l << "\n";
}

// A string member of an object ("" when absent or not a string); `outer` names a nested object.
inline std::string Str(const rapidjson::Value& v, const char* key, const char* outer = nullptr) {
  const rapidjson::Value* obj = &v;
  if (outer) {
    if (!v.IsObject() || !v.HasMember(outer)) return "";
    obj = &v[outer];
  }
  if (!obj->IsObject() || !obj->HasMember(key) || !(*obj)[key].IsString()) return "";
  return (*obj)[key].GetString();
}

struct AuditLine {
  std::string text;
  std::shared_ptr<rapidjson::Document> json;
  std::string type() const { return Str(*json, "type"); }
  std::string action() const { return Str(*json, "action"); }
  std::string error_code() const { return Str(*json, "error_code"); }
  int status() const { return json->HasMember("status") ? (*json)["status"].GetInt() : 0; }
  std::string principal(const char* key) const { return Str(*json, key, "principal"); }
  std::string resource(const char* key) const { return Str(*json, key, "resource"); }
};

inline std::vector<AuditLine> ReadAuditLines(const std::string& path) {
  std::vector<AuditLine> out;
  for (auto& text : ReadTextLines(path)) {
    AuditLine l{text, std::make_shared<rapidjson::Document>()};
    l.json->Parse(text.c_str());
    if (l.json->HasParseError() || !l.json->IsObject()) l.json->SetObject();
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace csms::test
