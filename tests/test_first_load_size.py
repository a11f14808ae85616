"""The patient app's first load stays under its 100 KB gzip budget: index.html, what
it links (stylesheet, manifest, icons, module scripts), every module those import,
and the screens a patient's first visit shows (sign-in, then Today) with theirs."""

import gzip
import posixpath
import re
from html.parser import HTMLParser

from kinetic.frontend import FRONTEND

BUDGET = 100 * 1024
# app.js loads each screen when it is first shown; a patient's first visit shows
# these two. The player, the charts and the therapist's screens come later.
FIRST_SCREENS = ["/js/signin.js", "/js/today.js"]
LINKED = {"stylesheet", "manifest", "icon", "apple-touch-icon", "modulepreload"}
STATIC_IMPORT = re.compile(
    r"^\s*import\s+(?:[^;'\"]*?\sfrom\s+)?['\"]([^'\"]+)['\"]", re.MULTILINE
)


class Links(HTMLParser):
    """The URLs index.html itself makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and LINKED & set((a.get("rel") or "").split()):
            self.urls.append(a["href"])
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])


def shell() -> set[str]:
    """The service worker's SHELL list: what it keeps for offline use."""
    sw = (FRONTEND / "sw.js").read_text()
    block = re.search(r"const SHELL = \[(.*?)\];", sw, re.DOTALL).group(1)
    return set(re.findall(r"'([^']+)'", block))


def first_load() -> set[str]:
    """index.html and everything above, each module's static imports followed."""
    links = Links()
    links.feed((FRONTEND / "index.html").read_text())
    found = {"/"}
    waiting = [*links.urls, *FIRST_SCREENS]
    while waiting:
        url = waiting.pop()
        if url in found:
            continue
        found.add(url)
        if url.endswith(".js"):
            source = (FRONTEND / url.lstrip("/")).read_text()
            for spec in STATIC_IMPORT.findall(source):
                waiting.append(
                    posixpath.normpath(posixpath.join(posixpath.dirname(url), spec))
                )
    return found


def gzipped(url: str) -> int:
    path = FRONTEND / ("index.html" if url == "/" else url.lstrip("/"))
    return len(gzip.compress(path.read_bytes(), 6))


def test_the_patient_apps_first_load_is_under_100_kb_gzip():
    files = first_load()
    assert "/js/today.js" in files and "/js/api.js" in files
    assert files <= shell(), f"not kept offline by sw.js: {sorted(files - shell())}"
    total = sum(gzipped(url) for url in files)
    assert total < BUDGET, (
        f"first load is {total / 1024:.1f} KB gzip over {len(files)} files, "
        f"over the {BUDGET // 1024} KB budget"
    )
