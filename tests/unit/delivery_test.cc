// Delivery building blocks: the retry policy, Standard Webhooks signatures (against the
// specification's published vector), SMN publish requests, the async HTTP(S) client against a
// real local receiver (keep-alive reuse, per-target bound, timeouts, TLS verification), and the
// store's claim/lease/outcome rules.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "auth/signature.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/keyring.h"
#include "net/async_http_client.h"
#include "notify/dispatcher.h"
#include "notify/metrics.h"
#include "notify/retry_policy.h"
#include "notify/smn.h"
#include "notify_format/webhook_signature.h"
#include "service/webhook_secrets.h"
#include "store/store.h"
#include "support/delivery_store_calls.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "support/webhook_receiver.h"

namespace csms {
namespace {

using namespace std::chrono_literals;
using notify::AttemptClass;

// --- retry policy ---------------------------------------------------------------------------------

TEST(RetryPolicy, ClassifiesAnswers) {
  EXPECT_EQ(notify::Classify(200), AttemptClass::kSuccess);
  EXPECT_EQ(notify::Classify(204), AttemptClass::kSuccess);
  for (int s : {0, 408, 429, 500, 502, 503, 504}) EXPECT_EQ(notify::Classify(s), AttemptClass::kRetryable) << s;
  for (int s : {301, 400, 401, 403, 404, 410, 422}) EXPECT_EQ(notify::Classify(s), AttemptClass::kPermanent) << s;
}

TEST(RetryPolicy, DefaultScheduleWithJitterThenHourlyUntilTheHorizon) {
  notify::RetryPolicy policy{notify::RetryOptions{}};
  const int64_t first = 1'000'000;
  const int64_t expected[] = {1'000, 5'000, 30'000, 120'000, 600'000, 1'800'000, 3'600'000, 3'600'000};
  for (int n = 1; n <= 8; ++n) {
    for (int i = 0; i < 50; ++i) {
      auto next = policy.NextAttempt(n, first, first, std::nullopt);
      ASSERT_TRUE(next);
      int64_t delay = *next - first;
      EXPECT_GE(delay, expected[n - 1] * 0.8 - 1) << n;
      EXPECT_LE(delay, expected[n - 1] * 1.2 + 1) << n;
    }
  }
  // An attempt 23.5 h after the first one would be followed by one after the 24 h horizon: give up.
  EXPECT_FALSE(policy.NextAttempt(30, first, first + 23 * 3'600'000LL + 1'800'000, std::nullopt));
  EXPECT_TRUE(policy.NextAttempt(30, first, first + 20 * 3'600'000LL, std::nullopt));
}

TEST(RetryPolicy, RetryAfterReplacesTheScheduleAndIsCapped) {
  notify::RetryOptions o;
  o.jitter = 0;
  notify::RetryPolicy policy(o);
  EXPECT_EQ(*policy.NextAttempt(1, 0, 0, 7'000), 7'000);
  EXPECT_EQ(*policy.NextAttempt(1, 0, 0, 99 * 3'600'000LL), o.max_retry_after_ms);
  EXPECT_EQ(*notify::ParseRetryAfter("120", 0), 120'000);
  EXPECT_EQ(*notify::ParseRetryAfter(" 0 ", 0), 0);
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777 s.
  EXPECT_EQ(*notify::ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777000LL - 5000), 5000);
  EXPECT_EQ(*notify::ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777000LL + 5000), 0);
  EXPECT_FALSE(notify::ParseRetryAfter("", 0));
  EXPECT_FALSE(notify::ParseRetryAfter("soon", 0));
  EXPECT_FALSE(notify::ParseRetryAfter("-5", 0));
}

// --- signatures -------------------------------------------------------------------------------------

TEST(WebhookSignature, MatchesTheStandardWebhooksVector) {
  std::string key;
  ASSERT_TRUE(notify_format::DecodeSigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &key));
  EXPECT_EQ(
      notify_format::SignatureHeader({key}, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, OneSignaturePerLiveSecretDuringARotation) {
  std::string a, b;
  ASSERT_TRUE(notify_format::DecodeSigningSecret(notify_format::NewSigningSecret(), &a));
  ASSERT_TRUE(notify_format::DecodeSigningSecret(notify_format::NewSigningSecret(), &b));
  std::string both = notify_format::SignatureHeader({a, b}, "id", 1, "{}");
  EXPECT_EQ(both, notify_format::SignatureHeader({a}, "id", 1, "{}") + " " +
                      notify_format::SignatureHeader({b}, "id", 1, "{}"));
}

TEST(WebhookSignature, SecretsAreWhsecBase64Of32RandomBytes) {
  std::string s1 = notify_format::NewSigningSecret(), s2 = notify_format::NewSigningSecret();
  EXPECT_NE(s1, s2);
  ASSERT_EQ(s1.rfind("whsec_", 0), 0u);
  std::string key;
  ASSERT_TRUE(notify_format::DecodeSigningSecret(s1, &key));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_FALSE(notify_format::DecodeSigningSecret("whsec_", &key));
  EXPECT_FALSE(notify_format::DecodeSigningSecret("whsec_not base64!", &key));
}

// --- SMN --------------------------------------------------------------------------------------------

TEST(Smn, ProjectIdComesFromTheTopicUrn) {
  notify::SmnConfig c;
  EXPECT_EQ(notify::SmnProjectId(c, "rec", "urn:smn:cn-north-4:0123abcd:topic"), "0123abcd");
  EXPECT_EQ(notify::SmnProjectId(c, "rec", "urn:smn:cn-north-4::topic"), "rec");
  EXPECT_EQ(notify::SmnProjectId(c, "rec", "my-topic"), "rec");
  c.project_id = "override";
  EXPECT_EQ(notify::SmnProjectId(c, "rec", "urn:smn:cn-north-4:0123abcd:topic"), "override");
}

TEST(Smn, PublishRequestIsSignedWithTheConfiguredKey) {
  notify::SmnConfig c;
  c.endpoint = "http://127.0.0.1:8443/base/";
  c.access_key = "SMNACCESSKEY";
  c.secret_key = "smn-secret-key";
  const std::string date = auth::FormatSdkDate(1'800'000'000);
  net::OutgoingRequest req = notify::BuildSmnPublish(c, "p1", "urn:smn:r:p1:t", "subj", R"({"a":1})", date);
  EXPECT_EQ(req.url, "http://127.0.0.1:8443/base/v2/p1/notifications/topics/urn:smn:r:p1:t/publish");
  EXPECT_EQ(req.body, R"({"subject":"subj","message":"{\"a\":1}"})");
  std::map<std::string, std::string> headers;
  for (auto& [k, v] : req.headers) {
    std::string lower = k;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    headers[lower] = v;
  }
  EXPECT_EQ(headers["host"], "127.0.0.1:8443");
  auto parsed = auth::ParseAuthorization(headers["authorization"]);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->access_key, "SMNACCESSKEY");
  auth::SignedRequestView view{"POST", "/base/v2/p1/notifications/topics/urn:smn:r:p1:t/publish",
                               [&](std::string_view n) -> std::optional<std::string_view> {
                                 auto it = headers.find(std::string(n));
                                 if (it == headers.end()) return std::nullopt;
                                 return std::string_view(it->second);
                               },
                               req.body};
  EXPECT_TRUE(auth::VerifySignature(view, *parsed, "smn-secret-key", 1'800'000'000).ok());
  EXPECT_FALSE(auth::VerifySignature(view, *parsed, "another-key", 1'800'000'000).ok());
}

// The outbound signature against one computed outside this code base (Python's hashlib and hmac,
// following the SDK-HMAC-SHA256 rules; the same procedure reproduces the official SDK's vector V1
// with this AK/SK and date): the canonical request and the Authorization are written out here, so
// a signer that agrees only with our own verifier fails.
TEST(Smn, PublishRequestMatchesAnIndependentlyComputedSignature) {
  notify::SmnConfig c;
  c.endpoint = "http://127.0.0.1:8080";
  c.access_key = "HPUAEXAMPLEAK0000001";
  c.secret_key = "exampleSecretKey0123456789abcdefEXAMPLE0";
  const std::string project = "0123456789abcdef0123456789abcdef";
  const std::string urn = "urn:smn:cn-north-4:" + project + ":alerts";
  net::OutgoingRequest req = notify::BuildSmnPublish(c, project, urn, "subj", R"({"a":1})", "20240101T120000Z");
  EXPECT_EQ(req.body, R"({"subject":"subj","message":"{\"a\":1}"})");
  std::map<std::string, std::string> headers;
  for (auto& [k, v] : req.headers) {
    std::string lower = k;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    headers[lower] = v;
  }
  // Canonical request (for the record; its SHA-256 is what the string to sign carries):
  //   POST
  //   /v2/0123456789abcdef0123456789abcdef/notifications/topics/urn%3Asmn%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Aalerts/publish/
  //   (empty query)
  //   content-type:application/json / host:127.0.0.1:8080 / x-project-id:0123…cdef / x-sdk-date:20240101T120000Z
  //   content-type;host;x-project-id;x-sdk-date
  //   4f32fe17effa7833cfeeceac163a5aff05de93449e5f597f99c667bf9e5fe801 (SHA-256 of the body)
  // SHA-256 of the canonical request: eb682094a7dc6be5226453374be9931f2014dd72abfc45db1b7b8de545aa5718.
  EXPECT_EQ(crypto::Sha256Hex(req.body), "4f32fe17effa7833cfeeceac163a5aff05de93449e5f597f99c667bf9e5fe801");
  EXPECT_EQ(headers["host"], "127.0.0.1:8080");
  EXPECT_EQ(headers["x-project-id"], project);
  EXPECT_EQ(headers["x-sdk-date"], "20240101T120000Z");
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_EQ(headers["authorization"],
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
            "Signature=c1b32355b02af0392bce94c9178a9fcc24e36ff41360ef2f88b37d301ef6692c");
}

// The outbound signer (the one SMN publishing uses) reproduces the official SDK's vectors of
// auth.md §4 V2 (a POST with a JSON body, the shape of a publish) and V1.
TEST(Smn, OutboundSignerReproducesTheSdkVectors) {
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"content-type", "application/json"},
      {"host", "127.0.0.1:8080"},
      {"x-project-id", "0123456789abcdef0123456789abcdef"},
      {"x-sdk-date", "20240101T120000Z"}};
  EXPECT_EQ(
      auth::SignRequest("HPUAEXAMPLEAK0000001", "exampleSecretKey0123456789abcdefEXAMPLE0", "POST",
                        "/v1/0123456789abcdef0123456789abcdef/secrets", headers,
                        "{\"name\":\"demo-secret\",\"secret_string\":\"p@ss w0rd\",\"description\":\"h\xc3\xa9llo\"}",
                        "20240101T120000Z"),
      "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
      "Signature=36f1a975247f34c823702af9bf065a2bda883e30d81f14066fbf36ff98181f5b");
  EXPECT_EQ(auth::SignRequest("HPUAEXAMPLEAK0000001", "exampleSecretKey0123456789abcdefEXAMPLE0", "GET",
                              "/v1/0123456789abcdef0123456789abcdef/csms/events?limit=10&marker=abc", headers, "",
                              "20240101T120000Z"),
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
            "Signature=9ae4c2c17a3fb7ea39842180f29562ee2625e7719b354538153134e1b4b14fec");
}

// --- metrics --------------------------------------------------------------------------------------

TEST(DeliveryMetrics, CountsOutcomesAndBucketsLatency) {
  notify::DeliveryMetrics m;
  m.SetQueueDepth(7);
  m.AddInFlight(3);
  m.AddInFlight(-1);
  m.RecordAttempt(500);         // 0.5 ms: the 1 ms bucket
  m.RecordAttempt(1000);        // exactly 1 ms: still the 1 ms bucket
  m.RecordAttempt(7'000);       // 7 ms: the 10 ms bucket
  m.RecordAttempt(60'000'000);  // 60 s: past the last bound
  m.RecordRetryScheduled();
  m.RecordFinal(NotificationStatus::kSuccess);
  m.RecordFinal(NotificationStatus::kFail);
  m.RecordFinal(NotificationStatus::kInvalid);
  m.RecordFinal(NotificationStatus::kSuccess);
  auto s = m.Snapshot();
  EXPECT_EQ(s.queue_depth, 7);
  EXPECT_EQ(s.in_flight, 2);
  EXPECT_EQ(s.attempts, 4);
  EXPECT_EQ(s.retries_scheduled, 1);
  EXPECT_EQ(s.success, 2);
  EXPECT_EQ(s.fail, 1);
  EXPECT_EQ(s.invalid, 1);
  EXPECT_EQ(s.latency_buckets[0], 2);
  EXPECT_EQ(s.latency_buckets[3], 1);
  EXPECT_EQ(s.latency_buckets.back(), 1);
  EXPECT_EQ(s.latency_sum_us, 500 + 1000 + 7'000 + 60'000'000);
}

// --- async HTTP client ------------------------------------------------------------------------------

std::unique_ptr<net::AsyncHttpClient> NewClient(net::AsyncHttpOptions o = {}) {
  std::string error;
  std::unique_ptr<net::AsyncHttpClient> c = net::AsyncHttpClient::Create(o, &error);
  EXPECT_TRUE(c) << error;
  return c;
}

net::ResponseInfo SendAndWait(net::AsyncHttpClient& c, net::OutgoingRequest req) {
  auto p = std::make_shared<std::promise<net::ResponseInfo>>();
  auto f = p->get_future();
  c.Send(std::move(req), [p](net::ResponseInfo r) { p->set_value(std::move(r)); });
  EXPECT_EQ(f.wait_for(20s), std::future_status::ready);
  return f.get();
}

net::OutgoingRequest Post(const std::string& url, std::string body = "{}") {
  net::OutgoingRequest r;
  r.url = url;
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}, {"webhook-id", "abc"}};
  return r;
}

TEST(AsyncHttpClient, ReusesOneKeepAliveConnection) {
  test::WebhookReceiver receiver;
  auto client = NewClient();
  for (int i = 0; i < 20; ++i) {
    auto r = SendAndWait(*client, Post(receiver.Url("/x?n=" + std::to_string(i)), "body-" + std::to_string(i)));
    EXPECT_EQ(r.status, 200) << r.error;
  }
  EXPECT_EQ(client->connections_opened(), 1u);
  auto reqs = receiver.Requests();
  ASSERT_EQ(reqs.size(), 20u);
  EXPECT_EQ(reqs[3].method, "POST");
  EXPECT_EQ(reqs[3].target, "/x?n=3");
  EXPECT_EQ(reqs[3].body, "body-3");
  EXPECT_EQ(reqs[3].Header("webhook-id"), "abc");
  EXPECT_EQ(reqs[3].Header("host"), "127.0.0.1:" + std::to_string(receiver.port()));
}

// A loopback listener that accepts connections and never answers: it counts how many
// connections a client holds open at once.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::lock_guard<std::mutex> lock(mu_);
        accepted_.push_back(c);
      }
    });
  }
  ~SilentListener() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    CloseAccepted();
  }
  void CloseAccepted() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int c : accepted_) ::close(c);
    accepted_.clear();
  }
  size_t accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_.size();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::mutex mu_;
  std::vector<int> accepted_;
  std::thread thread_;
};

