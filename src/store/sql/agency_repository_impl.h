// The definitions of sql::AgencyRepositoryOn (agency_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
#pragma once

#include "common/errors.h"
#include "store/sql/agency_repository.h"

namespace csms::sql {

template <typename D>
Status AgencyRepositoryOn<D>::Insert(const Agency& a) {
  return InsertOne(conn_,
                   "INSERT INTO agencies (domain_id, secret_type, agency_id, agency_name, create_time) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                   "agencies row", [&](Statement& s) {
                     s.Bind(1, a.domain_id).Bind(2, a.secret_type).Bind(3, a.agency_id).Bind(4, a.agency_name);
                     s.Bind(5, a.create_time);
                   });
}

template <typename D>
Status AgencyRepositoryOn<D>::Get(const std::string& domain_id, const std::string& secret_type, Agency* out) {
  return QueryOne(
      conn_, "SELECT agency_id, agency_name, create_time FROM agencies WHERE domain_id = ?1 AND secret_type = ?2",
      "agency", [&](Statement& s) { s.Bind(1, domain_id).Bind(2, secret_type); },
      [&](Statement& s) {
        out->domain_id = domain_id;
        out->secret_type = secret_type;
        out->agency_id = s.Text(0);
        out->agency_name = s.Text(1);
        out->create_time = s.Int(2);
      });
}

}  // namespace csms::sql
