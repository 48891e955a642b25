#include "cli/output.h"

#include <algorithm>
#include <ostream>

#include "cli/cli_error.h"
#include "common/time_format.h"
#include "common/utf8.h"
#include "json/reader.h"

namespace csms::cli {
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Scalar(const rapidjson::Value& v, const std::string& name) {
  if (v.IsString()) return Printable(std::string_view(v.GetString(), v.GetStringLength()));
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) {
    int64_t n = v.GetInt64();
    if (EndsWith(name, "_time") && n > 0) return FormatIso8601Seconds(n);
    return std::to_string(n);
  }
  if (v.IsNumber()) return std::to_string(v.GetDouble());
  if (v.IsNull()) return "-";
  return v.IsArray() ? "[...]" : "{...}";
}

// Display width in code points (good enough for aligned columns).
size_t Width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

rapidjson::Document ParseBody(const ApiResponse& response) {
  // The server's answer is untrusted input too: the project's one JSON entry point (iterative,
  // depth-limited, UTF-8 checked).
  rapidjson::Document doc;
  if (!json::ParseObject(response.body, &doc).ok()) {
    throw CliError(kExitApiError, "the server's answer is not a JSON object");
  }
  return doc;
}

std::string Printable(std::string_view text) {
  std::string s = utf8::Sanitize(text);
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = c == '\n' || c == '\t' || c == '\r' ? ' ' : '?';
  }
  return s;
}

const rapidjson::Value* Find(const rapidjson::Value& object, const std::string& path) {
  const rapidjson::Value* v = &object;
  size_t start = 0;
  while (true) {
    if (!v->IsObject()) return nullptr;
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    auto it = v->FindMember(key.c_str());
    if (it == v->MemberEnd()) return nullptr;
    v = &it->value;
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

std::string Cell(const rapidjson::Value* value, const std::string& name) {
  if (!value) return "-";
  if (value->IsArray()) {
    std::string out;
    for (const auto& item : value->GetArray()) {
      if (!out.empty()) out += ',';
      out += Scalar(item, name);
    }
    return out.empty() ? "-" : out;
  }
  std::string s = Scalar(*value, name);
  return s.empty() ? "-" : s;
}

void PrintTable(std::ostream& out, const rapidjson::Value& array, const std::vector<Column>& columns, bool header) {
  std::vector<std::vector<std::string>> rows;
  if (header) {
    rows.emplace_back();
    for (const auto& c : columns) rows.back().push_back(c.header);
  }
  if (array.IsArray()) {
    for (const auto& item : array.GetArray()) {
      rows.emplace_back();
      for (const auto& c : columns) rows.back().push_back(Cell(Find(item, c.path), c.path));
    }
  }
  std::vector<size_t> widths(columns.size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    out << line << '\n';
  }
}

void PrintFields(std::ostream& out, const rapidjson::Value& object, const std::string& prefix) {
  if (!object.IsObject()) return;
  for (const auto& m : object.GetObject()) {
    std::string name = prefix + std::string(m.name.GetString(), m.name.GetStringLength());
    if (m.value.IsObject()) {
      PrintFields(out, m.value, name + ".");
    } else if (m.value.IsArray() && !m.value.Empty() && m.value[0].IsObject()) {
      out << name << ": " << m.value.Size() << " item(s)\n";
    } else {
      out << name << ": " << Cell(&m.value, name) << '\n';
    }
  }
}

void PrintRaw(std::ostream& out, const ApiResponse& response) {
  if (response.body.empty()) return;
  out << response.body;
  if (response.body.back() != '\n') out << '\n';
}

}  // namespace csms::cli
