// Tags of secrets (spec §1.8, §8): key/value pairs on a secret, addressed by the secret's id, at
// most 20 per secret and one value per key. The character rules are the spec's regular
// expressions, checked code point by code point with Unicode's character classes
// (common/unicode.h):
//   key   ^((?!\s)(?!_sys_)[\p{L}\p{Z}\p{N}_.:=+\-@]*)(?<!\s)$   1..128 characters
//   value ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$                          0..255 characters
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace csms {

struct Tag {
  std::string key;
  std::string value;
};

// A ListResourceInstances tag filter: the key must be present, with one of `values` (any value
// when `values` is empty).
struct TagFilter {
  std::string key;
  std::vector<std::string> values;
};

namespace tags {

inline constexpr size_t kMaxTagsPerSecret = 20;
inline constexpr size_t kMaxBatch = 20;  // BatchCreateOrDeleteTags items
inline constexpr size_t kMaxKeyLength = 128;
inline constexpr size_t kMaxValueLength = 255;
inline constexpr size_t kMaxDeleteKeyLength = 255;  // DeleteSecretTag's path key (spec: 1..255)
inline constexpr size_t kMaxSequenceLength = 36;
inline constexpr size_t kMaxFilterTags = 10;  // ListResourceInstances: tags[]
inline constexpr size_t kMaxFilterValues = 10;
inline constexpr size_t kMaxMatchValueLength = 255;
inline constexpr int kDefaultResourceLimit = 10;
inline constexpr int kMaxResourceLimit = 1000;
inline constexpr std::string_view kSystemPrefix = "_sys_";

// `field` names the key in messages, e.g. "tags[2].key".
Status CheckKey(std::string_view field, std::string_view key);
Status CheckValue(std::string_view field, std::string_view value);
// For a tag being written, beside the checks above: a text with an NFC spelling within the rules
// must use it (CheckSpelling in tag.cc). Not for keys named to delete or filter: a tag stored
// before the rule stays reachable.
Status CheckNewKey(std::string_view field, std::string_view key);
Status CheckNewValue(std::string_view field, std::string_view value);

}  // namespace tags
}  // namespace csms
