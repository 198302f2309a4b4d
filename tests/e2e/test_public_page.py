"""The public documents page as a visitor of the Convention's website sees it: embedded in
another site's page, in French, with nothing to run."""
from tests.documents_support import (
    DOCX, PDF_BYTES, docx_bytes, publish_reduced, register_when_known, working_document,
)
from tests.e2e.browser import ARTIFACTS
from tests.support import schedule_meeting

AGENDA = [
    ("5 (a)", "working", "Report of the Implementation and Compliance Committee"),
    ("10", "working", "Proposed programme of work and budget for the biennium 2020–2021"),
    ("2", "information", "Information for participants"),
]


def test_a_website_embeds_the_documents_page_in_french(services, browser, tmp_path):
    from selenium.webdriver.common.by import By

    registration = services.start("registration")
    documents = services.start("documents", DOCUMENTS_FILE_DIR=str(tmp_path / "files"))
    meeting = schedule_meeting(registration)
    for agenda_item, kind, title in AGENDA:
        document = register_when_known(documents, working_document(
            meeting["id"], kind=kind, title=title, agenda_item=agenda_item,
            languages="reduced"))
        publish_reduced(documents, document["id"], {
            "en": (PDF_BYTES, "application/pdf"), "fr": (docx_bytes(title), DOCX),
            "es": (PDF_BYTES, "application/pdf")})
    register_when_known(documents, working_document(
        meeting["id"], title="A draft nobody outside may see", agenda_item="3"))

    page_url = f"{documents.url}/public/meetings/COP-2/documents.html?lang=fr"
    website = tmp_path / "convention-website.html"
    website.write_text(
        '<!DOCTYPE html><html lang="fr"><body style="font-family: sans-serif">'
        "<h1>Convention de Minamata sur le mercure</h1>"
        f'<iframe src="{page_url}" title="Documents" width="1300" height="900" '
        'style="border: 1px solid #ccc"></iframe></body></html>', encoding="utf-8")
    browser.get(website.as_uri())
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert headings == ["Point de l'ordre du jour 2", "Point de l'ordre du jour 5 (a)",
                        "Point de l'ordre du jour 10"]
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "A draft nobody outside may see" not in body
    french = browser.find_element(By.CSS_SELECTOR, "a[hreflang='fr'][href$='/COP.2/1/fr']")
    assert french.text == "Français"
    browser.switch_to.default_content()

    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "public-documents-page-fr.png"))
