// HttpServer: the Listener (one acceptor per I/O thread, start and shutdown) and the Session
// (one connection: read, parse, hand to the handler, write). The connection cap and idle
// shedding live in http/connection_registry.cc, the Exchange that carries answers back from
// other threads in http/exchange.cc.
#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <unistd.h>

#include "common/errors.h"
#include "common/log.h"
#include "common/this_thread.h"
#include "http/connection_registry.h"
#include "http/error_body.h"
#include "http/exchange.h"
#include "http/request_id.h"
#include "http/server_internal.h"
#include "http/tls_context.h"

namespace csms::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// What every connection of the server reads: set before the I/O threads start, then read-only
// but for `connections` (thread-safe) and `tls` (replaced by ReloadTls, under tls_mu).
struct Shared {
  ServerOptions options;
  AsyncRequestHandler handler;
  bool tls_enabled = false;
  std::mutex tls_mu;
  std::shared_ptr<asio::ssl::context> tls;  // for new connections; each session keeps its own alive
  ConnectionRegistry connections;
  // Set before the I/O threads start: those that accept, and the write I/O threads (may be none).
  std::vector<IoWorker*> io_workers, write_workers;
  std::atomic<unsigned> next_io{0}, next_write{0};
  std::atomic<bool> stopping{false};  // Shutdown has begun: connections move no more

  std::shared_ptr<asio::ssl::context> CurrentTls() {
    std::lock_guard<std::mutex> lock(tls_mu);
    return tls;
  }
  // Where a connection moving to (or back from) the write I/O threads goes: round robin.
  IoWorker* NextWorker(bool writes) {
    auto& pool = writes ? write_workers : io_workers;
    auto& next = writes ? next_write : next_io;
    return pool[next.fetch_add(1, std::memory_order_relaxed) % pool.size()];
  }
};

TlsFiles TlsFilesOf(const ServerOptions& options) {
  return {options.tls_cert_file, options.tls_key_file, options.tls_client_ca_file};
}

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

// Fields of a request so far: its header's, and once a chunked body is read, its trailer's too.
size_t FieldCount(const BeastRequest& req) { return static_cast<size_t>(std::distance(req.begin(), req.end())); }

// One count of ConnectionRegistry::open held by a connection on its way to another I/O thread:
// taken before the old session goes, given back once the new one counts itself (or if it never
// comes to be, the move's handler destroyed unrun at shutdown).
class OpenSlot {
 public:
  explicit OpenSlot(std::atomic<int64_t>* open) : open_(open) { open_->fetch_add(1); }
  OpenSlot(OpenSlot&& other) noexcept : open_(std::exchange(other.open_, nullptr)) {}
  OpenSlot& operator=(OpenSlot&&) = delete;
  ~OpenSlot() {
    if (open_) open_->fetch_sub(1);
  }

 private:
  std::atomic<int64_t>* open_;
};

