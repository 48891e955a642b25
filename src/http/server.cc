#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "common/log.h"
#include "crypto/random.h"
#include "http/error_body.h"

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

// Where answers from other threads go: the connection's io_context, until the server stops.
struct Mailbox {
  std::mutex mu;
  asio::io_context* ioc = nullptr;  // null once the server has stopped
};
// The mailbox of the I/O thread running here (null on other threads): an answer given on the
// connection's own thread is delivered at once instead of posted.
thread_local const Mailbox* tl_mailbox = nullptr;

class SessionBase;
struct Worker;

struct IdleEntry {
  SessionBase* session = nullptr;  // valid while linked: a session unlinks itself before it dies
  std::weak_ptr<SessionBase> weak;
  Worker* worker = nullptr;
};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void OnShutdown() = 0;
  // Closes the connection if it is still waiting for a request (under descriptor pressure).
  virtual void CloseIfIdle() = 0;
  // The handler's answer, on the connection's I/O thread.
  virtual void Complete(HttpResponse response) = 0;
  // After the I/O thread stopped: drops a request still waiting for its answer.
  virtual void ReleasePending() = 0;

  // The idle list's hook, guarded by Shared::idle_mu.
  bool idle_linked = false;
  std::list<IdleEntry>::iterator idle_it;
};

struct Worker {
  // Declared before ioc so they outlive it: destroying ioc destroys the sessions still pending
  // (requests running past the shutdown grace), and their destructors unlink from this list.
  std::list<SessionBase*> sessions;  // touched only on this worker's thread
  bool draining = false;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  std::chrono::milliseconds accept_backoff{0};
  std::thread thread;
};

struct Shared {
  ServerOptions options;
  AsyncRequestHandler handler;
  std::unique_ptr<asio::ssl::context> tls;
  int max_connections = 0;

  std::atomic<int64_t> open{0};
  std::atomic<int64_t> accept_errors{0};
  std::atomic<int64_t> idle_closed{0};
  std::atomic<int64_t> refused{0};
  std::atomic<int64_t> last_pressure_log_ms{-1'000'000};

  // Connections waiting for a request, longest-waiting first, across all I/O threads.
  std::mutex idle_mu;
  std::list<IdleEntry> idle;

  void LinkIdle(SessionBase* s, std::weak_ptr<SessionBase> weak, Worker* w) {
    std::lock_guard<std::mutex> lock(idle_mu);
    if (s->idle_linked) return;
    s->idle_it = idle.insert(idle.end(), IdleEntry{s, std::move(weak), w});
    s->idle_linked = true;
  }
  void UnlinkIdle(SessionBase* s) {
    std::lock_guard<std::mutex> lock(idle_mu);
    if (!s->idle_linked) return;
    idle.erase(s->idle_it);
    s->idle_linked = false;
  }
  // Asks the connection idle the longest to close (on its own thread); false if none is idle.
  bool CloseOldestIdle() {
    IdleEntry e;
    {
      std::lock_guard<std::mutex> lock(idle_mu);
      if (idle.empty()) return false;
      e = std::move(idle.front());
      idle.pop_front();
      e.session->idle_linked = false;
    }
    asio::post(e.worker->ioc, [weak = std::move(e.weak)] {
      if (auto s = weak.lock()) s->CloseIfIdle();
    });
    return true;
  }
  // One warning per 10 s at most, however hard the pressure.
  void LogPressure(const std::string& what) {
    int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    int64_t last = last_pressure_log_ms.load();
    if (now - last < 10'000 || !last_pressure_log_ms.compare_exchange_strong(last, now)) return;
    log::Warn("http: " + what + " (open connections " + std::to_string(open.load()) + ", cap " +
              std::to_string(max_connections) + "; so far: accept failures " + std::to_string(accept_errors.load()) +
              ", idle connections closed " + std::to_string(idle_closed.load()) + ", refused " +
              std::to_string(refused.load()) + ")");
  }
};

// A transfer coding other than one final `chunked` (which Beast decodes), or one together with
// Content-Length, would let a body be read as the next request (RFC 9112 §6.1, §6.3): refused.
bool FramingAcceptable(const BeastRequest& req) {
  int transfer_encodings = 0;
  bool content_length = false;
  beast::string_view coding;
  for (const auto& f : req) {
    if (f.name() == bhttp::field::transfer_encoding) {
      ++transfer_encodings;
      coding = f.value();
    } else if (f.name() == bhttp::field::content_length) {
      content_length = true;
    }
  }
  if (transfer_encodings == 0) return true;
  while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
  while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
  return transfer_encodings == 1 && !content_length && req.version() == 11 && beast::iequals(coding, "chunked");
}

class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(BeastRequest req, std::string request_id, std::weak_ptr<SessionBase> session,
               std::shared_ptr<Mailbox> mailbox)
      : req_(std::move(req)),
        request_id_(std::move(request_id)),
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

