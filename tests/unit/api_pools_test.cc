// http::Api's threading model: a route that touches the store runs on a bounded pool, never on the
// thread that read the request; a held request on one pool does not stop the others or the
// I/O-thread routes; a saturated pool answers 503 + Retry-After with the CSMS error body.
//
// The Api is driven through its AsyncRequestHandler with an in-memory Exchange, the way the server
// drives it: Handle() is called on the test thread, which plays the I/O thread. Handlers block on
// a gate, so "busy" and "held" are facts, not timing guesses.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "http/api.h"
#include "support/wait.h"

namespace csms::http {
namespace {

using namespace std::chrono_literals;
using test::WaitUntil;

constexpr auto kGenerous = std::chrono::seconds(30);

// A latch the handlers wait on; it gives up after a generous while so that a test of the old
// behaviour (handler on the calling thread) fails instead of hanging.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int waiting = 0;
  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    ++waiting;
    cv.notify_all();
    cv.wait_for(lock, kGenerous, [&] { return open; });
  }
  bool WaitForWaiters(int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, kGenerous, [&] { return waiting >= n; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

Gate* g_gate = nullptr;
std::mutex g_threads_mu;
std::thread::id g_last_handler_thread;

void NoteThread() {
  std::lock_guard<std::mutex> lock(g_threads_mu);
  g_last_handler_thread = std::this_thread::get_id();
}

Status Held(RequestContext&, HttpResponse& res) {
  NoteThread();
  g_gate->Wait();
  res.body = R"({"held":true})";
  return Status::OK();
}

Status Quick(RequestContext&, HttpResponse& res) {
  NoteThread();
  res.body = R"({"quick":true})";
  return Status::OK();
}

// An Exchange as the server makes it, answered into memory.
class FakeExchange final : public Exchange {
 public:
  FakeExchange(std::string method, std::string path) : method_(std::move(method)), path_(std::move(path)) {
    req_.method = method_;
    req_.target = path_;
    req_.path = path_;
    req_.request_id = "test";
    req_.header = [](std::string_view) -> std::optional<std::string_view> { return std::nullopt; };
  }
  const HttpRequest& request() const override { return req_; }
  void Respond(HttpResponse response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (res_) return;
    res_ = std::move(response);
  }
  std::optional<HttpResponse> response() {
    std::lock_guard<std::mutex> lock(mu_);
    return res_;
  }

 private:
  std::string method_, path_;
  HttpRequest req_;
  std::mutex mu_;
  std::optional<HttpResponse> res_;
};

class ApiPoolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_gate = &gate_;
    ApiOptions options;
    options.reader_threads = 1;
    options.reader_queue = 0;
    options.writer_threads = 1;
    options.writer_queue = 0;
    options.worker_threads = 1;
    options.worker_queue = 0;
    Services services;
    services.clock = &clock_;
    api_ = std::make_unique<Api>(services, options);
    // Default execution: the pool follows the method.
    api_->router().Add("POST", "/probe/held", {Held, Access::kPublic, ""});
    api_->router().Add("GET", "/probe/held", {Held, Access::kPublic, ""});
    api_->router().Add("GET", "/probe/quick", {Quick, Access::kPublic, ""});
    api_->router().Add("POST", "/probe/quick", {Quick, Access::kPublic, ""});
    api_->router().Add("POST", "/probe/network", {Held, Access::kPublic, "", Execution::kWorker});
  }
  void TearDown() override {
    gate_.Open();
    api_.reset();  // waits for the pools
    g_gate = nullptr;
  }

  std::shared_ptr<FakeExchange> Send(const std::string& method, const std::string& path) {
    auto ex = std::make_shared<FakeExchange>(method, path);
    api_->Handle(ex);
    return ex;
  }
  // Waits (generously) for the answer.
  std::optional<HttpResponse> Answer(const std::shared_ptr<FakeExchange>& ex) {
    WaitUntil([&] { return ex->response().has_value(); }, kGenerous);
    return ex->response();
  }

  OffsetClock clock_;
  Gate gate_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiPoolsTest, StoreRoutesRunOffTheCallingThread) {
  for (const char* method : {"GET", "HEAD", "POST"}) {
    auto ex = Send(method, "/probe/quick");
    auto res = Answer(ex);
    ASSERT_TRUE(res) << method;
    EXPECT_EQ(res->status, 200) << method;
    std::lock_guard<std::mutex> lock(g_threads_mu);
    EXPECT_NE(g_last_handler_thread, std::this_thread::get_id()) << method << " ran on the I/O thread";
  }
  // GET /healthz is the exception: answered before Handle returns, on the calling thread.
  auto health = Send("GET", "/healthz");
  ASSERT_TRUE(health->response()) << "/healthz must be answered on the I/O thread";
  EXPECT_EQ(health->response()->status, 200);
}

TEST_F(ApiPoolsTest, AHeldWriteDoesNotStopReadsOrHealth) {
  auto write = Send("POST", "/probe/held");
  ASSERT_TRUE(gate_.WaitForWaiters(1));
  EXPECT_FALSE(write->response()) << "the write must still be held";
  auto health = Send("GET", "/healthz");
  ASSERT_TRUE(health->response());
  EXPECT_EQ(health->response()->status, 200);
  auto read = Answer(Send("GET", "/probe/quick"));
  ASSERT_TRUE(read) << "a read got no answer while a write was held";
  EXPECT_EQ(read->status, 200);
  EXPECT_FALSE(write->response()) << "the write must still have been held";
  gate_.Open();
  auto w = Answer(write);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->status, 200);
}

