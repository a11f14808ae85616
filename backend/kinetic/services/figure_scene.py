"""An exercise figure placed in its scene: every keyframe and in-between frame with
its contacts on their supports (figure_place.py), the props built around the start
position, the close-up, ghost and arrows that make a small movement visible, and the
check that `kinetic programs validate` runs on every figure.

A base position names the skin points that rest on a support (the soles on the
floor, the seat on the chair, the back of the head on the pillow ...); a keyframe
may release some (`release`) or add others (`rest`). What cannot be placed is
reported, naming the keyframe (or the step between two) and the body point.

The result (`scene`) is plain data for frontend/js/figure.js: shape templates that
name points by index, and the points of each frame as a short text of numbers."""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import current_app

from kinetic.services import figure_body as body
from kinetic.services.figure_body import Points, model
from kinetic.services.figure_place import (
    LYING_CONTACTS,
    PILLOW,
    TOLERANCE,
    Frame,
    Placer,
    angles_of,
    lerp,
)
from kinetic.services.figure_shapes import extents, named_extents

STEPS = 6  # in-between frames drawn (and checked) per step of the movement
# Side-lying: how high above its support each contact's bone line sits.
LYING_HEIGHTS = {point: height for point, _, height in LYING_CONTACTS}
VISIBLE = 0.06  # the smallest movement seen at phone size, as a share of the frame
CLOSEUPS = {
    "side": {
        "head": (
            "head",
            "skull",
            "c7",
            "chin",
            "nose_tip",
            "head_back",
            "upper_back",
            "chest",
        ),
        "trunk": (
            "c7",
            "l1",
            "lumbar",
            "sacrum",
            "hip",
            "belly_front",
            "upper_back",
            "chest",
        ),
        "pelvis": (
            "l1",
            "lumbar",
            "sacrum",
            "hip",
            "pelvis_axis",
            "sacrum_back",
            "belly_front",
        ),
    },
    "front": {
        "head": ("head", "neck_base", "left_shoulder", "right_shoulder"),
        "shoulders": (
            "head",
            "neck_base",
            "left_shoulder",
            "right_shoulder",
            "left_blade_tip",
            "right_blade_tip",
            "left_elbow",
            "right_elbow",
        ),
    },  # fmt: skip
}


# ---- the scene ----


def _round(v: float) -> float:
    return round(v, 1) + 0.0


def _bounds(
    frames: list[Frame],
    shapes: list[dict],
    props: list[dict],
    names: tuple[str, ...] | None = None,
) -> list[float]:
    x0 = y0 = math.inf
    x1 = y1 = -math.inf

    def grow(x: float, y: float, r: float) -> None:
        nonlocal x0, y0, x1, y1
        x0, x1, y0, y1 = min(x0, x - r), max(x1, x + r), min(y0, y - r), max(y1, y + r)

    for frame in frames:
        if names:
            for n in names:
                if n in frame.points:
                    grow(*frame.points[n], 4)
        else:
            for (x, y), r in extents(shapes, frame.points):
                grow(x, y, r)
    if names:
        return [x0 - 6, y0 - 6, x1 + 6, y1 + 6]
    for p in props:
        if p["kind"] == "rect":
            grow(p["x"], p["y"], 0)
            grow(p["x"] + p["w"], p["y"] + p["h"], 0)
        elif p["kind"] == "line":
            for x, y in p["pts"]:
                grow(x, y, p["w"] / 2)
        else:
            grow(p["c"][0], p["c"][1], max(p["rx"], p["ry"]))
    return [x0 - 5, min(y0, 0.0) - 5, x1 + 5, y1 + 5]


def _moved(a: Points, b: Points, names) -> tuple[str, float]:
    best, far = "", -1.0
    for n in names:
        d = math.dist(a[n], b[n])
        if d > far:
            best, far = n, d
    return best, far


@dataclass
class Placed:
    keyframes: list[Frame]
    path: list[Frame]  # frames from the start to the held keyframe, STEPS per step
    props: list[dict]
    placer: Placer
    problems: list[tuple[int | None, str]]


