#!/usr/bin/python3
"""Issue 11 §1: a graceful stop drains. `djflow web` gets SIGTERM while a request is in flight
(its header read, half its body sent): the listener closes at once (a new connection is refused),
the request is finished and answered in full (200, Connection: close), and the process exits 0.
A client that never sends the rest of its body is cut off after the read timeout
(--read-timeout), and the process still exits 0. A step in flight (it runs on the server's worker
thread with its own connection, decision 0134) is recorded and answered 201 in full before the
process exits.

Deterministic, no sleeps: the client sends `Expect: 100-continue` and waits for the server's
`100 Continue` (the server has then read the header: the request is in flight); after SIGTERM it
waits for the server's log line "http: stopping" (written after the listener is closed).

Usage: drain_test.py DJFLOW_BINARY
"""
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading

DJFLOW = sys.argv[1]
work = tempfile.mkdtemp(prefix="djflow-drain-")
db = os.path.join(work, "d.db")
env = {**os.environ, "LANG": "C.UTF-8"}
LIMIT = 60  # seconds: a bound on every wait (the test fails instead of hanging)


def fail(msg):
    sys.exit("FAIL: " + msg)


def dj(*args, stdin=None):
    r = subprocess.run([DJFLOW, "--db", db, *args], input=stdin, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        fail(f"djflow {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def start(*extra):
    p = subprocess.Popen([DJFLOW, "--db", db, "--json", "web", "--http", "127.0.0.1:0", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # The log, line by line, from a reader thread (no buffered line can hide from a wait).
    p.log = queue.Queue()
    p.seen = []
    threading.Thread(target=lambda: [p.log.put(line) for line in p.stderr] + [p.log.put(None)], daemon=True).start()
    for line in p.stdout:   # --json prints {"listening": URL}
        m = re.search(r'"listening":\s*"http://127\.0\.0\.1:(\d+)/"', line)
        if m:
            return p, int(m.group(1))
    p.kill()
    fail("djflow web did not start")


def read_until(sock, marker):
    data = b""
    sock.settimeout(LIMIT)
    while marker not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_all(sock):
    """Everything until the server closes the connection (a reset counts as a close)."""
    data = b""
    sock.settimeout(LIMIT)
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def in_flight(port, body, target="/api/v1/login", extra=""):
    """A POST (by default /api/v1/login) whose header and first half of the body are sent; returns
    the socket once the server answered 100 Continue (it has read the header)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=LIMIT)
    head = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n").encode()
    s.sendall(head)
    cont = read_until(s, b"\r\n\r\n")
    if not cont.startswith(b"HTTP/1.1 100"):
        fail(f"expected 100 Continue, got {cont!r}")
    s.sendall(body[: len(body) // 2])
    return s


def wait_for_stopping(p):
    """Reads the server's log until its 'http: stopping' line (the listener is closed by then)."""
    while True:
        try:
            line = p.log.get(timeout=LIMIT)
        except queue.Empty:
            fail("no 'http: stopping' line within the limit; log so far: " + "".join(p.seen))
        if line is None:
            fail("the log ended before 'http: stopping': " + "".join(p.seen))
        p.seen.append(line)
        if "http: stopping" in line:
            return line


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=LIMIT).close()
        return False
    except ConnectionRefusedError:
        return True


dj("init")
dj("branch", "add", "B01", "--name", "第一党支部")
dj("user", "add", "sec1", "--org", "B01", "--role", "secretary", stdin="password-sec1\n")
login = json.dumps({"name": "sec1", "password": "password-sec1"}).encode()


def stop_with_one_in_flight(p, port, sock, body_sent, what, status):
    """SIGTERM while `sock` has sent half of `body_sent`: the stop counts it, refuses new
    connections, then answers it whole with `status` and Connection: close. Its body."""
    p.send_signal(signal.SIGTERM)
    line = wait_for_stopping(p)
    if "1 request(s) in flight" not in line:
        fail(f"the stop did not count the {what} in flight: {line}")
    if not refused(port):
        fail(f"a new connection was accepted after SIGTERM ({what} in flight)")
    sock.sendall(body_sent[len(body_sent) // 2:])
    answer = read_all(sock)
    sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 " + status):
        fail(f"the {what} in flight was not answered {status.decode()}: {answer[:400]!r}")
    if b"connection: close" not in head.lower():
        fail(f"the {what}'s answer does not close the connection: {head!r}")
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
    if len(body) != length:
        fail(f"the {what}'s answer is not whole: {len(body)} of {length} bytes: {body[:300]!r}")
    return body

# 1. A request in flight is finished after SIGTERM; new connections are refused meanwhile.
p, port = start()
a = in_flight(port, login)
body = stop_with_one_in_flight(p, port, a, login, "request", b"200")
if "csrf" not in json.loads(body):
    fail(f"the login's answer has no csrf token: {body!r}")
try:
    code = p.wait(timeout=LIMIT)
except subprocess.TimeoutExpired:
    p.kill()
    fail("djflow web did not exit after the drained request")
if code != 0:
    fail(f"djflow web exited {code} after SIGTERM: {''.join(p.seen)}")

# 2. A client that never finishes its body is cut off after --read-timeout; exit 0 still.
p, port = start("--read-timeout", "2")
b = in_flight(port, login)
p.send_signal(signal.SIGTERM)
wait_for_stopping(p)
if not refused(port):
    fail("a new connection was accepted after SIGTERM (slow client)")
cut = read_all(b)   # the server closes the connection when the read timeout passes
b.close()
if cut:
    fail(f"the slow client got an answer instead of being cut off: {cut[:200]!r}")
try:
    code = p.wait(timeout=LIMIT)
except subprocess.TimeoutExpired:
    p.kill()
    fail("djflow web did not exit after cutting the slow client off")
if code != 0:
    fail(f"djflow web exited {code} after cutting the slow client off: {''.join(p.seen)}")
# 3. A step in flight: it runs on the worker thread (decision 0134) after SIGTERM, is recorded,
# and is answered 201 in full with Connection: close before the process exits 0.
dj("person", "add", "张三", "--branch", "B01", "--born", "2000-05-01")
dj("member", "apply", "1", "--date", "2026-01-10")
token = [line for line in dj("token", "add", "--user", "sec1", "--expires", "2099-12-31").splitlines() if line.strip()][-1].strip()
step = json.dumps({"event": "talk", "date": "2026-01-20"}).encode()
p, port = start()
c = in_flight(port, step, "/api/v1/cases/1/steps", f"Authorization: Bearer {token}\r\n")
body = stop_with_one_in_flight(p, port, c, step, "step", b"201")
if json.loads(body)["recorded"]["event"] != "talk":
    fail(f"the step's answer does not record the step: {body[:300]!r}")
try:
    code = p.wait(timeout=LIMIT)
except subprocess.TimeoutExpired:
    p.kill()
    fail("djflow web did not exit after the drained step")
if code != 0:
    fail(f"djflow web exited {code} after the drained step: {''.join(p.seen)}")
shown = json.loads(dj("--json", "show", "1"))
if [h["event"] for h in shown["history"]] != ["apply", "talk"]:
    fail(f"the drained step is not in the case's history: {shown['history']!r}")
print("drain test passed")