TEST(AsyncHttpClient, BoundsConcurrentConnectionsPerTarget) {
  SilentListener listener;
  net::AsyncHttpOptions o;
  o.max_connections_per_target = 3;
  o.total_timeout = 10s;
  auto client = NewClient(o);
  std::atomic<int> done{0};
  for (int i = 0; i < 12; ++i) client->Send(Post(listener.Url()), [&](net::ResponseInfo) { ++done; });
  ASSERT_TRUE(test::WaitUntil([&] { return listener.accepted() >= 3; }, 30s));
  // The other 9 wait for a connection slot. Never more than 3 at once: whenever this looks, and
  // it looks again below after the client has provably run (3 answered, 3 more connected).
  EXPECT_EQ(listener.accepted(), 3u);
  EXPECT_EQ(client->in_flight(), 12u);
  EXPECT_EQ(done.load(), 0);
  listener.CloseAccepted();  // the 3 fail; the next 3 get their slots, and so on
  ASSERT_TRUE(test::WaitUntil([&] { return done.load() >= 3 && listener.accepted() >= 3; }, 30s));
  EXPECT_EQ(listener.accepted(), 3u);
  EXPECT_EQ(done.load(), 3);
  client.reset();  // shutting down answers every waiting request
  EXPECT_EQ(done.load(), 12);
}

