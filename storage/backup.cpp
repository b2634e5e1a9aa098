#include "storage/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "storage/migrations.hpp"
#include "storage/open_store.hpp"
#include "storage/statement.hpp"

namespace djflow::storage {

using engine::Error;
using engine::Result;
using engine::Status;

namespace {

namespace fs = std::filesystem;

// Closes a connection at scope end.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

Result<std::string> quick_check(sqlite3* db) {
  auto st = detail::Statement::prepare(db, "PRAGMA quick_check");
  if (!st) return st.error();
  const int rc = st->step();
  if (rc != SQLITE_ROW) return detail::sqlite_error(db, rc, "quick_check");
  return st->string(0);
}

// Creates `path` empty with mode 0600 (O_EXCL: never someone else's file).
Status create_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Error::storage("create " + path + ": " + std::strerror(errno));
  const bool ok = ::fchmod(fd, 0600) == 0;  // the umask may have removed owner bits
  ::close(fd);
  if (!ok) return Error::storage("chmod 0600 " + path + ": " + std::strerror(errno));
  return {};
}

Status fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Error::storage("open " + path + ": " + std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Error::storage("fsync " + path + ": " + std::strerror(errno));
  return {};
}

// The copy itself, from the open `src` into the new empty file `tmp`.
Result<int> copy_into(sqlite3* src, const std::string& tmp) {
  Connection dst;
  detail::configure_library();
  int rc = sqlite3_open_v2(tmp.c_str(), &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return detail::sqlite_error(dst.db, rc, "open " + tmp);
  DJFLOW_TRY(detail::configure_connection(dst.db));
  sqlite3_backup* b = sqlite3_backup_init(dst.db, "main", src, "main");
  if (b == nullptr) return detail::sqlite_error(dst.db, sqlite3_errcode(dst.db), "backup_init");
  // All pages in one step: one read transaction on the source, hence one consistent snapshot.
  // A writer holding a lock the read needs (a checkpoint, the WAL being reset) makes the step
  // BUSY or LOCKED for a moment; retry for up to 10 s.
  for (int tries = 0;; ++tries) {
    rc = sqlite3_backup_step(b, -1);
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 200) {
      sqlite3_sleep(50);
      continue;
    }
    break;
  }
  const int fin = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return detail::sqlite_error(dst.db, rc, "backup");
  if (fin != SQLITE_OK) return detail::sqlite_error(dst.db, fin, "backup");
  // The source's header says WAL; a backup is one self-contained file.
  DJFLOW_TRY(detail::exec(dst.db, "PRAGMA journal_mode = DELETE", "backup journal mode"));
  auto check = quick_check(dst.db);
  DJFLOW_TRY(check);
  if (check.value() != "ok") {
    return Error::corruption({"备份副本未通过 PRAGMA quick_check：" + check.value(),
                              "the backup copy fails PRAGMA quick_check: " + check.value()});
  }
  auto info = detail::read_schema_info(dst.db);
  DJFLOW_TRY(info);
  return info->user_version;
}

}  // namespace

Result<BackupInfo> backup_database(const std::string& source, const std::string& dest) {
  // A PostgreSQL database is backed up by its DBA's tools (pg_dump, base backups).
  if (is_postgres(source)) return not_on_postgres("backup");
  if (dest.empty()) return Error::invalid({"备份文件名为空", "the backup file name is empty"});
  std::error_code ec;
  if (fs::symlink_status(dest, ec).type() != fs::file_type::not_found) {
    return Error::invalid({"备份文件 " + dest + " 已存在：备份从不覆盖文件，请换一个文件名",
                           "the backup file " + dest + " exists: a backup never overwrites, choose a new name"});
  }
  const fs::path parent = fs::path(dest).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return Error::invalid({"备份文件所在的目录 " + parent.string() + " 不存在",
                           "the folder of the backup file, " + parent.string() + ", does not exist"});
  }
  if (!fs::exists(source, ec)) {
    return Error::not_found(engine::Text{"数据库 " + source + " 不存在", "database " + source + " does not exist"});
  }

  Connection src;
  detail::configure_library();
  int rc = sqlite3_open_v2(source.c_str(), &src.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return detail::sqlite_error(src.db, rc, "open " + source);
  DJFLOW_TRY(detail::configure_connection(src.db));
  auto info = detail::read_schema_info(src.db);
  DJFLOW_TRY(info);
  if (info->application_id != detail::kApplicationId || info->user_version == 0) {
    return Error::storage(source + " is not an initialised djflow database");
  }

  const std::string tmp = dest + ".partial-" + std::to_string(::getpid());
  DJFLOW_TRY(create_private(tmp));
  auto version = copy_into(src.db, tmp);
  Status done = version.ok() ? fsync_path(tmp, O_RDONLY) : Status(version.error());
  if (done.ok() && std::rename(tmp.c_str(), dest.c_str()) != 0) {
    done = Error::storage("rename " + tmp + " to " + dest + ": " + std::strerror(errno));
  }
  if (!done.ok()) {
    fs::remove(tmp, ec);
    fs::remove(tmp + "-journal", ec);
    return done.error();
  }
  DJFLOW_TRY(fsync_path(parent.empty() ? "." : parent.string(), O_RDONLY | O_DIRECTORY));
  BackupInfo out;
  out.bytes = fs::file_size(dest, ec);
  out.schema_version = version.value();
  return out;
}

}  // namespace djflow::storage
