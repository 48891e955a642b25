#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "http/exchange.h"

#include <boost/asio/post.hpp>

#include <atomic>
#include <optional>
#include <string_view>

#include "common/errors.h"
#include "common/log.h"
#include "http/error_body.h"
#include "http/server_internal.h"

namespace csms::http {

thread_local const Mailbox* tl_mailbox = nullptr;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(BeastRequest req, std::string request_id, std::weak_ptr<SessionBase> session,
               std::shared_ptr<Mailbox> mailbox, std::string remote_address, bool client_cert_verified)
      : req_(std::move(req)),
        request_id_(std::move(request_id)),
        remote_address_(std::move(remote_address)),
        session_(std::move(session)),
        mailbox_(std::move(mailbox)) {
    std::string_view target(req_.target().data(), req_.target().size());
    size_t qpos = target.find('?');
    view_.method = std::string_view(req_.method_string().data(), req_.method_string().size());
    view_.target = target;
    view_.path = target.substr(0, qpos);
    view_.query = qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1);
    view_.body = req_.body();
    view_.request_id = request_id_;
    view_.remote_address = remote_address_;
    view_.client_cert_verified = client_cert_verified;
    view_.header = [this](std::string_view name) -> std::optional<std::string_view> {
      auto it = req_.find(beast::string_view(name.data(), name.size()));
      if (it == req_.end()) return std::nullopt;
      return std::string_view(it->value().data(), it->value().size());
    };
  }

  ~ExchangeImpl() override {
    if (responded_.exchange(true)) return;
    log::Error("request " + request_id_ + " was dropped without an answer");
    HttpResponse res;
    res.status = 500;
    res.body = ErrorBody(errors::Internal("internal error"));
    Deliver(std::move(res));
  }

  const HttpRequest& request() const override { return view_; }

  void Respond(HttpResponse response) override {
    if (responded_.exchange(true)) return;
    Deliver(std::move(response));
  }

 private:
  void Deliver(HttpResponse response) {
    if (tl_mailbox == mailbox_.get()) {
      if (auto s = session_.lock()) s->Complete(std::move(response));
      return;
    }
    std::lock_guard<std::mutex> lock(mailbox_->mu);
    if (!mailbox_->ioc) return;  // the server has stopped
    asio::post(*mailbox_->ioc, [weak = session_, response = std::move(response)]() mutable {
      if (auto s = weak.lock()) s->Complete(std::move(response));
    });
  }

  BeastRequest req_;  // owns the bytes every view in view_ points into
  std::string request_id_;
  std::string remote_address_;
  HttpRequest view_;
  std::weak_ptr<SessionBase> session_;
  std::shared_ptr<Mailbox> mailbox_;
  std::atomic<bool> responded_{false};
};

}  // namespace

std::shared_ptr<Exchange> NewExchange(BeastRequest req, std::string request_id, std::weak_ptr<SessionBase> session,
                                      std::shared_ptr<Mailbox> mailbox, std::string remote_address,
                                      bool client_cert_verified) {
  return std::make_shared<ExchangeImpl>(std::move(req), std::move(request_id), std::move(session), std::move(mailbox),
                                        std::move(remote_address), client_cert_verified);
}

}  // namespace csms::http