// One connection (plain TCP or TLS): reads and parses a request, hands it to the handler as an
// Exchange, writes the answer, and waits for the next. Not thread-safe, and need not be: it runs
// on its IoWorker's thread from accept to close; an answer from elsewhere reaches it through the
// Exchange (http/exchange.h), posted to that thread. A plain-TCP connection moving to or from a
// write I/O thread (MoveTo) is a new Session there, made from this one's socket and unread bytes.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(IoWorker* worker, Shared* shared, Args&&... args)
      : worker_(worker), shared_(shared), stream_(std::forward<Args>(args)...) {
    // What may wait unparsed: a header (the parser refuses one over header_limit), or one read of a
    // body, which the parser consumes as it goes. A line the parser cannot finish otherwise grows
    // without bound (Beast bounds neither a chunk's extensions nor a trailer section); past this
    // the read fails with buffer_overflow, answered 400 and closed like any framing error.
    buffer_.max_size(shared_->options.header_limit + kReadAhead);
    self_it_ = worker_->sessions.insert(worker_->sessions.end(), this);
    shared_->connections.open.fetch_add(1);
    beast::error_code ec;
    auto peer = Lowest().socket().remote_endpoint(ec);
    if (!ec) remote_address_ = peer.address().to_string();  // for the audit log and the brute-force limits
  }
  ~Session() override {
    shared_->connections.UnlinkIdle(this);
    worker_->sessions.erase(self_it_);
    shared_->connections.open.fetch_sub(1);
  }

  void Start() {
    if constexpr (kTls) {
      state_ = State::kReading;
      Lowest().expires_after(shared_->options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Close();
        self->client_cert_verified_ = ClientCertificateVerified(self->stream_.native_handle());
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
    shared_->connections.idle_closed.fetch_add(1);
    Lowest().close();  // the pending read ends with operation_aborted and the session with it
  }

  // The TLS context this connection was made with: kept alive for as long as the connection, so
  // a reload never pulls it from under an established session.
  void KeepTlsContext(std::shared_ptr<asio::ssl::context> tls) { tls_ = std::move(tls); }

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

    Write();
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  static constexpr size_t kFirstRead = 4096;
  static constexpr size_t kReadAhead = 64 * 1024 + kFirstRead;  // Beast's body reads are 64 KiB at most

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
    shared_->connections.LinkIdle(this, this->weak_from_this(), worker_);
    Lowest().expires_after(shared_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->shared_->connections.UnlinkIdle(self.get());
                              if (ec || n == 0) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  // From the first byte on, the whole header must arrive within header_timeout. The header is read
  // here rather than by bhttp::async_read_header so that its raw bytes are seen before Beast parses
  // them: Beast unfolds obs-fold into spaces, which RFC 9112 section 5.2 allows, but a proxy in
  // front may split the same bytes differently (request smuggling), so a folded header is refused.
  void ReadHeader() {
    state_ = State::kReading;
    started_ = std::chrono::steady_clock::now();
    header_scanned_ = 0;
    Lowest().expires_after(shared_->options.header_timeout);
    ParseHeader();
  }

  void ParseHeader() {
    const auto* data = static_cast<const char*>(buffer_.data().data());
    if (HeaderHasObsFold(std::string_view(data, buffer_.size()))) {
      return WriteRawError(bhttp::status::bad_request,
                           errors::InvalidRequest("obsolete line folding (obs-fold) in the request header"));
    }
    beast::error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);  // the start line and whole fields so far
    buffer_.consume(used);
    header_scanned_ -= std::min(header_scanned_, used);
    // `!ec` first: a complete header, the usual case, then never makes an error_code of Beast's
    // category (under UBSan that costs a vptr check, whose probe needs a free descriptor).
    if (!ec || ec != bhttp::error::need_more) return OnHeader(ec);  // done, or a framing error
    // Unreachable while the parser enforces header_limit (max_size leaves room for one more read),
    // but prepare() past max_size would throw.
    if (buffer_.size() + kFirstRead > buffer_.max_size()) return OnReadError(bhttp::error::header_limit);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();  // end of stream or timeout in the middle of a header
                              self->buffer_.commit(n);
                              self->ParseHeader();
                            });
  }

  // True when a line of the header (up to the empty line that ends it) starts with a space or a
  // tab. Scans only what arrived since the last call, from the last complete line break.
  bool HeaderHasObsFold(std::string_view data) {
    size_t i = header_scanned_;
    for (; i + 2 < data.size(); ++i) {
      if (data[i] != '\r' || data[i + 1] != '\n') continue;
      const char next = data[i + 2];
      if (next == ' ' || next == '\t') return true;
      if (next == '\r') {  // the empty line: the body may start with anything
        header_scanned_ = data.size();
        return false;
      }
    }
    header_scanned_ = i;  // the next call looks again at a line break cut off at the end
    return false;
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    auto& req = parser_->get();
    if (!FramingAcceptable(req)) {
      return WriteRawError(bhttp::status::bad_request,
                           errors::InvalidRequest("unsupported message framing: Transfer-Encoding must be exactly "
                                                  "'chunked' (HTTP/1.1) and is not allowed with Content-Length"));
    }
    // A fragment is never part of a request (RFC 9112 section 3.2). Taken as part of the query, the
    // parameters after it would be used while an AK/SK signature, which stops at '#', left them
    // unsigned: a captured request could be replayed with parameters of the replayer's choosing.
    if (req.target().find('#') != beast::string_view::npos) {
      return WriteRawError(bhttp::status::bad_request,
                           errors::InvalidRequest("the request target carries a fragment ('#')"));
    }
    // Beast adds a chunked body's trailer fields to the header's: counted here to refuse them.
    header_fields_ = parser_->chunked() ? FieldCount(req) : 0;
    if (!AdmitBody()) {
      linger_ = true;
      return WriteRawError(bhttp::status::payload_too_large,
                           errors::BodyTooLarge("request body is too large for this route"));
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

  // The route's body limit (ServerOptions::body_limit_for), decided before any body byte is read
  // and before `100 Continue`: false when the announced Content-Length exceeds it. A chunked body
  // is held to it as it arrives (the parser counts every chunk against the limit).
  bool AdmitBody() {
    const ServerOptions& o = shared_->options;
    if (!o.body_limit_for || parser_->is_done()) return true;  // no body announced
    auto& req = parser_->get();
    RequestHead head;
    head.method = std::string_view(req.method_string().data(), req.method_string().size());
    head.target = std::string_view(req.target().data(), req.target().size());
    head.credentials = req.count("X-Auth-Token") > 0 || req.count(bhttp::field::authorization) > 0;
    size_t limit = std::min(o.body_limit, o.body_limit_for(head));
    if (auto length = parser_->content_length(); length && *length > limit) return false;
    parser_->body_limit(limit);
    return true;
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      // Trailer fields would otherwise be read as headers: credentials or a project id that a
      // proxy in front, which checks or strips the header, never saw (RFC 9110 section 6.5.1).
      if (self->parser_->chunked() && FieldCount(self->parser_->get()) != self->header_fields_) {
        return self->WriteRawError(bhttp::status::bad_request,
                                   errors::InvalidRequest("trailer fields after a chunked body are not accepted"));
      }
      self->Handle();
    });
  }

  // Every framing error is answered and closes the connection: what follows cannot be trusted
  // to be a request.
  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      linger_ = true;
      return WriteRawError(bhttp::status::payload_too_large, errors::BodyTooLarge("request body is too large"));
    }
    if (ec == bhttp::error::buffer_overflow) {  // a line past max_size: see the constructor
      linger_ = true;
      return WriteRawError(bhttp::status::bad_request,
                           errors::InvalidRequest("a chunk's extensions or the trailer section are too long"));
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
    const bool reads =
        req.method() == bhttp::verb::get || req.method() == bhttp::verb::head || req.method() == bhttp::verb::options;
    reads_in_a_row_ = reads ? reads_in_a_row_ + 1 : 0;
    head_ = req.method() == bhttp::verb::head;
    request_id_ = request_id;
    // No timer runs while the handler works: the connection reads nothing until it answers.
    Lowest().expires_never();
    state_ = State::kHandling;
    pending_self_ = this->shared_from_this();
    hold_.emplace(worker_->ioc.get_executor());  // a pending answer keeps the I/O thread running
    auto exchange = NewExchange(std::move(req), std::move(request_id), this->weak_from_this(), worker_->mailbox,
                                remote_address_, client_cert_verified_);
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
    if constexpr (!kTls) {
      if (IoWorker* to = MoveTarget()) return MoveTo(to);
    }
    ReadRequest();
  }

  // The I/O thread this connection should move to after the answer just written, or null to
  // stay: a write sends it to the write I/O threads, kReadsToLeaveWriteThreads reads in a row
  // bring it back. TLS connections stay where they were accepted (their TLS state is not moved).
  IoWorker* MoveTarget() {
    if (shared_->write_workers.empty() || worker_->draining || shared_->stopping.load(std::memory_order_relaxed)) {
      return nullptr;  // a stopping server may already have stopped the target's thread
    }
    if (!worker_->writes && reads_in_a_row_ == 0) return shared_->NextWorker(/*writes=*/true);
    if (worker_->writes && reads_in_a_row_ >= kReadsToLeaveWriteThreads) return shared_->NextWorker(false);
    return nullptr;
  }

  // Hands the socket and the bytes read past the last request (pipelined ones) to a new Session
  // on `to`; this one ends when the last reference goes. Nothing is in flight: the answer was
  // written and no read is pending. If `to` has stopped, the posted handler is destroyed with its
  // io_context and the socket closes: a connection between requests, as at any shutdown.
  void MoveTo(IoWorker* to) {
    beast::error_code ec;
    Lowest().expires_never();
    tcp::socket& socket = Lowest().socket();
    const tcp::endpoint local = socket.local_endpoint(ec);
    if (ec) return Close();
    std::string unread(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const int fd = socket.release(ec);
    if (ec) return Close();
    tcp::socket moved(to->ioc);
    moved.assign(local.protocol(), fd, ec);
    if (ec) {
      ::close(fd);  // assign failed: the descriptor is still ours; the connection ends
      return;
    }
    // The slot counts the connection as open until its new session does, so the cap never sees a
    // gap; the address goes along rather than being asked again of a peer that may be gone.
    asio::post(to->ioc, [to, shared = shared_, moved = std::move(moved), unread = std::move(unread),
                         slot = OpenSlot(&shared_->connections.open), remote = remote_address_,
                         reads = reads_in_a_row_]() mutable {
      auto session = std::make_shared<Session>(to, shared, std::move(moved));
      session->remote_address_ = std::move(remote);
      session->reads_in_a_row_ = reads;
      if (!unread.empty())
        session->buffer_.commit(asio::buffer_copy(session->buffer_.prepare(unread.size()), asio::buffer(unread)));
      session->ReadRequest();
    });
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
      if (linger_) Discard(0);
    }
  }

  // After a 413 the client is usually still sending the body it announced: closing at once would
  // reset the connection, and the client would lose the answer. So, as nginx's lingering close,
  // the rest is read and thrown away (never kept) for a short while before the socket closes.
  void Discard(size_t so_far) {
    static constexpr size_t kMaxDiscard = 16 * 1024 * 1024;
    if (so_far == 0) Lowest().expires_after(std::chrono::seconds(5));
    if (so_far > kMaxDiscard) return;
    discard_.resize(16 * 1024);
    Lowest().async_read_some(asio::buffer(discard_),
                             [self = this->shared_from_this(), so_far](beast::error_code ec, size_t n) {
                               if (!ec) self->Discard(so_far + n);
                             });
  }

  IoWorker* worker_;
  Shared* shared_;
  std::shared_ptr<asio::ssl::context> tls_;  // before stream_: outlives it
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
  std::string remote_address_;             // the peer's IP address, read once at accept
  bool client_cert_verified_ = false;      // TLS: set once, after the handshake
  bool linger_ = false;                    // a 413 or an overflow was answered: discard what the client still sends
  std::string discard_;                    // scratch for Discard
  size_t header_scanned_ = 0;              // bytes of buffer_ HeaderHasObsFold has cleared
  size_t header_fields_ = 0;               // a chunked request's fields before its body (OnHeader)
  int reads_in_a_row_ = 0;                 // GET, HEAD and OPTIONS requests since the last other one
  std::shared_ptr<Session> pending_self_;  // alive while the handler has not answered
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> hold_;
};

