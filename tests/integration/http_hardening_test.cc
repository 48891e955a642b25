// The HTTP server against hostile clients (issue 14): request smuggling through Transfer-Encoding,
// framing errors that must close the connection, HEAD, slow headers (slowloris), descriptor
// exhaustion by idle connections, and handlers that wait on the network without blocking an
// I/O thread. Raw sockets throughout: a real client would hide exactly what is tested.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/raw_socket.h"
#include "support/secrets_helpers.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kGenerous = 20s;  // for answers that should come at once

std::string Request(const std::string& method, const std::string& target, const std::string& extra_headers = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + extra_headers + "\r\n";
}

// Polls `condition` until it holds or `timeout` passes.
template <class F>
bool WaitFor(F condition, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

class HttpHardeningTest : public DevServerTest {};

// ---- Item 2: request smuggling; every framing error closes the connection ----

TEST_F(HttpHardeningTest, TransferCodingsOtherThanOneFinalChunkedAreRefusedAndCloseTheConnection) {
  // The "body" is a complete request: if the server took the message as bodiless and kept the
  // connection, this would run as the next request.
  const std::string smuggled = Request("GET", "/healthz");
  const std::string n = std::to_string(smuggled.size());
  struct Case {
    const char* name;
    std::string headers;
    const char* version = "HTTP/1.1";
  };
  const std::vector<Case> cases = {
      {"identity", "Transfer-Encoding: identity\r\n"},
      {"gzip", "Transfer-Encoding: gzip\r\n"},
      {"xchunked", "Transfer-Encoding: xchunked\r\n"},
      {"chunked, identity", "Transfer-Encoding: chunked, identity\r\n"},
      {"gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n"},
      {"identity then chunked", "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n"},
      {"chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"},
      {"identity and Content-Length: 0", "Transfer-Encoding: identity\r\nContent-Length: 0\r\n"},
      {"Content-Length then identity", "Content-Length: 0\r\nTransfer-Encoding: identity\r\n"},
      {"chunked then Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: " + n + "\r\n"},
      {"Content-Length then chunked", "Content-Length: " + n + "\r\nTransfer-Encoding: chunked\r\n"},
      {"chunked in HTTP/1.0", "Transfer-Encoding: chunked\r\n", "HTTP/1.0"},
      {"Content-Length not a number", "Content-Length: abc\r\n"},
      {"two different Content-Lengths", "Content-Length: 0\r\nContent-Length: " + n + "\r\n"},
      {"Content-Length beyond the body limit", "Content-Length: 999999999999\r\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawConnection conn(server_.port());
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.Send(std::string("POST /v3/auth/tokens ") + c.version + "\r\nHost: x\r\n" +
                          "Content-Type: application/json\r\n" + c.headers + "\r\n" + smuggled));
    auto res = conn.ReadResponse(kGenerous);
    ASSERT_TRUE(res) << conn.pending();
    EXPECT_GE(res->status, 400);
    EXPECT_LT(res->status, 500);
    EXPECT_NE(res->body.find("\"error_code\":\"CSMS.000"), std::string::npos) << res->body;
    EXPECT_EQ(res->Header("connection"), "close");
    std::string after;
    EXPECT_TRUE(conn.WaitClosed(kGenerous, &after)) << "the connection must be closed after a framing error";
    EXPECT_EQ(after.find("HTTP/1.1"), std::string::npos) << "the smuggled request was answered: " << after;
  }
  EXPECT_TRUE(server_.Running());
}

TEST_F(HttpHardeningTest, ChunkedBodiesStillWorkAndKeepTheConnection) {
  std::string body = PasswordAuthBody("admin", "admin", "csms", kDevProject);
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", body.size());
  RawConnection conn(server_.port());
  ASSERT_TRUE(
      conn.Send("POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" +
                std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n" + Request("GET", "/healthz")));
  auto issued = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->status, 201) << issued->body;
  auto health = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// A chunked body's trailer fields are not headers: credentials there would pass a proxy in front
// that checks or strips the header. The request is refused before anything runs.
TEST_F(HttpHardeningTest, TrailerFieldsAreRefusedAndCloseTheConnection) {
  const std::string body = R"({"name":"from-a-trailer","secret_string":"x"})";
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", body.size());
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.Send("POST " + Path("/secrets") +
                        " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n" +
                        std::string(size) + "\r\n" + body + "\r\n0\r\nX-Auth-Token: " + token_ + "\r\n\r\n" +
                        Request("GET", "/healthz")));
  auto res = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(res) << conn.pending();
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_NE(res->body.find("trailer"), std::string::npos) << res->body;
  EXPECT_EQ(res->Header("connection"), "close");
  std::string after;
  EXPECT_TRUE(conn.WaitClosed(kGenerous, &after));
  EXPECT_EQ(after.find("HTTP/1.1"), std::string::npos) << "the request after the trailer was answered: " << after;
  EXPECT_EQ(client_->Request("GET", Path("/secrets/from-a-trailer")).status, 404);
}

// A chunk's extensions or a trailer section that never ends are not buffered without bound: past
// what a header and one body read may hold, the request is answered 400 and the connection closed.
TEST_F(HttpHardeningTest, EndlessChunkExtensionsOrTrailersAreCutOff) {
  const std::string endless(300 * 1024, 'a');
  for (const std::string& tail : {"1;x=" + endless, "1\r\nz\r\n0\r\nX-Trailer: " + endless}) {
    SCOPED_TRACE(tail.substr(0, 20));
    RawConnection conn(server_.port());
    ASSERT_TRUE(
        conn.Send("POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n"));
    (void)conn.Send(tail);  // the server may stop reading before the end
    auto res = conn.ReadResponse(kGenerous);
    ASSERT_TRUE(res) << "no answer: the server kept buffering";
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_NE(res->body.find("too long"), std::string::npos) << res->body;
    EXPECT_EQ(res->Header("connection"), "close");
  }
  EXPECT_TRUE(server_.Running());
}

// A fragment in the request target is refused: an AK/SK signature stops at '#', so parameters
// after it would be used unsigned.
TEST_F(HttpHardeningTest, AFragmentInTheTargetIsRefusedAndClosesTheConnection) {
  for (const std::string& target :
       std::vector<std::string>{"/healthz#x", Path("/secrets?#=&limit=1"), Path("/secrets#?limit=1")}) {
    SCOPED_TRACE(target);
    RawConnection conn(server_.port());
    ASSERT_TRUE(conn.Send(Request("GET", target, "X-Auth-Token: " + token_ + "\r\n") + Request("GET", "/healthz")));
    auto res = conn.ReadResponse(kGenerous);
    ASSERT_TRUE(res) << conn.pending();
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_NE(res->body.find("fragment"), std::string::npos) << res->body;
    EXPECT_EQ(res->Header("connection"), "close");
    std::string after;
    EXPECT_TRUE(conn.WaitClosed(kGenerous, &after));
    EXPECT_EQ(after.find("HTTP/1.1"), std::string::npos) << after;
  }
}

TEST_F(HttpHardeningTest, OversizedHeaderIsAnsweredAndClosesTheConnection) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n" +
                        Request("GET", "/healthz")));
  auto res = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
  std::string after;
  EXPECT_TRUE(conn.WaitClosed(kGenerous, &after));
  EXPECT_EQ(after.find("HTTP/1.1"), std::string::npos) << after;
}

