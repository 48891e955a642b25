// The 45 operations of the CSMS v1 API (the official SDKs' CsmsClient; spec §1), each with its
// method and path template: every one must have a route in the real route table, and a concrete
// request for it must reach that route (not a less specific one, not a 405). A missing operation
// fails here by name.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/clock.h"
#include "http/api.h"
#include "support/route_table.h"

namespace csms::test {
namespace {

struct Operation {
  const char* name;
  const char* method;
  const char* path;  // the spec's template; parameter names may differ from ours
};

constexpr const char* kSecret = "/v1/{project_id}/secrets/{secret_name}";

const std::vector<Operation>& CsmsOperations() {
  static const std::vector<Operation> ops = {
      // §1.1 secrets
      {"CreateSecret", "POST", "/v1/{project_id}/secrets"},
      {"ListSecrets", "GET", "/v1/{project_id}/secrets"},
      {"ShowSecret", "GET", kSecret},
      {"UpdateSecret", "PUT", kSecret},
      {"DeleteSecret", "DELETE", kSecret},
      {"BatchImportSecrets", "POST", "/v1/{project_id}/secrets/batch-import"},
      // §1.2 versions
      {"CreateSecretVersion", "POST", "/v1/{project_id}/secrets/{secret_name}/versions"},
      {"ListSecretVersions", "GET", "/v1/{project_id}/secrets/{secret_name}/versions"},
      {"ShowSecretVersion", "GET", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}"},
      {"UpdateVersion", "PUT", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}"},
      // §1.3 stages
      {"ShowSecretStage", "GET", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"},
      {"UpdateSecretStage", "PUT", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"},
      {"DeleteSecretStage", "DELETE", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"},
      // §1.4 rotation
      {"RotateSecret", "POST", "/v1/{project_id}/secrets/{secret_name}/rotate"},
      {"ListSecretTask", "GET", "/v1/{project_id}/csms/tasks"},
      // §1.5 scheduled deletion
      {"DeleteSecretForSchedule", "POST", "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/create"},
      {"RestoreSecret", "POST", "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/cancel"},
      // §1.6 events
      {"CreateSecretEvent", "POST", "/v1/{project_id}/csms/events"},
      {"ListSecretEvents", "GET", "/v1/{project_id}/csms/events"},
      {"ShowSecretEvent", "GET", "/v1/{project_id}/csms/events/{event_name}"},
      {"UpdateSecretEvent", "PUT", "/v1/{project_id}/csms/events/{event_name}"},
      {"DeleteSecretEvent", "DELETE", "/v1/{project_id}/csms/events/{event_name}"},
      // §1.7 notification records
      {"ListNotificationRecords", "GET", "/v1/{project_id}/csms/notification-records"},
      // §1.8 tags
      {"CreateSecretTag", "POST", "/v1/{project_id}/csms/{secret_id}/tags"},
      {"DeleteSecretTag", "DELETE", "/v1/{project_id}/csms/{secret_id}/tags/{key}"},
      {"BatchCreateOrDeleteTags", "POST", "/v1/{project_id}/csms/{secret_id}/tags/action"},
      {"ListSecretTags", "GET", "/v1/{project_id}/csms/{secret_id}/tags"},
      {"ListProjectSecretsTags", "GET", "/v1/{project_id}/csms/tags"},
      {"ListResourceInstances", "POST", "/v1/{project_id}/csms/resource_instances/action"},
      // §1.9 others
      {"CreateGrants", "POST", "/v1/{project_id}/csms/grants"},
      {"ListGrants", "GET", "/v1/{project_id}/csms/grants"},
      {"UpdateGrant", "PUT", "/v1/{project_id}/csms/grants"},
      {"DeleteGrant", "DELETE", "/v1/{project_id}/csms/grants"},
      {"CreateAgency", "POST", "/v1/csms/agencies"},
      {"ShowAgency", "GET", "/v1/csms/agencies"},
      {"ShowSecretFunctionTemplates", "GET", "/v1/csms/function-templates"},
      {"GenerateRandomPassword", "POST", "/v1/{project_id}/csms/generate-password"},
      {"ListUsers", "GET", "/v1/csms/users"},
      {"ShowUserDetail", "GET", "/v1/csms/users/{user_id}"},
      {"UpdateUserPassword", "POST", "/v1/csms/users/change-password"},
      {"DownloadSecretBlob", "POST", "/v1/{project_id}/secrets/{secret_name}/backup"},
      {"UploadSecretBlob", "POST", "/v1/{project_id}/secrets/restore"},
      {"CheckSecrets", "POST", "/v1/{project_id}/secrets/checker/check"},
      {"ShowSecretsConfig", "GET", "/v1/{project_id}/secrets/checker/config"},
      {"UpdateSecretsConfig", "POST", "/v1/{project_id}/secrets/checker/config"},
  };
  return ops;
}

// "/v1/{project_id}/csms/{secret_id}/tags" -> "/v1/{}/csms/{}/tags": templates compared without
// parameter names.
std::string Shape(std::string_view path_template) {
  std::string out;
  bool in_param = false;
  for (char c : path_template) {
    if (c == '{') {
      in_param = true;
      out += "{}";
    } else if (c == '}') {
      in_param = false;
    } else if (!in_param) {
      out += c;
    }
  }
  return out;
}

TEST(CsmsOperations, TheListHoldsThe45DistinctOperationsOfTheSdk) {
  const auto& ops = CsmsOperations();
  EXPECT_EQ(ops.size(), 45u);
  for (size_t i = 0; i < ops.size(); ++i) {
    for (size_t j = i + 1; j < ops.size(); ++j) {
      EXPECT_NE(std::string(ops[i].name), ops[j].name);
      EXPECT_FALSE(std::string(ops[i].method) == ops[j].method && Shape(ops[i].path) == Shape(ops[j].path))
          << ops[i].name << " and " << ops[j].name;
    }
  }
}

TEST(CsmsOperations, EveryOperationHasARouteThatARequestReaches) {
  OffsetClock clock;
  http::Services services;
  services.clock = &clock;
  http::Api api(services);  // registering routes uses no service
  const std::string project = "0123456789abcdef0123456789abcdef";
  std::vector<std::string> missing;
  for (const Operation& op : CsmsOperations()) {
    const http::Route* registered = nullptr;
    for (const auto& r : api.router().Routes()) {
      if (r.method == op.method && Shape(r.path_template) == Shape(op.path)) registered = r.route;
    }
    if (!registered) {
      missing.push_back(std::string(op.name) + " (" + op.method + " " + op.path + ")");
      continue;
    }
    // A concrete request reaches that very route.
    std::string target = RouteTarget(op.path, project);
    const http::Route* found = nullptr;
    http::PathParams params;
    auto match = api.router().Find(op.method, target, &found, &params);
    EXPECT_EQ(match, http::Router<http::Route>::Match::kFound) << op.name << ": " << op.method << " " << target;
    EXPECT_EQ(found, registered) << op.name << ": " << op.method << " " << target << " reaches another route";
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " of 45 operations have no route:\n  " << [&] {
    std::string s;
    for (const auto& m : missing) s += m + "\n  ";
    return s;
  }();
}

}  // namespace
}  // namespace csms::test
