"""The progress report as a PDF, drawn by fpdf2 (pure Python, so it works
wherever the app installs) from the same sections as the PWA's print page."""

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

PAPERS = {"a4": "A4", "letter": "Letter"}
BRAND = (15, 95, 92)
MUTED = (80, 88, 95)
# A table row must fit on one page (fpdf2 refuses it otherwise): a plan note may
# hold 2 000 characters, over a hundred lines in its narrow column. Longer cells
# end in "..."; the report page and its JSON keep the whole text.
CELL_CHARACTERS = 280
# A Unicode font when the system has one (Debian: fonts-dejavu-core); otherwise
# the PDF core font, which covers Latin-1 only.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular = Path(folder) / "DejaVuSans.ttf"
        bold = Path(folder) / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


class ReportPDF(FPDF):
    def __init__(self, paper: str, footer_text: str):
        super().__init__(format=PAPERS.get(paper, "A4"))
        self.footer_text = footer_text
        files = _font_files()
        if files:
            self.add_font("Body", "", str(files[0]))
            self.add_font("Body", "B", str(files[1]))
            self.family, self.unicode = "Body", True
        else:
            self.family, self.unicode = "Helvetica", False
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=18)

    def text_of(self, value) -> str:
        text = str(value)
        return (
            text
            if self.unicode
            else text.encode("latin-1", "replace").decode("latin-1")
        )

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        self.cell(
            0, 5, self.text_of(f"{self.footer_text} · page {self.page_no()}/{{nb}}")
        )


def _header(pdf: ReportPDF, report: dict) -> None:
    pdf.set_font(pdf.family, "B", 18)
    pdf.set_text_color(*BRAND)
    pdf.cell(0, 9, "Progress report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(pdf.family, "B", 13)
    pdf.cell(
        0, 7, pdf.text_of(report["patient"]["name"]), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(pdf.family, "", 10)
    pdf.set_text_color(*MUTED)
    lines = [
        f"{_day(report['from'])} to {_day(report['to'])} ({report['timezone']})",
        report["patient"]["email"],
    ]
    if report.get("therapist"):
        lines.append(f"Therapist: {report['therapist']}")
    for line in lines:
        pdf.cell(0, 5.5, pdf.text_of(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _figures(pdf: ReportPDF, block: dict) -> None:
    for item in block["figures"]:
        pdf.set_font(pdf.family, "", 10)
        pdf.cell(45, 6, pdf.text_of(item["label"]))
        pdf.set_font(pdf.family, "B", 11)
        pdf.cell(0, 6, pdf.text_of(item["value"]), new_x="LMARGIN", new_y="NEXT")
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
        table.row([pdf.text_of(c) for c in block["columns"]])
        for row in block["rows"]:
            table.row([pdf.text_of(_short(cell)) for cell in row])
    pdf.ln(3)


def _short(cell) -> str:
    text = str(cell)
    if len(text) <= CELL_CHARACTERS:
        return text
    return text[: CELL_CHARACTERS - 3].rstrip() + "..."


def _chart(pdf: ReportPDF, block: dict) -> None:
    width = pdf.epw
    if pdf.get_y() + width * 250 / 640 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(block["svg"].encode()), w=width)
    pdf.ln(1)


def _text(pdf: ReportPDF, block: dict) -> None:
    pdf.set_font(pdf.family, "", 9.5)
    pdf.multi_cell(0, 5, pdf.text_of(block["text"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


BLOCKS = {"figures": _figures, "table": _table, "chart": _chart, "text": _text}


def report_pdf(report: dict, paper: str = "a4") -> bytes:
    made = report["generated_at"].astimezone(ZoneInfo(report["timezone"]))
    footer = f"Kinetic Chain · {report['patient']['name']} · made {_stamp(made)}"
    pdf = ReportPDF(paper, footer)
    pdf.set_title(f"Progress report: {report['patient']['name']}")
    pdf.set_creator("Kinetic Chain")
    pdf.add_page()
    _header(pdf, report)
    for section in report["sections"]:
        if pdf.get_y() > pdf.page_break_trigger - 30:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(pdf.family, "B", 13)
        pdf.set_text_color(*BRAND)
        pdf.cell(0, 8, pdf.text_of(section["title"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        for block in section["blocks"]:
            BLOCKS[block["type"]](pdf, block)
    return bytes(pdf.output())


def _stamp(value: datetime) -> str:
    return f"{value.day} {value:%b %Y %H:%M}"
