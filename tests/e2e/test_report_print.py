"""The progress report page prints to PDF in Chromium on A4 and on Letter, with
the patient's name and the figures shown on screen, and without the app's menus."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import DEMO, open_section, screenshot, sign_in


def printed(page) -> PdfReader:
    return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))


def size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_the_report_prints_on_a4_and_letter(desktop, live_server):
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    page.get_by_role("link", name="Pat Demo").first.click()
    open_section(page, "Report")
    report = page.get_by_role("article", name="Progress report, Pat Demo")
    expect(report).to_contain_text("Adherence")
    done = report.locator(".section-adherence dd").first.inner_text()
    low_back = report.locator(".section-pain tbody tr").first.inner_text().split("\t")
    screenshot(page, "report")

    a4 = printed(page)
    text = " ".join(" ".join(p.extract_text() for p in a4.pages).split())

    assert size(a4) == (595, 842)
    assert "Pat Demo" in text and "Progress report".upper() in text.upper()
    assert done in text  # e.g. "16 of 17"
    assert " ".join(low_back[:3]) in text  # region, entries, mean
    assert "Show report" not in text and "Sign out" not in text  # no app chrome

    page.get_by_label("Paper").select_option("letter")
    letter = printed(page)
    assert size(letter) == (612, 792)
