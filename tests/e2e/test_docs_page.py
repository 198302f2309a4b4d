"""Each service's /docs renders its API in a real browser, from files it serves itself."""
import pytest

from coord.settings import SERVICES


@pytest.mark.parametrize("name", SERVICES)
def test_docs_render_every_operation_without_the_network(services, browser, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    service = services.start(name)
    document = service.client.get("/openapi.json").json()
    browser.get(service.url + "/docs")
    wait = WebDriverWait(browser, 20)
    title = wait.until(shown.visibility_of_element_located((By.CSS_SELECTOR, ".info .title")))
    assert name in title.text.lower()
    operations = wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, ".opblock"))
    expected = sum(len(methods) for methods in document["paths"].values())
    assert len(operations) == expected
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(service.url) for url in loaded)