def place(figure: dict) -> Placed:
    placer = Placer(figure)
    keyframes_data = figure["keyframes"]
    frames: list[Frame] = []
    between: dict[int, list[tuple[int | None, str]]] = {}
    angles = [angles_of(figure, k) for k in keyframes_data]
    contacts = [placer.contacts(k) for k in keyframes_data]
    first = placer.place(angles[0], contacts[0], first=True)
    props = placer.build_props(first)
    # The start again, now on its props; planted contacts keep their x from here.
    first = placer.place(angles[0], contacts[0], first=False)
    placer.anchor = {p: first.points[p][0] for p, _ in contacts[0]}
    frames.append(first)
    path = [first]
    problems: list[tuple[int | None, str]] = []
    for i in range(1, len(keyframes_data)):
        held = set(contacts[i - 1]) & set(contacts[i])
        for step in range(1, STEPS + 1):
            f = step / STEPS
            # Between keyframes only the contacts both keep must hold.
            c = contacts[i] if step == STEPS else [x for x in contacts[i] if x in held]
            frame = placer.place(lerp(angles[i - 1], angles[i], f), c, first=False)
            if i <= figure["hold"]:
                path.append(frame)
            if step == STEPS:
                frames.append(frame)
            else:
                between.setdefault(i, []).extend(
                    _frame_problems(placer, frame, i, f, keyframes_data)
                )
    ends = [
        _frame_problems(placer, frame, i, None, keyframes_data)
        for i, frame in enumerate(frames)
    ]
    problems = [p for found in ends for p in found]
    # A step is worth reporting only when the keyframes at both of its ends are right.
    for i, found in between.items():
        if not ends[i - 1] and not ends[i]:
            problems += found
    return Placed(frames, path, props, placer, problems)


def _frame_problems(
    placer: Placer,
    frame: Frame,
    index: int,
    between: float | None,
    keyframes: list[dict],
) -> list[tuple[int | None, str]]:
    where = _named(keyframes, index)
    if between is not None:
        where = f"between {_named(keyframes, index - 1)} and {where.split(' ', 1)[1]}"
    out = []
    pts = frame.points
    for point, support in frame.contacts:
        if frame.heights is not None:
            height = LYING_HEIGHTS.get(point, 0.0)
            level = PILLOW if support == "pillow" else 0.0
            gap = frame.heights[point] - height - level
        else:
            gap = placer.gap(pts, point, support)
        if abs(gap) > TOLERANCE:
            side = "off" if gap > 0 else "into"
            out.append((index, (
                f"{where}: {point} is {abs(gap):.1f} {side} the {support} (a contact "
                f"touches within {TOLERANCE:.1f}, 2 % of body height): change the "
                "joints so it rests there, or release it"
            )))  # fmt: skip
    if frame.heights is None and placer.fam != "top":
        depth, name = min(
            (y - r, n) for (_, y), r, n in named_extents(placer.shapes, pts)
        )
        if depth < -TOLERANCE:
            out.append((index, f"{where}: {name} goes {-depth:.1f} under the floor"))
        for name, s in placer.supports.items():
            if name in ("floor", "wall") or placer.fam != "side":
                continue
            for (x, y), r in extents(placer.shapes, pts):
                if (
                    s.span[0] + 2 < x < s.span[1] - 2
                    and 0.5 < y + r < s.level - TOLERANCE
                ):
                    out.append((index, f"{where}: the body passes through the {name}"))
                    break
        wall = placer.supports.get("wall")
        if wall:
            inside = min(x - r for (x, _), r in extents(placer.shapes, pts))
            if inside < wall.level - TOLERANCE:
                depth = wall.level - inside
                out.append((index, f"{where}: the body goes {depth:.1f} into the wall"))
    return out


def _named(keyframes: list[dict], index: int) -> str:
    return f"keyframe {index} ({keyframes[index]['label']!r})"


def check(figure: dict) -> list[tuple[int | None, str]]:
    """Every problem with a figure: contacts, floor, props, joints, visibility."""
    return _cached(json.dumps(figure, sort_keys=True))[1]


def scene(figure: dict) -> dict[str, Any]:
    """The figure as figure.js draws it (see the module's docstring)."""
    return _cached(json.dumps(figure, sort_keys=True))[0]


def drawing(figure: dict | None) -> dict[str, Any] | None:
    """The scene of a stored figure, or None when there is none or it cannot be
    drawn (a figure stored in an older format): the exercise then shows its text."""
    if not figure:
        return None
    try:
        return scene(figure) or None
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        current_app.logger.warning("figure could not be drawn", exc_info=True)
        return None


