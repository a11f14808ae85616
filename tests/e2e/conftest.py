"""Browser tests: the real app under gunicorn, driven by Playwright through
Debian's Chromium (Playwright's own browser downloads are not used)."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from kinetic import testing

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DEMO = {
    "therapist": ("therapist@demo.kinetic", "demo-therapist"),
    "patient": ("patient@demo.kinetic", "demo-patient"),
}


@pytest.fixture(autouse=True)
def _browser_tests_run_once(db_kind):
    if db_kind != "sqlite":
        pytest.skip("the browser flows run once per suite, in the SQLite pass")


@pytest.fixture(scope="session")
def live_server(db_kind, tmp_path_factory):
    """gunicorn with two workers, prepared as `make run` prepares it."""
    if db_kind != "sqlite":
        pytest.skip("the browser flows run once per suite, in the SQLite pass")
    with testing.live_server(tmp_path_factory.mktemp("live")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=testing.CHROMIUM, args=testing.CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized browser profile (its own storage and service worker)."""
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server
    )
    yield context
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def sign_in(page, email: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
