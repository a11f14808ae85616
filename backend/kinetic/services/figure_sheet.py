"""The contact sheet of every exercise figure, drawn by the PWA's own figure.js in
headless Chromium, so the picture reviewed is the picture patients see."""

import html
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kinetic.frontend import FRONTEND
from kinetic.services import figure_scene

ORIGIN = "http://figures.invalid"
CHROMIUM_PATHS = ("/usr/bin/chromium", "chromium", "chromium-browser")
# Headless on a closed network: no sandbox as root, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SheetError(Exception):
    pass


def find_chromium() -> str | None:
    for name in CHROMIUM_PATHS:
        found = shutil.which(name)
        if found:
            return found
    return None


def sheet_html(exercises: dict[str, dict[str, Any]], columns: int = 2) -> str:
    """A page laying out each exercise's keyframes, with the name and labels."""
    cells = "".join(
        f"<section><h2>{html.escape(e['name'])} <small>{html.escape(slug)}</small>"
        f'</h2><div class="fig" data-slug="{html.escape(slug)}"></div></section>'
        for slug, e in sorted(exercises.items())
    )
    figures = {
        slug: e.get("figure") and figure_scene.scene(e["figure"])
        for slug, e in exercises.items()
    }
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ font: 14px system-ui, sans-serif; color: #1d2630; margin: 16px;
  display: grid; grid-template-columns: repeat({columns}, 1fr); gap: 12px 20px; }}
h1 {{ grid-column: 1 / -1; font-size: 20px; margin: 0 0 4px; }}
h2 {{ font-size: 14px; margin: 0 0 4px; }} small {{ color: #6b7480; font-weight: 400; }}
section {{ border: 1px solid #d5dadf; border-radius: 8px; padding: 8px; }}
.stills {{ display: flex; gap: 8px; justify-content: center; }}
.stills figure {{ margin: 0; flex: 1; max-width: 260px; text-align: center; }}
.stills svg {{ display: block; width: 100%; height: 150px; }}
figcaption {{ font-size: 12px; }}
.none {{ color: #a33; }}
</style></head><body>
<script>
addEventListener('error', () => {{ document.body.dataset.ready = 'no'; }});
</script>
<h1>Kinetic Chain: exercise figures (every keyframe)</h1>
{cells}
<script type="application/json" id="figures">{json.dumps(figures)}</script>
<script type="module">
import {{ mountStills }} from '/js/figure.js';
const figures = JSON.parse(document.getElementById('figures').textContent);
for (const el of document.querySelectorAll('.fig')) {{
  const figure = figures[el.dataset.slug];
  if (!figure) {{
    el.innerHTML = '<p class="none">No figure.</p>';
    continue;
  }}
  const title = el.dataset.slug;
  mountStills(el, figure, {{ title, all: true, closeup: false }});
  if (figure.closeup) mountStills(el, figure, {{ title, closeup: true }});
}}
document.body.dataset.ready = 'yes';
</script></body></html>"""


def render_sheet(
    exercises: dict[str, dict[str, Any]],
    output: Path,
    chromium: str | None = None,
    columns: int = 2,
) -> Path:
    """Writes the contact sheet as a PNG; needs Chromium and Playwright."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise SheetError(
            "Chromium is needed to draw the sheet (Debian: apt-get install chromium)."
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise SheetError(
            "Playwright is needed: pip install -e '.[dev]' (or make install)."
        ) from error
    page_html = sheet_html(exercises, columns)
    script = (FRONTEND / "js" / "figure.js").read_text(encoding="utf-8")

    def serve(route):
        if route.request.url.endswith("/js/figure.js"):
            route.fulfill(body=script, content_type="text/javascript")
        else:
            route.fulfill(body=page_html, content_type="text/html")

    output.parent.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []

    def draw() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.route(f"{ORIGIN}/**", serve)
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(f"{ORIGIN}/sheet.html")
                page.wait_for_selector("body[data-ready]", timeout=60_000)
                if not errors:
                    page.screenshot(path=str(output), full_page=True)
            finally:
                browser.close()

    try:
        # Playwright's sync API refuses a thread that runs an asyncio loop (as the
        # browser tests' thread does when the suite calls this command), so the
        # sheet is drawn on a thread of its own.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(draw).result()
    except PlaywrightError as error:
        detail = errors[0] if errors else str(error).splitlines()[0]
        raise SheetError(f"Chromium could not draw the sheet: {detail}") from error
    if errors:
        raise SheetError(f"figure.js failed: {errors[0]}")
    return output
