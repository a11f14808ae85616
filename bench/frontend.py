"""Bytes the patient app costs on a phone: the first load, a repeat visit and
opening the session player, as Chromium counts them on the wire (gzip), the
service worker's precached shell, plus Lighthouse's mobile scores on the sign-in
page and, signed in, on Today, Trends, the player and Log pain.

    python bench/frontend.py [--lighthouse]

Starts its own server (as `make run` does, on a scratch SQLite file) and signs in as
the demo patient, so the figures include the Today screen's data and the chart.
"""

import argparse
import gzip
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
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
        "Today → Start: the player screen, no service worker": _player_bytes(url),
    }


def _player_bytes(url: str) -> tuple[int, int]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            service_workers="block",
        )
        page = context.new_page()
        page.goto(url)
        _sign_in(page)
        page.wait_for_load_state("networkidle")
        start = page.get_by_role("link", name="Start").first
        player = transferred(page, lambda: (start.click(), _player_shown(page)))
        browser.close()
    return player


def _player_shown(page) -> None:
    page.locator(".player .controls").wait_for()


def shell_bytes(url: str) -> tuple[int, int]:
    """The service worker's precache: each shell file gzipped, as served."""
    sw = urllib.request.urlopen(f"{url}/sw.js").read().decode()
    files = re.findall(r"^  '(/[^']*)',$", sw, re.MULTILINE)
    total = 0
    for path in files:
        body = urllib.request.urlopen(f"{url}{path}").read()
        total += len(gzip.compress(body, 6))
    return total, len(files)


def _lighthouse_cli() -> Path:
    cli = HERE / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
        )
    return cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SIGNED_IN = {"Today": "#/today", "Trends": "#/trends", "Log pain": "#/pain"}


def lighthouse_signed_in(url: str) -> dict[str, dict]:
    """Lighthouse (mobile) on Today, Trends, the player and Log pain: a Chromium
    signed in as the demo patient (the token lives in localStorage), kept as it
    is between audits (--disable-storage-reset)."""
    cli = _lighthouse_cli()
    port = _free_port()
    scores = {}
    with tempfile.TemporaryDirectory() as profile:
        chrome = subprocess.Popen(
            [
                CHROMIUM,
                *ARGS,
                "--headless=new",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            player = _sign_in_over_cdp(port, url)
            targets = {**SIGNED_IN, "session player": None}
            for name, route in targets.items():
                target = f"{url}/{route}" if route else player
                scores[name] = _audit(cli, target, port, Path(profile) / "lh.json")
        finally:
            chrome.terminate()
            chrome.wait()
    return scores


def _sign_in_over_cdp(port: int, url: str) -> str:
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = browser.contexts[0].new_page()
        page.goto(url)
        _sign_in(page)
        start = page.get_by_role("link", name="Start").first
        target = url + "/" + start.get_attribute("href")
        start.click()
        _player_shown(page)
        page.close()
    return target


def _audit(cli: Path, target: str, port: int, out: Path) -> dict:
    subprocess.run(
        [
            cli,
            target,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--port={port}",
            "--disable-storage-reset",
            "--only-categories=performance,accessibility,best-practices",
        ],
        check=True,
    )
    report = json.loads(out.read_text())
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    if failed:
        print(f"Lighthouse audits failed on {target}:", ", ".join(failed))
    found = {k: v["score"] for k, v in report["categories"].items()}
    for metric in (
        "cumulative-layout-shift",
        "largest-contentful-paint",
        "total-blocking-time",
    ):
        found[metric] = report["audits"][metric]["numericValue"]
    return found


def lighthouse(url: str) -> dict | None:
    cli = _lighthouse_cli()
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
        shell = shell_bytes(url)
        scores = lighthouse(url) if args.lighthouse else None
        signed_in = lighthouse_signed_in(url) if args.lighthouse else {}
    print("## Patient app on a phone (390 px), bytes on the wire")
    print("| visit | KB transferred | requests |")
    print("|---|---:|---:|")
    figures["the service worker's precached shell (gzip, files)"] = shell
    for name, (size, count) in figures.items():
        print(f"| {name} | {size / 1024:.1f} | {count} |")
    if scores:
        signed_in = {"sign-in page": scores, **signed_in}
    if signed_in:
        print("\n## Lighthouse, mobile profile (signed in as the demo patient)")
        print(
            "| page | performance | accessibility | best practices | CLS | LCP s"
            " | TBT ms |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, found in signed_in.items():
            metrics = (
                f"{found['cumulative-layout-shift']:.3f}"
                f" | {found['largest-contentful-paint'] / 1000:.1f}"
                f" | {found['total-blocking-time']:.0f}"
                if "cumulative-layout-shift" in found
                else " | | "
            )
            print(
                f"| {name} | {found['performance']:.2f} | {found['accessibility']:.2f}"
                f" | {found['best-practices']:.2f} | {metrics} |"
            )


if __name__ == "__main__":
    main()
