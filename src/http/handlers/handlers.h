// Route registration, one function per resource file in this folder.
#pragma once

#include <optional>
#include <string>

#include "domain/notification_record.h"
#include "domain/secret.h"
#include "http/api.h"
#include "json/writer.h"

namespace csms::http::handlers {

void RegisterHealthRoutes(Router<Route>& router);
void RegisterKeystoneRoutes(Router<Route>& router);
void RegisterEventRoutes(Router<Route>& router);
void RegisterRecordRoutes(Router<Route>& router);
void RegisterSecretRoutes(Router<Route>& router);
void RegisterSecretToolRoutes(Router<Route>& router);  // secret_tools.cc
void RegisterDevRoutes(Router<Route>& router);
void RegisterDeliveryRoutes(Router<Route>& router);
void RegisterAgencyRoutes(Router<Route>& router);
void RegisterTagRoutes(Router<Route>& router);
void RegisterSecretBackupRoutes(Router<Route>& router);
void RegisterConsoleRoutes(Router<Route>& router);  // console.cc: the web console's files

// A Secret object as ShowSecret answers it (spec §2.1); shared by the secrets, tags and backup
// handlers.
void WriteSecret(json::Writer& w, const Secret& s);
void RegisterGrantRoutes(Router<Route>& router);
void RegisterUserRoutes(Router<Route>& router);

// Shared by list handlers: the page_info object of spec §2.8.
void WritePageInfo(json::Writer& w, const std::optional<std::string>& next, const std::optional<std::string>& previous,
                   size_t count);

// Shared by the records listing and the delivery handlers: a record's listing fields (inside an
// object the caller opens), and the listing's filters (event_name, secret_name,
// trigger_event_type, notification_status, start_time, end_time).
void WriteRecordFields(json::Writer& w, const NotificationRecord& r);
Status ParseRecordFilters(const QueryParams& q, RecordQuery* query);

}  // namespace csms::http::handlers
