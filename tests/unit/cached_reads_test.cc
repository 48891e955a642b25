// Reads answered from memory on the I/O thread (Route::cached, http/api.h): GET of one event is
// answered without the pool hop and without the store once this process has read the event and
// the token is cached, and never with a representation older than an acknowledged write.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/token_service.h"
#include "common/clock.h"
#include "crypto/password.h"
#include "http/api.h"
#include "service/event_service.h"
#include "service/identity_service.h"
#include "store/store.h"
#include "support/wait.h"

namespace csms::http {
namespace {

constexpr char kDomainId[] = "fedcba9876543210fedcba9876543210";
constexpr char kProject[] = "0123456789abcdef0123456789abcdef";

class HeaderExchange final : public Exchange {
 public:
  HeaderExchange(std::string path, std::string token) : path_(std::move(path)), token_(std::move(token)) {
    req_.method = "GET";
    req_.target = path_;
    req_.path = path_;
    req_.request_id = "test";
    req_.header = [this](std::string_view name) -> std::optional<std::string_view> {
      if (name == "x-auth-token") return std::string_view(token_);
      return std::nullopt;
    };
  }
  const HttpRequest& request() const override { return req_; }
  void Respond(HttpResponse response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!res_) res_ = std::move(response);
  }
  std::optional<HttpResponse> response() {
    std::lock_guard<std::mutex> lock(mu_);
    return res_;
  }

 private:
  std::string path_, token_;
  HttpRequest req_;
  std::mutex mu_;
  std::optional<HttpResponse> res_;
};

// Counts the transactions that reach the real store.
class CountingStore final : public Store {
 public:
  explicit CountingStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  Status Read(const TxFn& fn) override {
    ++reads;
    return inner_->Read(fn);
  }
  Status Write(const TxFn& fn) override { return inner_->Write(fn); }
  std::atomic<int> reads{0};

 private:
  std::unique_ptr<Store> inner_;
};

class CachedReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = ":memory:";
    std::unique_ptr<Store> inner;
    ASSERT_TRUE(OpenSqliteStore(options, &inner).ok());
    counting_ = new CountingStore(std::move(inner));
    store_.reset(counting_);
    identity_ = std::make_unique<IdentityService>(store_.get());
    ASSERT_TRUE(identity_
                    ->EnsureFixture(Domain{kDomainId, "csms"}, Project{kProject, "dev", kDomainId}, "admin", "pw",
                                    crypto::HashPassword("pw", 1))
                    .ok());
    tokens_ = std::make_unique<TokenService>(store_.get(), &clock_);
    EventServiceOptions event_options;
    event_options.memory_millis = MemoryMillis();
    events_ = std::make_unique<EventService>(store_.get(), &clock_, event_options);
    PasswordAuthRequest r;
    r.user_name = "admin";
    r.password = "pw";
    r.user_domain_name = "csms";
    r.project_id = kProject;
    IssuedToken t;
    ASSERT_TRUE(tokens_->Issue(r, &t).ok());
    token_ = t.token;
    Principal p;
    ASSERT_TRUE(tokens_->Validate(token_, &p).ok());  // now cached
    CreateEventCommand cmd;
    cmd.name = "e1";
    cmd.event_types = {EventType::kDeleted};
    cmd.notification = NotificationTarget{TargetType::kSmn, "urn:smn:cn-north-4:" + std::string(kProject) + ":t", "t"};
    Event e;
    ASSERT_TRUE(events_->Create(kProject, cmd, &e).ok());
    Services services;
    services.tokens = tokens_.get();
    services.events = events_.get();
    services.clock = &clock_;
    ApiOptions o;
    o.reader_threads = 1;
    api_ = std::make_unique<Api>(services, o);
  }

  // Long, so that no test depends on how fast it runs.
  virtual int64_t MemoryMillis() { return 3'600'000; }

  std::shared_ptr<HeaderExchange> Show(const std::string& token) {
    auto ex = std::make_shared<HeaderExchange>(std::string("/v1/") + kProject + "/csms/events/e1", token);
    api_->Handle(ex);
    return ex;
  }
  std::shared_ptr<HeaderExchange> List(const std::string& token) {
    auto ex = std::make_shared<HeaderExchange>(std::string("/v1/") + kProject + "/csms/events", token);
    api_->Handle(ex);
    return ex;
  }
  static HttpResponse Await(const std::shared_ptr<HeaderExchange>& ex) {
    EXPECT_TRUE(test::WaitUntil([&] { return ex->response().has_value(); }, std::chrono::seconds(30)));
    return ex->response().value_or(HttpResponse{0, "", {}});
  }

  OffsetClock clock_;
  CountingStore* counting_ = nullptr;  // owned by store_
  std::unique_ptr<Store> store_;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<EventService> events_;
  std::unique_ptr<Api> api_;
  std::string token_;
};

