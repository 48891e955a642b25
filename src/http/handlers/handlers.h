// Route registration, one function per resource file in this folder.
#pragma once

#include <optional>
#include <string>

#include "domain/notification_record.h"
#include "domain/secret.h"
#include "http/api.h"
#include "http/handlers/record_filters.h"
#include "json/writer.h"

namespace csms::http::handlers {

void RegisterHealthRoutes(Router<Route>& router);
void RegisterObservabilityRoutes(Router<Route>& router);  // observability.cc: /metrics, /readyz
void RegisterKeystoneRoutes(Router<Route>& router);
void RegisterEventRoutes(Router<Route>& router);
void RegisterRecordRoutes(Router<Route>& router);
void RegisterSecretRoutes(Router<Route>& router);
void RegisterSecretToolRoutes(Router<Route>& router);  // secret_tools.cc
void RegisterDevRoutes(Router<Route>& router);
void RegisterDevDbInstanceRoutes(Router<Route>& router);
void RegisterDeliveryRoutes(Router<Route>& router);
void RegisterAgencyRoutes(Router<Route>& router);
void RegisterTagRoutes(Router<Route>& router);
void RegisterSecretBackupRoutes(Router<Route>& router);
void RegisterConsoleRoutes(Router<Route>& router);  // console.cc: the web console's files
void RegisterOpenApiRoutes(Router<Route>& router);  // openapi.cc: GET /openapi.json

// A Secret object as ShowSecret answers it (spec §2.1); shared by the secrets, tags and backup
// handlers.
void WriteSecret(json::Writer& w, const Secret& s);
void RegisterGrantRoutes(Router<Route>& router);
void RegisterUserRoutes(Router<Route>& router);

// Shared by list handlers: the page_info object of spec §2.8.
void WritePageInfo(json::Writer& w, const std::optional<std::string>& next, const std::optional<std::string>& previous,
                   size_t count);

// Shared by the records listing and the delivery handlers: a record's listing fields (inside an
// object the caller opens); the listing's filters are in record_filters.h.
void WriteRecordFields(json::Writer& w, const NotificationRecord& r);

}  // namespace csms::http::handlers
