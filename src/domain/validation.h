// Field rules shared by every resource: names, pagination parameters, notification targets.
// Each check returns a Status whose message names the field, ready for the client.
#pragma once

#include <optional>
#include <string_view>

#include "common/destination_policy.h"
#include "common/status.h"
#include "domain/event.h"

namespace csms::validation {

// ^[a-zA-Z0-9_-]{1,64}$ — secret, event, stage and target names.
bool IsValidName(std::string_view s);
// ^[a-zA-Z0-9._-]{1,64}$ — markers of name-ordered lists (older docs allow '.').
bool IsValidMarker(std::string_view s);

Status CheckName(std::string_view field, std::string_view value);

// http://host[:port][/...] or https://...: a non-empty host, no user-info, no whitespace or control bytes.
bool IsHttpUrl(std::string_view url);

// `limit` query parameter: decimal 1..max (string of 1–4 chars). Absent → default.
Status ParseLimit(std::optional<std::string_view> raw, int default_limit, int max_limit, int* out);

// Notification target: SMN topic URN (^[a-zA-Z0-9\-._:]{1,256}$) or WEBHOOK http(s) URL. With
// `destinations`, a WEBHOOK URL whose host is a literal address the policy refuses (127.1,
// [::ffff:10.0.0.1], 169.254.169.254 ...) is refused too; a host name is judged at delivery time.
Status CheckNotificationTarget(const NotificationTarget& target, const DestinationPolicy* destinations = nullptr);

// The host of an http(s) URL that passed IsHttpUrl, without brackets or port.
std::string_view UrlHost(std::string_view url);

// The event_types list: 1..12 known, unique values.
Status CheckEventTypes(const std::vector<EventType>& types);

}  // namespace csms::validation
