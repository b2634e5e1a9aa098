#!/usr/bin/env bash
# Issue 7 §6, a lean process (docs/performance.md): the djflow binary needs no shared object but
# the C library's. Every other library is linked in (SQLite, OpenSSL, zlib, minizip, expat, the
# C++ runtime; spdlog and fmt header-only) or loaded when first used (libxlsxwriter, only by the
# commands that write a workbook; libpq, only on a postgresql:// database), because each shared
# object costs every process its loading and relocations. Fails naming the shared object that crept back in.
# Unless built with -DDJFLOW_PIE=ON, djflow is also a fixed-address executable (decision 0121):
# a PIE would relocate the static OpenSSL's tables in every process.
#   lean_process_test.sh DJFLOW [PIE=ON|OFF]
set -euo pipefail
djflow=$1
pie=${2:-OFF}
needed=$(readelf -d "$djflow" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
status=0
for lib in $needed; do
  case $lib in
    libc.so.6 | libm.so.6 | ld-linux-x86-64.so.2) ;;
    *) echo "djflow needs the shared object $lib at start (docs/performance.md, \"A lean process\")"; status=1 ;;
  esac
done
type=$(readelf -h "$djflow" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')
expected=EXEC
[[ $pie == ON ]] && expected=DYN
if [[ $type != "$expected" ]]; then
  echo "djflow is an ELF $type, expected $expected (DJFLOW_PIE=$pie; decision 0121, docs/performance.md)"
  status=1
fi
# The workbook library is found when it is needed: a command that writes one still works.
# (tests/cli/report_e2e_test.cpp and import_test.cpp write and read workbooks end to end.)
exit $status
