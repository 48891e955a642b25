#include "app/group_admin.h"

namespace csms {

Status RunGroupAdmin(IdentityService& identity, const AdminCommand& cmd, std::ostream& out) {
  switch (cmd.kind) {
    case AdminCommand::kCreateGroup: {
      Group g;
      CSMS_RETURN_IF_ERROR(identity.CreateGroup(cmd.domain, cmd.name, &g));
      out << "group=" << g.name << "\nid=" << g.id << "\n";
      return Status::OK();
    }
    case AdminCommand::kAddGroupMember:
      CSMS_RETURN_IF_ERROR(identity.AddGroupMember(cmd.domain, cmd.group, cmd.name));
      out << "group=" << cmd.group << "\nadded=" << cmd.name << "\n";
      return Status::OK();
    case AdminCommand::kRemoveGroupMember:
      CSMS_RETURN_IF_ERROR(identity.RemoveGroupMember(cmd.domain, cmd.group, cmd.name));
      out << "group=" << cmd.group << "\nremoved=" << cmd.name << "\n";
      return Status::OK();
    case AdminCommand::kListGroups: {
      std::vector<IdentityService::GroupWithMembers> groups;
      CSMS_RETURN_IF_ERROR(identity.ListGroups(cmd.domain, &groups));
      for (const auto& item : groups) {
        out << "group=" << item.group.name << " id=" << item.group.id << " members=";
        for (size_t i = 0; i < item.members.size(); ++i) out << (i ? "," : "") << item.members[i].name;
        out << "\n";
      }
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

}  // namespace csms
