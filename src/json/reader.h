// Reading request bodies: parse once with RapidJSON, then pull typed fields. Every failure is a
// CSMS error whose message names the field, so a handler never writes its own error text.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace csms::json {

// Untrusted JSON is never nested deeper than this (objects and arrays; the root counts as 1). Our
// bodies need 6; the limit only has to stay far below what a thread's stack could hold.
inline constexpr int kMaxDepth = 64;

// Parses `body` as one JSON object (nothing may follow it). An empty body is a malformed body.
// The one entry point for JSON from the network (request bodies, rotation-function answers):
// RapidJSON's iterative parser (no recursion), nesting bounded by kMaxDepth, and every string and
// key well-formed UTF-8 (neither raw bytes nor escapes may yield ill-formed text, e.g. a lone
// surrogate). Each failure is a CSMS.0004 error; a bad string is named by its path
// ("notification.target_id", "event_types[1]").
Status ParseObject(std::string_view body, rapidjson::Document* doc);

// A view of one JSON object with the path used in error messages ("notification.target_id").
class ObjectReader {
 public:
  ObjectReader(const rapidjson::Value& object, std::string prefix = "")
      : object_(&object), prefix_(std::move(prefix)) {}

  bool Has(std::string_view key) const;
  // True when the key is present with a JSON null.
  bool IsNull(std::string_view key) const;

  // Required fields: absent, null or of the wrong type is an error.
  Status RequireString(std::string_view key, std::string* out) const;
  Status RequireObject(std::string_view key, ObjectReader* out) const;
  Status RequireStringArray(std::string_view key, std::vector<std::string>* out) const;
  Status RequireInt64(std::string_view key, int64_t* out) const;

  // Optional fields: absent (or null) leaves *out unset; present with the wrong type is an error.
  Status OptionalString(std::string_view key, std::optional<std::string>* out) const;
  Status OptionalBool(std::string_view key, std::optional<bool>* out) const;
  Status OptionalInt64(std::string_view key, std::optional<int64_t>* out) const;
  Status OptionalStringArray(std::string_view key, std::optional<std::vector<std::string>>* out) const;
  Status OptionalObject(std::string_view key, std::optional<ObjectReader>* out) const;

  std::string Path(std::string_view key) const;

 private:
  const rapidjson::Value* Find(std::string_view key) const;
  const rapidjson::Value* object_;
  std::string prefix_;
};

}  // namespace csms::json
