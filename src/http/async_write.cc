// Api::TryAsync: a hot write handed to the store from the I/O thread (http/api.h Route::async,
// decision NN). Everything that could block before the write (authenticating an uncached token or
// a signature, the audit log's "request" line, a grant read) sends the request to the writer pool
// instead, where the same checks give the same answers.
#include <memory>
#include <utility>

#include "common/errors.h"
#include "common/log.h"
#include "http/api.h"
#include "http/path_checks.h"
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
  return true;
}

}  // namespace csms::http
