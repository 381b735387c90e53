#!/usr/bin/python3
"""Prints (never asserts) the time from starting `inch ui --no-open` to an
interactive page in a real browser: the link read from inch's first line,
opened in Debian's headless Chromium (already running, as a person's
browser would be), until the unlock form is shown with the passphrase
field focused. Also prints the page's own navigation timings.

    bench/ui_page_bench.py INCH_BINARY [RUNS]

Needs chromium, chromium-driver and python3-selenium (scripts/install-deps.sh).
"""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "ui"))
from inch_browser import By, start_browser  # noqa: E402

PASSPHRASE = "a bench passphrase, long enough"


def make_home(binary, root):
    env = dict(os.environ, INCH_HOME=os.path.join(root, "home"),
               XDG_RUNTIME_DIR=os.path.join(root, "run"))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
    pw = os.path.join(root, "pw")
    with open(pw, "w") as f:
        f.write(PASSPHRASE + "\n")
    subprocess.run([binary, "init"], env=dict(env, INCH_PASSPHRASE_FILE=pw),
                   check=True, capture_output=True)
    return env


def unlock_form_ready(driver):
    form = driver.find_element(By.ID, "unlock-view")
    active = driver.switch_to.active_element.get_attribute("id")
    return form.is_displayed() and active == "passphrase"


def wait_until_ready(driver, timeout=20):
    # Polled every 5 ms: WebDriverWait's default of 500 ms would be most
    # of the figure.
    deadline = time.perf_counter() + timeout
    while not unlock_form_ready(driver):
        if time.perf_counter() > deadline:
            raise SystemExit(f"no unlock form after {timeout} s")
        time.sleep(0.005)


def one_run(driver, binary, env):
    start = time.perf_counter()
    ui = subprocess.Popen([binary, "ui", "--no-open"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True)
    try:
        url = ui.stdout.readline().strip()
        printed = time.perf_counter()
        driver.get(url)
        wait_until_ready(driver)
        ready = time.perf_counter()
        nav = driver.execute_script(
            "const n = performance.getEntriesByType('navigation').pop();"
            "return [n.domInteractive, n.loadEventEnd, n.responseEnd];")
    finally:
        ui.send_signal(signal.SIGTERM)
        ui.wait(timeout=10)
    return (printed - start) * 1e3, (ready - start) * 1e3, nav


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory(prefix="inch-uipage-") as root:
        env = make_home(binary, root)
        driver = start_browser(os.path.join(root, "profile"))
        try:
            driver.get("about:blank")
            results = [one_run(driver, binary, env) for _ in range(runs)]
        finally:
            driver.quit()
    link = statistics.median(r[0] for r in results)
    ready = statistics.median(r[1] for r in results)
    dom = statistics.median(r[2][0] for r in results)
    load = statistics.median(r[2][1] for r in results)
    served = statistics.median(r[2][2] for r in results)
    print(f"inch ui --no-open -> link printed: median {link:.1f} ms")
    print(f"inch ui --no-open -> unlock form shown and focused in Chromium: "
          f"median {ready:.1f} ms, max {max(r[1] for r in results):.1f} ms "
          f"over {runs} starts")
    print(f"the page's own timings (from the click on the link): the page "
          f"received {served:.1f} ms, DOM interactive {dom:.1f} ms, load "
          f"event done {load:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
