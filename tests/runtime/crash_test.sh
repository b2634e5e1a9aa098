#!/usr/bin/env bash
# Crash test (issue 3): runs `djflow serve` with a file channel over a workload on a fast simulated
# clock, SIGKILLs it at random moments many times, restarts it, and finally stops it gracefully.
# Then checks: every notification key reached the file at least once; every delivery row is
# delivered and no row is marked delivered whose key is not in the file; every notification has
# its delivery and its fired timer (outbox and history agree); `djflow verify` passes.
# Usage: crash_test.sh PATH/TO/djflow   (bounded: about 15 s)
set -euo pipefail
BIN=${1:?usage: crash_test.sh DJFLOW_BIN}
T=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export DJFLOW_DB=$T/crash.db LANG=C.UTF-8
unset DJFLOW_NOW LC_ALL || true
dj() { "$BIN" "$@"; }

dj init >/dev/null
dj branch add B01 --name 第一党支部 >/dev/null
dj branch add B02 --name 第二党支部 >/dev/null
for i in $(seq 1 40); do
  b=B0$(( i % 2 + 1 ))
  id=$(dj person add "申请人$i" --branch "$b" --born 1995-01-01)
  d=$(date -d "2025-01-01 + $(( (i * 7) % 280 )) days" +%F)
  dj --now "$d" member apply "$id" --date "$d" >/dev/null
done
dj notify add file "$T/out.jsonl" >/dev/null

speed=1000000                                   # about 11.6 simulated days per real second
sim=$(TZ=Asia/Shanghai date -d "2025-06-01 08:00" +%s)
run_serve() {  # starts serve at simulated time $sim; sets pid and t0
  local now_iso
  now_iso=$(TZ=Asia/Shanghai date -d "@$sim" +%FT%T)
  t0=$(date +%s%N)
  "$BIN" --now "$now_iso" serve --speed "$speed" >>"$T/console" 2>>"$T/log" &
  pid=$!
}
advance_sim() { sim=$(( sim + ( $(date +%s%N) - t0 ) / 1000000 * speed / 1000 )); }

kills=12
for k in $(seq 1 $kills); do
  run_serve
  sleep "0.$(( RANDOM % 7 + 1 ))$(( RANDOM % 10 ))"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  advance_sim
done
# A last run that is allowed to finish its work, then a graceful stop.
run_serve
sleep 1.5
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
if [ "$rc" != 0 ]; then echo "FAIL: graceful stop exited $rc"; tail -20 "$T/log"; exit 1; fi

dj verify >/dev/null || { echo "FAIL: djflow verify"; exit 1; }

python3 - "$T/crash.db" "$T/out.jsonl" "$kills" <<'PY'
import json, sqlite3, sys
db, path, kills = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
file_keys = []
with open(path) as f:
    for line in f:
        line = line.strip()
        if line:
            file_keys.append(json.loads(line)["key"])
seen = set(file_keys)
notes = dict(con.execute("SELECT id, key FROM notifications"))
fail = []
if not notes:
    fail.append("no notifications were fired: the workload did not exercise the daemon")
missing = [k for k in notes.values() if k not in seen]
if missing:
    fail.append(f"{len(missing)} notification keys never reached the file, e.g. {missing[:3]}")
rows = con.execute("SELECT d.notification_id, d.status, n.key FROM deliveries d "
                   "JOIN notifications n ON n.id = d.notification_id").fetchall()
by_note = {}
for nid, status, key in rows:
    by_note.setdefault(nid, []).append(status)
    if status == "delivered" and key not in seen:
        fail.append(f"delivery of {key} marked delivered but not in the file")
for nid in notes:
    if by_note.get(nid) != ["delivered"]:
        fail.append(f"notification {notes[nid]} has deliveries {by_note.get(nid)}")
        break
# Outbox and history agree: each notification is backed by a fired timer with its key, of a case.
unbacked = con.execute("SELECT count(*) FROM notifications n WHERE NOT EXISTS "
                       "(SELECT 1 FROM timers t WHERE t.key = n.key AND t.fired_at IS NOT NULL) "
                       "OR NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = n.case_id)").fetchone()[0]
if unbacked:
    fail.append(f"{unbacked} notifications without a fired timer or case")
cursor = con.execute("SELECT routed_up_to FROM outbox_cursor").fetchone()[0]
if cursor != max(notes, default=0):
    fail.append(f"routing cursor {cursor} != last notification {max(notes, default=0)}")
if con.execute("SELECT count(*) FROM daemon_lease").fetchone()[0] != 0:
    fail.append("the lease was not released by the graceful stop")
dups = len(file_keys) - len(seen)
print(f"crash test: {kills} SIGKILLs, {len(notes)} notifications, {len(file_keys)} lines in the file "
      f"({dups} duplicates re-sent after a kill)")
if fail:
    print("FAIL:\n  " + "\n  ".join(fail))
    sys.exit(1)
print("ok: every key delivered at least once, outbox and history agree")
PY
