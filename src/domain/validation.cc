#include "domain/validation.h"

#include <algorithm>
#include <string>

#include "common/errors.h"
#include "domain/limits.h"

namespace csms::validation {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

template <typename Pred>
bool AllOf(std::string_view s, size_t max_len, Pred ok) {
  if (s.empty() || s.size() > max_len) return false;
  return std::all_of(s.begin(), s.end(), ok);
}

}  // namespace

bool IsHttpUrl(std::string_view url) {
  std::string_view rest;
  if (url.rfind("http://", 0) == 0)
    rest = url.substr(7);
  else if (url.rfind("https://", 0) == 0)
    rest = url.substr(8);
  else
    return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  size_t host_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, host_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  if (authority.front() == ':') return false;
  return true;
}

bool IsValidName(std::string_view s) {
  return AllOf(s, limits::kMaxNameLength, [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

bool IsValidMarker(std::string_view s) {
  return AllOf(s, limits::kMaxNameLength, [](char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

Status CheckName(std::string_view field, std::string_view value) {
  if (IsValidName(value)) return Status::OK();
  return errors::InvalidParameter("invalid " + std::string(field) + ": must match ^[a-zA-Z0-9_-]{1," +
                                  std::to_string(limits::kMaxNameLength) + "}$");
}

Status ParseLimit(std::optional<std::string_view> raw, int default_limit, int max_limit, int* out) {
  if (!raw) {
    *out = default_limit;
    return Status::OK();
  }
  std::string_view s = *raw;
  bool digits =
      !s.empty() && s.size() <= 4 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  int value = digits ? std::stoi(std::string(s)) : 0;
  if (!digits || value < 1 || value > max_limit) {
    return errors::InvalidParameter("invalid limit: must be an integer from 1 to " + std::to_string(max_limit));
  }
  *out = value;
  return Status::OK();
}

std::string_view UrlHost(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (!authority.empty() && authority.front() == '[') return authority.substr(1, authority.find(']') - 1);
  return authority.substr(0, authority.rfind(':'));
}

Status CheckNotificationTarget(const NotificationTarget& target, const DestinationPolicy* destinations) {
  if (target.type == TargetType::kSmn) {
    bool ok = AllOf(target.id, limits::kMaxTargetIdLength,
                    [](char c) { return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == ':'; });
    if (!ok) {
      return errors::InvalidParameter(
          "invalid notification.target_id: an SMN topic URN must match ^[a-zA-Z0-9\\-._:]{1," +
          std::to_string(limits::kMaxTargetIdLength) + "}$");
    }
  } else {
    if (target.id.size() > limits::kMaxWebhookUrlLength || !IsHttpUrl(target.id)) {
      return errors::InvalidParameter(
          "invalid notification.target_id: a WEBHOOK target must be an http:// or https:// URL of at most " +
          std::to_string(limits::kMaxWebhookUrlLength) + " bytes");
    }
    IpAddress address;
    std::string_view host = UrlHost(target.id);
    if (destinations && ParseIpLiteral(host, &address) && !destinations->Allows(host, address)) {
      return errors::InvalidParameter("invalid notification.target_id: " + DestinationPolicy::RefusedMessage(address));
    }
  }
  return CheckName("notification.target_name", target.name);
}

Status CheckEventTypes(const std::vector<EventType>& types) {
  if (types.empty() || types.size() > limits::kMaxEventTypes) {
    return errors::InvalidParameter("invalid event_types: must hold 1 to " + std::to_string(limits::kMaxEventTypes) +
                                    " event types");
  }
  for (size_t i = 0; i < types.size(); ++i) {
    for (size_t j = i + 1; j < types.size(); ++j) {
      if (types[i] == types[j]) {
        return errors::InvalidParameter("invalid event_types: duplicate value " + std::string(EventTypeName(types[i])));
      }
    }
  }
  return Status::OK();
}

}  // namespace csms::validation
