"""Browser tests: the real app under gunicorn, driven by Playwright through
Debian's Chromium (Playwright's own browser downloads are not used)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

BIN = Path(sys.executable).parent
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DEMO = {
    "therapist": ("therapist@demo.kinetic", "demo-therapist"),
    "patient": ("patient@demo.kinetic", "demo-patient"),
}


@pytest.fixture(autouse=True)
def _browser_tests_run_once(db_kind):
    if db_kind != "sqlite":
        pytest.skip("the browser flows run once per suite, in the SQLite pass")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(db_kind, tmp_path_factory):
    """gunicorn with two workers on a fresh SQLite file: migrated, programs loaded,
    demo accounts created, exactly as `make run` does."""
    if db_kind != "sqlite":
        pytest.skip("the browser flows run once per suite, in the SQLite pass")
    instance = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "KINETIC_INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'live.db'}",
    }
    for args in (["db", "upgrade"], ["programs", "load"], ["demo"]):
        subprocess.run(
            [BIN / "kinetic", *args], env=env, check=True, capture_output=True
        )
    port = _free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "kinetic:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)  # waiting for a real server process to listen
    else:
        server.kill()
        raise RuntimeError("gunicorn did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
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
