// djflow_min_reader: the reference of `djflow show` and `djflow record` in the engine benchmark
// (issue 7 §6). The least a process can do to show a case: open the same database read-write
// the way djflow does (busy timeout, WAL), read the case row by id with one prepared statement,
// print it. With --fsync FILE it also appends one 4 KiB block to FILE and fdatasync()s it: the
// one durable write a `record` cannot avoid. With --hold it keeps the database open after reading,
// prints "ready" and waits until its standard input closes: the connection a running daemon keeps
// (while another connection is open, a command's close does not checkpoint the WAL).
//   djflow_min_reader DB CASE_ID [--fsync FILE | --hold]
// Plain C API of SQLite, no C++ library beyond what the C++ runtime loads; linked only with
// libsqlite3.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  const bool hold = argc == 4 && std::strcmp(argv[3], "--hold") == 0;
  if (argc != 3 && argc != 5 && !hold) {
    std::fprintf(stderr, "usage: djflow_min_reader DB CASE_ID [--fsync FILE | --hold]\n");
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "open: %s\n", sqlite3_errmsg(db));
    return 4;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* s = nullptr;
  const char* sql =
      "SELECT id, workflow, person_id, branch, title, state, version, head_hash, created_at, "
      "updated_at FROM cases WHERE id = ?1";
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
    return 4;
  }
  sqlite3_bind_int64(s, 1, std::atoll(argv[2]));
  if (sqlite3_step(s) != SQLITE_ROW) {
    std::fprintf(stderr, "case %s not found\n", argv[2]);
    return 3;
  }
  for (int i = 0; i < sqlite3_column_count(s); ++i) {
    const unsigned char* v = sqlite3_column_text(s, i);
    std::printf("%s: %s\n", sqlite3_column_name(s, i), v ? reinterpret_cast<const char*>(v) : "");
  }
  sqlite3_finalize(s);
  if (hold) {
    std::printf("ready\n");
    std::fflush(stdout);
    char buf[256];
    while (::read(0, buf, sizeof buf) > 0) {
    }
  }
  sqlite3_close_v2(db);
  if (argc == 5 && std::strcmp(argv[3], "--fsync") == 0) {
    const int fd = ::open(argv[4], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    static char block[4096];
    if (fd < 0 || ::write(fd, block, sizeof block) != static_cast<ssize_t>(sizeof block) || ::fdatasync(fd) != 0) {
      std::perror("fsync file");
      return 4;
    }
    ::close(fd);
  }
  return 0;
}
