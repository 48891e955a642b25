#include "net/url.h"

namespace csms::net {

bool ParseUrl(const std::string& text, Url* out) {
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    out->tls = false;
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    out->tls = true;
    rest = text.substr(8);
  } else {
    return false;
  }
  size_t end = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, end);
  std::string target = end == std::string::npos ? "/" : rest.substr(end);
  if (size_t hash = target.find('#'); hash != std::string::npos) target.resize(hash);
  if (target.empty() || target[0] == '?') target = "/" + target;
  if (authority.empty() || authority.find('@') != std::string::npos) return false;
  std::string host, port;
  if (authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return false;
  if (port.empty()) port = out->tls ? "443" : "80";
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  out->host = host;
  out->port = port;
  out->target = target;
  return true;
}

}  // namespace csms::net
