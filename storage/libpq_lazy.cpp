// libpq, loaded when the first PostgreSQL connection is opened instead of at every process start
// (issue 7 §6 and decision 0121: a command on SQLite must not pay for PostgreSQL). Debian ships
// libpq only as a shared library, which brings the shared libssl, libcrypto, GSSAPI and LDAP
// with it. The functions djflow calls (all in storage/pg_connection.cpp) are defined here with
// the header's own signatures, so a changed signature does not compile, and forward to the
// library's, looked up with dlopen/dlsym on first use, the same pattern as
// sheet/xlsxwriter_lazy.cpp. If the library cannot be loaded, PQconnectdb returns NULL and
// djflow_libpq_error() says why (pg_connection.cpp reports it; exit 4).
#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include <libpq-fe.h>

#include "storage/libpq_lazy.hpp"

namespace {

void* library() {
  static void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  return handle;
}

void* symbol(const char* name) {
  void* lib = library();
  void* s = lib ? dlsym(lib, name) : nullptr;
  if (s == nullptr) {  // only reachable with a library that lacks a function of its own header
    std::fprintf(stderr, "djflow: libpq: %s\n", name);
    std::abort();
  }
  return s;
}

}  // namespace

namespace djflow::storage::pg {

const char* djflow_libpq_error() {
  return library() != nullptr ? nullptr
                              : "libpq.so.5 cannot be loaded (Debian package libpq5, installed "
                                "with libpq-dev)";
}

}  // namespace djflow::storage::pg

// Each forwarder looks its function up on first use and keeps it in an atomic pointer: after
// that a load and a jump. A function-local static's guard made every call save and restore five
// registers, and PQgetvalue and PQgetlength run some two hundred times per step. Both paths end
// in a tail call, so neither saves anything.
template <class F, class... A>
[[gnu::noinline, gnu::cold]] auto resolve_and_call(std::atomic<F>& slot, const char* name, A... args) {
  const F f = reinterpret_cast<F>(symbol(name));
  slot.store(f, std::memory_order_release);
  return f(args...);
}

