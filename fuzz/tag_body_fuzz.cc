// The bodies of the tags API (http/handlers/tag_body.h: CreateSecretTag, BatchCreateOrDeleteTags,
// ListResourceInstances) read as the handlers read them, then through the tag rules the service
// applies (domain/tag.h, ICU character classes). The input is a request (fuzz_input.h).
#include <cstdint>
#include <vector>

#include "domain/tag.h"
#include "fuzz_input.h"
#include "http/handlers/tag_body.h"

namespace handlers = csms::http::handlers;

// A refused input is an answer the fuzzer explores, not an error here: results not inspected are
// dropped with IgnoreError().
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  csms::fuzz::Request r = csms::fuzz::ParseRequest(data, size);
  csms::Tag tag;
  if (handlers::ReadCreateTagBody(r.body, &tag).ok()) {
    csms::tags::CheckKey("tag.key", tag.key).IgnoreError();
    csms::tags::CheckValue("tag.value", tag.value).IgnoreError();
  }
  csms::TagAction action;
  std::vector<csms::Tag> tags;
  if (handlers::ReadBatchTagsBody(r.body, &action, &tags).ok()) {
    CSMS_FUZZ_CHECK(!tags.empty() && tags.size() <= csms::tags::kMaxBatch);
    for (const csms::Tag& t : tags) {
      csms::tags::CheckKey("tags.key", t.key).IgnoreError();
      csms::tags::CheckValue("tags.value", t.value).IgnoreError();
    }
  }
  csms::ResourceInstancesCommand cmd;
  if (handlers::ReadResourceInstancesBody(r.body, &cmd).ok()) {
    CSMS_FUZZ_CHECK(cmd.limit >= 1 && cmd.limit <= csms::tags::kMaxResourceLimit && cmd.offset >= 0);
  }
  return 0;
}
