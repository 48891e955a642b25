// Reading the secret bodies that more than one handler file takes: CreateSecretBody (spec §1.1a),
// read by CreateSecret and by each item of BatchImportSecrets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "json/reader.h"
#include "service/secret_service.h"

namespace csms::http::handlers {

// A CreateSecretBody into a command; the first bad field is the error (naming it).
Status ReadCreateSecretBody(const json::ObjectReader& body, CreateSecretCommand* cmd);

// Reads `event_subscriptions`: absent → nullopt; null or [] → empty (removes the subscription).
Status ReadSubscriptions(const json::ObjectReader& body, std::optional<std::vector<std::string>>* out);

}  // namespace csms::http::handlers
