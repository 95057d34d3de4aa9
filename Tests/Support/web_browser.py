"""Drives the real chromium through Selenium like a person at the desk would.

Usage: web_browser.py BASE_URL LOGIN PASSWORD MAIL_ACK_URL TEAMS_ACK_URL EXPIRED_URL TAMPERED_URL
Prints one JSON object with what the browser saw; the Swift test judges it.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=412,915", "--lang=pt-BR"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def press(driver, element):
    """Clicks a form's button and waits until the browser has left the page and loaded the
    answer: a click returns before the navigation it starts has finished, so reading the
    address or the page at once can still see the old one."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 60).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def text(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else None


def main():
    base, login, password = sys.argv[1:4]
    mail_link, teams_link, expired, tampered = sys.argv[4:8]
    seen = {}
    driver = browser()
    try:
        driver.get(base + "/account")
        seen["unsigned_account_lands_on"] = driver.current_url.replace(base, "")
        driver.find_element(By.ID, "login").send_keys(login)
        driver.find_element(By.ID, "password").send_keys(password)
        press(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button"))
        seen["after_sign_in"] = driver.current_url.replace(base, "")
        seen["person"] = text(driver, "person")
        seen["role"] = text(driver, "role")
        seen["session_cookie_http_only"] = all(
            c.get("httpOnly") for c in driver.get_cookies() if c["name"] == "followupd_session")
        seen["script_sees_cookies"] = driver.execute_script("return document.cookie")
        press(driver, driver.find_element(By.ID, "sign-out"))
        seen["after_sign_out"] = driver.current_url.replace(base, "")
        driver.get(base + "/account")
        seen["account_after_sign_out"] = driver.current_url.replace(base, "")
        for source, link in (("mail", mail_link), ("teams", teams_link)):
            driver.get(link)
            seen[source + "_button"] = text(driver, "acknowledge")
            seen[source + "_for"] = text(driver, "for")
            press(driver, driver.find_element(By.ID, "acknowledge"))
            seen[source + "_done"] = text(driver, "acknowledged")
        driver.get(expired)
        seen["expired_message"] = text(driver, "message")
        seen["expired_has_button"] = bool(driver.find_elements(By.ID, "acknowledge"))
        driver.get(tampered)
        seen["tampered_message"] = text(driver, "message")
    finally:
        driver.quit()
    print(json.dumps(seen))


main()
