// Api::TryAsync: a hot write handed to the store without a thread waiting for it (http/api.h
// Route::async, decisions 119 and 139), its own work on the I/O thread or on the prepare pool. Everything that could
// block before the write (authenticating an uncached token or a signature, the audit log's "request" line, a grant
// read) sends the request to the writer pool instead, where the same checks give the same answers.
#include <memory>
#include <utility>

#include "common/errors.h"
#include "common/log.h"
#include "http/api.h"
#include "http/path_checks.h"
#include "http/worker_pool.h"
#include "service/writer_control.h"

namespace csms::http {

bool Api::TryAsync(const std::shared_ptr<Exchange>& exchange, const Route& route, const PathParams& params,
                   std::chrono::steady_clock::time_point started) {
  if (!services_.writer || !services_.writer->writes_async()) return false;
  const HttpRequest& req = exchange->request();
  QueryParams query;
  if (!query.Parse(req.query).ok()) return false;
  auto principal = std::make_shared<Principal>();
  if (!CachedPrincipal(req, route, params, principal.get())) return false;
  if (!CheckPathParams(params).ok()) return false;
  if (prepare_) {
    // Off the I/O thread, at the writer's priority (decision 139). Everything that could send the
    // request to the writer pool was decided above, so no pool thread is ever started from a
    // lowered thread (it would keep the lower priority).
    auto task = [this, exchange, route = &route, params, principal, started] {
      try {
        StartAsync(exchange, *route, params, principal, started);
      } catch (const std::exception& e) {
        log::Error("request " + std::string(exchange->request().request_id) + " failed: " + e.what());
        HttpResponse res;
        WriteError(errors::Internal("internal error"), res);
        Finish(*exchange, route, principal.get(), std::move(res), started);
      }
    };
    if (prepare_->TrySubmit(std::move(task))) return true;
  }
  StartAsync(exchange, route, params, std::move(principal), started);
  return true;
}

void Api::StartAsync(const std::shared_ptr<Exchange>& exchange, const Route& route, const PathParams& params,
                     std::shared_ptr<Principal> principal, std::chrono::steady_clock::time_point started) {
  const HttpRequest& req = exchange->request();
  QueryParams query;
  (void)query.Parse(req.query);  // parsed once already (TryAsync)
  RequestContext ctx{req, params, query, principal.get(), services_};
  // Counted until the completion is gone (called or dropped): ~Api waits for it, so the store's
  // writer never calls into a destroyed Api.
  {
    std::lock_guard<std::mutex> lock(async_mu_);
    ++async_in_flight_;
  }
  auto in_flight = std::shared_ptr<void>(nullptr, [this](void*) {
    std::lock_guard<std::mutex> lock(async_mu_);
    if (--async_in_flight_ == 0) async_idle_.notify_all();
  });
  // As Run answers: an error becomes the CSMS error body (an internal one is logged); then Finish
  // (metrics, request log, Respond, which posts to the connection's I/O thread).
  route.async(ctx, [this, exchange, route = &route, principal, started, in_flight](Status s, HttpResponse res) {
    if (!s.ok()) {
      if (s.kind() == Status::Kind::kInternal) {
        log::Error("request " + std::string(exchange->request().request_id) + ": " + s.ToString());
      }
      res = HttpResponse{};
      WriteError(s, res);
    }
    Finish(*exchange, route, principal.get(), std::move(res), started);
  });
}

}  // namespace csms::http