#define DJFLOW_PQ(name, ...)                                                       \
  static std::atomic<decltype(&::name)> fn{nullptr};                               \
  if (const auto f = fn.load(std::memory_order_acquire)) [[likely]] return f(__VA_ARGS__); \
  return resolve_and_call(fn, #name __VA_OPT__(,) __VA_ARGS__)

extern "C" {

PGconn* PQconnectdb(const char* conninfo) {
  if (library() == nullptr) return nullptr;
  DJFLOW_PQ(PQconnectdb, conninfo);
}
void PQfinish(PGconn* conn) { DJFLOW_PQ(PQfinish, conn); }
ConnStatusType PQstatus(const PGconn* conn) { DJFLOW_PQ(PQstatus, conn); }
PGTransactionStatusType PQtransactionStatus(const PGconn* conn) {
  DJFLOW_PQ(PQtransactionStatus, conn);
}
char* PQerrorMessage(const PGconn* conn) { DJFLOW_PQ(PQerrorMessage, conn); }
char* PQhost(const PGconn* conn) { DJFLOW_PQ(PQhost, conn); }
char* PQdb(const PGconn* conn) { DJFLOW_PQ(PQdb, conn); }
int PQbackendPID(const PGconn* conn) { DJFLOW_PQ(PQbackendPID, conn); }
PQnoticeProcessor PQsetNoticeProcessor(PGconn* conn, PQnoticeProcessor proc, void* arg) {
  DJFLOW_PQ(PQsetNoticeProcessor, conn, proc, arg);
}
PGresult* PQexec(PGconn* conn, const char* query) { DJFLOW_PQ(PQexec, conn, query); }
PGresult* PQexecParams(PGconn* conn, const char* command, int nParams, const Oid* paramTypes,
                       const char* const* paramValues, const int* paramLengths,
                       const int* paramFormats, int resultFormat) {
  DJFLOW_PQ(PQexecParams, conn, command, nParams, paramTypes, paramValues, paramLengths,
                          paramFormats, resultFormat);
}
// Statements prepared once per connection and run again by name (pg::Connection::exec).
PGresult* PQprepare(PGconn* conn, const char* stmtName, const char* query, int nParams,
                    const Oid* paramTypes) {
  DJFLOW_PQ(PQprepare, conn, stmtName, query, nParams, paramTypes);
}
PGresult* PQexecPrepared(PGconn* conn, const char* stmtName, int nParams,
                         const char* const* paramValues, const int* paramLengths,
                         const int* paramFormats, int resultFormat) {
  DJFLOW_PQ(PQexecPrepared, conn, stmtName, nParams, paramValues, paramLengths, paramFormats,
                            resultFormat);
}
ExecStatusType PQresultStatus(const PGresult* res) { DJFLOW_PQ(PQresultStatus, res); }
char* PQresultErrorField(const PGresult* res, int fieldcode) {
  DJFLOW_PQ(PQresultErrorField, res, fieldcode);
}
char* PQcmdTuples(PGresult* res) { DJFLOW_PQ(PQcmdTuples, res); }
int PQntuples(const PGresult* res) { DJFLOW_PQ(PQntuples, res); }
char* PQgetvalue(const PGresult* res, int tup_num, int field_num) {
  DJFLOW_PQ(PQgetvalue, res, tup_num, field_num);
}
int PQgetlength(const PGresult* res, int tup_num, int field_num) {
  DJFLOW_PQ(PQgetlength, res, tup_num, field_num);
}
int PQgetisnull(const PGresult* res, int tup_num, int field_num) {
  DJFLOW_PQ(PQgetisnull, res, tup_num, field_num);
}
Oid PQftype(const PGresult* res, int field_num) { DJFLOW_PQ(PQftype, res, field_num); }
void PQclear(PGresult* res) { DJFLOW_PQ(PQclear, res); }
// Pipeline mode: an outermost transaction's BEGIN sent with its first statement, in one round
// trip (pg::Connection::exec, decision 0130).
int PQenterPipelineMode(PGconn* conn) { DJFLOW_PQ(PQenterPipelineMode, conn); }
int PQexitPipelineMode(PGconn* conn) { DJFLOW_PQ(PQexitPipelineMode, conn); }
int PQpipelineSync(PGconn* conn) { DJFLOW_PQ(PQpipelineSync, conn); }
int PQsendQueryParams(PGconn* conn, const char* command, int nParams, const Oid* paramTypes,
                      const char* const* paramValues, const int* paramLengths, const int* paramFormats,
                      int resultFormat) {
  DJFLOW_PQ(PQsendQueryParams, conn, command, nParams, paramTypes, paramValues, paramLengths,
                               paramFormats, resultFormat);
}
int PQsendQueryPrepared(PGconn* conn, const char* stmtName, int nParams, const char* const* paramValues,
                        const int* paramLengths, const int* paramFormats, int resultFormat) {
  DJFLOW_PQ(PQsendQueryPrepared, conn, stmtName, nParams, paramValues, paramLengths, paramFormats,
                                 resultFormat);
}
PGresult* PQgetResult(PGconn* conn) { DJFLOW_PQ(PQgetResult, conn); }
// LISTEN/NOTIFY (storage/pg_wake.cpp through pg::Connection).
int PQsocket(const PGconn* conn) { DJFLOW_PQ(PQsocket, conn); }
int PQconsumeInput(PGconn* conn) { DJFLOW_PQ(PQconsumeInput, conn); }
PGnotify* PQnotifies(PGconn* conn) { DJFLOW_PQ(PQnotifies, conn); }
void PQfreemem(void* ptr) { DJFLOW_PQ(PQfreemem, ptr); }

}  // extern "C"
