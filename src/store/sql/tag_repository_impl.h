// The definitions of sql::TagRepositoryOn (tag_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Secret tags (table secret_tags; schema.cc). ListResourceInstances' filters are one statement:
// each tag filter is an IN over the index secret_tags_by_project (project_id, key, value,
// secret_id), the name filter a substring search (D::kSubstringAt) on the project's secrets.
#pragma once

#include <string>
#include <vector>
#include "common/errors.h"
#include "store/sql/tag_repository.h"

namespace csms::sql {
namespace {

// The WHERE clause of a resource query over `secrets s`, with its parameters in order (?1 is
// the project). The SQL text depends only on the shape of the query (how many filters and
// values), so the statement cache holds few variants.
template <typename D>
std::string ResourceWhere(const TagResourceQuery& q, std::vector<std::string>* params) {
  params->push_back(q.project_id);
  std::string sql = " WHERE s.project_id = ?1";
  if (q.name_contains) {
    params->push_back(*q.name_contains);
    sql += std::string(" AND ") + D::kSubstringAt + "(s.name, ?" + std::to_string(params->size()) + ") > 0";
  }
  for (const TagFilter& f : q.tags) {
    params->push_back(f.key);
    sql += " AND s.id IN (SELECT t.secret_id FROM secret_tags t WHERE t.project_id = ?1 AND t.key = ?" +
           std::to_string(params->size());
    if (!f.values.empty()) {
      sql += " AND t.value IN (";
      for (size_t i = 0; i < f.values.size(); ++i) {
        params->push_back(f.values[i]);
        sql += (i ? ", ?" : "?") + std::to_string(params->size());
      }
      sql += ")";
    }
    sql += ")";
  }
  return sql;
}

}  // namespace

template <typename D>
Status TagRepositoryOn<D>::List(const std::string& secret_id, std::vector<Tag>* out) {
  return QueryMany(
      conn_, "SELECT key, value FROM secret_tags WHERE secret_id = ?1 ORDER BY key",
      [&](Statement& s) { s.Bind(1, secret_id); },
      [&](Statement& s) {
        out->push_back(Tag{s.Text(0), s.Text(1)});
      });
}

template <typename D>
Status TagRepositoryOn<D>::Count(const std::string& secret_id, int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM secret_tags WHERE secret_id = ?1", "count",
      [&](Statement& s) { s.Bind(1, secret_id); }, [&](Statement& s) { *count = s.Int(0); });
}

template <typename D>
Status TagRepositoryOn<D>::Put(const std::string& project_id, const std::string& secret_id, const Tag& tag) {
  return Exec(conn_,
              "INSERT INTO secret_tags (secret_id, key, value, project_id) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT (secret_id, key) DO UPDATE SET value = excluded.value",
              [&](Statement& s) { s.Bind(1, secret_id).Bind(2, tag.key).Bind(3, tag.value).Bind(4, project_id); });
}

template <typename D>
Status TagRepositoryOn<D>::Delete(const std::string& secret_id, const std::string& key) {
  return ExecOne(conn_, "DELETE FROM secret_tags WHERE secret_id = ?1 AND key = ?2", "tag",
                 [&](Statement& s) { s.Bind(1, secret_id).Bind(2, key); });
}

template <typename D>
Status TagRepositoryOn<D>::ListProjectTags(const std::string& project_id, std::vector<Tag>* out) {
  return QueryMany(
      conn_, "SELECT DISTINCT key, value FROM secret_tags WHERE project_id = ?1 ORDER BY key, value",
      [&](Statement& s) { s.Bind(1, project_id); },
      [&](Statement& s) {
        out->push_back(Tag{s.Text(0), s.Text(1)});
      });
}

template <typename D>
Status TagRepositoryOn<D>::FindSecretIds(const TagResourceQuery& q, std::vector<std::string>* out) {
  std::vector<std::string> params;
  std::string sql = "SELECT s.id FROM secrets s" + ResourceWhere<D>(q, &params);
  int n = static_cast<int>(params.size());
  sql += " ORDER BY s.name LIMIT ?" + std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2);
  return QueryMany(
      conn_, sql,
      [&](Statement& s) {
        for (int i = 0; i < n; ++i) s.Bind(i + 1, params[i]);
        s.Bind(n + 1, q.limit).Bind(n + 2, q.offset);
      },
      [&](Statement& s) { out->push_back(s.Text(0)); });
}

template <typename D>
Status TagRepositoryOn<D>::CountSecrets(const TagResourceQuery& q, int64_t* count) {
  std::vector<std::string> params;
  std::string sql = "SELECT count(*) FROM secrets s" + ResourceWhere<D>(q, &params);
  return QueryOne(
      conn_, sql, "count",
      [&](Statement& s) {
        for (size_t i = 0; i < params.size(); ++i) s.Bind(static_cast<int>(i + 1), params[i]);
      },
      [&](Statement& s) { *count = s.Int(0); });
}

}  // namespace csms::sql
