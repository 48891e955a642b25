// The definitions of sql::EventRepositoryOn (event_repository.h), included once by each engine's .cc
// after its query.h: Exec, InsertOne, QueryOne and QueryMany are the engine's, found through
// the connection's namespace.
//
// Storage of event notification rules.
#pragma once

#include <algorithm>
#include "store/sql/event_repository.h"

#include "common/errors.h"
#include "store/sql/row_errors.h"

namespace csms::sql {
namespace {

std::string JoinEventTypes(const std::vector<EventType>& types) {
  std::string out;
  for (EventType t : types) {
    if (!out.empty()) out += ',';
    out += EventTypeName(t);
  }
  return out;
}

// The stored list as JoinEventTypes wrote it; an unknown name fails (ParseEventType decodes each).
Status SplitEventTypes(std::string_view text, const std::string& row, std::vector<EventType>* out) {
  out->clear();
  out->reserve(std::count(text.begin(), text.end(), ',') + 1);  // one allocation per row, not three
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    CSMS_RETURN_IF_ERROR(DecodeColumn(text.substr(start, end - start), ParseEventType, "events", row, "event_types",
                                      &out->emplace_back()));
    start = end + 1;
  }
  return Status::OK();
}

template <typename Statement>
void BindEvent(Statement& s, const Event& e) {
  s.Bind(1, e.project_id)
      .Bind(2, e.name)
      .Bind(3, e.event_id)
      .Bind(4, JoinEventTypes(e.event_types))
      .Bind(5, EventStateName(e.state))
      .Bind(6, TargetTypeName(e.notification.type))
      .Bind(7, e.notification.id)
      .Bind(8, e.notification.name)
      .Bind(9, e.create_time)
      .Bind(10, e.update_time)
      .Bind(11, e.representation);
}
template <typename Statement>
Status ReadEvent(Statement& s, Event* out) {
  Event& e = *out;
  e = Event();
  e.project_id = s.Text(0);
  e.name = s.Text(1);
  e.event_id = s.Text(2);
  const std::string row = e.project_id + "/" + e.name;
  CSMS_RETURN_IF_ERROR(SplitEventTypes(s.TextView(3), row, &e.event_types));
  CSMS_RETURN_IF_ERROR(DecodeColumn(s.TextView(4), ParseEventState, "events", row, "state", &e.state));
  CSMS_RETURN_IF_ERROR(
      DecodeColumn(s.TextView(5), ParseTargetType, "events", row, "target_type", &e.notification.type));
  e.notification.id = s.Text(6);
  e.notification.name = s.Text(7);
  e.create_time = s.Int(8);
  e.update_time = s.Int(9);
  e.representation = s.Text(10);
  return Status::OK();
}

}  // namespace

template <typename D>
Status EventRepositoryOn<D>::Count(const std::string& project_id, int64_t* count) {
  return QueryOne(
      conn_, "SELECT count(*) FROM events WHERE project_id = ?1", "count", [&](Statement& s) { s.Bind(1, project_id); },
      [&](Statement& s) { *count = s.Int(0); });
}
template <typename D>
Status EventRepositoryOn<D>::Insert(const Event& e) {
  return InsertOne(
      conn_,
      "INSERT INTO events (project_id, name, event_id, event_types, state, target_type, target_id, target_name, "
      "create_time, update_time, representation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO "
      "NOTHING",
      "events row", [&](Statement& s) { BindEvent(s, e); });
}
template <typename D>
Status EventRepositoryOn<D>::Get(const std::string& project_id, const std::string& name, Event* out) {
  return QueryOne(
      conn_,
      "SELECT project_id, name, event_id, event_types, state, target_type, target_id, target_name, create_time, "
      "update_time, representation FROM events WHERE project_id = ?1 AND name = ?2",
      "event", [&](Statement& s) { s.Bind(1, project_id).Bind(2, name); },
      [&](Statement& s) { return ReadEvent(s, out); });
}
template <typename D>
Status EventRepositoryOn<D>::Update(const Event& e) {
  return ExecOne(
      conn_,
      "UPDATE events SET event_id = ?3, event_types = ?4, state = ?5, target_type = ?6, target_id = ?7, "
      "target_name = ?8, create_time = ?9, update_time = ?10, representation = ?11 WHERE project_id = ?1 AND name = ?2",
      "event", [&](Statement& s) { BindEvent(s, e); });
}
template <typename D>
Status EventRepositoryOn<D>::Delete(const std::string& project_id, const std::string& name) {
  return ExecOne(conn_, "DELETE FROM events WHERE project_id = ?1 AND name = ?2", "event",
                 [&](Statement& s) { s.Bind(1, project_id).Bind(2, name); });
}
template <typename D>
Status EventRepositoryOn<D>::Generation(const std::string& project_id, int64_t* out) {
  *out = 0;
  Status s = QueryOne(
      conn_, "SELECT generation FROM event_generations WHERE project_id = ?1", "generation",
      [&](Statement& st) { st.Bind(1, project_id); }, [&](Statement& st) { *out = st.Int(0); });
  return s.IsNotFound() ? Status::OK() : s;
}

template <typename D>
Status EventRepositoryOn<D>::ListRepresentations(const std::string& project_id, const std::string& after_name,
                                                 int limit, const RepresentationFn& row) {
  return QueryMany(
      conn_, "SELECT name, representation FROM events WHERE project_id = ?1 AND name > ?2 ORDER BY name LIMIT ?3",
      [&](Statement& s) { s.Bind(1, project_id).Bind(2, after_name).Bind(3, limit); },
      [&](Statement& s) { return row(s.TextView(0), s.TextView(1)); });
}

}  // namespace csms::sql
