#!/usr/bin/python3
"""Drives inch's page in a real headless Chromium (Debian's chromium,
chromium-driver and python3-selenium), as browser_e2e_test.cpp asks:

    browser_check.py URL SCREENSHOT_DIR PASSPHRASE PAYLOAD

opens the URL `inch ui --no-open` printed, unlocks, adds wishes (one of
them PAYLOAD, a script in disguise), shares one, says "ready", locks, and
saves screenshots at 360 and 1280 px. Exits 0 when all went as expected,
1 with the reason otherwise, 2 when the browser cannot start (never a
silent pass)."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inch_browser import (By, Keys, browser_problems, fail,  # noqa: E402
                          shot, start_browser, visible, wait_for)

url, shots, passphrase, payload = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
GENTLE = "Ask me one question about my day before we look at our phones"


def item_with_text(driver, list_id, text):
    for li in driver.find_elements(By.CSS_SELECTOR, f"#{list_id} li"):
        if li.find_element(By.CLASS_NAME, "text").text == text:
            return li
    return None


def add_wish(driver, text, importance):
    box = driver.find_element(By.ID, "wish-text")
    box.clear()
    box.send_keys(text)
    driver.find_element(
        By.CSS_SELECTOR, f'input[name="importance"][value="{importance}"]'
    ).click()
    driver.find_element(By.CSS_SELECTOR, "#wish-form button").click()
    wait_for(driver,
             lambda d: item_with_text(d, "my-wishes", text) is not None,
             f"the wish {text!r} in my list")


def main():
    with tempfile.TemporaryDirectory() as profile:
        driver = start_browser(profile)
        try:
            run(driver)
        finally:
            driver.quit()


def run(driver):
    driver.get(url)
    if "/t/" in driver.current_url:
        fail("the token stayed in the address bar")
    visible(driver, "unlock-view")
    if driver.switch_to.active_element.get_attribute("id") != "passphrase":
        fail("the passphrase field does not have the focus")
    shot(driver, shots, "unlock", 360)
    shot(driver, shots, "unlock", 1280)

    wrong = driver.find_element(By.ID, "passphrase")
    wrong.send_keys("not the passphrase", Keys.ENTER)
    wait_for(driver,
             lambda d: "did not open" in d.find_element(By.ID, "message").text,
             "the wrong passphrase to be refused")
    field = driver.find_element(By.ID, "passphrase")
    field.clear()
    field.send_keys(passphrase, Keys.ENTER)
    visible(driver, "together-view", timeout=30)
    driver.find_element(By.CSS_SELECTOR, '#views-nav a[href="#lists"]').click()
    visible(driver, "lists-view")

    add_wish(driver, GENTLE, 4)
    add_wish(driver, payload, 2)
    li = item_with_text(driver, "my-wishes", payload)
    if li is None:
        fail("the payload wish is not shown as its text")
    if driver.find_elements(By.CSS_SELECTOR, "#lists-view img"):
        fail("the payload became an <img> element")
    if "pwned" in driver.title:
        fail(f"the title changed to {driver.title!r}: the payload ran")
    if driver.execute_script("return window.__inch_pwned !== undefined"):
        fail("the payload's script ran")

    gentle = item_with_text(driver, "my-wishes", GENTLE)
    gentle.find_element(By.XPATH, ".//button[text()='Share']").click()
    wait_for(driver,
             lambda d: "shared" in item_with_text(d, "my-wishes", GENTLE)
             .find_element(By.CLASS_NAME, "meta").text,
             "the wish to be marked shared")
    # Most wanted first: the importance-4 wish above the importance-2 one.
    texts = [e.text for e in driver.find_elements(
        By.CSS_SELECTOR, "#my-wishes li .text")]
    if texts != [GENTLE, payload]:
        fail(f"wishes not most wanted first: {texts}")

    driver.find_element(By.CSS_SELECTOR,
                        '#views-nav a[href="#together"]').click()
    visible(driver, "together-view")
    driver.find_element(By.ID, "consent-lists").click()
    wait_for(driver,
             lambda d: d.find_element(By.ID, "consent-lists-words").text ==
             "You are ready; waiting for your partner.",
             "my half of the consent in words")
    shot(driver, shots, "lists", 360)
    shot(driver, shots, "lists", 1280)

    driver.find_element(By.ID, "lock").click()
    visible(driver, "unlock-view")

    # The wrong passphrase above was answered 401, as it should be.
    problems = browser_problems(driver, expected=("status of 401",))
    if problems:
        fail("the browser reported: " + " | ".join(problems))
    print("browser_check: all well")


main()
