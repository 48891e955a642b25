#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <chrono>
#include <list>
#include <random>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "common/log.h"
#include "crypto/random.h"

namespace csms::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// Request ids need to be unique, not secret: a per-thread PRNG seeded from the OS is enough.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng([] {
    std::string seed = crypto::RandomBytes(8);
    uint64_t v = 0;
    std::memcpy(&v, seed.data(), 8);
    return v;
  }());
  static const char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(a >> (i * 4)) & 15];
    id[16 + i] = kHex[(b >> (i * 4)) & 15];
  }
  return id;
}

// An id the caller sent is echoed only when it is short and harmless in logs and headers.
bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string ErrorBody(const std::string& code, const std::string& msg) {
  // Matches common/errors + http/api's error shape; duplicated here only for errors raised
  // before a request reaches the handler (parse errors, limits).
  return "{\"error_code\":\"" + code + "\",\"error_msg\":\"" + msg + "\",\"error\":{\"error_code\":\"" + code +
         "\",\"error_msg\":\"" + msg + "\"}}";
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void OnShutdown() = 0;
};

struct Worker {
  // Declared before ioc so they outlive it: destroying ioc destroys the sessions still pending
  // (requests running past the shutdown grace), and their destructors unlink from this list.
  std::list<SessionBase*> sessions;  // touched only on this worker's thread
  bool draining = false;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
};

struct Shared {
  ServerOptions options;
  RequestHandler handler;
  std::unique_ptr<asio::ssl::context> tls;
};

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Worker* worker, const Shared* shared, Args&&... args)
      : worker_(worker), shared_(shared), stream_(std::forward<Args>(args)...) {
    self_it_ = worker_->sessions.insert(worker_->sessions.end(), this);
  }
  ~Session() override { worker_->sessions.erase(self_it_); }

  void Start() {
    if constexpr (kTls) {
      Lowest().expires_after(shared_->options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

  void OnShutdown() override {
    if (waiting_) {
      beast::error_code ec;
      Lowest().socket().cancel(ec);
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void ReadHeader() {
    if (worker_->draining) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.header_limit));
    parser_->body_limit(shared_->options.body_limit);
    waiting_ = buffer_.size() == 0;
    Lowest().expires_after(shared_->options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    waiting_ = false;
    if (ec) return OnReadError(ec);
    started_ = std::chrono::steady_clock::now();
    Lowest().expires_after(shared_->options.read_timeout);
    auto& req = parser_->get();
    if (beast::iequals(req[bhttp::field::expect], "100-continue") && !parser_->is_done()) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->Handle();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return WriteRawError(bhttp::status::payload_too_large, errors::BodyTooLarge("request body is too large"));
    }
    if (ec == bhttp::error::header_limit) {
      return WriteRawError(bhttp::status::request_header_fields_too_large,
                           errors::InvalidRequest("request header is too large"));
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return WriteRawError(bhttp::status::bad_request, errors::InvalidRequest("malformed HTTP request"));
    }
    Close();
  }

  void WriteRawError(bhttp::status status, const Status& error) {
    res_ = {};
    res_.result(status);
    res_.version(11);
    res_.set(bhttp::field::content_type, "application/json;charset=UTF-8");
    res_.set("X-Request-Id", NewRequestId());
    res_.body() = ErrorBody(error.code(), error.message());
    res_.keep_alive(false);
    res_.prepare_payload();
    Write();
  }

  void Handle() {
    BeastRequest& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    size_t qpos = target.find('?');

    std::string request_id;
    auto rid = req.find("X-Request-Id");
    if (rid != req.end() && IsAcceptableRequestId(std::string_view(rid->value().data(), rid->value().size()))) {
      request_id.assign(rid->value().data(), rid->value().size());
    } else {
      request_id = NewRequestId();
    }

    HttpRequest in;
    in.method = std::string_view(req.method_string().data(), req.method_string().size());
    in.target = target;
    in.path = target.substr(0, qpos);
    in.query = qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1);
    in.body = req.body();
    in.request_id = request_id;
    in.header = [&req](std::string_view name) -> std::optional<std::string_view> {
      auto it = req.find(beast::string_view(name.data(), name.size()));
      if (it == req.end()) return std::nullopt;
      return std::string_view(it->value().data(), it->value().size());
    };

    HttpResponse out;
    shared_->handler(in, out);

    res_ = {};
    res_.result(static_cast<unsigned>(out.status));
    res_.version(req.version());
    if (!out.body.empty()) res_.set(bhttp::field::content_type, "application/json;charset=UTF-8");
    res_.set("X-Request-Id", request_id);
    for (auto& [k, v] : out.headers) res_.set(k, v);
    res_.body() = std::move(out.body);
    res_.keep_alive(req.keep_alive() && !worker_->draining);
    res_.prepare_payload();

    if (log::AccessLogEnabled()) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
      std::string line;
      line.reserve(128);
      line += in.method;
      line += ' ';
      line += in.path;  // never the query or headers: they may carry tokens or signatures
      line += ' ';
      line += std::to_string(out.status);
      line += ' ';
      line += std::to_string(res_.body().size());
      line += "B ";
      line += std::to_string(us);
      line += "us rid=";
      line += request_id;
      log::Access(line);
    }
    Write();
  }

  void Write() {
    bhttp::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->res_.keep_alive()) return self->Close();
      self->ReadHeader();
    });
  }

  void Close() {
    beast::error_code ec;
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ec2;
        self->Lowest().socket().shutdown(tcp::socket::shutdown_both, ec2);
      });
    } else {
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Worker* worker_;
  const Shared* shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  BeastResponse res_;
  std::list<SessionBase*>::iterator self_it_;
  std::chrono::steady_clock::time_point started_;
  bool waiting_ = false;
};

