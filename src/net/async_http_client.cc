#include <utility>  // Boost 1.74's Asio needs it before its own headers.

#include "net/async_http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "common/log.h"
#include "net/http_call.h"

namespace csms::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;

// One TCP (or TLS over TCP) connection to a target, reused across requests while keep-alive holds.
struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  SteadyClock::time_point idle_since;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  void Close() {
    beast::error_code ec;
    lowest().socket().close(ec);
  }
};

struct Job {
  OutgoingRequest request;
  ResponseCallback done;
  Url url;
};

// The connections of one (scheme, host, port).
struct Pool {
  bool tls = false;
  bool guarded = true;  // its addresses are checked against AsyncHttpOptions::destinations
  std::string host, port, host_header;
  std::vector<std::unique_ptr<Connection>> idle;  // most recently used last
  int active = 0;                                 // requests holding a connection slot
  std::deque<std::shared_ptr<Job>> waiting;       // requests waiting for a slot
};

bool IsIpLiteral(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

IpAddress ToIpAddress(const asio::ip::address& a) {
  if (a.is_v4()) return IpAddress::V4(a.to_v4().to_uint());
  auto bytes = a.to_v6().to_bytes();
  return IpAddress::V6(bytes.data());
}

std::string Describe(const beast::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::connection_reset) return "connection reset by peer";
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) return "connection closed before an answer";
  return ec.message();
}

class ClientImpl final : public AsyncHttpClient {
 public:
  explicit ClientImpl(AsyncHttpOptions options)
      : options_(std::move(options)), tls_(asio::ssl::context::tls_client), work_(asio::make_work_guard(ioc_)) {}

