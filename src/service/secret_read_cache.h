// SecretReadCache: versions this process has just read (ShowSecretVersion), kept in memory for a
// moment so that the next read of the same version can be answered on an I/O thread without the
// store or a pool hop (decision 138). An entry is served only while
// - it is younger than `memory_millis` (another process's writes, e.g. a second csmsd on the same
//   SQLite file, are seen within that time), and
// - no write of this process that touched the secret has committed since the read began: the
//   store decorator of service/secret_write_tap.h reports every secret a committed write touched,
//   by (project, name) and by id, and the read takes its tickets before its transaction starts.
// So a read that begins after a write of this process was acknowledged never sees the value
// before it.
//
// Plaintext values are held: entries are bounded in number, bytes and age (every use of the cache
// drops the entries older than memory_millis, at most once per memory_millis), and a value is
// wiped from memory when its entry goes.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace csms {

struct VersionView;

class SecretReadCache {
 public:
  // memory_millis <= 0: nothing is ever served (Find is always false, Remember keeps nothing).
  explicit SecretReadCache(int64_t memory_millis);
  ~SecretReadCache();
  SecretReadCache(const SecretReadCache&) = delete;
  SecretReadCache& operator=(const SecretReadCache&) = delete;

  bool enabled() const { return memory_millis_ > 0; }

  // Taken before the store read whose answer may be remembered.
  struct Ticket {
    uint64_t name_writes = 0;
    std::string secret_id;  // the id this name had when last read here ("" = not known yet)
    uint64_t id_writes = 0;
    int64_t taken_at = 0;  // steady-clock ms: an entry's age counts from before its snapshot
  };
  Ticket Before(std::string_view project_id, std::string_view name) const;
  // Remembers what a read that took `ticket` found. A secret whose id the ticket did not know
  // (a first read, or one deleted and created again) is only noted: the next read can be kept.
  void Remember(std::string_view project_id, std::string_view name, std::string_view version_id, const Ticket& ticket,
                const std::string& secret_id, std::shared_ptr<const VersionView> view);
  // The version as a read of this process found it, under the rules above; false = read the store
  // (an entry found too old or written since is dropped).
  bool Find(std::string_view project_id, std::string_view name, std::string_view version_id,
            std::shared_ptr<const VersionView>* out);

  // The secrets one write touched, gathered while it runs (service/secret_write_tap.h). Not
  // thread-safe: one write's own.
  class Touched {
   public:
    void Name(std::string_view project_id, std::string_view name);
    void Id(std::string_view secret_id);

   private:
    friend class SecretReadCache;
    std::vector<uint32_t> name_slots_;
    std::vector<uint32_t> id_slots_;
  };
  // After the commit of a write (or its failure): what was read of those secrets before is no
  // longer served.
  void Written(const Touched& touched);
  // The same for one secret, at once: called as a write changes it, before its commit, so that
  // no entry read before the write is served once the change can be seen elsewhere (a pooled read,
  // a notification); Written after the commit drops what was read in between.
  void NameWritten(std::string_view project_id, std::string_view name);
  void IdWritten(std::string_view secret_id);

 private:
  // Write counts, hashed: a write moves the count of its slot, so it also drops the entries of the
  // other secrets that share the slot (harmless: they are read again).
  static constexpr size_t kSlots = 8192;
  // Bounds: entries (a version read, or a name's id learned) and the bytes of values held. Past
  // either, everything is dropped and refilled on demand.
  static constexpr size_t kMaxEntries = 8192;
  static constexpr size_t kMaxValueBytes = 16 << 20;
  static size_t NameSlot(std::string_view project_id, std::string_view name);
  static size_t IdSlot(std::string_view secret_id);

  struct Entry {
    std::string secret_id;
    uint64_t name_writes = 0;
    uint64_t id_writes = 0;
    int64_t read_at = 0;                      // steady-clock ms
    std::shared_ptr<const VersionView> view;  // null: only the id is known
  };
  using Map = std::unordered_map<std::string, Entry>;
  // Moves what is too old, or everything when over a bound, into *dropped (released after the
  // lock, so values are wiped outside it). mu_ held.
  void TrimLocked(int64_t now, Map* dropped);

  const int64_t memory_millis_;
  std::array<std::atomic<uint64_t>, kSlots> name_writes_{};
  std::array<std::atomic<uint64_t>, kSlots> id_writes_{};

  mutable std::mutex mu_;
  // Key: project, name, version id ("" = the id only). Guarded by mu_, as are the two below.
  Map entries_;
  size_t value_bytes_ = 0;  // of the values in entries_
  int64_t last_sweep_ = 0;  // steady-clock ms of the last walk dropping old entries
};

}  // namespace csms
