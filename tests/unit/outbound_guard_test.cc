// The SSRF guard inside both HTTP clients (net/): a refused destination is never connected to,
// whether given literally or as a name that resolves to it, and the error names the address.
// The rotation-function caller and notification delivery share it (common/destination_policy.h).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "net/async_http_client.h"
#include "net/http_call.h"
#include "notify/attempt.h"
#include "rotation/http_rotation_function.h"
#include "support/http_stub.h"

namespace csms {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const DestinationPolicy> ExternalOnly() { return std::make_shared<const DestinationPolicy>(); }

net::ResponseInfo SendAndWait(net::AsyncHttpClient& client, const std::string& url, bool guarded = true) {
  net::OutgoingRequest req;
  req.url = url;
  req.body = "{}";
  req.guarded = guarded;
  auto promise = std::make_shared<std::promise<net::ResponseInfo>>();
  auto answer = promise->get_future();
  client.Send(req, [promise](net::ResponseInfo r) { promise->set_value(std::move(r)); });
  EXPECT_EQ(answer.wait_for(60s), std::future_status::ready);
  return answer.get();
}

TEST(OutboundGuard, DeliveryClientRefusesLoopbackInEverySpelling) {
  test::HttpStub stub;
  stub.Respond(500, "INTERNAL-ONLY-DATA");
  net::AsyncHttpOptions options;
  options.destinations = ExternalOnly();
  std::string error;
  auto client = net::AsyncHttpClient::Create(options, &error);
  ASSERT_TRUE(client) << error;
  const std::string port = std::to_string(stub.port());
  for (std::string host : {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "localhost", "[::ffff:127.0.0.1]"}) {
    net::ResponseInfo r = SendAndWait(*client, "http://" + host + ":" + port + "/hook");
    EXPECT_TRUE(r.refused) << host << ": " << r.error;
    EXPECT_EQ(r.status, 0) << host;
    EXPECT_NE(r.error.find("is not allowed by --webhook-allow"), std::string::npos) << host << ": " << r.error;
    notify::AttemptResult a = notify::ClassifyAnswer(TargetType::kWebhook, r);
    EXPECT_EQ(a.verdict, notify::Verdict::kInvalid) << host;
  }
  EXPECT_TRUE(stub.Requests().empty());
  // The operator's own targets (SMN) are not a project's choice: not guarded.
  net::ResponseInfo smn = SendAndWait(*client, stub.Url("/smn"), false);
  EXPECT_FALSE(smn.refused);
  EXPECT_EQ(smn.status, 500);
  // The operator's SMN endpoint's answer is kept as a hint; a webhook's never.
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kSmn, smn).error, "HTTP 500: INTERNAL-ONLY-DATA");
  EXPECT_EQ(notify::ClassifyAnswer(TargetType::kWebhook, smn).error, "HTTP 500");
}

TEST(OutboundGuard, AllowedLoopbackIsReached) {
  test::HttpStub stub;
  net::AsyncHttpOptions options;
  auto policy = std::make_shared<DestinationPolicy>();
  ASSERT_TRUE(DestinationPolicy::Parse("loopback", policy.get()).ok());
  options.destinations = policy;
  std::string error;
  auto client = net::AsyncHttpClient::Create(options, &error);
  ASSERT_TRUE(client) << error;
  net::ResponseInfo r = SendAndWait(*client, "http://localhost:" + std::to_string(stub.port()) + "/hook");
  EXPECT_FALSE(r.refused) << r.error;
  EXPECT_EQ(r.status, 200) << r.error;
}

TEST(OutboundGuard, RotationFunctionCallerRefusesLoopback) {
  test::HttpStub stub;
  net::HttpCallOptions o;
  o.timeout = 30s;
  o.destinations = ExternalOnly();
  rotation::HttpRotationFunction fn(o);
  for (std::string host : {"127.0.0.1", "127.1", "localhost"}) {
    RotationFunctionRequest r;
    r.url = "http://" + host + ":" + std::to_string(stub.port()) + "/rotate";
    RotationFunctionAnswer a;
    Status s = fn.Call(r, &a);
    EXPECT_EQ(s.code(), "CSMS.0806") << host;
    EXPECT_NE(s.message().find("destination 127.0.0.1 (loopback) is not allowed"), std::string::npos)
        << host << ": " << s.message();
  }
  EXPECT_TRUE(stub.Requests().empty());
  // Without a guard (the CLI) the same call goes out.
  net::HttpCallResult result;
  net::HttpCallOptions open;
  open.timeout = 30s;
  EXPECT_TRUE(net::PostJson(stub.Url("/rotate"), "{}", open, &result)) << result.error;
  EXPECT_EQ(stub.Requests().size(), 1u);
}

}  // namespace
}  // namespace csms