  BeastRequest req_;
  std::string request_id_;
  HttpRequest view_;
  std::weak_ptr<SessionBase> session_;
  std::shared_ptr<Mailbox> mailbox_;
  std::atomic<bool> responded_{false};
};

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Worker* worker, Shared* shared, Args&&... args)
      : worker_(worker), shared_(shared), stream_(std::forward<Args>(args)...) {
    self_it_ = worker_->sessions.insert(worker_->sessions.end(), this);
    shared_->open.fetch_add(1);
  }
  ~Session() override {
    shared_->UnlinkIdle(this);
    worker_->sessions.erase(self_it_);
    shared_->open.fetch_sub(1);
  }

  void Start() {
    if constexpr (kTls) {
      state_ = State::kReading;
      Lowest().expires_after(shared_->options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Close();
        self->ReadRequest();
      });
    } else {
      ReadRequest();
    }
  }

  void OnShutdown() override {
    if (state_ == State::kIdle) {
      beast::error_code ec;
      Lowest().socket().cancel(ec);
    }
  }

  void CloseIfIdle() override {
    if (state_ != State::kIdle) return;
    shared_->idle_closed.fetch_add(1);
    Lowest().close();  // the pending read ends with operation_aborted and the session with it
  }

  void ReleasePending() override {
    hold_.reset();
    pending_self_.reset();  // may destroy this
  }

  void Complete(HttpResponse out) override {
    if (state_ != State::kHandling) return;
    auto self = std::move(pending_self_);  // keeps this alive to the end of the call
    hold_.reset();
    state_ = State::kWriting;

    res_ = {};
    res_.result(static_cast<unsigned>(out.status));
    res_.version(version_);
    if (!out.body.empty()) res_.set(bhttp::field::content_type, "application/json;charset=UTF-8");
    res_.set("X-Request-Id", request_id_);
    for (auto& [k, v] : out.headers) res_.set(k, v);
    res_.body() = std::move(out.body);
    res_.keep_alive(keep_alive_ && !worker_->draining);
    res_.prepare_payload();

    if (log::AccessLogEnabled()) {
      auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
      std::string line;
      line.reserve(128);
      line += log_method_;
      line += ' ';
      line += log_path_;  // never the query or headers: they may carry tokens or signatures
      line += ' ';
      line += std::to_string(out.status);
      line += ' ';
      line += std::to_string(res_.body().size());
      line += "B ";
      line += std::to_string(us);
      line += "us rid=";
      line += request_id_;
      log::Access(line);
    }
    Write();
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  static constexpr size_t kFirstRead = 4096;

  enum class State { kReading, kIdle, kHandling, kWriting };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // Waits for the first byte of the next request (idle_timeout), unless it is already buffered.
  void ReadRequest() {
    if (worker_->draining) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.header_limit));
    parser_->body_limit(shared_->options.body_limit);
    if (buffer_.size() > 0) return ReadHeader();
    state_ = State::kIdle;
    shared_->LinkIdle(this, this->weak_from_this(), worker_);
    Lowest().expires_after(shared_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->shared_->UnlinkIdle(self.get());
                              if (ec || n == 0) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  // From the first byte on, the whole header must arrive within header_timeout.
  void ReadHeader() {
    state_ = State::kReading;
    started_ = std::chrono::steady_clock::now();
    Lowest().expires_after(shared_->options.header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    auto& req = parser_->get();
    if (!FramingAcceptable(req)) {
      return WriteRawError(bhttp::status::bad_request,
                           errors::InvalidRequest("unsupported message framing: Transfer-Encoding must be exactly "
                                                  "'chunked' (HTTP/1.1) and is not allowed with Content-Length"));
    }
    Lowest().expires_at(started_ + std::max<std::chrono::steady_clock::duration>(shared_->options.header_timeout,
                                                                                 shared_->options.read_timeout));
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
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->Handle();
    });
  }

  // Every framing error is answered and closes the connection: what follows cannot be trusted
  // to be a request.
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
    state_ = State::kWriting;
    head_ = false;
    res_ = {};
    res_.result(status);
    res_.version(11);
    res_.set(bhttp::field::content_type, "application/json;charset=UTF-8");
    res_.set("X-Request-Id", NewRequestId());
    res_.body() = ErrorBody(error);
    res_.keep_alive(false);
    res_.prepare_payload();
    Lowest().expires_after(shared_->options.read_timeout);
    Write();
  }

  void Handle() {
    BeastRequest req = parser_->release();
    std::string request_id;
    auto rid = req.find("X-Request-Id");
    if (rid != req.end() && IsAcceptableRequestId(std::string_view(rid->value().data(), rid->value().size()))) {
      request_id.assign(rid->value().data(), rid->value().size());
    } else {
      request_id = NewRequestId();
    }
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_ = req.method() == bhttp::verb::head;
    request_id_ = request_id;
    if (log::AccessLogEnabled()) {
      log_method_.assign(req.method_string().data(), req.method_string().size());
      std::string_view target(req.target().data(), req.target().size());
      log_path_ = target.substr(0, target.find('?'));
    }
    // No timer runs while the handler works: the connection reads nothing until it answers.
    Lowest().expires_never();
    state_ = State::kHandling;
    pending_self_ = this->shared_from_this();
    hold_.emplace(worker_->ioc.get_executor());  // a pending answer keeps the I/O thread running
    auto exchange =
        std::make_shared<ExchangeImpl>(std::move(req), std::move(request_id), this->weak_from_this(), worker_->mailbox);
    shared_->handler(std::move(exchange));  // may answer (Complete) before it returns
  }

  void Write() {
    Lowest().expires_after(shared_->options.read_timeout);
    if (head_) {
      // HEAD: the GET's status and headers (Content-Length included), never a body.
      serializer_.emplace(res_);
      bhttp::async_write_header(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
        self->serializer_.reset();
        self->OnWritten(ec);
      });
      return;
    }
    bhttp::async_write(stream_, res_,
                       [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnWritten(ec); });
  }

  void OnWritten(beast::error_code ec) {
    if (ec || !res_.keep_alive()) return Close();
    ReadRequest();
  }

  void Close() {
    state_ = State::kWriting;
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
  Shared* shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  BeastResponse res_;
  std::optional<bhttp::response_serializer<bhttp::string_body>> serializer_;
  std::list<SessionBase*>::iterator self_it_;
  std::chrono::steady_clock::time_point started_;
  State state_ = State::kReading;
  // The request being answered.
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
  std::string request_id_;
  std::string log_method_, log_path_;
  std::shared_ptr<Session> pending_self_;  // alive while the handler has not answered
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> hold_;
};