TEST(AsyncHttpClient, AnswerDetailsAreKept) {
  test::WebhookReceiver receiver;
  receiver.SetResponder([](const test::ReceivedRequest&, size_t) {
    test::Reply r;
    r.status = 429;
    r.body = std::string(2000, 'x');
    r.headers = {{"Retry-After", "7"}};
    return r;
  });
  net::AsyncHttpOptions o;
  o.body_prefix_bytes = 16;
  auto client = NewClient(o);
  auto r = SendAndWait(*client, Post(receiver.Url()));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, "7");
  EXPECT_EQ(r.body_prefix, std::string(16, 'x'));
  EXPECT_GT(r.latency.count(), 0);
  EXPECT_TRUE(r.error.empty());
}

TEST(AsyncHttpClient, TotalTimeout) {
  test::WebhookReceiver receiver;
  receiver.SetResponder([](const test::ReceivedRequest&, size_t) {
    test::Reply r;
    r.delay = 30s;  // far beyond the timeout (the receiver's Stop cuts the wait short)
    return r;
  });
  net::AsyncHttpOptions o;
  o.total_timeout = 200ms;
  auto client = NewClient(o);
  auto start = std::chrono::steady_clock::now();
  auto r = SendAndWait(*client, Post(receiver.Url()));
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.error.find("200 ms"), std::string::npos) << r.error;
  // The configured 200 ms plus generous slack for a loaded machine, far below the 30 s answer.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms + 10s);
}

