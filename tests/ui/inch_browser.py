"""What the browser checks share (they import By, Keys and Select from
here too): starting Debian's headless Chromium
through Debian's chromedriver (python3-selenium), waiting for the page,
reading it and keeping screenshots. A check exits 0 when all went as
expected, 1 with the reason otherwise, 2 when the browser cannot start,
so that a missing browser never passes silently."""
import base64
import os
import sys
import tempfile

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.common.exceptions import (StaleElementReferenceException,
                                            TimeoutException)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as e:
    print(f"selenium is missing ({e}): apt-get install python3-selenium",
          file=sys.stderr)
    sys.exit(2)

__all__ = ["By", "Keys", "Select", "browser_problems", "fail", "shot",
           "start_browser", "text_of", "texts", "type_into",
           "unnamed_controls", "visible", "wait_for", "with_two_browsers"]

NAME = os.path.basename(sys.argv[0])


def fail(why):
    print(f"{NAME}: {why}", file=sys.stderr)
    sys.exit(1)


def start_browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run",
                "--window-size=1280,900", f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                                options=opts)
    except Exception as e:  # noqa: BLE001 - any failure to start is fatal
        print(f"{NAME}: Chromium did not start: {e}", file=sys.stderr)
        sys.exit(2)


def wait_for(driver, condition, what, timeout=20):
    # The page redraws after each change: an element found just before a
    # redraw goes stale, and the condition is simply asked again.
    try:
        WebDriverWait(driver, timeout,
                      ignored_exceptions=[StaleElementReferenceException]
                      ).until(condition)
    except TimeoutException:
        fail(f"waited {timeout} s for {what}")


def visible(driver, element_id, timeout=20):
    wait_for(driver, lambda d: d.find_element(By.ID, element_id)
             .is_displayed(), f"#{element_id} to show", timeout)


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def texts(driver, selector):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]


def type_into(driver, element_id, text):
    box = driver.find_element(By.ID, element_id)
    box.clear()
    box.send_keys(text)


def shot(driver, shots, name, width):
    """The whole page at `width` px; fails if it is wider than the window."""
    driver.set_window_size(width, 900)
    height = driver.execute_script(
        "return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(600, height + 40))
    driver.execute_script("window.scrollTo(0, 0)")
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth")
    path = os.path.join(shots, f"{name}-{width}.png")
    # The whole page, even where the window could not grow to its height.
    # Captured beyond the viewport, the page is laid out without the
    # scroll bar: as wide as the window.
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0,
                 "width": driver.execute_script("return window.innerWidth"),
                 "height": size["height"], "scale": 1}})
    with open(path, "wb") as f:
        f.write(base64.b64decode(png["data"]))
    print(f"saved {path}")
    unnamed = unnamed_controls(driver)
    driver.set_window_size(1280, 900)
    if overflow:
        fail(f"{name} at {width} px is wider than the window")
    if unnamed:
        fail(f"{name}: controls without a name for screen readers: {unnamed}")


# Every control a person can reach has a name a screen reader can say:
# aria-label, aria-labelledby, a <label>, or a button's or link's text.
UNNAMED_CONTROLS = """
const unnamed = [];
for (const el of document.querySelectorAll(
    'input, textarea, select, button, a[href]')) {
  if (el.type === 'hidden' || el.getClientRects().length === 0) continue;
  let name = el.getAttribute('aria-label') || '';
  const by = el.getAttribute('aria-labelledby');
  if (!name && by) name = by.split(/\\s+/).map(
      id => (document.getElementById(id) || {}).textContent || '').join(' ');
  if (!name && el.labels) name = Array.from(el.labels, l => l.textContent).join(' ');
  if (!name && (el.tagName === 'BUTTON' || el.tagName === 'A')) name = el.textContent;
  if (!name.trim()) unnamed.push(el.outerHTML.slice(0, 100));
}
return unnamed;
"""


def unnamed_controls(driver):
    """The visible controls a screen reader could not name."""
    return driver.execute_script(UNNAMED_CONTROLS)


def browser_problems(driver, expected=()):
    """What the page's console reported: CSP refusals and errors, except
    errors that name one of `expected` (a refusal the check provoked)."""
    return [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e["message"] or
            e["level"] == "SEVERE" and "favicon" not in e["message"] and
            not any(x in e["message"] for x in expected)]


def with_two_browsers(run):
    """run(a, b) with two browsers of their own profiles, quit afterwards."""
    with tempfile.TemporaryDirectory() as pa, \
            tempfile.TemporaryDirectory() as pb:
        a = start_browser(pa)
        try:
            b = start_browser(pb)
            try:
                run(a, b)
            finally:
                b.quit()
        finally:
            a.quit()
