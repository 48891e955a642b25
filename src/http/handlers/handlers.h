// Route registration, one function per resource file in this folder.
#pragma once

#include <optional>
#include <string>

#include "http/api.h"
#include "json/writer.h"

namespace csms::http::handlers {

void RegisterHealthRoutes(Router<Route>& router);
void RegisterKeystoneRoutes(Router<Route>& router);
void RegisterEventRoutes(Router<Route>& router);
void RegisterRecordRoutes(Router<Route>& router);
void RegisterDevRoutes(Router<Route>& router);

// Shared by list handlers: the page_info object of spec §2.8.
void WritePageInfo(json::Writer& w, const std::optional<std::string>& next, const std::optional<std::string>& previous,
                   size_t count);

}  // namespace csms::http::handlers