TEST(AsyncHttpClient, ConnectionRefusedAndBadUrls) {
  test::WebhookReceiver receiver;
  std::string url = receiver.Url();
  receiver.Stop();
  auto client = NewClient();
  auto r = SendAndWait(*client, Post(url));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
  r = SendAndWait(*client, Post("ftp://example/"));
  EXPECT_EQ(r.error, "invalid URL");
}

TEST(AsyncHttpClient, ConnectTimeoutWhenTheListenQueueIsFull) {
  // A listener that never accepts: once its backlog is full the kernel drops further SYNs.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 0), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(c);
  }
  net::AsyncHttpOptions o;
  o.connect_timeout = 300ms;
  o.max_connections_per_target = 1;
  auto client = NewClient(o);
  auto start = std::chrono::steady_clock::now();
  auto r = SendAndWait(*client, Post("http://127.0.0.1:" + std::to_string(port) + "/"));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 0);
  // With the queue full the connect times out; a kernel that accepts it anyway answers nothing,
  // which the total timeout ends. Either way no answer and bounded time.
  EXPECT_TRUE(r.timed_out) << r.error;
  EXPECT_LT(took, 6s);
  for (int c : fillers) ::close(c);
  ::close(fd);
}

TEST(AsyncHttpClient, ReconnectsWhenAPooledConnectionWasClosed) {
  test::WebhookReceiver receiver;
  auto client = NewClient();
  EXPECT_EQ(SendAndWait(*client, Post(receiver.Url())).status, 200);
  receiver.Stop();  // closes the idle keep-alive connection
  ASSERT_TRUE(receiver.Start());
  auto r = SendAndWait(*client, Post(receiver.Url()));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(client->connections_opened(), 2u);
}

