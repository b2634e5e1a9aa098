#!/usr/bin/python3
"""Issue 11 §5: the web workbench in a real browser (Debian chromium + chromium-driver, driven by
python3-selenium). Fails loudly when any of them is missing: it never skips.

Usage: browser_test.py DJFLOW_BINARY OUTPUT_DIR
Screenshots of every page are saved in OUTPUT_DIR (docs/web.md shows two of them).
"""
import json
import os
import shutil
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

    # Log out; another branch's secretary sees none of it, even by the case's address.
    driver.find_element(By.ID, "logout").click()
    wait.until(EC.visibility_of_element_located((By.ID, "login")))
    login("sec2", "password-sec2")
    wait.until(EC.presence_of_element_located((By.ID, "funnel")))
    check("张三" not in driver.find_element(By.TAG_NAME, "body").text, "B02's secretary does not see 张三")
    driver.get(url + "#/case/1")
    wait.until(lambda d: d.find_element(By.ID, "view").text != "")
    check("事项不存在" in driver.find_element(By.ID, "view").text, "B02's secretary gets 事项不存在 for B01's case")
    shot("07-other-branch")
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
