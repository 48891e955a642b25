// Reading the request bodies of the tags API (spec §1.8): CreateSecretTag,
// BatchCreateOrDeleteTags and ListResourceInstances. Pure functions of the body's bytes, so the
// handlers and the fuzz targets run the same code; the tag rules themselves are the service's
// (domain/tag.h).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/tag.h"
#include "service/tag_service.h"

namespace csms::http::handlers {

Status ReadCreateTagBody(std::string_view text, Tag* tag);
Status ReadBatchTagsBody(std::string_view text, TagAction* action, std::vector<Tag>* tags);
Status ReadResourceInstancesBody(std::string_view text, ResourceInstancesCommand* cmd);

}  // namespace csms::http::handlers
