// The real csmsd with one I/O thread and one thread per pool: while a network call is held (a test
// notification to a target that never answers; since decision 124 it holds a socket, not the
// network thread), /healthz, reads and writes are still answered, each on its own pool
// (http/api.h), and a second test of the project is refused at once.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/raw_socket.h"
#include "support/secrets_helpers.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kGenerous = 30s;

std::string Request(const std::string& method, const std::string& target, const std::string& extra_headers = "",
                    const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + extra_headers;
  if (!body.empty()) r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

class RequestPoolsTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--threads",        "1", "--reader-threads", "1", "--writer-threads",      "1",
            "--worker-threads", "1", "--worker-queue",   "0", "--delivery-timeout-ms", "120000"};
  }
  void TearDown() override {
    if (caller_.joinable()) {
      WaitUntil(
          [&] {
            target_.Release();
            std::lock_guard<std::mutex> lock(mu_);
            return status_ != 0;
          },
          60s);
      caller_.join();
    }
  }

  SilentServer target_;
  std::thread caller_;
  std::mutex mu_;
  int status_ = 0;
};

TEST_F(RequestPoolsTest, AHeldNetworkCallStopsNeitherHealthNorReadsNorWrites) {
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_FALSE(
      CreateWebhookEvent(api, "hang", {"SECRET_DELETED"}, "http://127.0.0.1:" + std::to_string(target_.port()) + "/h")
          .empty());
  caller_ = std::thread([this] {
    HttpClient c(server_.port());
    c.set_token(token_);
    auto r = c.Request("POST", Path("/csms/events/hang/test"), "");
    std::lock_guard<std::mutex> lock(mu_);
    status_ = r.status;
  });
  ASSERT_TRUE(WaitUntil([&] { return target_.ConnectionsWithData() >= 1; }, kGenerous));
  const std::string auth = "X-Auth-Token: " + token_ + "\r\n";

  RawConnection health(server_.port());
  ASSERT_TRUE(health.Send(Request("GET", "/healthz")));
  auto h = health.ReadResponse(kGenerous);
  ASSERT_TRUE(h) << "/healthz got no answer while a network call was held";
  EXPECT_EQ(h->status, 200);

  RawConnection write(server_.port());
  ASSERT_TRUE(write.Send(Request("POST", Path("/secrets"), auth, R"({"name":"pools-s1","secret_string":"v"})")));
  auto w = write.ReadResponse(kGenerous);
  ASSERT_TRUE(w) << "a write got no answer while a network call was held";
  EXPECT_EQ(w->status, 200) << w->body;

  RawConnection read(server_.port());
  ASSERT_TRUE(read.Send(Request("GET", Path("/secrets/pools-s1/versions/latest"), auth)));
  auto r = read.ReadResponse(kGenerous);
  ASSERT_TRUE(r) << "a read got no answer while a network call was held";
  EXPECT_EQ(r->status, 200) << r->body;

  // The project's cap (1 with one network thread) is reached: the next test call is refused at
  // once, not queued.
  RawConnection second(server_.port());
  ASSERT_TRUE(second.Send(Request("POST", Path("/csms/events/hang/test"), auth)));
  auto s = second.ReadResponse(kGenerous);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 503);
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_EQ(status_, 0) << "the held call must still have been in flight";
  }
}

}  // namespace
}  // namespace csms::test
