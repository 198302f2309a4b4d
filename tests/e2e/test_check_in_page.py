"""The check-in desk's page in a real browser: type (or scan) a badge code, see the
person, check them in; a forged code is refused on screen."""
from services.registration import badges
from tests.e2e.browser import ARTIFACTS
from tests.registration_support import confirmed
from tests.support import schedule_meeting


def test_desk_staff_scan_a_badge_and_check_the_person_in(services, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    registration = services.start("registration")
    meeting = schedule_meeting(registration)
    person = confirmed(registration, meeting["id"], given_name="Иван", family_name="Петров",
                       country="RUS")
    wait = WebDriverWait(browser, 30)

    def scan(code):
        field = wait.until(shown.visibility_of_element_located((By.ID, "code-input")))
        field.send_keys(code + "\n")

    browser.get(registration.url + "/check-in")
    wait.until(shown.visibility_of_element_located((By.ID, "token-input"))).send_keys(
        services.tokens.plain["chb"] + "\n")
    scan(person["id"] + ".forged")
    wait.until(shown.text_to_be_present_in_element((By.ID, "message"), "not genuine"))
    scan(badges.badge_code(meeting["id"], person["id"]))
    wait.until(shown.text_to_be_present_in_element((By.ID, "card-name"), "Иван Петров"))
    assert "Not yet checked in" in browser.find_element(By.ID, "card-status").text
    browser.find_element(By.ID, "check-in-button").click()
    wait.until(shown.text_to_be_present_in_element((By.ID, "card-status"), "Checked in"))
    assert registration.client.get(f"/registrations/{person['id']}").json()["status"] == \
        "checked_in"
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "check-in-page.png"))
