// The SQLite repositories, one per area, each bound to the connection of one transaction.
#pragma once

#include "store/event_repository.h"
#include "store/identity_repository.h"
#include "store/record_repository.h"
#include "store/sqlite/connection.h"

namespace csms::sqlite {

class SqliteIdentityRepository final : public IdentityRepository {
 public:
  explicit SqliteIdentityRepository(Connection& conn) : conn_(conn) {}
  Status InsertDomain(const Domain& domain) override;
  Status GetDomainByName(const std::string& name, Domain* out) override;
  Status GetDomainById(const std::string& id, Domain* out) override;
  Status InsertProject(const Project& project) override;
  Status GetProjectById(const std::string& id, Project* out) override;
  Status GetProjectByName(const std::string& domain_id, const std::string& name, Project* out) override;
  Status ListProjects(const std::string& domain_id, std::vector<Project>* out) override;
  Status InsertUser(const User& user) override;
  Status GetUserByName(const std::string& domain_id, const std::string& name, User* out) override;
  Status GetUserById(const std::string& id, User* out) override;
  Status UpdateUserPassword(const std::string& user_id, const std::string& password_hash) override;
  Status InsertToken(const TokenRecord& token) override;
  Status GetToken(const std::string& token_hash, TokenRecord* out) override;
  Status DeleteTokensExpiredBefore(int64_t now_ms, int64_t* deleted) override;

 private:
  Connection& conn_;
};

class SqliteEventRepository final : public EventRepository {
 public:
  explicit SqliteEventRepository(Connection& conn) : conn_(conn) {}
  Status Count(const std::string& project_id, int64_t* count) override;
  Status Insert(const Event& event) override;
  Status Get(const std::string& project_id, const std::string& name, Event* out) override;
  Status Update(const Event& event) override;
  Status Delete(const std::string& project_id, const std::string& name) override;
  Status List(const std::string& project_id, const std::string& after_name, int limit,
              std::vector<Event>* out) override;

 private:
  Connection& conn_;
};

class SqliteRecordRepository final : public RecordRepository {
 public:
  explicit SqliteRecordRepository(Connection& conn) : conn_(conn) {}
  Status Insert(const NotificationRecord& record) override;
  Status List(const RecordQuery& query, std::vector<NotificationRecord>* out) override;

 private:
  Connection& conn_;
};

}  // namespace csms::sqlite
