// Helpers shared by the delivery integration tests: WEBHOOK/SMN event bodies, reading records and
// their attempts, waiting for final statuses, and verifying webhook signatures independently of
// csmsd's code (the openssl command line, and the stock `standardwebhooks` npm library when
// installed in tests/webhooks).
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/secrets_helpers.h"
#include "support/webhook_receiver.h"

namespace csms::test {

// POST /csms/events for a WEBHOOK event; returns notification.signing_secret ("" on failure).
std::string CreateWebhookEvent(SecretsApi& api, const std::string& name, const std::vector<std::string>& types,
                               const std::string& url);

// Every record matching `query`, all pages (SecretsApi::Records).
inline std::vector<RecordView> ListAllRecords(SecretsApi& api, const std::string& query = "") {
  return api.Records(query);
}
// Waits until at least `n` records have `status` (SUCCESS, FAIL, INVALID or PENDING).
bool WaitForStatusCount(SecretsApi& api, const std::string& status, size_t n, std::chrono::milliseconds timeout,
                        const std::string& extra_query = "");
// GET /csms/notification-records/{id}.
HttpResult ShowRecord(SecretsApi& api, const std::string& record_id);

// Whether `signature_header` ("v1,<b64> v1,<b64>...") holds a valid signature of id.timestamp.body
// under `secret` ("whsec_..."), computed by the openssl command-line tool.
bool OpensslVerifies(const std::string& secret, const ReceivedRequest& request);

// The Node-based checks are switched off: CSMS_SKIP_NODE_TESTS=1 (docs/running.md), for a machine
// without node. Never by default: node and npm are project dependencies (scripts/install-deps.sh).
bool NodeTestsOptedOut();
// Makes the stock Standard Webhooks library usable: node and npm exist, and tests/webhooks'
// dependencies are installed (npm ci, once, when missing). False with *why, which holds npm's
// output when the install failed: the caller fails the test with it.
bool PrepareStandardWebhooks(std::string* why);
struct VerifyItem {
  std::string secret;
  ReceivedRequest request;
  bool expect_fail = false;
};
// Runs tests/webhooks/verify.js over the items; true when each verifies (or fails) as expected.
bool StandardWebhooksVerifies(const std::vector<VerifyItem>& items, std::string* output);

}  // namespace csms::test
