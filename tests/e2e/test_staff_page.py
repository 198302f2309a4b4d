"""The staff page in a real browser (headless Chromium from Debian's packages)."""
from tests.e2e.browser import ARTIFACTS
from tests.notifications_support import SAMPLE
from tests.support import nominate, schedule_meeting


def test_staff_see_new_registrations_live_and_filter_by_owner(services, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait

    registration = services.start("registration")
    notifications = services.start("notifications")
    meeting = schedule_meeting(registration)
    services.publish("documents", SAMPLE["document_late"].envelope())
    wait = WebDriverWait(browser, 20)

    def entries():
        return browser.find_elements(By.CSS_SELECTOR, "#entries li.entry")

    def entry_of(event_type):
        return wait.until(shown.visibility_of_element_located(
            (By.CSS_SELECTOR, f"#entries li.entry[data-type='{event_type}']")))

    def sign_in(token):
        token_input = wait.until(shown.visibility_of_element_located((By.ID, "token-input")))
        token_input.clear()
        token_input.send_keys(token)
        browser.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()

    browser.get(notifications.url + "/")
    sign_in("not-a-token")
    wait.until(shown.text_to_be_present_in_element((By.ID, "token-error"), "not accepted"))
    sign_in(services.tokens.plain["mc"])
    entry_of("meeting_scheduled")
    assert "late" in entry_of("document_late").get_attribute("class").split()
    wait.until(shown.text_to_be_present_in_element((By.ID, "connection"), "Live"))
    stream_url = browser.execute_script("return state.stream.url;")  # the page's EventSource
    assert "/feed/stream?" in stream_url and "ticket=" in stream_url
    assert services.tokens.plain["mc"] not in stream_url
    browser.execute_script("window.notReloaded = true;")

    nominate(registration, meeting["id"])
    arrived = entry_of("registration_submitted")
    assert "Ana Pérez 0 (Peru) was nominated for COP-2" in arrived.text
    assert browser.execute_script("return window.notReloaded === true;")

    Select(browser.find_element(By.ID, "filter-meeting")).select_by_visible_text("COP-2")
    Select(browser.find_element(By.ID, "filter-owner")).select_by_value("mc")
    wait.until(lambda _: entries() and all(
        entry.get_attribute("data-owner") == "mc" and "COP-2" in entry.text
        for entry in entries()))
    assert [entry.get_attribute("data-type") for entry in entries()] == ["registration_submitted"]

    nominate(registration, meeting["id"], number=1, country="KEN")
    wait.until(lambda _: len(entries()) == 2)
    assert "Ana Pérez 1 (Kenya)" in entries()[0].text

    Select(browser.find_element(By.ID, "filter-meeting")).select_by_value("")
    Select(browser.find_element(By.ID, "filter-owner")).select_by_value("")
    wait.until(lambda _: len(entries()) == 4)
    waiting_on_mc = "#waiting-list button[data-owner='mc']"
    wait.until(shown.text_to_be_present_in_element((By.CSS_SELECTOR, waiting_on_mc), "3"))
    browser.find_element(By.CSS_SELECTOR, waiting_on_mc).click()
    wait.until(lambda _: len(browser.find_elements(By.CSS_SELECTOR, "#digest-items li")) == 3)
    assert "The secretariat: 3 waiting" in browser.find_element(By.ID, "digest-title").text

    staff_tab = browser.current_window_handle
    browser.find_element(By.ID, "digest-text").click()  # opened with a ticket, not the token
    wait.until(lambda _: len(browser.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != staff_tab))
    wait.until(lambda _: "ticket=" in browser.current_url)
    assert services.tokens.plain["mc"] not in browser.current_url
    wait.until(shown.text_to_be_present_in_element((By.TAG_NAME, "body"),
                                                   "Waiting on the secretariat: 3 items"))
    browser.close()
    browser.switch_to.window(staff_tab)

    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "staff-page.png"))
