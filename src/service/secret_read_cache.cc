#include "service/secret_read_cache.h"

#include <chrono>
#include <functional>

#include "service/secret_service.h"

namespace csms {

namespace {

int64_t SteadyMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Fields joined by '\n', which no project id, secret name or version id holds.
std::string EntryKey(std::string_view project_id, std::string_view name, std::string_view version_id) {
  std::string key;
  key.reserve(project_id.size() + name.size() + version_id.size() + 2);
  key.append(project_id).append(1, '\n').append(name).append(1, '\n').append(version_id);
  return key;
}

}  // namespace

SecretReadCache::SecretReadCache(int64_t memory_millis) : memory_millis_(memory_millis) {}

SecretReadCache::~SecretReadCache() = default;

size_t SecretReadCache::NameSlot(std::string_view project_id, std::string_view name) {
  size_t h = std::hash<std::string_view>{}(project_id);
  h ^= std::hash<std::string_view>{}(name) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h % kSlots;
}

size_t SecretReadCache::IdSlot(std::string_view secret_id) { return std::hash<std::string_view>{}(secret_id) % kSlots; }

SecretReadCache::Ticket SecretReadCache::Before(std::string_view project_id, std::string_view name) const {
  Ticket ticket;
  if (!enabled()) return ticket;
  ticket.taken_at = SteadyMillis();
  // The counts before the id: an id learned after a count moved is checked against the newer
  // count, never the reverse.
  ticket.name_writes = name_writes_[NameSlot(project_id, name)].load(std::memory_order_acquire);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(EntryKey(project_id, name, ""));
    if (it != entries_.end()) ticket.secret_id = it->second.secret_id;
  }
  if (!ticket.secret_id.empty())
    ticket.id_writes = id_writes_[IdSlot(ticket.secret_id)].load(std::memory_order_acquire);
  return ticket;
}

namespace {
size_t ValueBytes(const std::shared_ptr<const VersionView>& view) {
  return view && view->value ? view->value->size() : 0;
}
}  // namespace

void SecretReadCache::TrimLocked(int64_t now, Map* dropped) {
  if (entries_.size() >= kMaxEntries || value_bytes_ >= kMaxValueBytes) {
    dropped->swap(entries_);  // bounded; refills on demand
    value_bytes_ = 0;
    last_sweep_ = now;
    return;
  }
  if (now - last_sweep_ < memory_millis_) return;
  last_sweep_ = now;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.view && now - it->second.read_at >= memory_millis_) {
      value_bytes_ -= ValueBytes(it->second.view);
      dropped->insert(entries_.extract(it++));
    } else {
      ++it;
    }
  }
}

void SecretReadCache::Remember(std::string_view project_id, std::string_view name, std::string_view version_id,
                               const Ticket& ticket, const std::string& secret_id,
                               std::shared_ptr<const VersionView> view) {
  if (!enabled()) return;
  Map dropped;                                  // released (values wiped) outside the lock
  std::shared_ptr<const VersionView> replaced;  // likewise
  std::lock_guard<std::mutex> lock(mu_);
  TrimLocked(SteadyMillis(), &dropped);
  Entry& known = entries_[EntryKey(project_id, name, "")];
  known.secret_id = secret_id;
  if (ticket.secret_id != secret_id) return;  // learned the id; the next read can be kept
  Entry& entry = entries_[EntryKey(project_id, name, version_id)];
  value_bytes_ -= ValueBytes(entry.view);
  replaced = std::move(entry.view);
  value_bytes_ += ValueBytes(view);
  entry = Entry{secret_id, ticket.name_writes, ticket.id_writes, ticket.taken_at, std::move(view)};
}

bool SecretReadCache::Find(std::string_view project_id, std::string_view name, std::string_view version_id,
                           std::shared_ptr<const VersionView>* out) {
  if (!enabled()) return false;
  const uint64_t name_writes = name_writes_[NameSlot(project_id, name)].load(std::memory_order_acquire);
  const int64_t now = SteadyMillis();
  Map dropped;  // released (values wiped) outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  TrimLocked(now, &dropped);
  auto it = entries_.find(EntryKey(project_id, name, version_id));
  if (it == entries_.end() || !it->second.view) return false;
  const Entry& e = it->second;
  if (e.name_writes != name_writes || now - e.read_at >= memory_millis_ ||
      e.id_writes != id_writes_[IdSlot(e.secret_id)].load(std::memory_order_acquire)) {
    value_bytes_ -= ValueBytes(e.view);
    dropped.insert(entries_.extract(it));
    return false;
  }
  *out = e.view;
  return true;
}

void SecretReadCache::NameWritten(std::string_view project_id, std::string_view name) {
  name_writes_[NameSlot(project_id, name)].fetch_add(1, std::memory_order_acq_rel);
}

void SecretReadCache::IdWritten(std::string_view secret_id) {
  if (!secret_id.empty()) id_writes_[IdSlot(secret_id)].fetch_add(1, std::memory_order_acq_rel);
}

namespace {
// A write usually touches one secret several times (its row, a version, a stage): one count each.
void AddSlot(std::vector<uint32_t>& slots, size_t slot) {
  if (slots.empty() || slots.back() != slot) slots.push_back(static_cast<uint32_t>(slot));
}
}  // namespace

void SecretReadCache::Touched::Name(std::string_view project_id, std::string_view name) {
  AddSlot(name_slots_, NameSlot(project_id, name));
}

void SecretReadCache::Touched::Id(std::string_view secret_id) {
  if (!secret_id.empty()) AddSlot(id_slots_, IdSlot(secret_id));
}

void SecretReadCache::Written(const Touched& touched) {
  for (uint32_t slot : touched.name_slots_) name_writes_[slot].fetch_add(1, std::memory_order_acq_rel);
  for (uint32_t slot : touched.id_slots_) id_writes_[slot].fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace csms
