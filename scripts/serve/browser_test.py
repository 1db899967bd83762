#!/usr/bin/env python3
"""The page at / in a real browser (Debian's chromium, headless, driven by selenium through
chromium-driver). Not run in CI.

Uploads both examples through the page's file input (keyboard only: focus, Enter), reads the
probabilities the page shows and compares them with the API's answer for the same files, opens a
spectrum with the keyboard, checks an API error is shown in plain words, and saves a screenshot.

Setup (once):
    apt-get install -y chromium chromium-driver
    python3 -m venv /work/venv-serve && /work/venv-serve/bin/pip install selenium==4.51.0
Run (a server already listening):
    cnnspot serve -m MODEL --port 8099 &
    /work/venv-serve/bin/python scripts/serve/browser_test.py --url http://127.0.0.1:8099 --screenshot docs/serve.png
Exit status 0 when every check passes; each check prints one line.
"""
import argparse
import json
import os
import sys
import time
import urllib.request
import uuid

import selenium
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

SELENIUM_VERSION = "4.51.0"  # the version this script was run with


def api_detect(url, paths):
    boundary = uuid.uuid4().hex
    body = b""
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(p)}\"\r\n"
                 f"Content-Type: image/png\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(url + "/v1/detect", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return {x["name"]: x for x in json.load(r)["results"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--examples", default=os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
    ap.add_argument("--screenshot", default="docs/serve.png")
    args = ap.parse_args()
    assert selenium.__version__ == SELENIUM_VERSION, selenium.__version__
    print(f"selenium {selenium.__version__}")
    files = [os.path.abspath(os.path.join(args.examples, n)) for n in ("real.png", "fake.png")]
    failures = []

    def check(ok, what):
        print(("PASS " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1400", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=opts, service=service)
    try:
        print(driver.capabilities.get("browserName"), driver.capabilities.get("browserVersion"))
        driver.get(args.url + "/")
        wait = WebDriverWait(driver, 120)
        wait.until(lambda d: "resnet" in d.find_element(By.ID, "model").text or "Model:" in d.find_element(By.ID, "model").text
                   and "loading" not in d.find_element(By.ID, "model").text)
        check("Model:" in driver.find_element(By.ID, "model").text, "the page shows the model: " + driver.find_element(By.ID, "model").text)
        # No request left this origin.
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        check(all(r.startswith(args.url) for r in resources), f"no external resources ({len(resources)} loaded)")

        # Keyboard: Tab reaches the drop box; submitting with nothing chosen says so in words.
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        check(driver.switch_to.active_element.get_attribute("id") == "drop", "Tab focuses the drop box first")
        driver.find_element(By.ID, "check").send_keys(Keys.ENTER)
        time.sleep(0.3)
        check("Choose or drop" in driver.find_element(By.ID, "status").text, "an empty submit is explained")

        # Choose both examples in the file input (WebDriver's way to fill a file chooser), submit by keyboard.
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        driver.find_element(By.ID, "check").send_keys(Keys.ENTER)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results li[data-probability]")) == 2)
        shown = {li.get_attribute("data-name"): li for li in driver.find_elements(By.CSS_SELECTOR, "#results li")}
        api = api_detect(args.url, files)
        for name in ("real.png", "fake.png"):
            li = shown[name]
            page_p = float(li.get_attribute("data-probability"))
            text_p = float(li.find_element(By.CLASS_NAME, "probability").text.rstrip("%")) / 100
            api_p = api[name]["probability"]
            check(page_p == api_p, f"{name}: page probability {page_p} == API {api_p}")
            check(abs(text_p - api_p) <= 0.0005, f"{name}: shown '{li.find_element(By.CLASS_NAME, 'probability').text}' matches API {api_p:.4f}")
            check(li.get_attribute("data-verdict") == api[name]["verdict"], f"{name}: verdict {li.get_attribute('data-verdict')}")
            width = li.find_element(By.CSS_SELECTOR, ".bar > span").value_of_css_property("width")
            check(width.endswith("px"), f"{name}: bar drawn ({width})")

        # Spectrum on demand, with the keyboard.
        button = shown["fake.png"].find_element(By.CSS_SELECTOR, ".spectrum button")
        button.send_keys(Keys.ENTER)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li[data-name='fake.png'] .spectrum img"))
        img = driver.find_element(By.CSS_SELECTOR, "#results li[data-name='fake.png'] .spectrum img")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img))
        check(img.get_attribute("naturalWidth") not in (None, "0"), f"spectrum shown ({img.get_attribute('naturalWidth')} px wide)")
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
        driver.save_screenshot(args.screenshot)
        print(f"wrote {args.screenshot}")

        # An API error in plain words: a file that is not an image.
        bad = os.path.abspath(os.path.join(os.path.dirname(args.screenshot), ".browser-test-not-an-image.png"))
        with open(bad, "wb") as f:
            f.write(b"this is not an image at all" * 10)
        try:
            driver.find_element(By.ID, "clear").send_keys(Keys.ENTER)
            driver.find_element(By.ID, "files").send_keys(bad)
            driver.find_element(By.ID, "check").send_keys(Keys.ENTER)
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li[data-error]"))
            msg = driver.find_element(By.CSS_SELECTOR, "#results li[data-error] .error-text").text
            check("not a JPEG, PNG or WebP" in msg, f"error in plain words: {msg[:90]}")
        finally:
            os.remove(bad)
    finally:
        driver.quit()
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
