// The definitions of sql::AccessKeyRepositoryOn (access_key_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of access keys. The sealed SK is binary; it is stored as Base64 text.
#pragma once

#include "common/errors.h"
#include "crypto/encoding.h"
#include "store/sql/access_key_repository.h"
#include "store/sql/row_errors.h"

namespace csms::sql {
namespace {

#define CSMS_ACCESS_KEY_COLUMNS                                                                               \
  "k.access_key, k.user_id, k.sealed_secret, k.security_token_hash, k.description, k.status, k.create_time, " \
  "k.expires_at, k.revoke_time"

std::optional<AccessKeyStatus> ParseAccessKeyStatus(std::string_view text) {
  for (AccessKeyStatus st : {AccessKeyStatus::kActive, AccessKeyStatus::kRevoked}) {
    if (AccessKeyStatusName(st) == text) return st;
  }
  return std::nullopt;
}

template <typename Statement>
Status ReadAccessKey(Statement& s, AccessKey* out) {
  AccessKey& k = *out;
  k = AccessKey();
  k.access_key = s.Text(0);
  k.user_id = s.Text(1);
  std::optional<std::string> sealed = crypto::Base64Decode(s.TextView(2));
  if (!sealed) return UnreadableColumn("access_keys", k.access_key, "sealed_secret", "(not Base64)");
  k.sealed_secret = std::move(*sealed);
  k.security_token_hash = s.IsNull(3) ? "" : s.Text(3);
  k.description = s.Text(4);
  CSMS_RETURN_IF_ERROR(
      DecodeColumn(s.TextView(5), ParseAccessKeyStatus, "access_keys", k.access_key, "status", &k.status));
  k.create_time = s.Int(6);
  if (!s.IsNull(7)) k.expires_at = s.Int(7);
  if (!s.IsNull(8)) k.revoke_time = s.Int(8);
  return Status::OK();
}

}  // namespace

template <typename D>
Status AccessKeyRepositoryOn<D>::Insert(const AccessKey& k) {
  return InsertOne(
      conn_,
      "INSERT INTO access_keys (access_key, user_id, sealed_secret, security_token_hash, description, status, "
      "create_time, expires_at, revoke_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
      "access_keys row", [&](Statement& s) {
        s.Bind(1, k.access_key).Bind(2, k.user_id).Bind(3, crypto::Base64Encode(k.sealed_secret));
        if (k.security_token_hash.empty())
          s.BindNull(4);
        else
          s.Bind(4, k.security_token_hash);
        s.Bind(5, k.description).Bind(6, AccessKeyStatusName(k.status)).Bind(7, k.create_time);
        if (k.expires_at)
          s.Bind(8, *k.expires_at);
        else
          s.BindNullInt(8);
        if (k.revoke_time)
          s.Bind(9, *k.revoke_time);
        else
          s.BindNullInt(9);
      });
}

template <typename D>
Status AccessKeyRepositoryOn<D>::Get(const std::string& access_key, AccessKey* out) {
  return QueryOne(
      conn_, "SELECT " CSMS_ACCESS_KEY_COLUMNS " FROM access_keys k WHERE k.access_key = ?1", "access key",
      [&](Statement& s) { s.Bind(1, access_key); }, [&](Statement& s) { return ReadAccessKey(s, out); });
}

template <typename D>
Status AccessKeyRepositoryOn<D>::List(const std::string& domain_id, const std::string& user_id,
                                      std::vector<AccessKey>* out) {
  return QueryMany(
      conn_,
      "SELECT " CSMS_ACCESS_KEY_COLUMNS
      " FROM access_keys k JOIN users u ON u.id = k.user_id "
      "WHERE u.domain_id = ?1 AND (?2 = '' OR k.user_id = ?2) ORDER BY k.create_time, k.access_key",
      [&](Statement& s) { s.Bind(1, domain_id).Bind(2, user_id); },
      [&](Statement& s) { return ReadAccessKey(s, &out->emplace_back()); });
}

template <typename D>
Status AccessKeyRepositoryOn<D>::Revoke(const std::string& access_key, int64_t now_ms) {
  return ExecOne(conn_,
                 "UPDATE access_keys SET status = 'revoked', revoke_time = coalesce(revoke_time, ?2) "
                 "WHERE access_key = ?1",
                 "access key", [&](Statement& s) { s.Bind(1, access_key).Bind(2, now_ms); });
}

template <typename D>
Status AccessKeyRepositoryOn<D>::DeleteExpiredBefore(int64_t before_ms, int64_t* deleted) {
  Status s = Exec(conn_, "DELETE FROM access_keys WHERE expires_at IS NOT NULL AND expires_at < ?1",
                  [&](Statement& st) { st.Bind(1, before_ms); });
  *deleted = s.ok() ? conn_.changes() : 0;
  return s;
}

#undef CSMS_ACCESS_KEY_COLUMNS

}  // namespace csms::sql