// A loopback TCP relay in front of a receiver that counts the connections its clients closed, so
// a test can wait for a client's close itself instead of sleeping and hoping a sweep has run.
class ClosingRelay {
 public:
  explicit ClosingRelay(uint16_t upstream_port) : upstream_port_(upstream_port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = Loopback(0);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] {
      for (;;) {
        int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in up = Loopback(upstream_port_);
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&up), sizeof up) != 0) {
          ::close(client);
          ::close(upstream);
          continue;
        }
        std::lock_guard<std::mutex> lock(mu_);
        sockets_.push_back(client);
        sockets_.push_back(upstream);
        pumps_.emplace_back([this, client, upstream] {
          Pump(client, upstream);
          ++client_closes_;  // the client ended its side (or the relay is going away)
        });
        pumps_.emplace_back([this, client, upstream] { Pump(upstream, client); });
      }
    });
  }
  ~ClosingRelay() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    accept_thread_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int s : sockets_) ::shutdown(s, SHUT_RDWR);
    }
    for (auto& t : pumps_) t.join();
    for (int s : sockets_) ::close(s);
  }
  size_t client_closes() const { return client_closes_.load(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  static sockaddr_in Loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return addr;
  }
  // Copies bytes from one socket to the other until EOF or an error, then ends the write side.
  static void Pump(int from, int to) {
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0) break;
      if (::send(to, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(to, SHUT_WR);
  }

  uint16_t upstream_port_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> sockets_;
  std::vector<std::thread> pumps_;
  std::atomic<size_t> client_closes_{0};
};

TEST(AsyncHttpClient, IdleConnectionsExpire) {
  test::WebhookReceiver receiver;
  ClosingRelay relay(receiver.port());
  net::AsyncHttpOptions o;
  o.idle_timeout = 150ms;
  auto client = NewClient(o);
  EXPECT_EQ(SendAndWait(*client, Post(relay.Url())).status, 200);
  EXPECT_EQ(SendAndWait(*client, Post(relay.Url())).status, 200);
  EXPECT_EQ(client->connections_opened(), 1u);
  // The sweep closes the idle connection: wait for the close itself (150 ms idle, generous slack).
  ASSERT_TRUE(test::WaitUntil([&] { return relay.client_closes() >= 1; }, 30s));
  EXPECT_EQ(SendAndWait(*client, Post(relay.Url())).status, 200);
  EXPECT_EQ(client->connections_opened(), 2u);
}

class AsyncHttpsClient : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pki_ = test::SharedTestPki(&error);
    ASSERT_NE(pki_, nullptr) << error;
  }
  std::unique_ptr<test::WebhookReceiver> Receiver(const std::string& cert, const std::string& key) {
    test::WebhookReceiver::Options o;
    o.cert_file = cert;
    o.key_file = key;
    auto r = std::make_unique<test::WebhookReceiver>(o);
    EXPECT_TRUE(r->running());
    return r;
  }
  std::unique_ptr<net::AsyncHttpClient> Client(const std::string& ca) {
    net::AsyncHttpOptions o;
    o.ca_file = ca;
    return NewClient(o);
  }
  const test::TestPki* pki_ = nullptr;
};

