// The one builder of event request bodies (POST/PUT /csms/events) for every test. The pieces are
// JSON text, so tests of bad input can put anything (a wrong type, null, garbage) in any place.
#pragma once

#include <string>
#include <vector>

namespace csms::test {

// A JSON string literal for `s`, escaped.
std::string JsonString(const std::string& s);
// ["A","B"] from the names.
std::string TypesJson(const std::vector<std::string>& types);
// A notification object.
std::string SmnTargetJson(const std::string& topic_urn = "urn:smn:cn-north-4:0123:topic",
                          const std::string& name = "topic");
std::string WebhookTargetJson(const std::string& url, const std::string& name = "hook");

// {"name":<name>,"event_types":<types_json>,"state":<state>,"notification":<notification_json>}
// with name and state as JSON strings and the other two as given.
std::string RawEventBody(const std::string& name, const std::string& types_json, const std::string& state,
                         const std::string& notification_json);
inline std::string EventBody(const std::string& name, const std::vector<std::string>& types,
                             const std::string& notification_json = SmnTargetJson(),
                             const std::string& state = "ENABLED") {
  return RawEventBody(name, TypesJson(types), state, notification_json);
}

}  // namespace csms::test
