#include "app/db_instance_admin.h"

namespace csms {
namespace {

void Print(const DbInstance& i, std::ostream& out) {
  out << "instance_id=" << i.instance_id << " engine=" << i.engine << " host=" << i.host << " port=" << i.port
      << " tls_mode=" << i.tls_mode << " ca_file=" << i.ca_file << " admin_secret=" << i.admin_secret << "\n";
}

}  // namespace

Status RunDbInstanceAdmin(DbInstanceService& instances, const AdminCommand& cmd, std::ostream& out) {
  switch (cmd.kind) {
    case AdminCommand::kCreateDbInstance: {
      DbInstance created;
      CSMS_RETURN_IF_ERROR(instances.Create(cmd.db_instance, &created));
      Print(created, out);
      return Status::OK();
    }
    case AdminCommand::kListDbInstances: {
      std::vector<DbInstance> list;
      CSMS_RETURN_IF_ERROR(instances.List(cmd.db_instance.project_id, &list));
      for (const auto& i : list) Print(i, out);
      return Status::OK();
    }
    case AdminCommand::kDeleteDbInstance:
      CSMS_RETURN_IF_ERROR(instances.Delete(cmd.db_instance.project_id, cmd.db_instance.instance_id));
      out << "deleted=" << cmd.db_instance.instance_id << "\n";
      return Status::OK();
    default:
      return Status::OK();
  }
}

}  // namespace csms