TEST_F(AsyncHttpsClient, TrustedCertificateByIpAndByName) {
  auto receiver = Receiver(pki_->server_cert, pki_->server_key);
  auto client = Client(pki_->ca_cert);
  auto r = SendAndWait(*client, Post(receiver->Url("/hook", "127.0.0.1")));
  EXPECT_EQ(r.status, 200) << r.error;
  r = SendAndWait(*client, Post(receiver->Url("/hook", "localhost")));
  EXPECT_EQ(r.status, 200) << r.error;
  r = SendAndWait(*client, Post(receiver->Url("/hook", "localhost")));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(client->connections_opened(), 2u);  // one per (host, port): the second localhost call reused its connection
  EXPECT_EQ(receiver->Requests().back().Header("host"), "localhost:" + std::to_string(receiver->port()));
}

TEST_F(AsyncHttpsClient, UntrustedCertificateIsRefused) {
  auto receiver = Receiver(pki_->rogue_cert, pki_->rogue_key);
  auto client = Client(pki_->ca_cert);
  auto r = SendAndWait(*client, Post(receiver->Url()));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("certificate"), std::string::npos) << r.error;
  EXPECT_EQ(receiver->Count(), 0u);
  // Nor is the test CA trusted by default (the system bundle).
  auto system = NewClient();
  auto good = Receiver(pki_->server_cert, pki_->server_key);
  r = SendAndWait(*system, Post(good->Url()));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("certificate"), std::string::npos) << r.error;
}

TEST_F(AsyncHttpsClient, CertificateForAnotherNameIsRefused) {
  auto receiver = Receiver(pki_->other_name_cert, pki_->other_name_key);
  auto client = Client(pki_->ca_cert);
  for (const char* host : {"127.0.0.1", "localhost"}) {
    auto r = SendAndWait(*client, Post(receiver->Url("/hook", host)));
    EXPECT_EQ(r.status, 0) << host;
    EXPECT_NE(r.error.find("certificate"), std::string::npos) << host << ": " << r.error;
  }
  EXPECT_EQ(receiver->Count(), 0u);
}

TEST(AsyncHttpClientOptions, UnreadableCaFileIsAnError) {
  net::AsyncHttpOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  std::string error;
  EXPECT_FALSE(net::AsyncHttpClient::Create(o, &error));
  EXPECT_NE(error.find("/nonexistent/ca.pem"), std::string::npos) << error;
}

