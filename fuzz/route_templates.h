// The route table of csmsd (every method and path template the handlers register, the --dev
// routes included) for the router fuzz target, which cannot link the handlers in the libFuzzer
// build. tests/unit/fuzz_route_table_test.cc fails when it differs from the real table: add a new
// route here too.
#pragma once

#include <string_view>
#include <utility>

namespace csms::fuzz {

inline constexpr std::pair<std::string_view, std::string_view> kRouteTemplates[] = {
    {"GET", "/v1/csms/agencies"},
    {"POST", "/v1/csms/agencies"},
    {"GET", "/v1/csms/function-templates"},
    {"POST", "/v1/{project_id}/csms/notification-records/redrive"},
    {"GET", "/v1/{project_id}/csms/notification-records/{record_id}"},
    {"POST", "/v1/{project_id}/csms/notification-records/{record_id}/redeliver"},
    {"POST", "/v1/{project_id}/csms/events/{event_name}/test"},
    {"POST", "/v1/{project_id}/csms/events/{event_name}/rotate-signing-secret"},
    {"GET", "/csms-dev/clock"},
    {"POST", "/csms-dev/clock"},
    {"POST", "/csms-dev/scheduler/tick"},
    {"GET", "/csms-dev/writer"},
    {"POST", "/csms-dev/writer/hold"},
    {"POST", "/csms-dev/writer/release"},
    {"POST", "/v1/{project_id}/csms/events"},
    {"GET", "/v1/{project_id}/csms/events"},
    {"GET", "/v1/{project_id}/csms/events/{event_name}"},
    {"PUT", "/v1/{project_id}/csms/events/{event_name}"},
    {"DELETE", "/v1/{project_id}/csms/events/{event_name}"},
    {"POST", "/v1/{project_id}/csms/grants"},
    {"GET", "/v1/{project_id}/csms/grants"},
    {"PUT", "/v1/{project_id}/csms/grants"},
    {"DELETE", "/v1/{project_id}/csms/grants"},
    {"GET", "/healthz"},
    {"POST", "/v3/auth/tokens"},
    {"DELETE", "/v3/auth/tokens"},
    {"GET", "/v3/projects"},
    {"GET", "/v1/{project_id}/csms/notification-records"},
    {"POST", "/v1/{project_id}/secrets/{secret_name}/backup"},
    {"POST", "/v1/{project_id}/secrets/restore"},
    {"POST", "/v1/{project_id}/secrets/batch-import"},
    {"POST", "/v1/{project_id}/csms/generate-password"},
    {"POST", "/v1/{project_id}/secrets/checker/check"},
    {"GET", "/v1/{project_id}/secrets/checker/config"},
    {"POST", "/v1/{project_id}/secrets/checker/config"},
    {"POST", "/v1/{project_id}/secrets"},
    {"GET", "/v1/{project_id}/secrets"},
    {"GET", "/v1/{project_id}/secrets/{secret_name}"},
    {"PUT", "/v1/{project_id}/secrets/{secret_name}"},
    {"DELETE", "/v1/{project_id}/secrets/{secret_name}"},
    {"POST", "/v1/{project_id}/secrets/{secret_name}/versions"},
    {"GET", "/v1/{project_id}/secrets/{secret_name}/versions"},
    {"GET", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}"},
    {"PUT", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}"},
    {"GET", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"},
    {"PUT", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"},
    {"DELETE", "/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}"},
    {"POST", "/v1/{project_id}/secrets/{secret_name}/rotate"},
    {"POST", "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/create"},
    {"POST", "/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/cancel"},
    {"GET", "/v1/{project_id}/csms/tasks"},
    {"POST", "/v1/{project_id}/csms/{secret_id}/tags"},
    {"GET", "/v1/{project_id}/csms/{secret_id}/tags"},
    {"DELETE", "/v1/{project_id}/csms/{secret_id}/tags/{key}"},
    {"POST", "/v1/{project_id}/csms/{secret_id}/tags/action"},
    {"GET", "/v1/{project_id}/csms/tags"},
    {"POST", "/v1/{project_id}/csms/resource_instances/action"},
    {"GET", "/v1/csms/users"},
    {"POST", "/v1/csms/users/change-password"},
    {"GET", "/v1/csms/users/{user_id}"},
};

}  // namespace csms::fuzz
