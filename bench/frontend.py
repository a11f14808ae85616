"""Bytes the patient app costs on a phone: the first load and a repeat visit, as
Chromium counts them on the wire (gzip), plus Lighthouse's mobile scores.

    python bench/frontend.py [--lighthouse]

Starts its own server (as `make run` does, on a scratch SQLite file) and signs in as
the demo patient, so the figures include the Today screen's data and the chart.
"""

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kinetic.testing import CHROMIUM, live_server
from kinetic.testing import CHROMIUM_ARGS as ARGS

HERE = Path(__file__).parent


def transferred(page, action) -> tuple[int, int]:
    """Bytes on the wire and the number of requests while `action` runs."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: sizes.append(e["encodedDataLength"]))
    action()
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return sum(sizes), len(sizes)


def _sign_in(page) -> None:
    page.get_by_label("Email").fill("patient@demo.kinetic")
    page.get_by_label("Password").fill("demo-patient")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Today").wait_for()


def measure_bytes(url: str) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
        # With the service worker: what a visitor's first page and a return cost.
        context = browser.new_context(**phone)
        page = context.new_page()
        first = transferred(page, lambda: page.goto(url))
        page.wait_for_function(
            "navigator.serviceWorker.controller !== null", timeout=15000
        )
        _sign_in(page)
        repeat = transferred(page, lambda: page.reload())
        context.close()
        # Without it, every request of sign-in and Today shows on the page's wire
        # (a service worker's own fetches are invisible to the page).
        context = browser.new_context(**phone, service_workers="block")
        page = context.new_page()
        cold = transferred(page, lambda: (page.goto(url), _sign_in(page)))
        browser.close()
    return {
        "first load (sign-in page)": first,
        "sign-in page, sign in and Today, no service worker": cold,
        "repeat visit (service worker)": repeat,
    }


def lighthouse(url: str) -> dict | None:
    cli = HERE / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
        )
    with tempfile.TemporaryDirectory() as profile:
        out = Path(profile) / "report.json"
        flags = " ".join([*ARGS, "--headless=new", f"--user-data-dir={profile}/chrome"])
        subprocess.run(
            [
                cli,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility,best-practices",
                f"--chrome-flags={flags}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
        )
        report = json.loads(out.read_text())
    return {k: v["score"] for k, v in report["categories"].items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lighthouse", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, live_server(workdir) as url:
        figures = measure_bytes(url)
        scores = lighthouse(url) if args.lighthouse else None
    print("## Patient app on a phone (390 px), bytes on the wire")
    print("| visit | KB transferred | requests |")
    print("|---|---:|---:|")
    for name, (size, count) in figures.items():
        print(f"| {name} | {size / 1024:.1f} | {count} |")
    if scores:
        print("\n## Lighthouse, mobile profile, sign-in page")
        print("| category | score |")
        print("|---|---:|")
        for name, score in scores.items():
            print(f"| {name} | {score:.2f} |")


if __name__ == "__main__":
    main()
