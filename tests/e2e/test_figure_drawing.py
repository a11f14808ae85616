"""figure.js in a real browser: the scene placed in Python (figure_scene.py) is
drawn as SVG and moves between its keyframes, with a ghost of the start and an
arrow; the reduced-motion stills show both positions."""

import json
from pathlib import Path

import pytest
import yaml

from kinetic.frontend import FRONTEND
from kinetic.schemas.figure_file import JOINTS, PROPS, VIEW_BASES, FigureSchema
from kinetic.schemas.program_files import ExerciseFileSchema
from kinetic.services import figure_scene

ROOT = Path(__file__).resolve().parents[2] / "programs" / "exercises"
ORIGIN = "http://figure.test"


def figure_of(slug: str) -> dict:
    data = ExerciseFileSchema().load(
        yaml.safe_load((ROOT / f"{slug}.yaml").read_text())
    )
    return data["figure"]


def drawing_of(slug: str) -> dict:
    """The exercise as the API sends it, as far as figure.js reads it."""
    return {"drawing": figure_scene.scene(figure_of(slug))}


@pytest.fixture
def page(browser):
    """A blank page that can import /js/figure.js, without a server."""
    script = (FRONTEND / "js" / "figure.js").read_text()

    def serve(route):
        if route.request.url.endswith("/js/figure.js"):
            route.fulfill(body=script, content_type="text/javascript")
        else:
            route.fulfill(body="<!doctype html><main></main>", content_type="text/html")

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()
    assert errors == []


HEAD_AT = """async ([figure, ts]) => {
  const { mountFigure } = await import('/js/figure.js');
  const main = document.querySelector('main');
  const fig = mountFigure(main, figure, { title: 'Chin tuck' });
  const svg = main.querySelector('svg');
  const head = svg.querySelector('[data-part="head"]');
  const positions = ts.map((t) => {
    fig.pose(t);
    const box = head.getBoundingClientRect();
    return [box.x + box.width / 2, box.y + box.height / 2];
  });
  const limbs = [...svg.querySelectorAll('polyline')];
  return {
    positions,
    role: svg.getAttribute('role'),
    label: svg.getAttribute('aria-label'),
    round: limbs.every((l) => l.getAttribute('stroke-linecap') === 'round'),
    width: svg.getBoundingClientRect().width,
    same: fig.element === svg,
    closeup: svg.dataset.closeup,
    ghost: svg.querySelectorAll('.ghost > *').length,
    arrows: svg.querySelectorAll('.arrows polygon').length,
  };
}"""


def test_chin_tuck_moves_the_head_back_between_start_and_hold(page):
    result = page.evaluate(HEAD_AT, [drawing_of("chin-tuck"), [0, 0.5, 1, 0]])
    start, middle, held, again = result["positions"]
    assert result["role"] == "img" and result["label"] == "Chin tuck"
    assert result["round"] and result["same"]
    assert 0 < result["width"] <= 390
    assert result["closeup"] == "yes" and result["ghost"] > 5 and result["arrows"] == 1
    # the figure faces right: tucking the chin moves the head back (left)
    assert held[0] < start[0] - 3
    assert held[0] < middle[0] < start[0]
    assert again == start


def test_every_shipped_figure_draws_both_positions_as_stills(page):
    figures = {p.stem: figure_of(p.stem) for p in sorted(ROOT.glob("*.yaml"))}
    drawings = {slug: {"drawing": figure_scene.scene(f)} for slug, f in figures.items()}
    counts = page.evaluate(
        """async (figures) => {
          const { mountStills } = await import('/js/figure.js');
          const main = document.querySelector('main');
          const out = {};
          for (const [slug, figure] of Object.entries(figures)) {
            const stills = mountStills(main, figure, { title: slug });
            const svg = stills.element;
            out[slug] = [
              svg.querySelectorAll('[data-part="head"]').length,
              [...svg.querySelectorAll('figcaption')].map((t) => t.textContent),
              [...svg.querySelectorAll('[points]')]
                .every((p) => !p.getAttribute('points').includes('NaN')),
              svg.getAttribute('aria-label'),
            ];
            stills.destroy();
          }
          return out;
        }""",
        drawings,
    )
    assert len(counts) == 26
    for slug, (heads, labels, finite, name) in counts.items():
        figure = figures[slug]
        assert heads == 2, slug
        expected = [
            figure["keyframes"][0]["label"],
            figure["keyframes"][figure["hold"]]["label"],
        ]
        assert labels == [f"1. {expected[0]}", f"2. {expected[1]}"], slug
        assert finite, slug
        assert name == f"{slug}: {expected[0]}, then {expected[1]}"


def test_no_figure_draws_nothing(page):
    result = page.evaluate(
        """async () => {
          const { mountFigure, mountStills } = await import('/js/figure.js');
          const main = document.querySelector('main');
          return [mountFigure(main, null), mountStills(main, undefined),
                  main.querySelectorAll('svg').length];
        }"""
    )
    assert result == [None, None, 0]


def test_the_figure_json_round_trips_as_the_api_sends_it(page):
    """Numbers may arrive from the API as floats (25.0); the drawing is the same."""
    figure = json.loads(json.dumps(drawing_of("glute-bridge")))
    floats = json.loads(json.dumps(figure), parse_int=float)
    points = page.evaluate(
        """async (figures) => {
          const { mountFigure } = await import('/js/figure.js');
          const main = document.querySelector('main');
          return figures.map((f) => {
            const fig = mountFigure(main, f);
            fig.pose(1);
            const pts = [...fig.element.querySelectorAll('[points]')]
              .map((p) => p.getAttribute('points'));
            fig.destroy();
            return pts;
          });
        }""",
        [figure, floats],
    )
    assert points[0] == points[1]


def every_drawable_figure() -> list[dict]:
    """Every base in every view that may draw it, with every prop it may have, moving
    each of the view's joints from one end of its range to the other. Such a figure
    cannot keep its contacts (the check says so); it must still draw."""
    figures = []
    for view, bases in VIEW_BASES.items():
        props = [p for p in PROPS if view == "side" or p != "wall"]
        for base in bases:
            joints = JOINTS["side" if base == "side_lying" else view]
            low = {name: lo for name, (lo, _) in joints.items()}
            high = {name: hi for name, (_, hi) in joints.items()}
            if base != "side_lying":
                low.pop("hip_turn", None)
                high.pop("hip_turn", None)
            figure = {
                "view": view,
                "base": base,
                "props": props,
                "hold": 1,
                "keyframes": [
                    {"label": "low", "joints": dict(low)},
                    {"label": "high", "joints": dict(high)},
                ],
            }
            errors = FigureSchema().validate(figure)
            assert set(errors) <= {"keyframes", "arrows"}, (view, base, errors)
            figures.append({"drawing": figure_scene.scene(figure), "base": base})
    return figures


def test_every_base_view_and_prop_draws_at_the_ends_of_every_range(page):
    figures = every_drawable_figure()
    finite = page.evaluate(
        """async (figures) => {
          const { mountFigure } = await import('/js/figure.js');
          const main = document.querySelector('main');
          return figures.map((figure) => {
            const fig = mountFigure(main, figure, { title: figure.base });
            const ok = [0, 0.5, 1].every((t) => {
              fig.pose(t);
              return !fig.element.outerHTML.includes('NaN');
            });
            fig.destroy();
            return ok;
          });
        }""",
        figures,
    )
    assert len(finite) == sum(len(bases) for bases in VIEW_BASES.values())
    assert all(finite)
