// What the fuzz targets share: reading an input as an HTTP-like request, so seed files are
// readable requests and libFuzzer's mutations stay close to real ones.
//
//   <method> <target>\n
//   <name>: <value>\n        (any number of header lines)
//   \n
//   <body>                   (every remaining byte)
//
// Nothing here judges the bytes: a missing part is empty, a line without ':' is a header with an
// empty value. Header names are looked up lower-cased, as the server's Beast adapter does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csms::fuzz {

struct Request {
  std::string_view method;
  std::string_view target;
  std::string_view path;
  std::string_view query;
  std::vector<std::pair<std::string, std::string_view>> headers;  // lower-case names
  std::string_view body;

  std::optional<std::string_view> Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return std::nullopt;
  }
};

inline std::string_view NextLine(std::string_view* rest) {
  size_t nl = rest->find('\n');
  std::string_view line = rest->substr(0, nl);
  rest->remove_prefix(nl == std::string_view::npos ? rest->size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

inline Request ParseRequest(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  Request r;
  std::string_view first = NextLine(&rest);
  size_t space = first.find(' ');
  r.method = first.substr(0, space);
  r.target = space == std::string_view::npos ? std::string_view() : first.substr(space + 1);
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  r.query = q == std::string_view::npos ? std::string_view() : r.target.substr(q + 1);
  while (!rest.empty()) {
    std::string_view line = NextLine(&rest);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    r.headers.emplace_back(std::move(name), value);
  }
  r.body = rest;
  return r;
}

// A broken promise of the code under test (not a rejected input): crash, so the fuzzer keeps
// the input and the replay test fails.
#define CSMS_FUZZ_CHECK(cond)                                                            \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

}  // namespace csms::fuzz