TEST_F(ApiPoolsTest, AHeldReadDoesNotStopWrites) {
  auto read = Send("GET", "/probe/held");
  ASSERT_TRUE(gate_.WaitForWaiters(1));
  auto write = Answer(Send("POST", "/probe/quick"));
  ASSERT_TRUE(write) << "a write got no answer while a read was held";
  EXPECT_EQ(write->status, 200);
  EXPECT_FALSE(read->response());
  gate_.Open();
  ASSERT_TRUE(Answer(read));
}

TEST_F(ApiPoolsTest, ANetworkWaitTakesNeitherAReaderNorAWriter) {
  auto call = Send("POST", "/probe/network");
  ASSERT_TRUE(gate_.WaitForWaiters(1));
  auto write = Answer(Send("POST", "/probe/quick"));
  ASSERT_TRUE(write);
  EXPECT_EQ(write->status, 200);
  auto read = Answer(Send("GET", "/probe/quick"));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_FALSE(call->response());
  gate_.Open();
  ASSERT_TRUE(Answer(call));
}

void ExpectBusy(const std::shared_ptr<FakeExchange>& ex) {
  // Refused at once, on the calling thread: nothing waits for a thread that may never come.
  std::optional<HttpResponse> got = ex->response();
  ASSERT_TRUE(got) << "a saturated pool must answer at once";
  const HttpResponse& res = *got;
  EXPECT_EQ(res.status, 503);
  bool retry_after = false;
  for (const auto& [name, value] : res.headers) retry_after |= name == "Retry-After" && !value.empty();
  EXPECT_TRUE(retry_after);
  EXPECT_NE(res.body.find(R"("error_code":"CSMS.0010")"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find(R"("error_msg":)"), std::string::npos) << res.body;
}

TEST_F(ApiPoolsTest, ASaturatedWriterPoolAnswers503WithRetryAfter) {
  auto held = Send("POST", "/probe/held");
  ASSERT_TRUE(gate_.WaitForWaiters(1));
  ExpectBusy(Send("POST", "/probe/quick"));
  // The other pools are not affected.
  auto read = Answer(Send("GET", "/probe/quick"));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  gate_.Open();
  ASSERT_TRUE(Answer(held));
  // The thread is given back just after it answered: room again soon after, not necessarily at once.
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto again = Answer(Send("POST", "/probe/quick"));
        return again && again->status == 200;
      },
      kGenerous));
}

TEST_F(ApiPoolsTest, ASaturatedReaderPoolAnswers503WithRetryAfter) {
  auto held = Send("GET", "/probe/held");
  ASSERT_TRUE(gate_.WaitForWaiters(1));
  ExpectBusy(Send("GET", "/probe/quick"));
  gate_.Open();
  ASSERT_TRUE(Answer(held));
}

TEST(ApiPoolChoice, TheDefaultFollowsTheMethod) {
  EXPECT_EQ(PoolFor(Route{}.execution, "GET"), Pool::kReader);
  EXPECT_EQ(PoolFor(Route{}.execution, "HEAD"), Pool::kReader);
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH"}) EXPECT_EQ(PoolFor(Route{}.execution, m), Pool::kWriter);
  EXPECT_EQ(PoolFor(Execution::kWorker, "POST"), Pool::kNetwork);
  EXPECT_EQ(PoolFor(Execution::kIoThread, "GET"), Pool::kNone);
}

TEST(ApiPoolChoice, TheStoreIsSizedForEveryThreadThatMayUseIt) {
  ApiOptions o;
  o.reader_threads = 3;
  o.writer_threads = 64;
  o.worker_threads = 4;
  EXPECT_EQ(o.StoreThreads(), 71);
  o.reader_threads = 0;
  EXPECT_GE(o.ReaderThreads(), 1);
}

}  // namespace
}  // namespace csms::http