// The Listener: one IoWorker (thread, io_context, SO_REUSEPORT acceptor) per I/O thread, the
// accept loop, and shutdown. Init runs before any I/O thread starts; Shutdown may be called from
// any thread (once takes effect).
class ServerImpl final : public HttpServer {
 public:
  ~ServerImpl() override { Shutdown(std::chrono::milliseconds(0)); }

  Status Init(const ServerOptions& options, AsyncRequestHandler handler) {
    shared_.options = options;
    shared_.handler = std::move(handler);
    shared_.connections.max_connections =
        options.max_connections > 0 ? options.max_connections : DefaultMaxConnections(CurrentOpenFileLimit());
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
      CSMS_RETURN_IF_ERROR(NewServerTlsContext(TlsFilesOf(options), &shared_.tls));
      shared_.tls_enabled = true;
    } else if (!options.tls_client_ca_file.empty()) {
      return errors::InvalidParameter("a TLS client CA needs TLS: give --tls-cert and --tls-key too");
    }
    int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    beast::error_code ec;
    auto address = asio::ip::make_address(options.host, ec);
    if (ec) return errors::InvalidParameter("invalid listen address " + options.host);
    uint16_t port = options.port;
    for (int i = 0; i < threads; ++i) {
      auto w = std::make_unique<IoWorker>();
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
      shared_.io_workers.push_back(w.get());
      workers_.push_back(std::move(w));
    }
    port_ = port;
    for (int i = 0; i < options.write_io_threads; ++i) {
      auto w = std::make_unique<IoWorker>();
      w->writes = true;
      w->keep_running.emplace(w->ioc.get_executor());
      w->mailbox->ioc = &w->ioc;
      shared_.write_workers.push_back(w.get());
      workers_.push_back(std::move(w));
    }
    const int write_nice = options.write_io_nice;
    for (auto& w : workers_) {
      IoWorker* wp = w.get();
      if (!wp->writes) Accept(wp);
      w->thread = std::thread([wp, write_nice] {
        NameThisThread(wp->writes ? "csms-io-write" : "csms-io");
        if (wp->writes) LowerThisThreadsPriority(write_nice);
        tl_mailbox = wp->mailbox.get();
        wp->ioc.run();
        tl_mailbox = nullptr;
      });
    }
    return Status::OK();
  }

  uint16_t port() const override { return port_; }
  int max_connections() const override { return shared_.connections.max_connections; }

  Status ReloadTls() override {
    if (!shared_.tls_enabled) return errors::InvalidParameter("the server does not serve TLS: nothing to reload");
    std::shared_ptr<asio::ssl::context> fresh;
    CSMS_RETURN_IF_ERROR(NewServerTlsContext(TlsFilesOf(shared_.options), &fresh));
    std::lock_guard<std::mutex> lock(shared_.tls_mu);
    shared_.tls = std::move(fresh);  // the old one lives on in the sessions made with it
    return Status::OK();
  }

  ServerStats stats() const override {
    ServerStats s;
    s.open_connections = shared_.connections.open.load();
    s.accept_errors = shared_.connections.accept_errors.load();
    s.idle_closed = shared_.connections.idle_closed.load();
    s.refused = shared_.connections.refused.load();
    return s;
  }

  void Shutdown(std::chrono::milliseconds grace) override {
    if (stopped_.exchange(true)) return;
    shared_.stopping.store(true);
    for (auto& w : workers_) {
      IoWorker* wp = w.get();
      asio::post(wp->ioc, [wp] {
        wp->draining = true;
        wp->keep_running.reset();
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
  void Accept(IoWorker* w) {
    w->acceptor.async_accept(w->ioc, [this, w](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !w->acceptor.is_open()) return;
        if (IsDescriptorShortage(ec)) {
          return shared_.connections.OnDescriptorShortage(w, ec, [this, w] { Accept(w); });
        }
        return Accept(w);  // the peer gave up before we accepted (ECONNABORTED and the like)
      }
      w->accept_backoff = std::chrono::milliseconds(0);
      if (!shared_.connections.Admit()) {
        beast::error_code ignored;
        socket.close(ignored);
        return Accept(w);
      }
      socket.set_option(tcp::no_delay(true), ec);
      if (shared_.tls_enabled) {
        std::shared_ptr<asio::ssl::context> tls = shared_.CurrentTls();
        auto session =
            std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(w, &shared_, std::move(socket), *tls);
        session->KeepTlsContext(std::move(tls));
        session->Start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(w, &shared_, std::move(socket))->Start();
      }
      Accept(w);
    });
  }

  Shared shared_;  // declared before workers_: sessions destroyed with a worker still use it
  std::vector<std::unique_ptr<IoWorker>> workers_;
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

}  // namespace csms::http
