"""The pain chart drawn on the server as SVG, for the printed report and its PDF:
daily means per region on a 0-10 scale, in the PWA's colours."""

from datetime import date
from xml.sax.saxutils import escape

# Okabe-Ito colours, as in the PWA's charts: told apart with colour-blindness too.
COLOURS = {"low_back": "#d55e00", "neck": "#0072b2", "headache": "#009e73"}
LABELS = {"low_back": "Low back", "neck": "Neck", "headache": "Headache"}
WIDTH, HEIGHT = 640, 250
# The PDF embeds DejaVu Sans under this first name (report_pdf.FAMILY), so the
# chart's text is drawn with it; a browser falls back to the others.
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 48


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(score: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - score / 10)


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" '
        f'font-size="10" fill="#333" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _axes(days: list[date]) -> list[str]:
    parts = []
    for score in range(0, 11, 2):
        y = _y(score)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#d5dadd" stroke-width="0.6"/>'
        )
        parts.append(_text(LEFT - 6, y + 3.5, str(score), "end"))
    count = len(days)
    step = max(1, round(count / 6))
    for index in range(0, count, step):
        label = f"{days[index].day} {days[index]:%b}"
        parts.append(_text(_x(index, count), HEIGHT - BOTTOM + 14, label, "middle"))
    return parts


def _series(values: list[float | None], colour: str) -> list[str]:
    count = len(values)
    points = [(_x(i, count), _y(v)) for i, v in enumerate(values) if v is not None]
    parts = []
    if len(points) > 1:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}"
            for i, (x, y) in enumerate(points)
        )
        parts.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6"/>'
        )
    parts += [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="{colour}"/>'
        for x, y in points
    ]
    return parts


def _legend(regions: list[str]) -> list[str]:
    parts, x = [], LEFT
    y = HEIGHT - 12
    for region in regions:
        colour = COLOURS[region]
        parts.append(
            f'<rect x="{x}" y="{y - 8}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(x + 14, y + 1, LABELS[region]))
        x += 90
    return parts


def pain_chart_svg(days: list[date], series: dict[str, list[float | None]]) -> str:
    """An SVG of daily means (None where no score) per region over `days`."""
    shown = [r for r in COLOURS if any(v is not None for v in series.get(r, []))]
    parts = _axes(days)
    for region in shown:
        parts += _series(series[region], COLOURS[region])
    parts += _legend(shown)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">' + "".join(parts) + "</svg>"
    )