// --- store: claims, leases, outcomes ---------------------------------------------------------------

class DeliveryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.path = ":memory:";
    ASSERT_TRUE(OpenSqliteStore(o, &store_).ok());
  }
  void Insert(const std::string& id, int64_t due, NotificationStatus status = NotificationStatus::kPending) {
    NotificationRecord r = test::DeliveryRecord(id, due, status);
    r.next_attempt_at = due;  // a final record too: the claim must skip it by its status alone
    test::InsertRecord(*store_, r);
  }
  std::vector<ClaimedNotification> Claim(int64_t now, const std::string& owner, int limit = 100) {
    std::vector<ClaimedNotification> out;
    EXPECT_TRUE(
        store_->Write([&](Transaction& tx) { return tx.delivery().ClaimDue(now, now + 60'000, owner, limit, &out); })
            .ok());
    return out;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(DeliveryStoreTest, ClaimsAreExclusiveUntilTheLeaseEnds) {
  Insert("a", 100);
  Insert("b", 200);
  Insert("c", 5000);  // not due yet
  Insert("d", 100, NotificationStatus::kSuccess);
  auto first = Claim(1000, "one", 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].record_id, "a");  // oldest due first
  auto second = Claim(1000, "two");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].record_id, "b");
  EXPECT_TRUE(Claim(1000, "three").empty());
  // The claims of a dead owner come back when their lease ends.
  auto later = Claim(1000 + 60'001, "three");
  EXPECT_EQ(later.size(), 3u);
}

TEST_F(DeliveryStoreTest, OnlyTheLeaseHolderSavesAnOutcome) {
  Insert("a", 100);
  ASSERT_EQ(Claim(1000, "one").size(), 1u);
  DeliveryOutcome o;
  o.record_id = "a";
  o.attempt = DeliveryAttempt{1, 1100, 200, 1234, ""};
  o.status = NotificationStatus::kSuccess;
  o.round_start = 1000;
  bool applied = true;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().SaveOutcome("two", o, &applied); }).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().SaveOutcome("one", o, &applied); }).ok());
  EXPECT_TRUE(applied);
  RecordDetail d;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord("p", "a", &d); }).ok());
  EXPECT_EQ(d.record.notification_status, NotificationStatus::kSuccess);
  EXPECT_EQ(d.attempt_count, 1);
  EXPECT_EQ(d.final_time, 1100);
  ASSERT_EQ(d.attempts.size(), 1u);
  EXPECT_EQ(d.attempts[0].http_status, 200);
  EXPECT_EQ(d.attempts[0].latency_us, 1234);
  // Another project cannot see it.
  EXPECT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord("q", "a", &d); }).IsNotFound());
}

TEST_F(DeliveryStoreTest, ReleasingLeasesAtStartMakesClaimsDueAtOnce) {
  Insert("a", 100);
  Insert("b", 100);
  ASSERT_EQ(Claim(1000, "dead").size(), 2u);
  int64_t released = 0;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().ReleaseAllLeases(2000, &released); }).ok());
  EXPECT_EQ(released, 2);
  EXPECT_EQ(Claim(2000, "new").size(), 2u);
}

TEST_F(DeliveryStoreTest, PurgedRecordsTakeTheirAttemptsAlong) {
  Insert("a", 100);
  ASSERT_EQ(Claim(1000, "one").size(), 1u);
  DeliveryOutcome o;
  o.record_id = "a";
  o.attempt = DeliveryAttempt{1, 1100, 500, 1, "HTTP 500"};
  o.status = NotificationStatus::kFail;
  bool applied = false;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.delivery().SaveOutcome("one", o, &applied); }).ok());
  int64_t purged = 0;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.records().PurgeOlderThan(1'000'000, 10, &purged); }).ok());
  EXPECT_EQ(purged, 1);
  // A record reinserted with the same id starts with an empty attempt log.
  Insert("a", 100);
  RecordDetail d;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) { return tx.delivery().GetRecord("p", "a", &d); }).ok());
  EXPECT_TRUE(d.attempts.empty());
}

}  // namespace
}  // namespace csms

