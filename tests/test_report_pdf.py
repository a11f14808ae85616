"""The report's PDF as a file: every font embedded (the chart's text too), the
chart kept on one page with its caption, and what it says about itself: its
language and title, and no claim to tags it does not have."""

import io
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from kinetic.services import report_pdf
from kinetic.services.chart import pain_chart_svg

DAYS = [date(2026, 3, 1) + timedelta(days=n) for n in range(10)]
CAPTION = "Scores 0-10 (0 = no pain); dots are daily means."


def report(filler_lines: int = 0, name: str = "Ána Žofie Nowak") -> dict:
    """A report whose first section pushes the chart down the page."""
    series = {"low_back": [5, 6, None, 4, 3, 3, 2, None, 2, 1], "neck": [2] * 10}
    filler = "\n".join(f"Line {n}" for n in range(filler_lines)) or "Nothing."
    return {
        "generated_at": datetime(2026, 3, 10, 12, tzinfo=UTC),
        "timezone": "Europe/Berlin",
        "patient": {"name": name, "email": "a@example.org"},
        "therapist": "Dr Report",
        "from": DAYS[0],
        "to": DAYS[-1],
        "sections": [
            {"title": "Plan", "blocks": [{"type": "text", "text": filler}]},
            {
                "title": "Pain by region",
                "blocks": [
                    {"type": "chart", "svg": pain_chart_svg(DAYS, series), "alt": "x"},
                    {"type": "text", "text": CAPTION},
                ],
            },
        ],
    }


def fonts_of(reader: PdfReader) -> dict[str, dict]:
    """Every font the pages use, by name, in their resources and form XObjects."""
    found = {}

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def embedded(font: dict) -> bool:
    """The font program is in the file (PDF 1.7, 9.9: FontFile, FontFile2 or
    FontFile3 in the descriptor; a Type 3 font is drawn by the file itself)."""
    if font["/Subtype"] == "/Type3":
        return True
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    files = ("/FontFile", "/FontFile2", "/FontFile3")
    return descriptor is not None and any(f in descriptor.get_object() for f in files)


def test_every_font_is_embedded_the_charts_text_too():
    reader = PdfReader(io.BytesIO(report_pdf.report_pdf(report())))

    fonts = fonts_of(reader)

    assert fonts, "the PDF draws text"
    assert {name: embedded(f) for name, f in fonts.items()} == dict.fromkeys(
        fonts, True
    )
    assert all("DejaVuSans" in name for name in fonts), fonts
    text = reader.pages[0].extract_text()
    # The chart's SVG text is drawn as text, in those fonts.
    assert "Low back" in text and "Neck" in text and "10" in text
    assert "Ána Žofie Nowak" in text  # beyond Latin-1


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="no pdffonts")
def test_pdffonts_lists_no_font_that_is_not_embedded(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf.report_pdf(report()))

    listed = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]

    assert listed
    # Columns: name, type (one or two words), encoding, emb, sub, uni, object ID.
    assert [line.split()[-5] for line in listed] == ["yes"] * len(listed), listed


def page_of(reader: PdfReader, text: str) -> list[int]:
    return [n for n, page in enumerate(reader.pages) if text in page.extract_text()]


def test_the_chart_and_its_caption_stay_on_one_page_wherever_it_falls():
    # From a chart at the top of the first page to one pushed onto the second:
    # somewhere in between the chart fits and its caption did not.
    pages = set()
    for lines in range(0, 45):
        reader = PdfReader(io.BytesIO(report_pdf.report_pdf(report(lines))))

        chart, caption = page_of(reader, "Low back"), page_of(reader, "daily means")

        assert len(chart) == 1 and chart == caption, (lines, chart, caption)
        pages.add(chart[0])
    assert pages == {0, 1}


def test_the_pdf_states_its_language_and_title_and_claims_no_tags():
    reader = PdfReader(io.BytesIO(report_pdf.report_pdf(report())))

    catalog = reader.trailer["/Root"]

    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "Progress report: Ána Žofie Nowak"
    # Untagged, and not marked as tagged (see report_pdf's docstring for why).
    assert "/StructTreeRoot" not in catalog and "/MarkInfo" not in catalog