@lru_cache(maxsize=256)
def _cached(key: str) -> tuple[dict[str, Any], list[tuple[int | None, str]]]:
    figure = json.loads(key)
    unknown = _unknown_points(figure)
    if unknown:
        return {}, unknown
    placed = place(figure)
    problems = _first_of_each(placed.problems)
    shapes = placed.placer.shapes
    names = sorted(
        {
            n
            for s in shapes
            for n in (s.get("pts") or []) + [s.get("c"), s.get("a")]
            if n
        }
    )
    index = {n: i for i, n in enumerate(names)}
    held = placed.keyframes[figure["hold"]]
    start = placed.keyframes[0]
    box = _bounds(placed.keyframes + placed.path, shapes, placed.props)
    closeup = None
    region = figure.get("closeup")
    fam = placed.placer.fam
    if region:
        points = CLOSEUPS.get("side" if fam in ("side", "lying") else "front", {}).get(
            region, ()
        )
        closeup = _bounds(placed.path, shapes, [], points)
        # at least a third of the whole frame, centred on the region
        w, h = closeup[2] - closeup[0], closeup[3] - closeup[1]
        size = max(w, h, 0.45 * max(box[2] - box[0], box[3] - box[1]))
        cx, cy = (closeup[0] + closeup[2]) / 2, (closeup[1] + closeup[3]) / 2
        closeup = [
            cx - size / 2,
            cy - size / 2 * 0.8,
            cx + size / 2,
            cy + size / 2 * 0.8,
        ]
    # The movement: what moves most from the start to the held keyframe.
    arrows_named = figure.get("arrows") or []
    candidates = [n for n in names if n in start.points]
    moved_name, moved = _moved(start.points, held.points, arrows_named or candidates)
    frame_size = max(box[2] - box[0], box[3] - box[1])
    view_size = (
        max(closeup[2] - closeup[0], closeup[3] - closeup[1]) if closeup else frame_size
    )
    if moved < VISIBLE * view_size:
        frame = "the close-up" if closeup else "the frame"
        problems.append((figure["hold"], (
            f"{_named(figure['keyframes'], figure['hold'])}: the figure moves at most "
            f"{moved:.1f} ({moved_name or 'nothing'}) from the start, under "
            f"{VISIBLE:.0%} of {frame} ({VISIBLE * view_size:.1f}): too small to see "
            "on a phone; move it further or declare a `closeup` on the moving region"
        )))  # fmt: skip
    arrows = []
    for name in arrows_named or ([moved_name] if moved_name else []):
        a, b = start.points[name], held.points[name]
        if math.dist(a, b) > 0.5:
            arrows.append([_round(a[0]), _round(a[1]), _round(b[0]), _round(b[1])])

    def encode(frame: Frame) -> str:
        return ",".join(f"{_round(c):g}" for n in names for c in frame.points[n])

    def ref(s: dict) -> dict:
        out = dict(s)
        if "pts" in s:
            out["pts"] = [index[n] for n in s["pts"]]
        for k in ("c", "a"):
            if k in s:
                out[k] = index[s[k]]
        return out

    drawing = {
        "view": figure["view"],
        "box": [_round(v) for v in box],
        "closeup": [_round(v) for v in closeup] if closeup else None,
        "floor": fam not in ("top",),
        "mat": fam == "lying",
        "props": _round_props(placed.props),
        "shapes": [ref(s) for s in shapes],
        "path": [encode(f) for f in placed.path],
        "keyframes": [encode(f) for f in placed.keyframes],
        "labels": [k["label"] for k in figure["keyframes"]],
        "hold": figure["hold"],
        "arrows": arrows,
    }
    return drawing, problems


def _unknown_points(figure: dict) -> list[tuple[int | None, str]]:
    """Contacts a keyframe releases that the base does not have, skin points it
    rests that the body does not have, arrows on points it does not draw."""
    placer = Placer(figure)
    base = {p for p, _ in placer.contacts({})}
    if placer.fam == "top":
        known = set(body.top_points({}))
    elif placer.fam == "lying":
        known = set(body.lying_points({}, 0, 0)[0])
    else:
        known = set(model(figure, {}))
    out = []
    for i, keyframe in enumerate(figure["keyframes"]):
        for name in keyframe.get("release") or []:
            if name not in base:
                has = ", ".join(sorted(base)) or "none"
                out.append((i, (
                    f"{_named(figure['keyframes'], i)}: {name} is not a contact of "
                    f"{figure['base']}; it has: {has}"
                )))  # fmt: skip
        for name in keyframe.get("rest") or []:
            if name not in known or placer.fam in ("top", "lying"):
                out.append((i, (
                    f"{_named(figure['keyframes'], i)}: {name} is not a skin point "
                    "this figure can rest on the floor"
                )))  # fmt: skip
    for name in figure.get("arrows") or []:
        if name not in known:
            out.append((None, f"arrows: {name} is not a point of this figure"))
    return out


def _first_of_each(
    problems: list[tuple[int | None, str]],
) -> list[tuple[int | None, str]]:
    """One report per keyframe (or step between two) and body point: the first."""
    seen, out = set(), []
    for index, message in problems:
        where, _, rest = message.partition(": ")
        subject = rest.split(" ", 1)[0]
        if (where, subject) not in seen:
            seen.add((where, subject))
            out.append((index, message))
    return out


def _round_props(props: list[dict]) -> list[dict]:
    out = []
    for p in props:
        q = dict(p)
        for k in ("x", "y", "w", "h", "rx", "ry"):
            if k in q:
                q[k] = _round(q[k])
        if "pts" in q:
            q["pts"] = [[_round(x), _round(y)] for x, y in q["pts"]]
        if "c" in q:
            q["c"] = [_round(q["c"][0]), _round(q["c"][1])]
        out.append(q)
    return out