bool IsDescriptorShortage(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == beast::error_code(ENFILE, boost::system::system_category()) ||
         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

class ServerImpl final : public HttpServer {
 public:
  ~ServerImpl() override { Shutdown(std::chrono::milliseconds(0)); }

  Status Init(const ServerOptions& options, AsyncRequestHandler handler) {
    shared_.options = options;
    shared_.handler = std::move(handler);
    shared_.max_connections =
        options.max_connections > 0 ? options.max_connections : DefaultMaxConnections(CurrentOpenFileLimit());
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
      if (ec)
        return errors::Internal("cannot listen on " + options.host + ":" + std::to_string(port) + ": " + ec.message());
      port = w->acceptor.local_endpoint().port();  // the port picked for port 0, shared by the others
      w->mailbox->ioc = &w->ioc;
      workers_.push_back(std::move(w));
    }
    port_ = port;
    for (auto& w : workers_) {
      Accept(w.get());
      Worker* wp = w.get();
      w->thread = std::thread([wp] {
        tl_mailbox = wp->mailbox.get();
        wp->ioc.run();
        tl_mailbox = nullptr;
      });
    }
    return Status::OK();
  }

  uint16_t port() const override { return port_; }
  int max_connections() const override { return shared_.max_connections; }

  ServerStats stats() const override {
    ServerStats s;
    s.open_connections = shared_.open.load();
    s.accept_errors = shared_.accept_errors.load();
    s.idle_closed = shared_.idle_closed.load();
    s.refused = shared_.refused.load();
    return s;
  }

  void Shutdown(std::chrono::milliseconds grace) override {
    if (stopped_.exchange(true)) return;
    for (auto& w : workers_) {
      Worker* wp = w.get();
      asio::post(wp->ioc, [wp] {
        wp->draining = true;
        beast::error_code ec;
        wp->acceptor.close(ec);
        wp->accept_retry.cancel();
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
    for (auto& w : workers_) {
      {
        std::lock_guard<std::mutex> lock(w->mailbox->mu);
        w->mailbox->ioc = nullptr;  // answers that come later are dropped
      }
      std::vector<SessionBase*> pending(w->sessions.begin(), w->sessions.end());
      for (SessionBase* s : pending) s->ReleasePending();
    }
  }

 private:
  static int64_t CurrentOpenFileLimit() {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
    return static_cast<int64_t>(rl.rlim_cur);
  }

  void Accept(Worker* w) {
    w->acceptor.async_accept(w->ioc, [this, w](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !w->acceptor.is_open()) return;
        if (IsDescriptorShortage(ec)) return OnDescriptorShortage(w, ec);
        return Accept(w);  // the peer gave up before we accepted (ECONNABORTED and the like)
      }
      w->accept_backoff = std::chrono::milliseconds(0);
      if (shared_.open.load() >= shared_.max_connections && !shared_.CloseOldestIdle()) {
        // Every connection is busy: this one would take a descriptor the database may need.
        shared_.refused.fetch_add(1);
        shared_.LogPressure("connection cap reached with no idle connection, refusing connections");
        beast::error_code ignored;
        socket.close(ignored);
        return Accept(w);
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

  // Out of descriptors: close the longest-idle connection and retry after a growing pause
  // (10 ms doubling to 1 s), never in a tight loop.
  void OnDescriptorShortage(Worker* w, const beast::error_code& ec) {
    shared_.accept_errors.fetch_add(1);
    shared_.CloseOldestIdle();
    w->accept_backoff =
        std::clamp(w->accept_backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    shared_.LogPressure("accept failed: " + ec.message() + "; closing idle connections, retrying in " +
                        std::to_string(w->accept_backoff.count()) + " ms");
    w->accept_retry.expires_after(w->accept_backoff);
    w->accept_retry.async_wait([this, w](beast::error_code wait_ec) {
      if (wait_ec || !w->acceptor.is_open()) return;
      Accept(w);
    });
  }

  Shared shared_;  // declared before workers_: sessions destroyed with a worker still use it
  std::vector<std::unique_ptr<Worker>> workers_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Status HttpServer::StartAsync(const ServerOptions& options, AsyncRequestHandler handler,
                              std::unique_ptr<HttpServer>* out) {
  auto server = std::make_unique<ServerImpl>();
  CSMS_RETURN_IF_ERROR(server->Init(options, std::move(handler)));
  *out = std::move(server);
  return Status::OK();
}

Status HttpServer::Start(const ServerOptions& options, RequestHandler handler, std::unique_ptr<HttpServer>* out) {
  return StartAsync(
      options,
      [handler = std::move(handler)](std::shared_ptr<Exchange> exchange) {
        HttpResponse res;
        handler(exchange->request(), res);
        exchange->Respond(std::move(res));
      },
      out);
}

int64_t RaiseOpenFileLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur != rl.rlim_max) {
    struct rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur == RLIM_INFINITY ? int64_t{1} << 20 : static_cast<int64_t>(rl.rlim_cur);
}

int DefaultMaxConnections(int64_t open_file_limit) {
  int64_t reserve = std::clamp<int64_t>(open_file_limit / 4, 32, 1024);
  int64_t cap = std::min<int64_t>(open_file_limit - reserve, 1'000'000);
  return static_cast<int>(std::max<int64_t>(cap, 16));
}

}  // namespace csms::http
