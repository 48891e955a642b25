// Reading the secret request bodies into commands (spec §1.1–1.5): pure functions of the body's
// bytes (no service, no store), so the handlers and the fuzz targets run the same code.
// CreateSecretBody (spec §1.1a) is read by CreateSecret and by each item of BatchImportSecrets.
// The first bad field is the error, naming it (CSMS.0002; CSMS.0001 for malformed JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "json/reader.h"
#include "service/secret_service.h"

namespace csms::http::handlers {

// A CreateSecretBody into a command; the first bad field is the error (naming it).
Status ReadCreateSecretBody(const json::ObjectReader& body, CreateSecretCommand* cmd);

Status ReadCreateSecretBody(std::string_view text, CreateSecretCommand* cmd);
// `secret_name` is the secret of the path: a body may repeat it, never change it.
Status ReadUpdateSecretBody(std::string_view text, std::string_view secret_name, UpdateSecretCommand* cmd);
Status ReadCreateVersionBody(std::string_view text, CreateVersionCommand* cmd);
Status ReadUpdateVersionBody(std::string_view text, int64_t* expire_time);
Status ReadUpdateStageBody(std::string_view text, std::string* version_id);
// An empty body is the documented default of 30 days.
Status ReadScheduleDeletionBody(std::string_view text, int64_t* recovery_window_in_days);

// Reads `event_subscriptions`: absent → nullopt; null or [] → empty (removes the subscription).
Status ReadSubscriptions(const json::ObjectReader& body, std::optional<std::vector<std::string>>* out);

}  // namespace csms::http::handlers
