#!/usr/bin/python3
"""Issue 11 §5: the web workbench in a real browser (Debian chromium + chromium-driver, driven by
python3-selenium). Fails loudly when any of them is missing: it never skips.

Usage: browser_test.py DJFLOW_BINARY OUTPUT_DIR
Screenshots of every page are saved in OUTPUT_DIR (docs/web.md shows two of them).
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as e:  # pragma: no cover
    sys.exit(f"FAIL: python3-selenium is missing ({e}); scripts/test installs it")

DJFLOW = sys.argv[1]
OUT = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="djflow-browser-")
os.makedirs(OUT, exist_ok=True)
for tool in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
    if not os.path.exists(tool):
        sys.exit(f"FAIL: {tool} is missing; scripts/test installs chromium and chromium-driver")

work = tempfile.mkdtemp(prefix="djflow-web-")
db = os.path.join(work, "web.db")
NOW = "--now=2024-06-01"


def dj(*args, stdin=None):
    r = subprocess.run([DJFLOW, "--db", db, *args], input=stdin, capture_output=True, text=True,
                       env={**os.environ, "LANG": "C.UTF-8"})
    if r.returncode != 0:
        sys.exit(f"FAIL: djflow {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


dj("init")
dj("branch", "add", "D01", "--name", "机关党委", "--kind", "committee")
dj("branch", "add", "B01", "--name", "第一党支部", "--parent", "D01")
dj("branch", "add", "B02", "--name", "第二党支部", "--parent", "D01")
dj("person", "add", "李老师", "--branch", "B01", "--born", "1980-01-01", "--status", "full", "--joined", "2005-07-01")
dj("person", "add", "王老师", "--branch", "B01", "--born", "1982-01-01", "--status", "full", "--joined", "2008-07-01")
dj("person", "add", "张三", "--branch", "B01", "--born", "2000-05-01")
dj("person", "add", "赵六", "--branch", "B02", "--born", "2001-03-01")
dj("person", "add", "<img src=x onerror=alert(1)>", "--branch", "B01", "--born", "2001-01-01")
dj(NOW, "member", "apply", "3", "--date", "2023-01-10")
dj(NOW, "member", "apply", "4", "--date", "2023-02-10")
dj(NOW, "member", "apply", "5", "--date", "2024-05-20")
dj(NOW, "record", "1", "talk", "--date", "2023-01-20")
dj(NOW, "record", "1", "activist", "--date", "2023-07-01")
dj(NOW, "record", "1", "mentors", "--date", "2023-07-02", "--with", "mentors=1,2")
# The ledger: one item overdue (red), one due within 30 days (yellow), one later (green).
batch = json.loads(dj(NOW, "--json", "rectify", "batch", "add", "--source", "circuit-inspection", "--org", "B01",
                      "--feedback", "2024-05-01"))["id"]
ledger_items = {}
for problem, deadline in (("三会一课记录不全", "2024-05-25"), ("党费台账未及时更新", "2024-06-20"),
                          ("主题党日<b>未按月开展</b>", "2024-12-31")):
    ledger_items[problem] = json.loads(dj(
        NOW, "--json", "rectify", "add", "--batch", str(batch), "--problem", problem, "--measures", "逐项整改",
        "--leader", "王书记", "--department", "党办", "--owner", "李老师", "--type", "deadline", "--deadline", deadline,
        "--date", "2024-05-10"))["id"]
# Terms: B01's ends on 2024-06-10 (yellow), its election counted; B02's in 2025 (green).
dj(NOW, "branch", "term", "B01", "--start", "2021-06-10")
dj(NOW, "branch", "term", "B02", "--start", "2022-01-01")
election = json.loads(dj(NOW, "--json", "election", "start", "B01", "--date", "2024-03-01"))["id"]
for step in (["request", "--date", "2024-03-05", "--ref", "支〔2024〕1号"],
             ["reply", "--date", "2024-03-15", "--ref", "委〔2024〕2号"],
             ["nominate", "--date", "2024-03-20"],
             ["candidates", "--date", "2024-04-01", "--with", "seats=1", "--with", "nominees=李老师,王老师"],
             ["candidates-approved", "--date", "2024-04-10", "--ref", "委〔2024〕3号"],
             ["meeting", "--date", "2024-06-01", "--with", "should-attend=2", "--with", "present=2", "--with", "issued=2",
              "--with", "returned=2", "--with", "votes=李老师:2,王老师:0"]):
    dj(NOW, "record", str(election), *step)
# Reminders: fired by a tick, one delivery to a channel failed for good (as the daemon leaves it).
dj("--now=2024-06-01T09:00", "tick")
dj("notify", "add", "file", os.path.join(work, "reminders.jsonl"), "--name", "台账文件")
with sqlite3.connect(db) as con:
    con.execute("INSERT INTO deliveries (notification_id, channel_id, status, attempts, next_attempt_at, last_error,"
                " created_at) SELECT min(id), (SELECT min(id) FROM channels), 'dead', 8, 0, 'disk full', 0"
                " FROM notifications")
dj("user", "add", "root", "--org", "D01", "--role", "admin", stdin="password-root\n")
dj("user", "add", "sec1", "--org", "B01", "--role", "secretary", stdin="password-sec1\n")
dj("user", "add", "sec2", "--org", "B02", "--role", "secretary", stdin="password-sec2\n")

server = subprocess.Popen([DJFLOW, "--db", db, NOW, "--json", "web", "--http", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


try:
    text = ""
    while True:  # `--json web` prints {"listening": URL} (pretty-printed) once it listens
        line = server.stdout.readline()
        if not line:
            sys.exit("FAIL: djflow web exited before listening: " + server.stderr.read())
        text += line
        try:
            url = json.loads(text)["listening"]
            break
        except json.JSONDecodeError:
            continue
    # Chromium and chromedriver are both started here and reached by address, never by the name
    # "localhost": a minimal Debian root has no /etc/hosts (fresh-machine-check), so selenium's own
    # Service (which polls localhost) and chromedriver's own launch of chromium (which connects to
    # the renderer at localhost) both fail there. chromedriver attaches to our chromium through
    # debuggerAddress=127.0.0.1:PORT instead.
    import socket

    def free_port():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def wait_port(proc, port, what):
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                if proc.poll() is not None:
                    sys.exit(f"FAIL: {what} exited {proc.returncode}")
                time.sleep(0.1)
        sys.exit(f"FAIL: {what} did not listen on 127.0.0.1:{port} within 30 s")

    devtools_port = free_port()
    profile = tempfile.mkdtemp(prefix="djflow-chromium-")
    chromium = subprocess.Popen(
        ["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
         "--no-first-run", "--no-default-browser-check", "--window-size=1280,1400", "--lang=zh-CN",
         f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1",
         f"--remote-debugging-port={devtools_port}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(chromium, devtools_port, "chromium")
    port = free_port()
    chromedriver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
    wait_port(chromedriver, port, "chromedriver")
    opts = webdriver.ChromeOptions()
    opts.debugger_address = f"127.0.0.1:{devtools_port}"
    driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=opts)
    wait = WebDriverWait(driver, 15)
    alerts = []

    def shot(name):
        driver.save_screenshot(os.path.join(OUT, name + ".png"))

    def login(name, password):
        driver.get(url)
        wait.until(EC.visibility_of_element_located((By.ID, "login")))
        driver.find_element(By.NAME, "name").send_keys(name)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        wait.until(EC.visibility_of_element_located((By.ID, "nav")))

    # A wrong password is refused in place, in Chinese.
    driver.get(url)
    wait.until(EC.visibility_of_element_located((By.ID, "login")))
    shot("01-login")
    driver.find_element(By.NAME, "name").send_keys("sec1")
    driver.find_element(By.NAME, "password").send_keys("wrong-password")
    driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
    wait.until(lambda d: d.find_element(By.ID, "login-error").text != "")
    check("用户名或密码错误" in driver.find_element(By.ID, "login-error").text, "wrong password refused in Chinese")

    login("sec1", "password-sec1")
    wait.until(EC.presence_of_element_located((By.ID, "funnel")))
    funnel = driver.find_element(By.ID, "funnel").text
    check("入党积极分子" in funnel and "入党申请人" in funnel, "overview shows the funnel by stage: " + funnel.replace("\n", " "))
    body = driver.find_element(By.TAG_NAME, "body").text
    check("张三" in body, "overview lists 张三's deadlines")
    check("赵六" not in body, "overview shows nothing of branch B02")
    shot("02-overview")

    # The development list: the hostile name is shown as text, never run.
    driver.get(url + "#/cases?workflow=member")
    wait.until(lambda d: "<img src=x onerror=alert(1)>" in d.find_element(By.ID, "view").text)
    check(len(driver.find_elements(By.CSS_SELECTOR, "#view img")) == 0, "a name like <img ...> is text, not an element")
    shot("03-members")

    # A person's page: the timeline, then a refused step with its article and first date.
    driver.get(url + "#/case/1")
    wait.until(EC.presence_of_element_located((By.ID, "timeline")))
    items = driver.find_elements(By.CSS_SELECTOR, "#timeline li")
    check(len(items) == 4, f"timeline shows the 4 steps taken ({len(items)})")
    check("派人谈话" in driver.find_element(By.ID, "timeline").text, "timeline names steps in Chinese")
    # The 25 steps of member development: done with dates, what is next and from when.
    wait.until(EC.presence_of_element_located((By.ID, "flow")))
    steps = driver.find_elements(By.CSS_SELECTOR, "#flow li.step")
    check(len(steps) == 25, f"the flow shows the 25 steps ({len(steps)})")
    flow = {int(li.get_attribute("data-n")): (li.get_attribute("data-status"), li.text) for li in steps}
    check(flow[1][0] == "done" and "递交入党申请书" in flow[1][1] and "2023-01-10" in flow[1][1],
          f"step 1 done with its date: {flow[1]}")
    check(flow[7][0] == "next" and "确定发展对象" in flow[7][1] and "最早可办理日期：2024-07-01" in flow[7][1],
          f"step 7 is next, possible from 2024-07-01 (D12): {flow[7]}")
    check(flow[25][0] == "later" and "材料归档" in flow[25][1], f"step 25 later: {flow[25]}")
    check("发展党员二十五个步骤" in driver.find_element(By.ID, "view").text, "the flow's heading in Chinese")
    shot("04-person-timeline")
    Select(driver.find_element(By.ID, "step-event")).select_by_value("propose")
    driver.find_element(By.ID, "step-submit").click()
    wait.until(lambda d: d.find_element(By.ID, "step-error").text != "")
    refusal = driver.find_element(By.ID, "step-error").text
    check("不能办理" in refusal and "第" in refusal and "2024-07-01" in refusal,
          "refusal shown in place with its article and first possible date: " + refusal.replace("\n", " "))
    shot("05-refusal")

    # An allowed step is recorded and appears in the timeline.
    Select(driver.find_element(By.ID, "step-event")).select_by_value("review")
    driver.find_element(By.ID, "step-submit").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline li")) == 5)
    check("sec1" in driver.find_element(By.ID, "timeline").text, "the recorded step names the web user as actor")
    shot("06-recorded")
    # Someone else records a step meanwhile: the page's form, drawn from the older version, gets
    # 409 shown in place, and nothing is written for it.
    dj(NOW, "record", "1", "review", "--note", "另一位组织员记录")
    Select(driver.find_element(By.ID, "step-event")).select_by_value("review")
    driver.find_element(By.ID, "step-submit").click()
    wait.until(lambda d: d.find_element(By.ID, "step-error").text != "")
    stale = driver.find_element(By.ID, "step-error").text
    check("此事项已被他人更新" in stale, "a stale step is refused in place (409): " + stale.replace("\n", " "))
    history = json.loads(dj("--json", "history", "1"))
    check(len(history) == 6, f"the stale step wrote nothing: 6 events ({len(history)})")

    # The ledger: colours by days left, filters, an item's page, a step with evidence, the export.
    driver.get(url + "#/rectify")
    wait.until(EC.presence_of_element_located((By.ID, "ledger")))
    rows = {r.find_elements(By.TAG_NAME, "td")[1].text: r.get_attribute("class")
            for r in driver.find_elements(By.CSS_SELECTOR, "#ledger tbody tr")}
    check(rows.get("三会一课记录不全") == "overdue" and rows.get("党费台账未及时更新") == "soon" and
          rows.get("主题党日<b>未按月开展</b>") == "ok", f"ledger rows red / yellow / green by days left: {rows}")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#ledger b")) == 0, "a problem with <b> is text, not markup")
    shot("08-ledger")
    driver.find_element(By.ID, "filter-owner").send_keys("王老师\n")
    wait.until(lambda d: "#/rectify?owner=" in d.current_url and len(d.find_elements(By.ID, "ledger")) == 0)
    check("（无）" in driver.find_element(By.ID, "view").text, "the owner filter leaves no item of 王老师")
    # The export link downloads the ledger as the command line writes it (UTF-8 with BOM).
    driver.get(url + "#/rectify")
    wait.until(EC.presence_of_element_located((By.ID, "ledger")))
    href = driver.find_element(By.ID, "export-csv").get_attribute("href")
    csv = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.arrayBuffer()).then(b => {"
        "  const u = new Uint8Array(b); done({bom: u[0] === 0xEF && u[1] === 0xBB && u[2] === 0xBF,"
        "  text: new TextDecoder().decode(b)}); });", href)
    lines = csv["text"].splitlines()
    check(csv["bom"] and lines[0].startswith("批次,序号,问题来源") and len(lines) == 4 and "三会一课记录不全" in csv["text"],
          f"the exported CSV has the BOM, the ledger's columns and the 3 items ({lines[:1]}, {len(lines)} lines)")
    driver.get(url + f"#/rectify/item/{ledger_items['党费台账未及时更新']}")
    wait.until(EC.presence_of_element_located((By.ID, "item-facts")))
    check("李老师" in driver.find_element(By.ID, "item-facts").text, "the item's page shows its responsibilities")
    Select(driver.find_element(By.ID, "step-event")).select_by_value("start")
    driver.find_element(By.ID, "step-submit").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline li")) == 2)
    Select(driver.find_element(By.ID, "step-event")).select_by_value("progress")
    driver.find_element(By.ID, "step-with-evidence").send_keys("台账照片")
    driver.find_element(By.ID, "step-note").send_keys("已补齐台账")
    driver.find_element(By.ID, "step-submit").click()
    wait.until(EC.presence_of_element_located((By.ID, "item-progress")))
    check("已补齐台账" in driver.find_element(By.ID, "item-progress").text and
          "台账照片" in driver.find_element(By.ID, "item-evidence").text, "progress and evidence appear on the item's page")
    shot("09-ledger-item")

    # 换届选举: terms with days left in colour; the election's page with its vote counts.
    driver.get(url + "#/terms")
    wait.until(EC.presence_of_element_located((By.ID, "terms")))
    row = driver.find_element(By.CSS_SELECTOR, "#terms tr[data-org=B01]")
    check(row.get_attribute("class") == "soon" and "还剩 9 天" in row.text, "B01's term: 9 days left, in yellow: " + row.text)
    check(len(driver.find_elements(By.CSS_SELECTOR, "#terms tr[data-org=B02]")) == 0, "B02's term is not shown to B01")
    shot("10-terms")
    row.find_element(By.TAG_NAME, "a").click()
    wait.until(EC.presence_of_element_located((By.ID, "election-facts")))
    meeting = driver.find_element(By.CSS_SELECTOR, ".meeting").text
    check("李老师" in meeting and "2" in meeting and "✓" in meeting, "the election's page shows the votes and who was elected")
    check("当选" in driver.find_element(By.ID, "election-facts").text, "the election's facts name the elected")
    shot("11-election")

    # The overview's additions: counts per branch, terms ending within 6 months, the ledger's bars.
    driver.get(url + "#/")
    wait.until(EC.presence_of_element_located((By.ID, "ledger-bars")))
    check("B01" in driver.find_element(By.ID, "funnel-branches").text, "the funnel has a row per branch")
    check("0/3" in driver.find_element(By.ID, "ledger-bars").text, "the ledger's completion bar per batch")
    check("2024-06-10" in driver.find_element(By.ID, "view").text, "terms ending within 6 months are listed")
    shot("12-overview-more")

    # 提醒: recent reminders and channels; failed deliveries only for administrators.
    driver.get(url + "#/reminders")
    wait.until(lambda d: "发送渠道" in d.find_element(By.ID, "view").text)
    check("发送失败的提醒" not in driver.find_element(By.ID, "view").text, "a secretary does not see the failed deliveries")
    shot("13-reminders")

    # The case's history with its verify status.
    driver.get(url + "#/case/1")
    wait.until(EC.presence_of_element_located((By.ID, "verify-status")))
    check("哈希链完好" in driver.find_element(By.ID, "verify-status").text, "the case's history shows its hash status")

    # An administrator sees the failed delivery and sends it again.
    driver.find_element(By.ID, "logout").click()
    wait.until(EC.visibility_of_element_located((By.ID, "login")))
    login("root", "password-root")
    driver.get(url + "#/reminders")
    wait.until(EC.presence_of_element_located((By.ID, "dead-letters")))
    check("disk full" in driver.find_element(By.ID, "dead-letters").text, "the admin sees the failed delivery and its error")
    shot("14-reminders-admin")
    driver.find_element(By.ID, "retry-all").click()
    # The page is drawn again after the retry: read the result by script (no stale element).
    wait.until(lambda d: "1" in (d.execute_script(
        "const e = document.getElementById('retry-result'); return e ? e.textContent : '';") or ""))
    check(len(driver.find_elements(By.ID, "dead-letters")) == 0, "the failed delivery is queued again")

    # Log out; another branch's secretary sees none of it, even by the case's address.
    driver.find_element(By.ID, "logout").click()
    wait.until(EC.visibility_of_element_located((By.ID, "login")))
    login("sec2", "password-sec2")
    wait.until(EC.presence_of_element_located((By.ID, "funnel")))
    check("张三" not in driver.find_element(By.TAG_NAME, "body").text, "B02's secretary does not see 张三")
    # Wait for the page asked for, not for any text: after a hash change the view still shows
    # the overview until the case page has been drawn (a race seen under load).
    driver.get(url + "#/case/1")
    wait.until(lambda d: d.find_element(By.ID, "view").get_attribute("data-route") == "#/case/1")
    check("事项不存在" in driver.find_element(By.ID, "view").text, "B02's secretary gets 事项不存在 for B01's case")
    shot("07-other-branch")
    driver.get(url + "#/rectify")
    wait.until(lambda d: d.find_element(By.ID, "view").get_attribute("data-route") == "#/rectify")
    check("三会一课" not in driver.find_element(By.ID, "view").text, "B02's secretary sees none of B01's ledger")
    driver.quit()
finally:
    for proc in ("chromedriver", "chromium"):
        if proc in globals():
            globals()[proc].terminate()
    if "profile" in globals():
        shutil.rmtree(profile, ignore_errors=True)
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        failures.append("djflow web did not stop within 10 s of SIGTERM")
    shutil.rmtree(work, ignore_errors=True)

print(f"screenshots in {OUT}")
if server.returncode not in (0, None):
    failures.append(f"djflow web exited {server.returncode} on SIGTERM")
if failures:
    sys.exit("FAIL: " + "; ".join(failures))
print("browser test passed")
