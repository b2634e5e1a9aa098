#!/usr/bin/python3
"""Issue 11 §1: `djflow serve --http` serves the web beside the reminders on the daemon's loop,
and SIGTERM stops both gracefully (exit 0) within seconds; `djflow web --tls-cert/--tls-key`
serves HTTPS with a Secure session cookie.

Usage: serve_http_test.py DJFLOW_BINARY
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import http.client

DJFLOW = sys.argv[1]
work = tempfile.mkdtemp(prefix="djflow-serve-http-")
db = os.path.join(work, "s.db")
env = {**os.environ, "LANG": "C.UTF-8"}


def dj(*args, stdin=None):
    r = subprocess.run([DJFLOW, "--db", db, *args], input=stdin, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"FAIL: djflow {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


dj("init")
dj("branch", "add", "B01", "--name", "第一党支部")
dj("person", "add", "张三", "--branch", "B01", "--born", "2000-05-01")
dj("member", "apply", "1", "--date", time.strftime("%Y-%m-%d"))
dj("user", "add", "sec1", "--org", "B01", "--role", "secretary", stdin="password-sec1\n")
dj("notify", "add", "file", os.path.join(work, "out.jsonl"))

bad = subprocess.run([DJFLOW, "--db", db, "serve", "--http", "127.0.0.1:99999"], capture_output=True, text=True, env=env)
if bad.returncode != 2:
    sys.exit(f"FAIL: serve --http with a bad port exited {bad.returncode}, expected 2")

p = subprocess.Popen([DJFLOW, "--db", db, "serve", "--http", "127.0.0.1:0"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True, env=env)
url = None
deadline = time.time() + 30
while time.time() < deadline:
    line = p.stderr.readline()
    if not line:
        break
    m = re.search(r"web workbench on (http://\S+)", line)
    if m:
        url = m.group(1)
        break
if url is None:
    p.kill()
    sys.exit("FAIL: serve --http did not report its address")
try:
    with urllib.request.urlopen(url + "api/v1/openapi.json", timeout=10) as r:
        doc = json.load(r)
    assert doc["openapi"].startswith("3."), doc
    req = urllib.request.Request(url + "api/v1/login", data=json.dumps({"name": "sec1", "password": "password-sec1"}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        cookie = r.headers["Set-Cookie"].split(";")[0]
    req = urllib.request.Request(url + "api/v1/cases", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=10) as r:
        cases = json.load(r)
    assert [c["subject"] for c in cases] == ["张三"], cases
    # Another process sees the daemon's lease while it runs: the reminders are served too.
    status = json.loads(dj("--json", "status"))
    assert status["daemon"]["running"] is True, status
finally:
    p.send_signal(signal.SIGTERM)
    try:
        code = p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        sys.exit("FAIL: serve --http did not stop within 15 s of SIGTERM")
if code != 0:
    sys.exit(f"FAIL: serve --http exited {code} after SIGTERM: {p.stderr.read()}")

# --tls-cert/--tls-key (issue 11 §1): `djflow web` serves HTTPS itself, and the session cookie is
# Secure. A self-signed certificate made here with the openssl command (package openssl).
cert, key = os.path.join(work, "c.pem"), os.path.join(work, "k.pem")
made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                       "-days", "2", "-subj", "/CN=127.0.0.1"], capture_output=True, text=True)
if made.returncode != 0:
    sys.exit(f"FAIL: openssl could not make a test certificate: {made.stderr}")
w = subprocess.Popen([DJFLOW, "--db", db, "--json", "web", "--http", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
try:
    url = None
    for line in w.stdout:   # --json prints {"listening": URL} over several lines
        m = re.search(r'"listening":\s*"([^"]+)"', line)
        if m:
            url = m.group(1)
            break
    if url is None:
        sys.exit(f"FAIL: web --tls-cert did not start: {w.stderr.read()}")
    if not url.startswith("https://127.0.0.1:"):
        sys.exit(f"FAIL: web --tls-cert listens on {url}, expected https://")
    import ssl
    tls = ssl.create_default_context(cafile=cert)
    tls.check_hostname = False
    with urllib.request.urlopen(url + "api/v1/openapi.json", timeout=10, context=tls) as r:
        assert json.load(r)["openapi"].startswith("3."), "openapi over HTTPS"
    req = urllib.request.Request(url + "api/v1/login", data=json.dumps({"name": "sec1", "password": "password-sec1"}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10, context=tls) as r:
        set_cookie = r.headers["Set-Cookie"]
    flags = [f.strip() for f in set_cookie.split(";")]
    if "Secure" not in flags or "HttpOnly" not in flags or "SameSite=Strict" not in flags:
        sys.exit(f"FAIL: the session cookie over HTTPS lacks Secure, HttpOnly or SameSite=Strict: {set_cookie}")
    # Plain HTTP to the HTTPS port gets no answer as HTTP.
    try:
        urllib.request.urlopen(url.replace("https://", "http://") + "api/v1/openapi.json", timeout=10)
        sys.exit("FAIL: plain HTTP was answered on the HTTPS port")
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        pass
finally:
    w.send_signal(signal.SIGTERM)
    try:
        wcode = w.wait(timeout=15)
    except subprocess.TimeoutExpired:
        w.kill()
        sys.exit("FAIL: web --tls-cert did not stop within 15 s of SIGTERM")
if wcode != 0:
    sys.exit(f"FAIL: web --tls-cert exited {wcode} after SIGTERM: {w.stderr.read()}")
print("serve --http test passed")
