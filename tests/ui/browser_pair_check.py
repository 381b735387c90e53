#!/usr/bin/python3
"""Two partners pair their laptops in two real headless Chromium sessions
(Debian's chromium, chromium-driver and python3-selenium), as
browser_pair_e2e_test.cpp asks:

    browser_pair_check.py URL_A URL_B SCREENSHOT_DIR PASSPHRASE

A shows a code, B types it (and the address A's page shows under it: the
test's laptops share a loopback, not a home network), both pages show the
same four check words, both answer "yes", both say they are paired; then
A unpairs behind its confirmation. Prints "words: W1 W2 W3 W4" for the
test to compare with `inch status`. Saves screenshots at 360 and 1280 px.
Exits 0 when all went as expected, 1 with the reason otherwise, 2 when
the browser cannot start (never a silent pass)."""
import os
import re
import sys

try:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:
    print(f"browser_pair_check: selenium is missing ({e}): "
          "apt-get install python3-selenium", file=sys.stderr)
    sys.exit(2)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inch_browser import (browser_problems, fail,  # noqa: E402
                          unnamed_controls, with_two_browsers)

url_a, url_b, shots, passphrase = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
# Pairing runs over the network: generous, never asserted.
SLOW = 90


def shot(driver, name, width):
    driver.set_window_size(width, 900)
    height = driver.execute_script(
        "return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(600, height + 40))
    # The pairing view sits below the lists until the shell's navigation
    # shows it alone: scroll it into the picture.
    driver.execute_script(
        "document.getElementById('pair-view').scrollIntoView()")
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth")
    path = os.path.join(shots, f"{name}-{width}.png")
    driver.find_element(By.ID, "pair-view").screenshot(path)
    print(f"saved {path}")
    unnamed = unnamed_controls(driver)
    if overflow:
        fail(f"{name} at {width} px is wider than the window")
    if unnamed:
        fail(f"{name}: controls without a name for screen readers: {unnamed}")
    driver.set_window_size(1280, 900)


def wait_for(driver, condition, timeout=30):
    WebDriverWait(driver, timeout,
                  ignored_exceptions=[StaleElementReferenceException]).until(
        condition)


def visible(driver, element_id, timeout=30):
    wait_for(driver, EC.visibility_of_element_located((By.ID, element_id)),
             timeout)


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def check_words(driver, list_id):
    # The numbers before the words are CSS, not text.
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, f"#{list_id} li")]


def open_pairing(driver, url):
    driver.get(url)
    visible(driver, "unlock-view")
    driver.find_element(By.ID, "passphrase").send_keys(passphrase, Keys.ENTER)
    # Unlocked, the page opens on Together; Pairing has a link of its own.
    visible(driver, "together-view")
    driver.find_element(By.CSS_SELECTOR,
                        '#views-nav a[href="#pairing"]').click()
    visible(driver, "pair-start")
    if text(driver, "pair-status-words") != "You are not paired yet.":
        fail("before pairing the status says "
             f"{text(driver, 'pair-status-words')!r}")


def run(a, b):
    open_pairing(a, url_a)
    open_pairing(b, url_b)
    shot(a, "pair-start", 360)
    shot(a, "pair-start", 1280)

    a.find_element(By.ID, "pair-offer").click()
    visible(a, "pair-code-shown", SLOW)
    code = text(a, "pair-code-shown")
    if not re.fullmatch(r"\d{4}-\d{4}", code):
        fail(f"the code shown is {code!r}")
    if "Waiting for your partner" not in text(a, "pair-job-words"):
        fail(f"the offer says {text(a, 'pair-job-words')!r}")
    shot(a, "pair-code", 360)
    shot(a, "pair-code", 1280)

    # The address the person would read off A's screen; where A's laptop
    # has no network address at all, its port on loopback.
    shown = [li.text for li in a.find_elements(By.CSS_SELECTOR,
                                               "#pair-addresses li")]
    if shown:
        port = shown[0].rsplit(":", 1)[1]
    else:
        port = a.execute_async_script(
            "const done = arguments[0];"
            "fetch('/api/pair').then(r => r.json()).then(j => done(j.port));")
    address = f"127.0.0.1:{port}"

    b.find_element(By.ID, "pair-code").send_keys(code)
    b.find_element(By.CSS_SELECTOR, "#pair-join-form summary").click()
    b.find_element(By.ID, "pair-address").send_keys(address)
    b.find_element(By.CSS_SELECTOR, "#pair-join-form button[type=submit]"
                   ).click()

    visible(a, "pair-compare", SLOW)
    visible(b, "pair-compare", SLOW)
    words_a = check_words(a, "pair-words")
    words_b = check_words(b, "pair-words")
    if len(words_a) != 4 or not all(words_a):
        fail(f"A shows the check words {words_a}")
    if words_a != words_b:
        fail(f"the check words differ: A {words_a}, B {words_b}")
    print("words: " + " ".join(words_a))
    shot(a, "pair-compare", 360)
    shot(b, "pair-compare", 1280)

    for driver in (a, b):
        driver.find_element(By.ID, "pair-same").click()
        visible(driver, "pair-result")
        if not text(driver, "pair-result-words").startswith("Paired."):
            fail(f"after yes: {text(driver, 'pair-result-words')!r}")
        driver.find_element(By.ID, "pair-result-ok").click()
        visible(driver, "pair-paired")
        status = text(driver, "pair-status-words")
        if not status.startswith("You are paired."):
            fail(f"once paired the status says {status!r}")
        if check_words(driver, "paired-words") != words_a:
            fail("the paired view shows other words: "
                 f"{check_words(driver, 'paired-words')}")
    shot(b, "pair-paired", 360)
    shot(b, "pair-paired", 1280)

    a.find_element(By.ID, "unpair-ask").click()
    visible(a, "unpair-confirm")
    if "On your partner's laptop" not in text(a, "unpair-confirm"):
        fail("the confirmation does not say what the partner's laptop keeps")
    if not a.find_element(By.ID, "pair-status-words").text.startswith(
            "You are paired."):
        fail("asking to unpair already unpaired")
    shot(a, "unpair-confirm", 360)
    shot(a, "unpair-confirm", 1280)
    a.find_element(By.ID, "unpair-yes").click()
    visible(a, "pair-result", SLOW)
    wait_for(a, lambda d: text(d, "pair-result-words").startswith("Unpaired"),
             SLOW)
    a.find_element(By.ID, "pair-result-ok").click()
    visible(a, "pair-start")
    if text(a, "pair-status-words") != "You are not paired yet.":
        fail(f"after unpairing: {text(a, 'pair-status-words')!r}")

    for name, driver in (("A", a), ("B", b)):
        problems = browser_problems(driver)
        if problems:
            fail(f"{name}'s browser reported: " + " | ".join(problems))
    print("browser_pair_check: all well")



with_two_browsers(run)