namespace csms {
namespace {

// Two dispatchers on one database (as two replicas would be): every notification is delivered
// exactly once, by one of them, and none is lost.
TEST(DispatcherReplicas, ShareTheWorkWithoutDeliveringTwice) {
  test::TempDir dir("csms-replicas");
  SqliteOptions o;
  o.path = dir.File("csms.db");
  o.synchronous_full = false;
  std::unique_ptr<Store> store_a, store_b;
  ASSERT_TRUE(OpenSqliteStore(o, &store_a).ok());
  ASSERT_TRUE(OpenSqliteStore(o, &store_b).ok());
  crypto::Keyring keyring = crypto::Keyring::Ephemeral();
  SystemClock clock;
  WebhookSecrets secrets_a(store_a.get(), &keyring, &clock), secrets_b(store_b.get(), &keyring, &clock);
  std::string secret;
  ASSERT_TRUE(store_a->Write([&](Transaction& tx) { return secrets_a.Create(tx, "p", "ev", &secret); }).ok());
  test::WebhookReceiver receiver;
  const int n = 2000;
  ASSERT_TRUE(store_a
                  ->Write([&](Transaction& tx) -> Status {
                    for (int i = 0; i < n; ++i) {
                      NotificationRecord r;
                      r.record_id = "id-" + std::to_string(i);
                      r.project_id = "p";
                      r.event_name = "ev";
                      r.create_time = clock.NowMillis();
                      r.secret_name = "s";
                      r.secret_type = "COMMON";
                      r.target_type = "WEBHOOK";
                      r.notification_target_id = receiver.Url();
                      r.notification_target_name = "t";
                      r.notification_content = "{}";
                      r.next_attempt_at = r.create_time;
                      CSMS_RETURN_IF_ERROR(tx.records().Insert(r));
                    }
                    return Status::OK();
                  })
                  .ok());
  notify::DispatcherOptions opts;
  opts.release_leases_at_start = false;  // replicas never release each other's claims
  opts.claim_batch = 50;
  opts.max_in_flight = 100;
  notify::DeliveryMetrics metrics_a, metrics_b;
  {
    notify::Dispatcher a(store_a.get(), &clock, &clock, &secrets_a, &metrics_a, opts);
    notify::Dispatcher b(store_b.get(), &clock, &clock, &secrets_b, &metrics_b, opts);
    ASSERT_TRUE(a.Start().ok());
    ASSERT_TRUE(b.Start().ok());
    ASSERT_TRUE(test::WaitUntil([&] { return metrics_a.Snapshot().success + metrics_b.Snapshot().success >= n; }, 30s));
  }
  // What the replicas promise: each notification delivered exactly once (one request per
  // webhook-id, each of the n ids), none lost (every record SUCCESS after one attempt), and every
  // request signed with the event's secret. How the work is split between them is not promised.
  EXPECT_EQ(metrics_a.Snapshot().success + metrics_b.Snapshot().success, n);
  std::set<std::string> expected_ids;
  for (int i = 0; i < n; ++i) expected_ids.insert("id-" + std::to_string(i));
  EXPECT_EQ(receiver.Count(), static_cast<size_t>(n));
  EXPECT_EQ(receiver.DistinctIds(), expected_ids);
  std::string key;
  ASSERT_TRUE(notify_format::DecodeSigningSecret(secret, &key));
  int bad_signatures = 0;
  for (const auto& req : receiver.Requests()) {
    bool good = req.Header("webhook-signature") ==
                notify_format::SignatureHeader({key}, req.Header("webhook-id"),
                                               std::stoll(req.Header("webhook-timestamp")), req.body);
    if (!good && ++bad_signatures <= 3) ADD_FAILURE() << "bad signature on " << req.Header("webhook-id");
  }
  EXPECT_EQ(bad_signatures, 0);
  int not_delivered_once = 0;
  for (const std::string& id : expected_ids) {
    RecordDetail d;
    ASSERT_TRUE(store_a->Read([&](Transaction& tx) { return tx.delivery().GetRecord("p", id, &d); }).ok()) << id;
    bool once = d.record.notification_status == NotificationStatus::kSuccess && d.attempt_count == 1;
    if (!once && ++not_delivered_once <= 3) ADD_FAILURE() << id << ": " << d.attempt_count << " attempts";
  }
  EXPECT_EQ(not_delivered_once, 0);
  store_a.reset();
  store_b.reset();
}

}  // namespace
}  // namespace csms