// obs-fold (a header line that starts with a space or a tab continues the previous one) is
// refused, wherever the fold falls and however the bytes arrive: a proxy in front may not unfold it
// the way Beast would. The request after it must not run.
TEST_F(HttpHardeningTest, FoldedHeaderLinesAreRefusedAndCloseTheConnection) {
  struct Case {
    const char* name;
    std::string head;
    bool trickle = false;  // one byte per send: the fold arrives in a read of its own
  };
  const std::vector<Case> cases = {
      {"space fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n"},
      {"tab fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n\ttwo\r\n\r\n"},
      {"fold after the request line", "GET /healthz HTTP/1.1\r\n Host: x\r\n\r\n"},
      {"fold of an empty value", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A:\r\n \r\n\r\n"},
      {"trickled fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawConnection conn(server_.port());
    ASSERT_TRUE(conn.connected());
    const std::string bytes = c.head + Request("GET", "/healthz");
    if (c.trickle) {
      // Up to the fold's first byte every send must go through; the server may answer and close
      // as soon as it has that byte, so what follows may be refused by the closed socket.
      const size_t fold = c.head.find("\r\n ") + 2;
      for (size_t i = 0; i <= fold; ++i) ASSERT_TRUE(conn.Send(std::string_view(&c.head[i], 1)));
      for (size_t i = fold + 1; i < bytes.size() && conn.Send(std::string_view(&bytes[i], 1)); ++i) {
      }
    } else {
      ASSERT_TRUE(conn.Send(bytes));
    }
    auto res = conn.ReadResponse(kGenerous);
    ASSERT_TRUE(res) << conn.pending();
    EXPECT_EQ(res->status, 400);
    EXPECT_NE(res->body.find("obs-fold"), std::string::npos) << res->body;
    EXPECT_EQ(res->Header("connection"), "close");
    std::string after;
    EXPECT_TRUE(conn.WaitClosed(kGenerous, &after));
    EXPECT_EQ(after.find("HTTP/1.1"), std::string::npos) << "the request after the fold was answered: " << after;
  }
  EXPECT_TRUE(server_.Running());
}

// The obs-fold check must not catch what only looks like one: a body that starts with a space, and
// a header that arrives one byte at a time.
TEST_F(HttpHardeningTest, BodiesStartingWithASpaceAndTrickledHeadersAreStillAccepted) {
  const std::string body = " " + PasswordAuthBody("admin", "admin", "csms", kDevProject);
  RawConnection conn(server_.port());
  ASSERT_TRUE(
      conn.Send("POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body));
  auto issued = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->status, 201) << issued->body;
  for (char ch : Request("GET", "/healthz")) ASSERT_TRUE(conn.Send(std::string_view(&ch, 1)));
  auto health = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(health) << conn.pending();
  EXPECT_EQ(health->status, 200);
}

// ---- Item 8: HEAD ----

TEST_F(HttpHardeningTest, HeadAnswersLikeGetWithoutABodyAndKeepAliveStaysInSync) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.connected());
  const std::string auth = "X-Auth-Token: " + token_ + "\r\n";
  for (const std::string& target : {std::string("/healthz"), Path("/csms/events")}) {
    SCOPED_TRACE(target);
    ASSERT_TRUE(conn.Send(Request("GET", target, auth)));
    auto get = conn.ReadResponse(kGenerous);
    ASSERT_TRUE(get);
    ASSERT_EQ(get->status, 200);
    ASSERT_TRUE(conn.Send(Request("HEAD", target, auth)));
    auto head = conn.ReadResponse(kGenerous, /*head=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->Header("content-length"), std::to_string(get->body.size()));
    EXPECT_EQ(head->Header("content-type"), get->Header("content-type"));
  }
  // No GET there: 405; unknown path: 404; no credentials: 401. Never a body.
  for (const auto& [target, status] : std::vector<std::pair<std::string, int>>{
           {"/v3/auth/tokens", 405}, {"/no/such/api", 404}, {Path("/csms/events"), 401}}) {
    SCOPED_TRACE(target);
    ASSERT_TRUE(conn.Send(Request("HEAD", target)));
    auto head = conn.ReadResponse(kGenerous, /*head=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, status);
  }
  // Had any HEAD answer carried a body, these bytes would come before the next status line.
  ASSERT_TRUE(conn.Send(Request("GET", "/healthz")));
  auto last = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(last) << "out of sync after HEAD: " << conn.pending();
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->body, R"({"status":"ok"})");
  EXPECT_TRUE(conn.pending().empty()) << conn.pending();
}

// ---- Item 7: the whole header phase is bounded ----

class HeaderTimeoutTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--header-timeout", "2"}; }
};

TEST_F(HeaderTimeoutTest, AClientTricklingItsHeaderIsCutOff) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  // One byte every 100 ms: never an idle gap, and the header would be complete only after 30 s.
  auto start = Clock::now();
  bool closed = false;
  for (int i = 0; i < 300 && !closed; ++i) {
    if (!conn.Send("a")) closed = true;
    std::this_thread::sleep_for(100ms);
    if (!closed) closed = conn.ClosedNow();
  }
  EXPECT_TRUE(closed) << "a header trickling in for 30 s was not cut off by --header-timeout 2";
  EXPECT_LT(Clock::now() - start, 20s);
  EXPECT_EQ(conn.pending().find("200"), std::string::npos) << "the slow request must not be served";
}

TEST_F(HeaderTimeoutTest, AnIdleKeepAliveConnectionIsNotCutByTheHeaderTimeout) {
  RawConnection conn(server_.port());
  ASSERT_TRUE(conn.Send(Request("GET", "/healthz")));
  ASSERT_TRUE(conn.ReadResponse(kGenerous));
  // Waiting between requests is the idle timeout's business (60 s), not the header timeout's.
  std::this_thread::sleep_for(5s);
  ASSERT_FALSE(conn.ClosedNow());
  ASSERT_TRUE(conn.Send(Request("GET", "/healthz")));
  auto res = conn.ReadResponse(kGenerous);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// ---- Item 6: descriptor exhaustion ----

// Opens `n` connections that never send anything.
std::vector<std::unique_ptr<RawConnection>> IdleFlood(uint16_t port, int n) {
  std::vector<std::unique_ptr<RawConnection>> out;
  for (int i = 0; i < n; ++i) out.push_back(std::make_unique<RawConnection>(port));
  return out;
}

void ExpectServed(uint16_t port) {
  RawConnection fresh(port);
  ASSERT_TRUE(fresh.connected());
  ASSERT_TRUE(fresh.Send(Request("GET", "/healthz", "Connection: close\r\n")));
  auto res = fresh.ReadResponse(kGenerous);
  ASSERT_TRUE(res) << "a new request got no answer while idle connections held the descriptors";
  EXPECT_EQ(res->status, 200);
}

TEST(HttpConnectionLimits, IdleConnectionsBeyondTheCapDoNotLockOutNewRequests) {
  CsmsdProcess server;
  server.set_open_file_limit(128);
  ASSERT_TRUE(server.Start({"--dev", "--threads", "2", "--no-access-log"})) << server.Log();
  auto idle = IdleFlood(server.port(), 300);
  ExpectServed(server.port());
  // The oldest idle connections made room.
  size_t closed = 0;
  for (auto& c : idle) closed += c->ClosedNow() ? 1 : 0;
  EXPECT_GT(closed, 0u);
  EXPECT_TRUE(server.Running()) << server.Log();
  EXPECT_NE(server.Log().find("at most"), std::string::npos) << server.Log();
}

TEST(HttpConnectionLimits, AcceptBacksOffAndLogsWhenDescriptorsRunOut) {
  CsmsdProcess server;
  server.set_open_file_limit(128);
  // A cap above the descriptor limit: accept(2) itself fails with EMFILE.
  ASSERT_TRUE(server.Start({"--dev", "--threads", "2", "--no-access-log", "--max-connections", "100000"}))
      << server.Log();
  auto idle = IdleFlood(server.port(), 300);
  ExpectServed(server.port());
  EXPECT_TRUE(server.Running()) << server.Log();
  EXPECT_TRUE(WaitFor([&] { return server.Log().find("accept failed") != std::string::npos; }, kGenerous))
      << server.Log();
}

// ---- Item 9: a handler waiting on the network does not block an I/O thread ----

class OffloadTest : public DevServerTest {
 protected:
  // One I/O thread, so a blocked handler would block everything; test calls that never time out
  // by themselves, so they are in flight until the target lets them go.
  std::vector<std::string> ExtraArgs() override {
    auto args = std::vector<std::string>{"--threads", "1", "--delivery-timeout-ms", "120000"};
    auto more = MoreArgs();
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  virtual std::vector<std::string> MoreArgs() { return {}; }

  void CreateHangingEvent() {
    SecretsApi api(client_.get(), kDevProject);
    ASSERT_FALSE(
        CreateWebhookEvent(api, "hang", {"SECRET_DELETED"}, "http://127.0.0.1:" + std::to_string(target_.port()) + "/h")
            .empty());
  }

  // Starts a test notification on its own connection and thread.
  void StartTestCall() {
    callers_.emplace_back([this] {
      HttpClient c(server_.port());
      c.set_token(token_);
      auto r = c.Request("POST", Path("/csms/events/hang/test"), "");
      std::lock_guard<std::mutex> lock(mu_);
      statuses_.push_back(r.status);
    });
  }
  size_t Finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_.size();
  }
  // Lets every held call go (again, should the client reconnect) until all callers are done.
  void ReleaseAll() {
    WaitFor(
        [&] {
          target_.Release();
          return Finished() == callers_.size();
        },
        60s);
    for (auto& t : callers_) t.join();
    callers_.clear();
  }
  void TearDown() override {
    if (!callers_.empty()) ReleaseAll();
  }

  SilentServer target_;
  std::vector<std::thread> callers_;
  std::mutex mu_;
  std::vector<int> statuses_;
};

TEST_F(OffloadTest, TestNotificationsInFlightDoNotBlockOtherRequests) {
  CreateHangingEvent();
  StartTestCall();
  StartTestCall();
  // Both calls are provably in flight: the target holds both requests and answers neither.
  bool both_held = WaitFor([&] { return target_.ConnectionsWithData() >= 2; }, kGenerous);
  EXPECT_TRUE(both_held) << "the second test call never reached the target: the first blocks the server";
  if (both_held) {
    RawConnection health(server_.port());
    ASSERT_TRUE(health.Send(Request("GET", "/healthz")));
    auto h = health.ReadResponse(kGenerous);
    ASSERT_TRUE(h) << "/healthz got no answer while test notifications were in flight";
    EXPECT_EQ(h->status, 200);
    RawConnection list(server_.port());
    ASSERT_TRUE(list.Send(Request("GET", Path("/csms/events"), "X-Auth-Token: " + token_ + "\r\n")));
    auto l = list.ReadResponse(kGenerous);
    ASSERT_TRUE(l) << "GET events got no answer while test notifications were in flight";
    EXPECT_EQ(l->status, 200);
    EXPECT_EQ(Finished(), 0u) << "the test calls must still have been in flight";
  }
  ReleaseAll();
  for (int s : statuses_) EXPECT_EQ(s, 200);
}

class SaturatedOffloadTest : public OffloadTest {
 protected:
  std::vector<std::string> MoreArgs() override { return {"--worker-threads", "1", "--worker-queue", "0"}; }
};

TEST_F(SaturatedOffloadTest, ASaturatedWorkerPoolAnswers503WithRetryAfter) {
  CreateHangingEvent();
  StartTestCall();
  ASSERT_TRUE(WaitFor([&] { return target_.ConnectionsWithData() >= 1; }, kGenerous));
  auto r = client_->Request("POST", Path("/csms/events/hang/test"), "");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0010");
  EXPECT_FALSE(r.Header("retry-after").empty());
  EXPECT_EQ(client_->Request("GET", "/healthz").status, 200);
  ReleaseAll();
  EXPECT_EQ(client_->Request("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace csms::test