class ServerImpl final : public HttpServer {
 public:
  ~ServerImpl() override { Shutdown(std::chrono::milliseconds(0)); }

  Status Init(const ServerOptions& options, RequestHandler handler) {
    shared_.options = options;
    shared_.handler = std::move(handler);
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
      auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      beast::error_code ec;
      ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
      ctx->use_certificate_chain_file(options.tls_cert_file, ec);
      if (!ec) ctx->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
      if (ec) return errors::InvalidParameter("cannot load TLS certificate/key: " + ec.message());
      shared_.tls = std::move(ctx);
    }
    int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    beast::error_code ec;
    auto address = asio::ip::make_address(options.host, ec);
    if (ec) return errors::InvalidParameter("invalid listen address " + options.host);
    uint16_t port = options.port;
    for (int i = 0; i < threads; ++i) {
      auto w = std::make_unique<Worker>();
      tcp::endpoint ep(address, port);
      w->acceptor.open(ep.protocol(), ec);
      if (!ec) w->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) w->acceptor.set_option(ReusePort(true), ec);
      if (!ec) w->acceptor.bind(ep, ec);
      if (!ec) w->acceptor.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return errors::Internal("cannot listen on " + options.host + ":" + std::to_string(port) + ": " + ec.message());
      port = w->acceptor.local_endpoint().port();  // the port picked for port 0, shared by the others
      workers_.push_back(std::move(w));
    }
    port_ = port;
    for (auto& w : workers_) {
      Accept(w.get());
      Worker* wp = w.get();
      w->thread = std::thread([wp] { wp->ioc.run(); });
    }
    return Status::OK();
  }

  uint16_t port() const override { return port_; }

  void Shutdown(std::chrono::milliseconds grace) override {
    if (stopped_.exchange(true)) return;
    for (auto& w : workers_) {
      Worker* wp = w.get();
      asio::post(wp->ioc, [wp] {
        wp->draining = true;
        beast::error_code ec;
        wp->acceptor.close(ec);
        for (SessionBase* s : wp->sessions) s->OnShutdown();
      });
    }
    auto deadline = std::chrono::steady_clock::now() + grace;
    for (auto& w : workers_) {
      while (!w->ioc.stopped() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      w->ioc.stop();
      if (w->thread.joinable()) w->thread.join();
    }
  }

 private:
  void Accept(Worker* w) {
    w->acceptor.async_accept(w->ioc, [this, w](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !w->acceptor.is_open()) return;
        return Accept(w);  // transient (e.g. EMFILE): keep accepting
      }
      socket.set_option(tcp::no_delay(true), ec);
      if (shared_.tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(w, &shared_, std::move(socket), *shared_.tls)
            ->Start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(w, &shared_, std::move(socket))->Start();
      }
      Accept(w);
    });
  }

  Shared shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Status HttpServer::Start(const ServerOptions& options, RequestHandler handler, std::unique_ptr<HttpServer>* out) {
  auto server = std::make_unique<ServerImpl>();
  CSMS_RETURN_IF_ERROR(server->Init(options, std::move(handler)));
  *out = std::move(server);
  return Status::OK();
}

}  // namespace csms::http
