#include "app/backup_admin.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/data_dir.h"
#include "app/data_dir_lock.h"
#include "common/errors.h"
#include "json/writer.h"
#include "store/sqlite/backup.h"

namespace csms {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDatabase = "csms.db";

std::string ManifestPath(const std::string& backup) { return backup + ".manifest.json"; }

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// fsync of a directory, so a rename in it survives a power cut.
Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errors::Internal("cannot open " + dir + ": " + std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
  return Status::OK();
}

std::string ParentOf(const std::string& path) {
  std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string Manifest(const sqlite::DatabaseFacts& facts, const sqlite::BackupProgress& progress, int64_t now_ms) {
  json::Writer w;
  w.StartObject();
  w.Field("format", "csms-sqlite-backup-1");
  w.Field("created_ms", now_ms);
  w.Field("schema_version", facts.schema_version);
  w.Field("pages", progress.pages);
  w.Key("master_keys").StartArray();
  for (const auto& k : facts.keys) {
    w.StartObject().Field("key_id", k.key_id).Field("alias", k.alias).Field("versions", k.versions).EndObject();
  }
  w.EndArray();
  // The versions of csms/default a restore must be able to load (docs/keys.md): where each lives.
  w.Key("master_key_versions").StartArray();
  for (const auto& v : facts.key_versions) {
    w.StartObject().Field("version", v.version).Field("provider", v.provider);
    w.Field("fingerprint", v.fingerprint).Field("state", v.state).EndObject();
  }
  w.EndArray();
  w.Field("sealed_under_default_key", facts.default_sealed);
  w.Field("master_key_included", false);
  w.EndObject();
  return w.Take();
}

void PrintFacts(const sqlite::DatabaseFacts& facts, std::ostream& out) {
  out << "schema_version=" << facts.schema_version << "\nintegrity=ok\n";
  for (const auto& k : facts.keys) {
    out << "needs_master_key=" << k.key_id << (k.alias.empty() ? "" : " alias=" + k.alias) << " versions=" << k.versions
        << "\n";
  }
  for (const auto& v : facts.key_versions) {
    out << "needs_master_key_version=" << v.version << " provider=" << v.provider << " fingerprint=" << v.fingerprint
        << " state=" << v.state << "\n";
  }
  if (facts.default_sealed > 0) {
    out << "needs_default_master_key=yes (" << facts.default_sealed << " access keys and webhook secrets)\n";
  }
}

Status Backup(const AppConfig& config, const AdminCommand& cmd, std::ostream& out) {
  ::umask(077);  // the copy holds what the database holds: 0600 from its first byte
  const std::string source = config.data_dir + "/" + kDatabase;
  if (!Exists(source)) return errors::InvalidParameter("no database at " + source);
  const std::string& dest = cmd.backup_file;
  if (dest.empty()) return errors::InvalidParameter("--to must name a file");
  if (Exists(dest)) return errors::InvalidParameter(dest + " exists already; backups never overwrite");
  if (Exists(ManifestPath(dest))) return errors::InvalidParameter(ManifestPath(dest) + " exists already");
  const std::string partial = dest + ".partial";
  ::unlink(partial.c_str());  // left by an interrupted backup
  auto started = std::chrono::steady_clock::now();
  sqlite::BackupProgress progress;
  Status s = sqlite::BackupDatabase(source, partial, sqlite::BackupOptions{}, &progress);
  sqlite::DatabaseFacts facts;
  if (s.ok()) s = sqlite::InspectDatabase(partial, &facts);
  if (!s.ok()) {
    ::unlink(partial.c_str());
    return s;
  }
  int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const std::string manifest_partial = ManifestPath(dest) + ".partial";
  {
    std::ofstream m(manifest_partial, std::ios::trunc);
    m << Manifest(facts, progress, now_ms) << "\n";
    m.flush();
    if (!m) {
      ::unlink(partial.c_str());
      return errors::Internal("cannot write " + manifest_partial);
    }
  }
  if (std::rename(manifest_partial.c_str(), ManifestPath(dest).c_str()) != 0 ||
      std::rename(partial.c_str(), dest.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(partial.c_str());
    ::unlink(manifest_partial.c_str());
    return errors::Internal("cannot move the backup into place: " + err);
  }
  CSMS_RETURN_IF_ERROR(SyncDir(ParentOf(dest)));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  out << "backup=" << dest << "\nmanifest=" << ManifestPath(dest) << "\npages=" << progress.pages
      << "\nsteps=" << progress.steps << "\nmilliseconds=" << ms << "\n";
  PrintFacts(facts, out);
  out << "master_key_included=no (keep the master key apart from the backup)\n";
  return Status::OK();
}

Status Restore(const AppConfig& config, const AdminCommand& cmd, std::ostream& out) {
  const std::string& from = cmd.backup_file;
  if (from.empty() || !Exists(from)) return errors::InvalidParameter("--from must name an existing backup file");
  sqlite::DatabaseFacts facts;
  CSMS_RETURN_IF_ERROR(sqlite::InspectDatabase(from, &facts));  // before the data dir is touched
  const std::string& dir = config.data_dir;
  CSMS_RETURN_IF_ERROR(PrepareDataDir(dir));  // 0700 when created; umask 077 from here on
  DataDirLock lock;
  CSMS_RETURN_IF_ERROR(lock.Acquire(dir, DataDirLock::Mode::kExclusive));  // refuses a live data dir
  const std::string db = dir + "/" + kDatabase;
  const char* kDbFiles[] = {"csms.db", "csms.db-wal", "csms.db-shm", "csms.db-journal"};
  if (!cmd.force) {
    for (const char* name : kDbFiles) {
      if (Exists(dir + "/" + name)) {
        return errors::InvalidParameter("data dir " + dir + " holds a database already (" + name +
                                        "); restore into an empty directory, or pass --force to replace it");
      }
    }
  }
  const std::string partial = db + ".restoring";
  ::unlink(partial.c_str());
  sqlite::BackupProgress progress;
  Status s = sqlite::BackupDatabase(from, partial, sqlite::BackupOptions{}, &progress);
  sqlite::DatabaseFacts copied;
  if (s.ok()) s = sqlite::InspectDatabase(partial, &copied);
  if (!s.ok()) {
    ::unlink(partial.c_str());
    return s;
  }
  // The old database's WAL and shared memory must go first: a stale WAL would be replayed into the
  // restored file.
  for (const char* name : kDbFiles) {
    std::string path = dir + "/" + name;
    if (std::string(name) != kDatabase && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
      std::string err = std::strerror(errno);
      ::unlink(partial.c_str());
      return errors::Internal("cannot remove " + path + ": " + err);
    }
  }
  if (std::rename(partial.c_str(), db.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(partial.c_str());
    return errors::Internal("cannot move the restored database into place: " + err);
  }
  CSMS_RETURN_IF_ERROR(SyncDir(dir));
  out << "restored=" << db << "\npages=" << progress.pages << "\n";
  PrintFacts(facts, out);
  out << "master_key=not restored: put the master key(s) listed above in place (" << dir
      << "/master.key, --master-key-file, CSMS_MASTER_KEY or --kms-key) before starting csmsd\n";
  return Status::OK();
}

}  // namespace

Status RunBackupAdmin(const AppConfig& config, const AdminCommand& cmd, std::ostream& out) {
  if (cmd.kind == AdminCommand::kBackup) return Backup(config, cmd, out);
  return Restore(config, cmd, out);
}

}  // namespace csms
