// A received request held as plain strings with headers keyed by lower-case name, viewable as the
// auth::SignedRequestView the signature code reads: the fixture of the signing unit tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/signature.h"

namespace csms::test {

struct HeaderMapRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;

  auth::SignedRequestView View() const {
    auth::SignedRequestView v;
    v.method = method;
    v.target = target;
    v.body = body;
    v.header = [this](std::string_view name) -> std::optional<std::string_view> {
      auto it = headers.find(std::string(name));
      if (it == headers.end()) return std::nullopt;
      return std::string_view(it->second);
    };
    return v;
  }
};

}  // namespace csms::test