TEST_F(CachedReadsTest, ASecondShowIsAnsweredFromMemoryOnTheCallingThread) {
  HttpResponse r1 = Await(Show(token_));
  ASSERT_EQ(r1.status, 200) << r1.body;
  // The token cache trusts itself for a second after a revocation check; a machine that stalls
  // longer between two requests just sends the second to the pool. So: several attempts, one of
  // which must be answered before Handle returns without reading the store.
  bool from_memory = false;
  for (int attempt = 0; attempt < 20 && !from_memory; ++attempt) {
    ASSERT_EQ(Await(Show(token_)).status, 200);  // on the pool if need be: refreshes both caches
    int reads = counting_->reads.load();
    auto again = Show(token_);
    std::optional<HttpResponse> answered = again->response();
    from_memory = answered.has_value() && counting_->reads.load() == reads;
    if (from_memory) {
      EXPECT_EQ(answered->body, r1.body);
    }
    Await(again);
  }
  EXPECT_TRUE(from_memory) << "a show of an event read before was never answered from memory";
}

TEST_F(CachedReadsTest, ASecondListIsAnsweredFromMemoryOnTheCallingThread) {
  HttpResponse r1 = Await(List(token_));
  ASSERT_EQ(r1.status, 200) << r1.body;
  bool from_memory = false;  // several attempts, as for the show above
  for (int attempt = 0; attempt < 20 && !from_memory; ++attempt) {
    ASSERT_EQ(Await(List(token_)).status, 200);
    int reads = counting_->reads.load();
    auto again = List(token_);
    std::optional<HttpResponse> answered = again->response();
    from_memory = answered.has_value() && counting_->reads.load() == reads;
    if (from_memory) {
      EXPECT_EQ(answered->body, r1.body);
    }
    Await(again);
  }
  EXPECT_TRUE(from_memory) << "a page listed before was never answered from memory";
}

TEST_F(CachedReadsTest, AWriteIsNeverHiddenFromAListByTheCache) {
  ASSERT_EQ(Await(List(token_)).status, 200);
  UpdateEventCommand cmd;
  cmd.state = EventState::kDisabled;
  Event updated;
  ASSERT_TRUE(events_->Update(kProject, "e1", cmd, &updated).ok());
  HttpResponse after = Await(List(token_));
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("DISABLED"), std::string::npos) << after.body;
  ASSERT_TRUE(events_->Delete(kProject, "e1").ok());
  after = Await(List(token_));
  EXPECT_EQ(after.body.find("\"e1\""), std::string::npos) << after.body;
}

TEST_F(CachedReadsTest, AWriteIsNeverHiddenByTheCache) {
  ASSERT_EQ(Await(Show(token_)).status, 200);
  UpdateEventCommand cmd;
  cmd.state = EventState::kDisabled;
  Event updated;
  ASSERT_TRUE(events_->Update(kProject, "e1", cmd, &updated).ok());
  HttpResponse after = Await(Show(token_));
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("DISABLED"), std::string::npos) << after.body;
  ASSERT_TRUE(events_->Delete(kProject, "e1").ok());
  EXPECT_EQ(Await(Show(token_)).status, 404);
}

TEST_F(CachedReadsTest, AnUnknownTokenGoesToThePoolAndIsRefused) {
  ASSERT_EQ(Await(Show(token_)).status, 200);
  HttpResponse r = Await(Show("not-a-token"));
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(CachedReadsTest, ARevokedTokenIsNotServedFromMemory) {
  ASSERT_EQ(Await(Show(token_)).status, 200);
  Principal caller;
  ASSERT_TRUE(tokens_->Validate(token_, &caller).ok());
  ASSERT_TRUE(tokens_->Revoke(caller, token_).ok());
  HttpResponse r = Await(Show(token_));
  EXPECT_EQ(r.status, 401) << r.body;
}

class NoMemoryTest : public CachedReadsTest {
 protected:
  int64_t MemoryMillis() override { return 0; }
};

TEST_F(NoMemoryTest, AnEntryOlderThanItsBoundIsNotServedFromMemory) {
  ASSERT_EQ(Await(Show(token_)).status, 200);
  auto second = Show(token_);
  EXPECT_EQ(Await(second).status, 200);
  std::shared_ptr<const std::string> representation;
  EXPECT_FALSE(events_->CachedRepresentation(kProject, "e1", &representation));
}

}  // namespace
}  // namespace csms::http
