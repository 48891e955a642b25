// HttpServer: the HTTP/1.1 front door (Boost.Beast over Asio, optional TLS).
//
// Threading model:
// - One io_context and one SO_REUSEPORT acceptor per I/O thread, so a connection lives on one
//   thread and the request path takes no locks of its own. The one exception is write
//   connections (ServerOptions::write_io_threads): between two requests, with nothing in flight,
//   a connection may move to a write I/O thread, which accepts nothing, and back.
// - An I/O thread reads and frames requests and writes answers; it never blocks. A request is
//   handed to the handler on its connection's I/O thread as an Exchange. The handler answers
//   with Exchange::Respond, either at once (work that touches no store and never waits) or later
//   from any other thread. Until it is answered the connection reads nothing more; its I/O thread
//   serves the other connections. Answers from other threads are posted back to the
//   connection's I/O thread; an answer for a connection that is gone (closed, server shut down)
//   is dropped.
// - http/api.h decides per route where the work runs: store reads on a reader pool, writes on a
//   writer pool, network waits on a network pool, and only store-free routes (/healthz) on the
//   I/O thread. So a slow disk or a held write never delays a health check or another read.
//   Hot writes (Route::async: CreateSecret, CreateSecretVersion) with a cached token skip the
//   writer pool: the I/O thread parses and validates, queues the transaction with
//   Store::WriteAsync and moves on; the thread leading the write's group answers it (Respond)
//   once the commit is durable, so no thread sleeps per write.
// - No handler may block an I/O thread: not on the store, the disk, the network or a lock held
//   across any of them.
//
// Connection handling (every byte from the network is hostile):
// - A keep-alive connection waits up to idle_timeout for the first byte of a request; from that
//   first byte its whole header must arrive within header_timeout (slow senders are cut off, not
//   only silent ones) and the whole request within max(header_timeout, read_timeout).
// - Message framing is strict (RFC 9112 §6): a Transfer-Encoding other than a single final
//   `chunked`, or together with Content-Length, is refused, and so are trailer fields after a
//   chunked body and a request target with a fragment ('#'). Every framing error (malformed or
//   oversized header, bad length, body too large, bad Transfer-Encoding) is answered with the
//   CSMS error body and the connection is closed, so no leftover bytes are read as a request.
// - A request's body limit is decided from its request line before any body byte is read
//   (ServerOptions::body_limit_for, per route): a Content-Length above it is answered 413 at once,
//   without `100 Continue` and without reading the body; a chunked body is cut off at the limit.
// - HEAD is answered like the same GET (status, headers, Content-Length) without a body.
// - At most max_connections connections are open. When a new one would exceed the cap, or
//   accept(2) fails for lack of descriptors (EMFILE/ENFILE), the connection idle the longest is
//   closed first; accept backs off (it never spins) and logs, rate-limited, with a counter.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/message.h"

namespace csms::http {

// What is known of a request before its body is read.
struct RequestHead {
  std::string_view method;
  std::string_view target;   // path and query, as received
  bool credentials = false;  // it carries X-Auth-Token or Authorization (not verified)
};
// The largest body a request may carry, decided before any body byte is read; 0 = no body at
// all. Called on the I/O thread, only for requests that announce a body: must not block.
using BodyLimitHook = std::function<size_t(const RequestHead&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port (see HttpServer::port)
  int threads = 0;       // 0 = one per core
  size_t header_limit = 16 * 1024;
  size_t body_limit = 4 * 1024 * 1024;      // every request's limit; body_limit_for may lower it per route
  BodyLimitHook body_limit_for;             // null: body_limit for every request
  std::chrono::seconds idle_timeout{60};    // keep-alive connection waiting for the first byte of a request
  std::chrono::seconds header_timeout{30};  // first byte of a request until its header is complete
  std::chrono::seconds read_timeout{30};    // first byte of a request until its body is complete
  int max_connections = 0;                  // open connections at most; 0 = DefaultMaxConnections()
  std::string tls_cert_file, tls_key_file;  // both set = HTTPS
  // TLS as operators expect (http/tls_context.h): TLS 1.2 at least, ECDHE+AEAD suites; the files
  // are read again by ReloadTls (SIGHUP). With a client CA, clients may present a certificate; an
  // HttpRequest says whether one verified (routes that require one: http/api.h Route::client_cert).
  std::string tls_client_ca_file;
  // Write connections (decision 141): a plain-TCP connection that sends a request other than
  // GET, HEAD or OPTIONS moves, once answered, to one of `write_io_threads` I/O threads running
  // `write_io_nice` above the process's nice; after kReadsToLeaveWriteThreads reads in a row it
  // moves back. So under a burst of writes the reading and framing of writes yields the CPUs to
  // reads, as their store work already does. 0 threads: every connection stays where accepted.
  int write_io_threads = 0;
  int write_io_nice = 0;
};

// Reads in a row after which a connection on a write I/O thread moves back to a normal one.
inline constexpr int kReadsToLeaveWriteThreads = 4;

// One request being answered. request() (and every view in it) stays valid as long as the
// Exchange is referenced, on any thread.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const HttpRequest& request() const = 0;
  // Sends the answer. Call once, from any thread; later calls are ignored. An Exchange released
  // without an answer is answered 500, so a connection never hangs on a lost request.
  virtual void Respond(HttpResponse response) = 0;
};

// Called on the connection's I/O thread; may keep the Exchange and Respond later from elsewhere.
using AsyncRequestHandler = std::function<void(std::shared_ptr<Exchange>)>;
// The simple form: answers before returning, on the I/O thread (test receivers, benchmarks).
using RequestHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct ServerStats {
  int64_t open_connections = 0;
  int64_t accept_errors = 0;  // accept(2) failures for lack of descriptors or memory
  int64_t idle_closed = 0;    // idle keep-alive connections closed to make room
  int64_t refused = 0;        // connections closed at once: at the cap with nothing idle
};

class HttpServer {
 public:
  static Status Start(const ServerOptions& options, RequestHandler handler, std::unique_ptr<HttpServer>* out);
  static Status StartAsync(const ServerOptions& options, AsyncRequestHandler handler, std::unique_ptr<HttpServer>* out);
  virtual ~HttpServer() = default;

  virtual uint16_t port() const = 0;
  virtual int max_connections() const = 0;  // the cap in effect
  virtual ServerStats stats() const = 0;
  // Reads the TLS certificate, key and client CA files again and uses them for every handshake
  // from now on; established connections keep theirs. On an error (a missing or bad file, a key
  // that does not match) nothing changes and the error says why. No TLS: an error.
  virtual Status ReloadTls() = 0;
  // Stops accepting, closes idle connections, lets in-flight requests finish (answered with
  // Connection: close), and returns when every connection is gone or `grace` has passed.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
};

// Raises this process's RLIMIT_NOFILE soft limit to its hard limit; returns the soft limit now
// in effect. Called once at start by the server application.
int64_t RaiseOpenFileLimit();
// The connection cap for a descriptor limit: the limit minus a reserve for the database, the
// delivery client, the rotation calls and files (a quarter of the limit, 32 to 1024), at least 16.
int DefaultMaxConnections(int64_t open_file_limit);

}  // namespace csms::http
