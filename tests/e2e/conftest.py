"""Browser tests: the real app under gunicorn, driven by Playwright through
Debian's Chromium (Playwright's own browser downloads are not used)."""

import json
import os
import re
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from kinetic import testing

# The README's pictures are retaken only when asked (KINETIC_SCREENSHOTS=1), so a
# test run leaves the checkout as it found it; otherwise they go to a temporary
# folder, and taking them is still exercised.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS = (
    DOCS_SCREENSHOTS
    if os.environ.get("KINETIC_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "kinetic-screenshots"
)
PHONE = {"width": 390, "height": 844}
# axe-core (npm, a dev dependency of frontend/; KINETIC_AXE names another copy)
# and the WCAG 2.2 AA rule tags.
AXE = Path(
    os.environ.get("KINETIC_AXE")
    or Path(__file__).resolve().parents[2] / "frontend/node_modules/axe-core/axe.min.js"
)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO = {
    "therapist": ("therapist@demo.kinetic", "demo-therapist"),
    "patient": ("patient@demo.kinetic", "demo-patient"),
}


@pytest.fixture(autouse=True)
def _browser_tests_run_once(db_kind):
    if db_kind != "sqlite":
        pytest.skip("the browser flows run once per suite, in the SQLite pass")


@pytest.fixture(scope="session")
def live_dir(tmp_path_factory):
    """The live server's instance folder (its SQLite file, its VAPID key)."""
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="session")
def live_server(db_kind, live_dir):
    """gunicorn with two workers, prepared as `make run` prepares it."""
    if db_kind != "sqlite":
        pytest.skip("the browser flows run once per suite, in the SQLite pass")
    # The flows make many accounts from one address within a minute; the
    # sign-up and invite limits have their own tests (test_account_security.py).
    settings = {
        "REGISTER_LIMIT_PER_ADDRESS": "1000/minute",
        "INVITE_LIMIT_PER_ACCOUNT": "1000/hour",
    }
    with testing.live_server(live_dir, settings=settings) as url:
        yield url


def call(base: str, method: str, path: str, body=None, token=None):
    """One API call to the live server, as a client outside the browser."""
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.load(response) if response.status != 204 else None


def therapist_token(base: str) -> str:
    """A fresh token of the demo therapist."""
    email, password = DEMO["therapist"]
    credentials = {"email": email, "password": password}
    return call(base, "POST", "/auth/login", credentials)["token"]


def assert_on_first_screen(page, locator) -> None:
    """The control is inside the viewport, and the page was not scrolled to it."""
    expect(locator).to_be_visible()
    assert page.evaluate("scrollY") == 0
    box = locator.bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box


def ask_peg3(base: str, patient: dict) -> None:
    """The demo therapist asks the patient to answer PEG-3 every week (due now)."""
    body = {"questionnaire": "peg-3", "every_days": 7}
    path = f"/patients/{patient['id']}/questionnaires"
    call(base, "POST", path, body, therapist_token(base))


@pytest.fixture
def new_patient(live_server):
    """Makes a new patient of the demo therapist with a program on every day,
    starting today; returns the user with its password and token."""

    def make(name: str, program: str = "neck-headache-relief") -> dict:
        therapist = therapist_token(live_server)
        code = call(live_server, "POST", "/invites", {}, therapist)["code"]
        password = f"pw-{uuid.uuid4().hex}"
        account = call(
            live_server,
            "POST",
            "/auth/register",
            {
                "email": f"e2e-{uuid.uuid4().hex[:8]}@example.org",
                "password": password,
                "name": name,
                "invite_code": code,
            },
        )
        call(
            live_server,
            "POST",
            f"/patients/{account['user']['id']}/assignments",
            {"program": program, "days_of_week": list(range(7))},
            therapist,
        )
        return {**account["user"], "password": password, "token": account["token"]}

    return make


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


def open_section(page, name: str) -> None:
    """Opens one section of a therapist's patient page by its link."""
    sections = page.get_by_role("navigation", name="Patient sections")
    sections.get_by_role("link", name=name, exact=True).click()


DEVELOPER_WORDS = re.compile(r"slug|yaml", re.IGNORECASE)


def no_developer_words(page) -> None:
    """What a reader sees (closed menus and parts are not read) has no file words:
    the library and the editors speak of exercises, programs, doses and sources."""
    text = page.locator("main").inner_text()
    assert not DEVELOPER_WORDS.search(text), DEVELOPER_WORDS.findall(text)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now, one line each
    (rule, impact, element, what to fix). The script is evaluated over the
    DevTools protocol, so the app's Content-Security-Policy does not block it."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed ({AXE}): run `cd frontend && npm ci`")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text() + "\n;0")
    found = page.evaluate(
        """async (tags) => {
          const only = {runOnly: {type: 'tag', values: tags}};
          const result = await axe.run(document, only);
          return result.violations.flatMap((v) => v.nodes.map((n) => {
            const why = n.failureSummary.replace(/\\s+/g, ' ');
            return `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${why}`;
          }));
        }""",
        WCAG_AA,
    )
    return found
