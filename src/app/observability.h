// The observability of a running server (docs/observability.md): the logging flags, and the
// collectors of GET /metrics, one per part of the server, added to one metrics::Registry.
#pragma once

#include <memory>

#include "auth/signature_authenticator.h"
#include "auth/token_service.h"
#include "common/status.h"
#include "http/api.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "notify/metrics.h"
#include "service/backlog.h"
#include "service/delivery_service.h"
#include "store/store.h"

namespace csms {

struct AppConfig;

// --log-format and --log-level into common/log; InvalidParameter on an unknown value.
Status ConfigureLogging(const AppConfig& config);

// The parts /metrics reads. Pointers to members of the running server: they outlive the registry's
// scrapes (the HTTP servers stop before anything they read is destroyed). `http` is read at each
// scrape, so it may be set after the collectors were added.
struct MetricSources {
  const http::Api* api = nullptr;
  const notify::DeliveryMetrics* delivery = nullptr;
  const DeliveryService* tests = nullptr;  // test notifications in flight
  const Store* store = nullptr;
  const TokenService* tokens = nullptr;
  const SignatureAuthenticator* signatures = nullptr;
  const Backlog* backlog = nullptr;
  const std::unique_ptr<http::HttpServer>* http = nullptr;
};

void AddServerCollectors(metrics::Registry& registry, const MetricSources& sources);

}  // namespace csms