  ~ClientImpl() override {
    asio::post(ioc_, [this] { StopAll(); });
    // Every socket is closed, so every request finishes at once; the bound covers a DNS lookup
    // that cannot be cancelled.
    auto give_up = SteadyClock::now() + std::chrono::seconds(2);
    while (in_flight_.load() > 0 && SteadyClock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    work_.reset();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // False, with *error saying why, when the trusted certificates cannot be loaded.
  bool Init(std::string* error) {
    beast::error_code ec;
    tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (!options_.ca_file.empty()) {
      tls_.load_verify_file(options_.ca_file, ec);
      if (ec) {
        *error = "cannot load trusted certificates " + options_.ca_file + ": " + ec.message();
        return false;
      }
    } else {
      // The system bundle is loaded on the client's own thread just before its first TLS
      // connection (LoadSystemTrust), not at start: parsing it took a quarter of csmsd's start-up
      // CPU and page faults, and plain-http targets never need it.
      system_trust_pending_ = true;
    }
    tls_.set_verify_mode(options_.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
    asio::co_spawn(ioc_, Sweep(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
    return true;
  }

  void Send(OutgoingRequest request, ResponseCallback done) override {
    auto job = std::make_shared<Job>();
    job->request = std::move(request);
    job->done = std::move(done);
    in_flight_.fetch_add(1);
    asio::post(ioc_, [this, job] { Start(job); });
  }

  size_t in_flight() const override { return in_flight_.load(); }
  size_t connections_opened() const override { return connections_opened_.load(); }

 private:
  // --- on the event-loop thread only ----------------------------------------------------------

  void Finish(const std::shared_ptr<Job>& job, ResponseInfo info) {
    ResponseCallback done = std::move(job->done);
    done(std::move(info));
    in_flight_.fetch_sub(1);
  }

  void Fail(const std::shared_ptr<Job>& job, std::string error) {
    ResponseInfo info;
    info.error = std::move(error);
    Finish(job, std::move(info));
  }

  void Start(const std::shared_ptr<Job>& job) {
    if (stopping_) return Fail(job, "client shut down");
    if (!ParseUrl(job->request.url, &job->url)) return Fail(job, "invalid URL");
    std::string key = std::string(job->request.guarded ? "" : "operator ") + (job->url.tls ? "https://" : "http://") +
                      job->url.host + ":" + job->url.port;
    Pool& pool = pools_[key];
    if (pool.host.empty()) {
      pool.tls = job->url.tls;
      pool.guarded = job->request.guarded;
      pool.host = job->url.host;
      pool.port = job->url.port;
      std::string host = pool.host.find(':') != std::string::npos ? "[" + pool.host + "]" : pool.host;
      bool default_port = pool.port == (pool.tls ? "443" : "80");
      pool.host_header = default_port ? host : host + ":" + pool.port;
    }
    if (pool.active >= options_.max_connections_per_target) {
      pool.waiting.push_back(job);
      return;
    }
    ++pool.active;
    Spawn(&pool, job);
  }

  void Spawn(Pool* pool, std::shared_ptr<Job> job) {
    asio::co_spawn(ioc_, Run(pool, job), [this, pool, job](std::exception_ptr) {
      if (job->done) Fail(job, "internal error");  // Run threw before answering
      ReleaseSlot(pool);
    });
  }

  // A finished request hands its slot to the next waiting one.
  void ReleaseSlot(Pool* pool) {
    if (!pool->waiting.empty() && !stopping_) {
      auto next = std::move(pool->waiting.front());
      pool->waiting.pop_front();
      Spawn(pool, std::move(next));
      return;
    }
    --pool->active;
  }

  std::unique_ptr<Connection> TakeIdle(Pool* pool) {
    auto now = SteadyClock::now();
    while (!pool->idle.empty()) {
      std::unique_ptr<Connection> c = std::move(pool->idle.back());
      pool->idle.pop_back();
      if (now - c->idle_since < options_.idle_timeout) return c;
      c->Close();
    }
    return nullptr;
  }

  void PutIdle(Pool* pool, std::unique_ptr<Connection> c) {
    c->idle_since = SteadyClock::now();
    pool->idle.push_back(std::move(c));
    if (pool->idle.size() > static_cast<size_t>(options_.max_connections_per_target)) {
      pool->idle.front()->Close();
      pool->idle.erase(pool->idle.begin());
    }
  }

  awaitable<void> Run(Pool* pool, std::shared_ptr<Job> job) {
    const auto start = SteadyClock::now();
    const auto deadline = start + options_.total_timeout;
    ResponseInfo info;
    std::unique_ptr<Connection> conn = TakeIdle(pool);
    bool reused = conn != nullptr;
    for (int round = 0; round < 2; ++round) {
      if (!conn) {
        reused = false;
        conn = co_await Connect(pool, deadline, &info);
        if (!conn) break;
      }
      active_.insert(conn.get());
      bool got_some = false, keep_alive = false;
      beast::error_code ec = co_await Exchange(pool, *conn, *job, deadline, &info, &got_some, &keep_alive);
      active_.erase(conn.get());
      if (!ec) {
        if (keep_alive && !stopping_) PutIdle(pool, std::move(conn));
        break;
      }
      conn->Close();
      conn.reset();
      // A pooled connection the server closed while it sat idle fails before any answer byte:
      // that is not the target's fault, so the request gets one fresh connection.
      bool stale = reused && !got_some && !stopping_ && SteadyClock::now() < deadline && ec != beast::error::timeout;
      if (stale) continue;
      info.status = 0;
      if (stopping_)
        info.error = "client shut down";
      else if (ec == beast::error::timeout) {
        info.timed_out = true;
        info.error = "no answer within " + std::to_string(options_.total_timeout.count()) + " ms";
      } else {
        info.error = Describe(ec);
      }
      break;
    }
    info.latency = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
    Finish(job, std::move(info));
  }

  // The addresses of pool->host, found by `deadline` (an IP literal needs no lookup); none, with
  // info->error saying why, when the lookup fails or times out, or when the destination policy
  // refuses any of them (info->refused): the connection is made to these very addresses, so a
  // name cannot resolve to an allowed address here and to another one later.
  awaitable<std::vector<tcp::endpoint>> Resolve(Pool* pool, SteadyClock::time_point deadline, ResponseInfo* info) {
    std::vector<tcp::endpoint> endpoints;
    if (IsIpLiteral(pool->host)) {
      endpoints.emplace_back(asio::ip::make_address(pool->host), static_cast<uint16_t>(std::stoul(pool->port)));
      co_return Guard(pool, std::move(endpoints), info);
    }
    auto ex = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(ex);
    asio::steady_timer timer(ex, deadline);
    bool resolve_timed_out = false;
    timer.async_wait([&resolver, &resolve_timed_out](beast::error_code e) {
      if (e) return;
      resolve_timed_out = true;
      resolver.cancel();
    });
    auto results = co_await resolver.async_resolve(pool->host, pool->port, asio::redirect_error(use_awaitable, ec));
    timer.cancel();
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    if (resolve_timed_out) {
      info->timed_out = true;
      info->error = "connect timeout: no address for " + pool->host + " within " +
                    std::to_string(options_.connect_timeout.count()) + " ms";
      endpoints.clear();
    } else if (ec || endpoints.empty()) {
      info->error = "cannot resolve " + pool->host + (ec ? ": " + ec.message() : "");
      endpoints.clear();
    }
    co_return Guard(pool, std::move(endpoints), info);
  }

  std::vector<tcp::endpoint> Guard(Pool* pool, std::vector<tcp::endpoint> endpoints, ResponseInfo* info) {
    if (!pool->guarded || !options_.destinations) return endpoints;
    for (const tcp::endpoint& ep : endpoints) {
      IpAddress address = ToIpAddress(ep.address());
      if (options_.destinations->Allows(pool->host, address)) continue;
      info->refused = true;
      info->error = DestinationPolicy::RefusedMessage(address);
      return {};
    }
    return endpoints;
  }

  awaitable<std::unique_ptr<Connection>> Connect(Pool* pool, SteadyClock::time_point deadline, ResponseInfo* info) {
    auto ex = co_await asio::this_coro::executor;
    auto connect_deadline = std::min(deadline, SteadyClock::now() + options_.connect_timeout);
    auto conn = std::make_unique<Connection>();
    if (pool->tls) {
      LoadSystemTrust();
      conn->tls.emplace(ex, tls_);
    } else
      conn->plain.emplace(ex);
    connections_opened_.fetch_add(1);

    std::vector<tcp::endpoint> endpoints = co_await Resolve(pool, connect_deadline, info);
    if (endpoints.empty()) co_return nullptr;
    beast::error_code ec;
    active_.insert(conn.get());
    struct Untrack {
      std::set<Connection*>* set;
      Connection* c;
      ~Untrack() { set->erase(c); }
    } untrack{&active_, conn.get()};

    conn->lowest().expires_at(connect_deadline);
    co_await conn->lowest().async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
    if (!ec) {
      beast::error_code ignored;
      conn->lowest().socket().set_option(tcp::no_delay(true), ignored);
    }
    if (!ec && pool->tls) {
      SSL* ssl = conn->tls->native_handle();
      if (!IsIpLiteral(pool->host)) SSL_set_tlsext_host_name(ssl, pool->host.c_str());  // SNI never carries an IP
      if (options_.verify_peer) {
        // OpenSSL itself checks the name (DNS SAN/CN) or the IP SAN during the handshake.
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (IsIpLiteral(pool->host))
          X509_VERIFY_PARAM_set1_ip_asc(param, pool->host.c_str());
        else
          X509_VERIFY_PARAM_set1_host(param, pool->host.c_str(), 0);
      }
      co_await conn->tls->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(use_awaitable, ec));
      if (ec && ec != beast::error::timeout && !stopping_) {
        info->error = "TLS handshake with " + pool->host + " failed: " + ec.message();
        long verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) info->error += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
        co_return nullptr;
      }
    }
    if (ec) {
      if (stopping_)
        info->error = "client shut down";
      else if (ec == beast::error::timeout) {
        info->timed_out = true;
        info->error = "connect timeout: no connection to " + pool->host + ":" + pool->port + " within " +
                      std::to_string(options_.connect_timeout.count()) + " ms";
      } else {
        info->error = "cannot connect to " + pool->host + ":" + pool->port + ": " + Describe(ec);
      }
      co_return nullptr;
    }
    co_return conn;
  }

  template <class Stream>
  awaitable<beast::error_code> ExchangeOn(Stream& stream, Connection& conn, bhttp::request<bhttp::string_body>& req,
                                          ResponseInfo* info, bool* got_some, bool* keep_alive) {
    beast::error_code ec;
    co_await bhttp::async_write(stream, req, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(options_.max_response_bytes);
    co_await bhttp::async_read(stream, conn.buffer, parser, asio::redirect_error(use_awaitable, ec));
    *got_some = parser.got_some();
    if (ec && !(ec == bhttp::error::body_limit && parser.is_header_done())) co_return ec;
    auto& res = parser.get();
    info->status = static_cast<int>(res.result_int());
    if (auto it = res.find(bhttp::field::retry_after); it != res.end()) info->retry_after = std::string(it->value());
    const std::string& body = res.body();
    info->body_prefix = body.substr(0, std::min(body.size(), options_.body_prefix_bytes));
    *keep_alive = !ec && res.keep_alive();
    co_return beast::error_code();
  }

  awaitable<beast::error_code> Exchange(Pool* pool, Connection& conn, const Job& job, SteadyClock::time_point deadline,
                                        ResponseInfo* info, bool* got_some, bool* keep_alive) {
    const OutgoingRequest& out = job.request;
    bhttp::request<bhttp::string_body> req;
    req.method_string(out.method);
    req.target(job.url.target);
    req.version(11);
    req.set(bhttp::field::host, pool->host_header);
    req.set(bhttp::field::user_agent, options_.user_agent);
    for (const auto& [k, v] : out.headers) req.set(k, v);  // replaces Host when given
    req.body() = out.body;
    req.keep_alive(true);
    req.prepare_payload();
    conn.lowest().expires_at(deadline);
    if (conn.tls) co_return co_await ExchangeOn(*conn.tls, conn, req, info, got_some, keep_alive);
    co_return co_await ExchangeOn(*conn.plain, conn, req, info, got_some, keep_alive);
  }

  // Now and then: closes pooled connections idle too long and forgets targets with nothing left,
  // so thousands of webhook hosts seen once do not keep sockets or memory.
  awaitable<void> Sweep() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    sweep_timer_ = &timer;
    while (!stopping_) {
      timer.expires_after(
          std::max<std::chrono::milliseconds>(options_.idle_timeout / 2, std::chrono::milliseconds(100)));
      beast::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (stopping_) break;
      auto now = SteadyClock::now();
      for (auto it = pools_.begin(); it != pools_.end();) {
        Pool& pool = it->second;
        std::erase_if(pool.idle, [&](std::unique_ptr<Connection>& c) {
          if (now - c->idle_since < options_.idle_timeout) return false;
          c->Close();
          return true;
        });
        if (pool.active == 0 && pool.waiting.empty() && pool.idle.empty())
          it = pools_.erase(it);
        else
          ++it;
      }
    }
    sweep_timer_ = nullptr;
  }

  void StopAll() {
    stopping_ = true;
    if (sweep_timer_) sweep_timer_->cancel();
    for (auto& [key, pool] : pools_) {
      for (auto& c : pool.idle) c->Close();
      pool.idle.clear();
      while (!pool.waiting.empty()) {
        auto job = std::move(pool.waiting.front());
        pool.waiting.pop_front();
        Fail(job, "client shut down");
      }
    }
    for (Connection* c : active_) c->Close();
  }

  // Once, on the event-loop thread, before the first TLS connection: the system's trusted
  // certificates, when no CA file was given.
  void LoadSystemTrust() {
    if (!system_trust_pending_) return;
    system_trust_pending_ = false;
    beast::error_code ec;
    tls_.set_default_verify_paths(ec);
    if (ec) log::Error("cannot load the system's trusted certificates: " + ec.message());
  }

  const AsyncHttpOptions options_;
  asio::io_context ioc_{1};
  asio::ssl::context tls_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<size_t> connections_opened_{0};
  // Touched only on the event-loop thread.
  std::map<std::string, Pool> pools_;  // node-based: Pool pointers stay valid
  std::set<Connection*> active_;       // connections in use, closed on shutdown
  asio::steady_timer* sweep_timer_ = nullptr;
  bool stopping_ = false;
  bool system_trust_pending_ = false;  // set in Init (before the thread starts), then event-loop only
};

}  // namespace

std::unique_ptr<AsyncHttpClient> AsyncHttpClient::Create(const AsyncHttpOptions& options, std::string* error) {
  auto client = std::make_unique<ClientImpl>(options);
  if (!client->Init(error)) return nullptr;
  return client;
}

}  // namespace csms::net
