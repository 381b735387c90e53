#!/usr/bin/python3
"""Drives inch's first run and journal in a real headless Chromium (Debian's
chromium, chromium-driver and python3-selenium), as
browser_journal_e2e_test.cpp asks:

    browser_journal_check.py URL SCREENSHOT_DIR PASSPHRASE

on a laptop with no inch yet: creates it on the first-run page (typed
twice, a mistake first), unlocks, answers two questions in the journal,
edits the first reflection, deletes the second after its confirmation
(declined once), and saves screenshots at 360 and 1280 px (one dark).
Leaves exactly one reflection, the first one edited, for the test to
check with the CLI. Exits 0 when all went as expected, 1 with the reason
otherwise, 2 when the browser cannot start (never a silent pass)."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inch_browser import (By, Keys, fail, shot,  # noqa: E402
                          start_browser, text_of, visible, wait_for)

url, shots, passphrase = sys.argv[1:4]
os.makedirs(shots, exist_ok=True)
FIRST = "Coffee together before the day starts, phones in the other room."
EDITED = FIRST + "\nAnd asking how the night was."
SECOND = "More laughing at small things."


def entries(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#journal-entries li")


def entry_with(driver, text):
    for li in entries(driver):
        found = li.find_elements(By.CLASS_NAME, "text")
        if found and found[0].text == text:
            return li
    return None


def in_entry(li, label):
    return li.find_element(By.XPATH, f".//button[text()='{label}']")


def first_run(driver):
    driver.get(url)
    visible(driver, "setup-view")
    if driver.switch_to.active_element.get_attribute("id") != "new-passphrase":
        fail("the first passphrase field does not have the focus")
    if "Nobody can recover" not in text_of(driver, "setup-view"):
        fail("the first run does not say a lost passphrase is lost")
    if not driver.find_element(By.ID, "views-nav").get_attribute("hidden"):
        fail("the navigation shows before inch exists")
    first = driver.find_element(By.ID, "new-passphrase")
    first.send_keys("short")
    wait_for(driver, lambda d: "short" in text_of(d, "strength-hint"),
             "a hint that the passphrase is short")
    first.send_keys(Keys.CONTROL, "a")
    first.send_keys(passphrase)
    hint = text_of(driver, "strength-hint")
    if "short" in hint or not hint:
        fail(f"the hint for a good passphrase is {hint!r}")
    again = driver.find_element(By.ID, "repeat-passphrase")
    again.send_keys(passphrase + "!")
    wait_for(driver, lambda d: "not the same" in text_of(d, "repeat-hint"),
             "a word that the two differ")
    shot(driver, shots, "setup", 360)
    shot(driver, shots, "setup", 1280)
    again.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: "not the same" in text_of(d, "message"),
             "the page to refuse two different passphrases")
    if driver.find_element(By.ID, "setup-view").get_attribute("hidden"):
        fail("two different passphrases went past the first run")
    again.send_keys(Keys.END, Keys.BACKSPACE)  # the page selected it all
    wait_for(driver, lambda d: "the same" in text_of(d, "repeat-hint") and
             "not" not in text_of(d, "repeat-hint"),
             "a word that the two are the same")
    driver.find_element(By.CSS_SELECTOR, "#setup-form button").click()
    visible(driver, "unlock-view", timeout=60)
    if "ready" not in text_of(driver, "message"):
        fail("no word that inch is ready: " + text_of(driver, "message"))


def unlock(driver):
    driver.find_element(By.ID, "passphrase").send_keys(passphrase, Keys.ENTER)
    visible(driver, "together-view", timeout=30)
    link = driver.find_element(By.CSS_SELECTOR, '#views-nav a[href="#journal"]')
    link.send_keys(Keys.ENTER)  # by keyboard: the link has the focus
    visible(driver, "journal-view")
    if link.get_attribute("aria-current") != "page":
        fail("the Journal link is not marked as the current page")
    together = driver.find_element(By.CSS_SELECTOR,
                                   '#views-nav a[href="#together"]')
    if together.get_attribute("aria-current"):
        fail("Together is still marked current")
    if not driver.find_element(By.ID, "together-view").get_attribute("hidden"):
        fail("two views are shown at once")


def write(driver, text):
    box = driver.find_element(By.ID, "journal-text")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "#journal-form button[type=submit]"
                        ).click()
    wait_for(driver, lambda d: entry_with(d, text) is not None,
             f"the reflection {text[:20]!r}... in the list")


def journal(driver):
    view = text_of(driver, "journal-view")
    if "never sent to your partner" not in view:
        fail("the journal does not say it stays on this laptop")
    question = text_of(driver, "journal-question")
    if not question.endswith("?"):
        fail(f"no question above the writing area: {question!r}")
    label_for = driver.find_element(By.ID, "journal-question") \
        .get_attribute("for")
    if label_for != "journal-text":
        fail("the question is not the writing area's label")
    write(driver, FIRST)
    li = entry_with(driver, FIRST)
    if li.find_element(By.CLASS_NAME, "asked").text != question:
        fail("the saved reflection does not show its question")
    when = li.find_element(By.CLASS_NAME, "when").text
    if re.search(r"\d{4}-\d\d-\d\d", when) or not re.search(r"[a-z]{3}", when):
        fail(f"the date is not in words: {when!r}")
    # One question at a time: answering brings the next one.
    second_question = text_of(driver, "journal-question")
    if second_question == question:
        fail("the same question came back after answering it")
    write(driver, SECOND)
    texts = [e.find_element(By.CLASS_NAME, "text").text
             for e in entries(driver)]
    if texts != [SECOND, FIRST]:
        fail(f"reflections not newest first: {texts}")
    shot(driver, shots, "journal", 360)
    shot(driver, shots, "journal", 1280)

    in_entry(entry_with(driver, FIRST), "Edit").click()
    boxes = driver.find_elements(By.CSS_SELECTOR, "#journal-entries textarea")
    if len(boxes) != 1 or boxes[0].get_attribute("value") != FIRST:
        fail("Edit did not open the reflection for changing")
    box = boxes[0]
    if driver.switch_to.active_element != box:
        fail("the text to change does not have the focus")
    box.send_keys(Keys.END, "\nAnd asking how the night was.")
    driver.find_element(By.XPATH, "//button[text()='Save changes']").click()
    wait_for(driver, lambda d: entry_with(d, EDITED) is not None,
             "the edited reflection")
    if "changed" not in entry_with(driver, EDITED) \
            .find_element(By.CLASS_NAME, "when").text:
        fail("an edited reflection does not say it was changed")

    in_entry(entry_with(driver, SECOND), "Delete").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR,
             "#journal-entries .confirm"), "the confirmation")
    shot(driver, shots, "journal-delete", 360)
    in_entry(entry_with(driver, SECOND), "Keep it").click()
    wait_for(driver, lambda d: not d.find_elements(
        By.CSS_SELECTOR, "#journal-entries .confirm"), "the list again")
    if entry_with(driver, SECOND) is None:
        fail("Keep it deleted the reflection")
    in_entry(entry_with(driver, SECOND), "Delete").click()
    in_entry(entry_with(driver, SECOND), "Delete it").click()
    wait_for(driver, lambda d: entry_with(d, SECOND) is None,
             "the deleted reflection to go")
    if "Deleted" not in text_of(driver, "message"):
        fail("no word that it was deleted")
    if len(entries(driver)) != 1:
        fail(f"{len(entries(driver))} reflections left, not 1")

    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "dark"}]})
    shot(driver, shots, "journal-dark", 360)


def main():
    with tempfile.TemporaryDirectory() as profile:
        driver = start_browser(profile)
        try:
            first_run(driver)
            unlock(driver)
            journal(driver)
            problems = [e["message"] for e in driver.get_log("browser")
                        if "Content Security Policy" in e["message"] or
                        e["level"] == "SEVERE" and
                        "favicon" not in e["message"]]
            if problems:
                fail("the browser reported: " + " | ".join(problems))
        finally:
            driver.quit()
    print("browser_journal_check: all well")


main()
