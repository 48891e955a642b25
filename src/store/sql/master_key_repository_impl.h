// The definitions of sql::MasterKeyRepositoryOn (master_key_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of master-key versions and of the re-wrap's progress. Access-key secrets are Base64 text
// (as access_key_repository_impl.h stores them); the other seals are blobs.
#pragma once

#include "common/errors.h"
#include "store/sql/master_key_repository.h"

#include "crypto/encoding.h"
#include "store/sql/row_errors.h"

namespace csms::sql {

template <typename D>
Status MasterKeyRepositoryOn<D>::ListVersions(std::vector<MasterKeyVersion>* out) {
  out->clear();
  return QueryMany(
      conn_,
      "SELECT version, provider, file, pkcs11_module, pkcs11_token, pkcs11_key, pkcs11_pin_file, fingerprint, "
      "check_value, state, create_time, retire_time FROM master_key_versions ORDER BY version",
      [](Statement&) {},
      [&](Statement& s) {
        MasterKeyVersion v;
        v.version = s.Int(0);
        v.provider = s.Text(1);
        v.file = s.Text(2);
        v.pkcs11_module = s.Text(3);
        v.pkcs11_token = s.Text(4);
        v.pkcs11_key = s.Text(5);
        v.pkcs11_pin_file = s.Text(6);
        v.fingerprint = s.Text(7);
        v.check_value = s.Blob(8);
        v.state = s.Text(9);
        v.create_time = s.Int(10);
        v.retire_time = s.OptInt(11);
        out->push_back(std::move(v));
      });
}

template <typename D>
Status MasterKeyRepositoryOn<D>::InsertVersion(const MasterKeyVersion& v) {
  return Exec(conn_,
              "INSERT INTO master_key_versions (version, provider, file, pkcs11_module, pkcs11_token, pkcs11_key, "
              "pkcs11_pin_file, fingerprint, check_value, state, create_time, retire_time) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
              [&](Statement& s) {
                s.Bind(1, v.version).Bind(2, v.provider).Bind(3, v.file).Bind(4, v.pkcs11_module);
                s.Bind(5, v.pkcs11_token).Bind(6, v.pkcs11_key).Bind(7, v.pkcs11_pin_file).Bind(8, v.fingerprint);
                s.BindBlob(9, v.check_value).Bind(10, v.state).Bind(11, v.create_time).BindOpt(12, v.retire_time);
              });
}

template <typename D>
Status MasterKeyRepositoryOn<D>::SetVersionState(int64_t version, const std::string& state,
                                                 std::optional<int64_t> retire_time) {
  return ExecOne(conn_, "UPDATE master_key_versions SET state = ?2, retire_time = ?3 WHERE version = ?1",
                 "master key version",
                 [&](Statement& s) { s.Bind(1, version).Bind(2, state).BindOpt(3, retire_time); });
}

template <typename D>
Status MasterKeyRepositoryOn<D>::GetRewrap(RewrapState* out) {
  return QueryOne(
      conn_,
      "SELECT target_version, pass, kind, cursor1, cursor2, cursor3, cursor_number, scanned, rewrapped, pass_moved, "
      "unreadable, start_time, update_time, finish_time FROM master_key_rewrap WHERE id = 1",
      "re-wrap", [](Statement&) {},
      [&](Statement& s) -> Status {
        RewrapState& r = *out;
        r.target_version = s.Int(0);
        r.pass = s.Int(1);
        int64_t kind = s.Int(2);
        if (kind < 0 || kind > static_cast<int64_t>(SealedKind::kDone)) {
          return UnreadableColumn("master_key_rewrap", "1", "kind", std::to_string(kind));
        }
        r.kind = static_cast<SealedKind>(kind);
        r.cursor1 = s.Text(3);
        r.cursor2 = s.Text(4);
        r.cursor3 = s.Text(5);
        r.cursor_number = s.Int(6);
        r.scanned = s.Int(7);
        r.rewrapped = s.Int(8);
        r.pass_moved = s.Int(9);
        r.unreadable = s.Int(10);
        r.start_time = s.Int(11);
        r.update_time = s.Int(12);
        r.finish_time = s.OptInt(13);
        return Status::OK();
      });
}

template <typename D>
Status MasterKeyRepositoryOn<D>::PutRewrap(const RewrapState& r) {
  return Exec(conn_,
              "INSERT INTO master_key_rewrap (id, target_version, pass, kind, cursor1, cursor2, cursor3, "
              "cursor_number, scanned, rewrapped, pass_moved, unreadable, start_time, update_time, finish_time) "
              "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT (id) DO UPDATE SET "
              "target_version = EXCLUDED.target_version, pass = EXCLUDED.pass, kind = EXCLUDED.kind, "
              "cursor1 = EXCLUDED.cursor1, cursor2 = EXCLUDED.cursor2, cursor3 = EXCLUDED.cursor3, "
              "cursor_number = EXCLUDED.cursor_number, scanned = EXCLUDED.scanned, rewrapped = EXCLUDED.rewrapped, "
              "pass_moved = EXCLUDED.pass_moved, unreadable = EXCLUDED.unreadable, start_time = EXCLUDED.start_time, "
              "update_time = EXCLUDED.update_time, finish_time = EXCLUDED.finish_time",
              [&](Statement& s) {
                s.Bind(1, r.target_version).Bind(2, r.pass).Bind(3, static_cast<int64_t>(r.kind));
                s.Bind(4, r.cursor1).Bind(5, r.cursor2).Bind(6, r.cursor3).Bind(7, r.cursor_number);
                s.Bind(8, r.scanned).Bind(9, r.rewrapped).Bind(10, r.pass_moved).Bind(11, r.unreadable);
                s.Bind(12, r.start_time).Bind(13, r.update_time).BindOpt(14, r.finish_time);
              });
}

template <typename D>
Status MasterKeyRepositoryOn<D>::ListSealed(SealedKind kind, const RewrapState& from, const std::string& kms_key_id,
                                            int limit, std::vector<SealedRow>* out) {
  out->clear();
  switch (kind) {
    case SealedKind::kVersionKeys:
      return QueryMany(
          conn_,
          "SELECT v.secret_id, s.project_id, s.name, v.number, v.wrapped_key FROM versions v "
          "JOIN secrets s ON s.id = v.secret_id WHERE v.kms_key_id = ?1 AND (v.secret_id, v.number) > (?2, ?3) "
          "ORDER BY v.secret_id, v.number LIMIT ?4",
          [&](Statement& s) { s.Bind(1, kms_key_id).Bind(2, from.cursor1).Bind(3, from.cursor_number).Bind(4, limit); },
          [&](Statement& s) {
            out->push_back(SealedRow{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Blob(4)});
          });
    case SealedKind::kAccessKeys:
      return QueryMany(
          conn_, "SELECT access_key, sealed_secret FROM access_keys WHERE access_key > ?1 ORDER BY access_key LIMIT ?2",
          [&](Statement& s) { s.Bind(1, from.cursor1).Bind(2, limit); },
          [&](Statement& s) -> Status {
            std::string ak = s.Text(0);
            std::optional<std::string> sealed = crypto::Base64Decode(s.TextView(1));
            if (!sealed) return UnreadableColumn("access_keys", ak, "sealed_secret", "(not Base64)");
            out->push_back(SealedRow{ak, "", "", 0, std::move(*sealed)});
            return Status::OK();
          });
    case SealedKind::kWebhookSecrets:
      return QueryMany(
          conn_,
          "SELECT project_id, event_name, secret_id, sealed FROM webhook_secrets "
          "WHERE (project_id, event_name, secret_id) > (?1, ?2, ?3) ORDER BY project_id, event_name, secret_id "
          "LIMIT ?4",
          [&](Statement& s) { s.Bind(1, from.cursor1).Bind(2, from.cursor2).Bind(3, from.cursor3).Bind(4, limit); },
          [&](Statement& s) {
            out->push_back(SealedRow{s.Text(0), s.Text(1), s.Text(2), 0, s.Blob(3)});
          });
    case SealedKind::kDone:
      return Status::OK();
  }
  return Status::OK();
}

template <typename D>
Status MasterKeyRepositoryOn<D>::ReplaceSealed(SealedKind kind, const SealedRow& row, const std::string& new_sealed,
                                               bool* updated) {
  Status s;
  switch (kind) {
    case SealedKind::kVersionKeys:
      s = Exec(conn_, "UPDATE versions SET wrapped_key = ?3 WHERE secret_id = ?1 AND number = ?2 AND wrapped_key = ?4",
               [&](Statement& st) {
                 st.Bind(1, row.key1).Bind(2, row.number).BindBlob(3, new_sealed).BindBlob(4, row.sealed);
               });
      break;
    case SealedKind::kAccessKeys:
      s = Exec(
          conn_, "UPDATE access_keys SET sealed_secret = ?2 WHERE access_key = ?1 AND sealed_secret = ?3",
          [&](Statement& st) {
            st.Bind(1, row.key1).Bind(2, crypto::Base64Encode(new_sealed)).Bind(3, crypto::Base64Encode(row.sealed));
          });
      break;
    case SealedKind::kWebhookSecrets:
      s = Exec(
          conn_,
          "UPDATE webhook_secrets SET sealed = ?4 WHERE project_id = ?1 AND event_name = ?2 AND secret_id = ?3 "
          "AND sealed = ?5",
          [&](Statement& st) {
            st.Bind(1, row.key1).Bind(2, row.key2).Bind(3, row.key3).BindBlob(4, new_sealed).BindBlob(5, row.sealed);
          });
      break;
    case SealedKind::kDone:
      break;
  }
  CSMS_RETURN_IF_ERROR(s);
  *updated = conn_.changes() > 0;
  return Status::OK();
}

template <typename D>
Status MasterKeyRepositoryOn<D>::CountSealed(SealedKind kind, const std::string& kms_key_id, int64_t* out) {
  *out = 0;
  const char* sql = kind == SealedKind::kVersionKeys  ? "SELECT count(*) FROM versions WHERE kms_key_id = ?1"
                    : kind == SealedKind::kAccessKeys ? "SELECT count(*) FROM access_keys WHERE ?1 IS NOT NULL"
                                                      : "SELECT count(*) FROM webhook_secrets WHERE ?1 IS NOT NULL";
  if (kind == SealedKind::kDone) return Status::OK();
  return QueryOne(
      conn_, sql, "count", [&](Statement& s) { s.Bind(1, kms_key_id); }, [&](Statement& s) { *out = s.Int(0); });
}

template <typename D>
Status MasterKeyRepositoryOn<D>::ReplaceKeyCheck(const std::string& alias, const std::string& sealed) {
  return Exec(conn_, "UPDATE kms_keys SET check_value = ?2 WHERE alias = ?1",
              [&](Statement& s) { s.Bind(1, alias).BindBlob(2, sealed); });
}

}  // namespace csms::sql
