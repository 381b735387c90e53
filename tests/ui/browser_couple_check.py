#!/usr/bin/python3
"""A couple goes through the whole method in two real headless Chromium
sessions, one per partner, as browser_couple_e2e_test.cpp asks:

    browser_couple_check.py URL_A URL_B SCREENSHOT_DIR PASSPHRASE

Both pages start with no inch at all. Each partner creates inch (the
passphrase twice) and unlocks it; A writes in the journal, answering the
question shown; they pair, B typing nothing but the code A's page shows
(the laptops find each other on their network) while both compare the
check words; each adds a wish and shares it, and both say they are ready
for lists and notes. B offers something for A's wish, and a smaller step
of it, and shares both. A sees B's gives easiest first, in full, answers
B's wish with a private "not yet", chooses the smaller step, marks it
done and thanks B for it; A's "What my partner sees" shows the marks and
the note, never the "not yet". B's page then shows the step done and the
note received. Prints "words: W1 W2 W3 W4" for the test to compare with
`inch status`. Screenshots at 360 and 1280 px. Exit codes as in
inch_browser.py."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inch_browser import (By, Keys, Select, browser_problems, fail,  # noqa: E402
                          shot, text_of, texts, type_into, visible,
                          wait_for, with_two_browsers)

url_a, url_b, shots, passphrase = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
# What travels between the two laptops (pairing, then the daemons' sync)
# gets a generous wait, never asserted as a speed.
SLOW = 120

REFLECTION = "I felt closer when we cooked together on Sunday."
WISH_A = "Ask me one question about my day before we look at our phones"
WISH_B = "Plan one evening a month that is just for the two of us"
BIG = "Every evening this week, twenty minutes of talking, phones away"
STEP = "Tonight, ten minutes on the sofa, asking about your day"
NOTE = "Thank you for the ten minutes on the sofa: I felt heard"


def go(driver, view):
    driver.find_element(By.CSS_SELECTOR, f'#views-nav a[href="#{view}"]'
                        ).click()
    visible(driver, "pair-view" if view == "pairing" else f"{view}-view")


def item(driver, selector, text):
    for li in driver.find_elements(By.CSS_SELECTOR, selector):
        if li.find_element(By.CSS_SELECTOR, ":scope > .text").text == text:
            return li
    return None


def button_in(li, label):
    return li.find_element(By.XPATH,
                           f"./div[@class='actions']/button[text()='{label}']")


def meta_of(driver, selector, text):
    li = item(driver, selector, text)
    return li.find_element(By.CSS_SELECTOR, ":scope > .meta").text if li \
        else ""


def arrives(driver, selector, text, what, also=lambda meta: True):
    """Waits until the lists show `text` under `selector` (and its meta
    line passes `also`), looking again as a person would: by going to
    Together and back to Lists."""
    deadline = time.monotonic() + SLOW
    while time.monotonic() < deadline:
        go(driver, "together")
        go(driver, "lists")
        li = item(driver, selector, text)
        if li is not None and also(meta_of(driver, selector, text)):
            return li
        time.sleep(1)
    fail(f"{what} did not arrive within {SLOW} s")


def first_run(driver, url):
    driver.get(url)
    visible(driver, "setup-view")
    if "Nobody can recover" not in text_of(driver, "setup-view"):
        fail("the first run does not say what a lost passphrase means")
    type_into(driver, "new-passphrase", passphrase)
    type_into(driver, "repeat-passphrase", passphrase)
    driver.find_element(By.CSS_SELECTOR, "#setup-form button").click()
    visible(driver, "unlock-view", 90)
    driver.find_element(By.ID, "passphrase").send_keys(passphrase, Keys.ENTER)
    visible(driver, "together-view", 60)


def journal(driver):
    go(driver, "journal")
    question = text_of(driver, "journal-question")
    if not question.endswith("?"):
        fail(f"no question above the writing area: {question!r}")
    type_into(driver, "journal-text", REFLECTION)
    driver.find_element(By.CSS_SELECTOR,
                        "#journal-form button[type=submit]").click()

    def saved(d):
        for li in d.find_elements(By.CSS_SELECTOR, "#journal-entries li"):
            if li.find_element(By.CLASS_NAME, "text").text == REFLECTION:
                return li.find_element(By.CLASS_NAME, "asked").text == question
        return False
    wait_for(driver, saved, "the reflection under its question")


def pair(a, b):
    for driver in (a, b):
        go(driver, "pairing")
        visible(driver, "pair-start")
    a.find_element(By.ID, "pair-offer").click()
    visible(a, "pair-code-shown", SLOW)
    code = text_of(a, "pair-code-shown")
    if not re.fullmatch(r"\d{4}-\d{4}", code):
        fail(f"the code shown is {code!r}")
    shot(a, shots, "couple-pair-code", 360)
    # Nothing but the code: B's page finds A's laptop on the network.
    type_into(b, "pair-code", code)
    if b.find_element(By.ID, "pair-address").get_attribute("value"):
        fail("an address was typed")
    b.find_element(By.CSS_SELECTOR,
                   "#pair-join-form button[type=submit]").click()
    visible(a, "pair-compare", SLOW)
    visible(b, "pair-compare", SLOW)
    words = [texts(d, "#pair-words li") for d in (a, b)]
    if len(words[0]) != 4 or not all(words[0]) or words[0] != words[1]:
        fail(f"the check words: A {words[0]}, B {words[1]}")
    print("words: " + " ".join(words[0]))
    shot(b, shots, "couple-pair-compare", 1280)
    for driver in (a, b):
        driver.find_element(By.ID, "pair-same").click()
        visible(driver, "pair-result", SLOW)
        if not text_of(driver, "pair-result-words").startswith("Paired."):
            fail(f"after yes: {text_of(driver, 'pair-result-words')!r}")
        driver.find_element(By.ID, "pair-result-ok").click()
        visible(driver, "pair-paired")


def add_wish(driver, text, importance):
    go(driver, "lists")
    type_into(driver, "wish-text", text)
    driver.find_element(
        By.CSS_SELECTOR, f'input[name="importance"][value="{importance}"]'
    ).click()
    driver.find_element(By.CSS_SELECTOR, "#wish-form button").click()
    wait_for(driver, lambda d: item(d, "#my-wishes li", text) is not None,
             f"the wish {text!r}")
    share(driver, "#my-wishes li", text)


def share(driver, selector, text):
    button_in(item(driver, selector, text), "Share").click()
    wait_for(driver, lambda d: "shared" in meta_of(d, selector, text),
             f"{text!r} shared")


def ready(driver, kind):
    go(driver, "together")
    driver.find_element(By.ID, f"consent-{kind}").click()
    wait_for(driver, lambda d: d.find_element(By.ID, f"consent-{kind}")
             .get_attribute("data-on") == "true", f"ready for {kind}")


def both_ready(driver, kind):
    """Together says, in words, that both are ready for `kind`."""
    deadline = time.monotonic() + SLOW
    while time.monotonic() < deadline:
        go(driver, "lists")
        go(driver, "together")
        words = text_of(driver, f"consent-{kind}-words")
        if words == "You are both ready.":
            return words
        time.sleep(1)
    fail(f"Together never said both are ready for {kind}: {words!r}")


def add_give(driver, text, size, for_wish=None, smaller_than=None):
    type_into(driver, "give-text", text)
    driver.find_element(
        By.CSS_SELECTOR, f'input[name="size"][value="{size}"]').click()
    if for_wish:
        Select(driver.find_element(By.ID, "give-for")
               ).select_by_visible_text(for_wish)
    if smaller_than:
        Select(driver.find_element(By.ID, "give-smaller")
               ).select_by_visible_text("My give: " + smaller_than)
    driver.find_element(By.CSS_SELECTOR, "#give-form button").click()
    wait_for(driver, lambda d: item(d, "#my-gives li", text) is not None,
             f"the give {text!r}")
    share(driver, "#my-gives li", text)


def b_offers(b):
    arrives(b, "#partner-wishes li", WISH_A, "A's wish on B's page")
    add_give(b, BIG, "large", for_wish=WISH_A)
    add_give(b, STEP, "small", smaller_than=BIG)
    rungs = texts(item(b, "#my-gives > li", BIG),
                  ":scope > ul.ladder > li > .text")
    if rungs != [STEP]:
        fail(f"the smaller step is not on the ladder under the big one: "
             f"{rungs}")
    shot(b, shots, "couple-b-offers", 360)
    shot(b, shots, "couple-b-offers", 1280)


def a_answers(a):
    arrives(a, "#partner-gives li", BIG, "B's gives on A's page")
    arrives(a, "#partner-gives li", STEP, "B's smaller step on A's page")
    order = [t for t in texts(a, "#partner-gives li > .text")
             if t in (BIG, STEP)]
    if order != [STEP, BIG]:
        fail(f"B's gives are not easiest first: {order}")
    relation = item(a, "#partner-gives li", BIG).find_element(
        By.CSS_SELECTOR, ":scope > .relation").text
    if relation != f"For my wish \u201c{WISH_A}\u201d":
        fail(f"the big give says {relation!r}")

    # A "not yet" pressed by mistake is taken back, then given for real.
    button_in(item(a, "#partner-wishes li", WISH_B), "Not yet").click()
    wait_for(a, lambda d: "only you see this" in meta_of(
        d, "#partner-wishes li", WISH_B), "the private not yet")
    button_in(item(a, "#partner-wishes li", WISH_B),
              "Take back my answer").click()
    wait_for(a, lambda d: "only you see this" not in meta_of(
        d, "#partner-wishes li", WISH_B), "the not yet taken back")
    button_in(item(a, "#partner-wishes li", WISH_B), "Not yet").click()
    wait_for(a, lambda d: "only you see this" in meta_of(
        d, "#partner-wishes li", WISH_B), "the private not yet again")
    button_in(item(a, "#partner-gives li", STEP), "Choose this").click()
    wait_for(a, lambda d: "chosen" in meta_of(d, "#partner-gives li", STEP),
             "the step chosen")
    button_in(item(a, "#partner-gives li", STEP), "It is done").click()
    wait_for(a, lambda d: "done" in meta_of(d, "#partner-gives li", STEP),
             "the step done")
    button_in(item(a, "#partner-gives li", STEP), "Thank them for it").click()
    if a.switch_to.active_element.get_attribute("id") != "note-text":
        fail("thanking does not bring the note's text box")
    if Select(a.find_element(By.ID, "note-for")
              ).first_selected_option.text != STEP:
        fail("the note is not tied to the give thanked for")
    a.find_element(By.ID, "note-text").send_keys(NOTE)
    a.find_element(By.CSS_SELECTOR, "#note-form button").click()
    wait_for(a, lambda d: NOTE in texts(d, "#notes-list .text"),
             "the note among the notes")
    shot(a, shots, "couple-a-answers", 360)
    shot(a, shots, "couple-a-answers", 1280)

    # What my partner sees: my wish, my marks on the step and the note;
    # never the "not yet".
    wait_for(a, lambda d: NOTE in texts(d, "#preview-list .text"),
             "the note in the preview")
    preview = texts(a, "#preview-list .item")
    joined = " | ".join(preview)
    for expected in (WISH_A, STEP, NOTE):
        if not any(expected in line for line in preview):
            fail(f"the preview lacks {expected!r}: {joined}")
    if WISH_B in joined or "not yet" in joined.lower():
        fail(f"the preview shows the private not yet: {joined}")
    marks = [line for line in preview if STEP in line][0]
    if "chosen" not in marks or "done" not in marks:
        fail(f"the preview does not show the marks on the step: {marks!r}")


def b_sees_thanks(b):
    arrives(b, "#my-gives li", STEP, "A's marks on B's page",
            also=lambda meta: "done" in meta)
    deadline = time.monotonic() + SLOW
    while NOTE not in texts(b, "#notes-list .text"):
        if time.monotonic() > deadline:
            fail(f"A's note did not reach B within {SLOW} s")
        time.sleep(1)
        go(b, "together")
        go(b, "lists")
    line = [li for li in b.find_elements(By.CSS_SELECTOR, "#notes-list li")
            if li.find_element(By.CLASS_NAME, "text").text == NOTE][0]
    if not line.find_element(By.CLASS_NAME, "meta").text.startswith(
            "From my partner"):
        fail("the note does not say it is from the partner")
    shot(b, shots, "couple-b-thanked", 360)
    shot(b, shots, "couple-b-thanked", 1280)


def run(a, b):
    first_run(a, url_a)
    first_run(b, url_b)
    journal(a)
    pair(a, b)
    add_wish(a, WISH_A, 4)
    add_wish(b, WISH_B, 3)
    for driver in (a, b):
        ready(driver, "lists")
        ready(driver, "notes")
    for driver in (a, b):
        both_ready(driver, "lists")
    shot(a, shots, "couple-together", 360)
    shot(a, shots, "couple-together", 1280)
    b_offers(b)
    a_answers(a)
    b_sees_thanks(b)
    for name, driver in (("A", a), ("B", b)):
        problems = browser_problems(driver)
        if problems:
            fail(f"{name}'s browser reported: " + " | ".join(problems))
    print("browser_couple_check: all well")



with_two_browsers(run)
