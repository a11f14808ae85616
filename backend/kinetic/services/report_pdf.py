"""The progress report as a PDF, drawn by fpdf2 (pure Python, so it works
wherever the app installs) from the same sections as the PWA's print page.

Every font is embedded: the text, the footer and the chart's SVG text are all in
DejaVu Sans, shipped in kinetic/data (fpdf2 embeds the glyphs used). The PDF is
not tagged: fpdf2 has no public API to tag text, headings and tables (it tags
only an image's alt text and links: py-pdf/fpdf2 issues 355 and 792), and a
structure tree holding the chart alone would mark the file as tagged while its
text is not, which misleads a screen reader. The report's page in the PWA is the
accessible version (README, Progress report)."""

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from kinetic.services import chart

PAPERS = {"a4": "A4", "letter": "Letter"}
BRAND = (15, 95, 92)
MUTED = (80, 88, 95)
# A table row must fit on one page (fpdf2 refuses it otherwise): a plan note may
# hold 2 000 characters, over a hundred lines in its narrow column. Longer cells
# end in "..."; the report page and its JSON keep the whole text.
CELL_CHARACTERS = 280
TEXT_SIZE = 9.5
FONTS = Path(__file__).resolve().parents[1] / "data"
# The family the chart's SVG names first (chart.FONT), so fpdf2 draws its text
# with this embedded font, not with the core Helvetica it maps Helvetica to.
FAMILY = chart.FONT.split(",")[0]


class ReportPDF(FPDF):
    def __init__(self, paper: str, footer_text: str):
        super().__init__(format=PAPERS.get(paper, "A4"))
        self.footer_text = footer_text
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.family = FAMILY
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} · page {self.page_no()}/{{nb}}")


def _header(pdf: ReportPDF, report: dict) -> None:
    pdf.set_font(pdf.family, "B", 18)
    pdf.set_text_color(*BRAND)
    pdf.cell(0, 9, "Progress report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(pdf.family, "B", 13)
    pdf.cell(0, 7, str(report["patient"]["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    pdf.set_text_color(*MUTED)
    lines = [
        f"{_day(report['from'])} to {_day(report['to'])} ({report['timezone']})",
        report["patient"]["email"],
    ]
    if report.get("therapist"):
        lines.append(f"Therapist: {report['therapist']}")
    for line in lines:
        pdf.cell(0, 5.5, str(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _figures(pdf: ReportPDF, block: dict) -> None:
    for item in block["figures"]:
        pdf.set_font(pdf.family, "", 10)
        pdf.cell(45, 6, str(item["label"]))
        pdf.set_font(pdf.family, "B", 11)
        pdf.cell(0, 6, str(item["value"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _table(pdf: ReportPDF, block: dict) -> None:
    pdf.set_font(pdf.family, "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(232, 241, 240))
    # The first column holds names (exercise, program): give it more room,
    # unless the section says which columns need it.
    widths = block.get("widths") or (2.4,) + (1,) * (len(block["columns"]) - 1)
    with pdf.table(
        col_widths=widths,
        headings_style=heading,
        line_height=5.5,
        padding=1.2,
        borders_layout="HORIZONTAL_LINES",
        text_align="LEFT",
    ) as table:
        table.row([str(c) for c in block["columns"]])
        for row in block["rows"]:
            table.row([_short(cell) for cell in row])
    pdf.ln(3)


def _short(cell) -> str:
    text = str(cell)
    if len(text) <= CELL_CHARACTERS:
        return text
    return text[: CELL_CHARACTERS - 3].rstrip() + "..."


def _chart(pdf: ReportPDF, block: dict, caption: dict | None = None) -> None:
    """The chart, and the text block after it (its caption), on one page."""
    height = pdf.epw * chart.HEIGHT / chart.WIDTH + 1
    if caption is not None:
        pdf.set_font(pdf.family, "", TEXT_SIZE)
        lines = pdf.multi_cell(0, 5, caption["text"], dry_run=True, output="LINES")
        height += 5 * len(lines) + 1
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(block["svg"].encode()), w=pdf.epw)
    pdf.ln(1)
    if caption is not None:
        _text(pdf, caption)


def _text(pdf: ReportPDF, block: dict) -> None:
    pdf.set_font(pdf.family, "", TEXT_SIZE)
    pdf.multi_cell(0, 5, str(block["text"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


BLOCKS = {"figures": _figures, "table": _table, "chart": _chart, "text": _text}


def report_pdf(report: dict, paper: str = "a4") -> bytes:
    made = report["generated_at"].astimezone(ZoneInfo(report["timezone"]))
    footer = f"Kinetic Chain · {report['patient']['name']} · made {_stamp(made)}"
    pdf = ReportPDF(paper, footer)
    pdf.set_title(f"Progress report: {report['patient']['name']}")
    pdf.set_lang("en")
    pdf.set_creator("Kinetic Chain")
    pdf.add_page()
    _header(pdf, report)
    for section in report["sections"]:
        if pdf.get_y() > pdf.page_break_trigger - 30:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(pdf.family, "B", 13)
        pdf.set_text_color(*BRAND)
        pdf.cell(0, 8, str(section["title"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        _blocks(pdf, section["blocks"])
    return bytes(pdf.output())


def _blocks(pdf: ReportPDF, blocks: list[dict]) -> None:
    index = 0
    while index < len(blocks):
        block = blocks[index]
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if block["type"] == "chart" and after and after["type"] == "text":
            _chart(pdf, block, caption=after)
            index += 2
            continue
        BLOCKS[block["type"]](pdf, block)
        index += 1


def _stamp(value: datetime) -> str:
    return f"{value.day} {value:%b %Y %H:%M}"
