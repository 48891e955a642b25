#include "service/db_instance_service.h"

#include "common/errors.h"

namespace csms {

Status DbInstanceService::Create(DbInstance instance, DbInstance* out) {
  CSMS_RETURN_IF_ERROR(CheckDbInstance(instance));
  instance.create_time = clock_->NowMillis();
  CSMS_RETURN_IF_ERROR(store_->Write([&](Transaction& tx) -> Status {
    Project project;
    Status s = tx.identity().GetProjectById(instance.project_id, &project);
    if (s.IsNotFound()) return errors::ResourceNotFound("project " + instance.project_id + " does not exist");
    CSMS_RETURN_IF_ERROR(s);
    s = tx.db_instances().Insert(instance);
    if (s.IsConflict()) {
      return errors::NameTaken("database instance " + instance.instance_id + " already exists in the project");
    }
    return s;
  }));
  *out = std::move(instance);
  return Status::OK();
}

Status DbInstanceService::List(const std::string& project_id, std::vector<DbInstance>* out) {
  return store_->Read([&](Transaction& tx) { return tx.db_instances().List(project_id, out); });
}

Status DbInstanceService::Delete(const std::string& project_id, const std::string& instance_id) {
  return store_->Write([&](Transaction& tx) -> Status {
    Status s = tx.db_instances().Delete(project_id, instance_id);
    if (s.IsNotFound()) return errors::ResourceNotFound("no database instance " + instance_id + " in the project");
    return s;
  });
}

}  // namespace csms
