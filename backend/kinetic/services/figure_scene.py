"""An exercise figure placed in its scene: every keyframe and in-between frame with
its contacts on their supports, the props built around the start position, the
close-up, ghost and arrows that make a small movement visible, and the check that
`kinetic programs validate` runs on every figure.

A base position names the skin points that rest on a support (the soles on the
floor, the seat on the chair, the back of the head on the pillow ...); a keyframe
may release some (`release`) or add others (`rest`). Each frame is placed by
turning and shifting the whole figure and, within a few degrees, bending the
joints the base lets give (`GIVE`), so that each contact touches its support. What
cannot be placed that way is reported, naming the keyframe and the body point.

The result (`scene`) is plain data for frontend/js/figure.js: shape templates that
name points by index, and the points of each frame as a short text of numbers."""

import math
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask import current_app

from kinetic.schemas.figure_file import JOINTS
from kinetic.services import figure_body as body
from kinetic.services.figure_body import HEIGHT, W, Point, Points

TOLERANCE = 0.02 * HEIGHT  # a contact touches within 2 % of body height
STEPS = 6  # in-between frames drawn (and checked) per step of the movement
VISIBLE = 0.06  # the smallest movement seen at phone size, as a share of the frame
LYING = ("supine", "crook_lying", "prone")
PILLOW = 4.5  # a pillow's height under the head


@dataclass(frozen=True)
class Base:
    turn: float = 0.0
    joints: dict[str, float] = field(default_factory=dict)
    contacts: tuple[tuple[str, str], ...] = ()
    # Joints the placing may bend (both sides), up to this many degrees either way.
    give: dict[str, float] = field(default_factory=dict)


def _both(*names: str, support: str = "floor") -> tuple[tuple[str, str], ...]:
    return tuple((f"{s}_{n}", support) for n in names for s in ("near", "far"))


SOLES = _both("sole_heel", "sole_toe")
SIDE_BASES = {
    "standing": Base(contacts=SOLES, give={"ankle": 8}),
    "sitting": Base(
        joints={"hip": 90, "knee": 90},
        contacts=(*SOLES, ("near_seat", "seat")),
        give={"ankle": 25},
    ),
    "half_kneeling": Base(
        joints={"near_hip": 85, "near_knee": 85, "far_hip": -5, "far_knee": 95, "far_ankle": -40},
        contacts=(("near_sole_heel", "floor"), ("near_sole_toe", "floor"),
                  ("far_kneecap", "cushion"), ("far_instep", "floor")),
        give={"ankle": 25, "far_knee": 10},
    ),  # fmt: skip
    "supine": Base(
        turn=90,
        joints={"ankle": -25},
        contacts=(("head_back", "pillow"), ("upper_back", "floor"),
                  ("sacrum_back", "floor"), *_both("calf")),
        give={"hip": 6, "neck": 12},
    ),  # fmt: skip
    "crook_lying": Base(
        turn=90,
        joints={"hip": 45, "knee": 105, "ankle": -30},
        contacts=(("head_back", "pillow"), ("upper_back", "floor"),
                  ("sacrum_back", "floor"), *SOLES, *_both("thigh_back", support="bolster")),
        give={"hip": 12, "ankle": 25, "neck": 12},
    ),  # fmt: skip
    "prone": Base(
        turn=-90,
        joints={"ankle": -50},
        contacts=(("chest", "floor"), *_both("kneecap"), *_both("instep")),
        give={"ankle": 20},
    ),
    "four_point_kneeling": Base(
        turn=-90,
        joints={"hip": 90, "knee": 90, "ankle": -50, "shoulder": 90, "wrist": 80},
        contacts=(*_both("palm"), *_both("kneecap"), *_both("instep")),
        give={"ankle": 25, "knee": 10, "wrist": 10},
    ),
}
FRONT_BASES = {
    "standing": Base(contacts=(("left_sole", "floor"), ("right_sole", "floor"))),
    "sitting": Base(
        joints={"hip": 90, "knee": 90},
        contacts=(("left_sole", "floor"), ("right_sole", "floor"),
                  ("left_seat", "seat"), ("right_seat", "seat")),
    ),  # fmt: skip
}
LYING_CONTACTS = (
    ("hip", "floor", body.TRUNK_HEIGHT), ("c7", "floor", body.TRUNK_HEIGHT),
    ("far_knee", "floor", W["thigh"] / 2), ("far_ankle", "floor", W["shank"] / 2),
    ("head", "pillow", body.L["head"]),
)  # fmt: skip
SIDE_LYING = {
    "hip": 50, "knee": 90, "ankle": -20, "far_shoulder": 90, "far_elbow": 100,
    "near_shoulder": 15, "near_elbow": 25,
}  # fmt: skip

# The points a close-up frames, by region and view family.
CLOSEUPS = {
    "side": {
        "head": ("head", "skull", "c7", "chin", "nose_tip", "head_back", "upper_back", "chest"),
        "trunk": ("c7", "l1", "lumbar", "sacrum", "hip", "belly_front", "upper_back", "chest"),
        "pelvis": ("l1", "lumbar", "sacrum", "hip", "pelvis_axis", "sacrum_back", "belly_front"),
    },
    "front": {
        "head": ("head", "neck_base", "left_shoulder", "right_shoulder"),
        "shoulders": ("head", "neck_base", "left_shoulder", "right_shoulder", "left_blade_tip", "right_blade_tip", "left_elbow", "right_elbow"),
    },  # fmt: skip
}


class FigureProblem(Exception):
    """A figure that cannot be drawn as its data says; `problems` lists
    (keyframe index or None, message)."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        super().__init__("; ".join(m for _, m in problems))
        self.problems = problems


# ---- the angles of a keyframe ----

LIMB_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "shoulder_out", "hip_out", "hip_turn")
SIDES = {"side": ("near", "far"), "front": ("left", "right"), "back": ("left", "right"), "top": ("left", "right")}


def family(figure: dict) -> str:
    """Which model draws the figure: side, front (also the back view), top or
    lying (side-lying, seen from the front)."""
    if figure["base"] == "side_lying":
        return "lying"
    return {"back": "front"}.get(figure["view"], figure["view"])


def angles_of(figure: dict, keyframe: dict) -> dict[str, float]:
    """The base's angles, then the figure's, then the keyframe's; a bare limb
    joint applies to both sides, a prefixed one to that side only."""
    fam = family(figure)
    sides = ("near", "far") if fam in ("side", "lying") else ("left", "right")
    out: dict[str, float] = {}

    def apply(joints: dict[str, float]) -> None:
        for name, value in (joints or {}).items():
            if name in LIMB_JOINTS:
                for side in sides:
                    out[f"{side}_{name}"] = value
            else:
                out[name] = value

    if fam == "lying":
        apply(SIDE_LYING)
    elif fam == "side":
        apply(SIDE_BASES[figure["base"]].joints)
    elif fam == "front":
        apply(FRONT_BASES.get(figure["base"], Base()).joints)
    apply(figure.get("joints") or {})
    apply(keyframe.get("joints") or {})
    return out


def lerp(a: dict[str, float], b: dict[str, float], f: float) -> dict[str, float]:
    return {k: a.get(k, 0.0) + (b.get(k, 0.0) - a.get(k, 0.0)) * f for k in a.keys() | b.keys()}


# ---- shapes: what figure.js draws, by point name ----


def _limb(side: str, color: str) -> list[dict]:
    p = f"{side}_"
    return [
        {"kind": "line", "pts": ["hip", p + "knee"], "w": W["thigh"], "fill": color, "part": f"thigh {side}"},
        {"kind": "line", "pts": [p + "knee", p + "ankle"], "w": W["shank"], "fill": color},
        {"kind": "line", "pts": [p + "heel", p + "toe"], "w": W["foot"], "fill": color},
    ]  # fmt: skip


def _arm(side: str, color: str) -> list[dict]:
    p = f"{side}_"
    return [
        {"kind": "line", "pts": [p + "shoulder", p + "elbow"], "w": W["upper_arm"], "fill": color, "part": f"arm {side}"},
        {"kind": "line", "pts": [p + "elbow", p + "wrist"], "w": W["forearm"], "fill": color},
        {"kind": "line", "pts": [p + "wrist", p + "fingers"], "w": W["hand"], "fill": color},
    ]  # fmt: skip


def _side_head() -> list[dict]:
    return [
        {"kind": "line", "pts": ["c7", "skull"], "w": W["neck"], "fill": "near"},
        {"kind": "circle", "c": "head", "r": body.L["head"], "fill": "near", "part": "head"},
        {"kind": "circle", "c": "eye", "r": 1.1, "fill": "white"},
        {"kind": "line", "pts": ["nose", "nose_tip"], "w": 2.6, "fill": "near"},
    ]


def _side_trunk() -> list[dict]:
    return [
        {"kind": "ellipse", "c": "belly", "a": "belly_front", "r": 6.5, "fill": "pelvis", "part": "belly"},
        {"kind": "line", "pts": ["sacrum", "lumbar", "l1", "c7"], "w": W["trunk"], "fill": "near", "part": "trunk"},
        {"kind": "ellipse", "c": "pelvis", "a": "pelvis_axis", "r": 5.5, "fill": "pelvis", "part": "pelvis"},
        {"kind": "circle", "c": "pelvis_dot", "r": 1.5, "fill": "light"},
    ]  # fmt: skip


def _front(back: bool) -> list[dict]:
    legs = []
    for side in ("left", "right"):
        p = f"{side}_"
        legs += [
            {"kind": "line", "pts": [p + "hip", p + "knee"], "w": W["thigh"], "fill": "near", "part": f"thigh {side}"},
            {"kind": "line", "pts": [p + "knee", p + "ankle"], "w": W["shank"], "fill": "near"},
            {"kind": "line", "pts": [p + "ankle", p + "toe"], "w": W["foot"], "fill": "near"},
        ]  # fmt: skip
    torso = ["left_shoulder", "right_shoulder", "right_waist", "left_waist", "left_shoulder"]
    shapes = [
        *legs,
        {"kind": "ellipse", "c": "pelvis", "a": "pelvis_axis", "r": 5.5, "fill": "pelvis", "part": "pelvis"},
        {"kind": "poly", "pts": torso, "w": 7, "fill": "near", "part": "trunk"},
    ]
    if back:
        shapes += [
            {"kind": "line", "pts": [s + "_blade", s + "_blade_tip"], "w": 4, "fill": "blade", "part": f"blade {s}"}
            for s in ("left", "right")
        ]
    shapes += [
        {"kind": "line", "pts": ["neck_base", "skull"], "w": W["neck"], "fill": "near"},
        {"kind": "circle", "c": "head", "r": body.L["head"], "fill": "near", "part": "head"},
    ]
    if not back:
        shapes += [{"kind": "circle", "c": e, "r": 1.1, "fill": "white"} for e in ("left_eye", "right_eye")]
    for side in ("left", "right"):
        p = f"{side}_"
        shapes += [
            {"kind": "line", "pts": [p + "shoulder", p + "elbow"], "w": W["upper_arm"], "fill": "near", "part": f"arm {side}"},
            {"kind": "line", "pts": [p + "elbow", p + "wrist"], "w": W["forearm"], "fill": "near"},
            {"kind": "line", "pts": [p + "wrist", p + "fingers"], "w": W["hand"], "fill": "near"},
        ]  # fmt: skip
    return shapes


def template(figure: dict) -> list[dict]:
    fam = family(figure)
    if fam in ("side", "lying"):
        return [
            *_limb("far", "far"), *_arm("far", "far"), *_side_trunk(), *_side_head(),
            *_limb("near", "near"), *_arm("near", "near"),
        ]  # fmt: skip
    if fam == "front":
        return _front(figure["view"] == "back")
    return [
        {"kind": "line", "pts": ["left_hip", "left_knee"], "w": W["thigh"], "fill": "far"},
        {"kind": "line", "pts": ["right_hip", "right_knee"], "w": W["thigh"], "fill": "far"},
        {"kind": "ellipse", "c": "pelvis", "a": "pelvis_axis", "r": 5.5, "fill": "pelvis", "part": "pelvis"},
        {"kind": "line", "pts": ["left_shoulder", "right_shoulder"], "w": W["trunk"], "fill": "near", "part": "trunk"},
        {"kind": "line", "pts": ["left_hand", "right_hand"], "w": 6, "fill": "mid"},
        {"kind": "circle", "c": "head", "r": 7.4, "fill": "white"},
        {"kind": "circle", "c": "head", "r": 6.2, "fill": "near", "part": "head"},
        {"kind": "line", "pts": ["nose", "nose_tip"], "w": 3.5, "fill": "near"},
    ]  # fmt: skip


def _extents(shapes: list[dict], pts: Points) -> list[tuple[Point, float]]:
    """Points along the drawn body with their radius, for the floor and props."""
    return [(p, r) for p, r, _ in _named_extents(shapes, pts)]


def _named_extents(shapes: list[dict], pts: Points) -> list[tuple[Point, float, str]]:
    """As _extents, each with the body point it is nearest to."""
    out: list[tuple[Point, float, str]] = []
    for s in shapes:
        if s["kind"] in ("line", "poly"):
            names = s["pts"]
            for an, bn in zip(names, names[1:], strict=False):
                a, b = pts[an], pts[bn]
                n = max(1, int(math.dist(a, b) / 3))
                for i in range(n + 1):
                    f = i / n
                    point = (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
                    out.append((point, s["w"] / 2, an if f < 0.5 else bn))
        elif s["kind"] == "circle" and s["r"] > 2:
            out.append((pts[s["c"]], s["r"], s["c"]))
    return out


# ---- placing a frame ----


@dataclass
class Support:
    kind: str  # floor | seat | wall | pillow | bolster | cushion
    level: float  # the height (or, for the wall, the x) of its surface
    span: tuple[float, float] = (-1e9, 1e9)


def _model(figure: dict, angles: dict[str, float]) -> Points:
    fam = family(figure)
    if fam == "side":
        return body.side_points(angles)
    if fam == "front":
        pts = body.front_points(angles)
        return body.back_points(angles) if figure["view"] == "back" else pts
    return body.top_points(angles)


def _transform(pts: Points, turn: float, tx: float, ty: float) -> Points:
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    return {k: (x * c - y * s + tx, x * s + y * c + ty) for k, (x, y) in pts.items()}


def _solve(residuals, x0: list[float], bounds: list[tuple[float, float]], iterations: int = 40) -> list[float]:
    """Least squares by damped Gauss-Newton with numerical derivatives: small
    problems (a handful of unknowns), solved the same way every time."""
    x = [min(max(v, lo), hi) for v, (lo, hi) in zip(x0, bounds, strict=True)]
    r = residuals(x)
    cost = sum(v * v for v in r)
    damping = 1e-3
    for _ in range(iterations):
        jac = []
        for i in range(len(x)):
            step = x.copy()
            step[i] += 1e-4
            jac.append([(a - b) / 1e-4 for a, b in zip(residuals(step), r, strict=True)])
        n = len(x)
        a = [[sum(jac[i][k] * jac[j][k] for k in range(len(r))) for j in range(n)] for i in range(n)]
        g = [sum(jac[i][k] * r[k] for k in range(len(r))) for i in range(n)]
        for _ in range(8):
            m = [row.copy() for row in a]
            for i in range(n):
                m[i][i] += damping * (1 + a[i][i])
            delta = _linear(m, [-v for v in g])
            trial = [min(max(v + d, lo), hi) for v, d, (lo, hi) in zip(x, delta, bounds, strict=True)]
            tr = residuals(trial)
            tcost = sum(v * v for v in tr)
            if tcost < cost:
                x, r, cost = trial, tr, tcost
                damping = max(damping / 4, 1e-7)
                break
            damping *= 8
        else:
            break
        if cost < 1e-10:
            break
    return x


def _linear(m: list[list[float]], b: list[float]) -> list[float]:
    """Solves m x = b (Gaussian elimination with partial pivoting)."""
    n = len(b)
    aug = [row + [v] for row, v in zip(m, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(aug[r][col]))
        aug[col], aug[pivot] = aug[pivot], aug[col]
        if abs(aug[col][col]) < 1e-12:
            continue
        for r in range(col + 1, n):
            f = aug[r][col] / aug[col][col]
            for c in range(col, n + 1):
                aug[r][c] -= f * aug[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(aug[r][r]) < 1e-12:
            continue
        x[r] = (aug[r][n] - sum(aug[r][c] * x[c] for c in range(r + 1, n))) / aug[r][r]
    return x


@dataclass
class Frame:
    points: Points
    angles: dict[str, float]
    contacts: list[tuple[str, str]]
    heights: dict[str, float] | None = None  # side-lying: height above the floor


class Placer:
    """Places a figure's frames: the start keyframe on the floor alone, and every
    other frame on the floor and the props built around the start."""

    def __init__(self, figure: dict):
        self.figure = figure
        self.fam = family(figure)
        self.props = set(figure.get("props") or [])
        self.shapes = template(figure)
        self.supports: dict[str, Support] = {"floor": Support("floor", 0.0)}
        bases = {"side": SIDE_BASES, "front": FRONT_BASES}.get(self.fam, {})
        self.base = bases.get(figure["base"], Base())
        self.anchor: dict[str, float] = {}
        self.previous: list[float] | None = None

    # which contacts hold in a keyframe
    def contacts(self, keyframe: dict) -> list[tuple[str, str]]:
        if self.fam == "top":
            return []
        if self.fam == "lying":
            out = [(p, s) for p, s, _ in LYING_CONTACTS]
        else:
            out = list(self.base.contacts)
        if "wall" in self.props:
            out += [("sacrum_back", "wall"), ("upper_back", "wall")]
        release = set(keyframe.get("release") or [])
        out = [(p, s) for p, s in out if p not in release]
        out += [(p, "floor") for p in keyframe.get("rest") or [] if p not in {q for q, _ in out}]
        resolved = []
        for point, support in out:
            if support == "pillow" and "pillow" not in self.props:
                support = "floor"
            if support == "cushion":
                support = "cushion" if "pillow" in self.props else "floor"
            if support == "bolster" and "knee_pillow" not in self.props:
                continue
            resolved.append((point, support))
        return resolved

    def gap(self, pts: Points, point: str, support: str) -> float:
        """How far the point is from its support's surface (negative: inside)."""
        s = self.supports.get(support)
        if s is None:
            return 0.0
        x, y = pts[point]
        if s.kind == "wall":
            return x - s.level
        return y - s.level

    def _free(self) -> list[tuple[str, float]]:
        out = []
        for joint, give in self.base.give.items():
            names = [f"near_{joint}", f"far_{joint}"] if joint in LIMB_JOINTS else [joint]
            out += [(n, give) for n in names]
        return out

    def place(self, angles: dict[str, float], contacts: list[tuple[str, str]], first: bool) -> Frame:
        if self.fam == "top":
            return Frame(body.top_points(angles), angles, [])
        if self.fam == "lying":
            pillow = 4.0 if "pillow" in self.props else 0.0
            knees = 6.0 if "knee_pillow" in self.props else 0.0
            pts, heights = body.lying_points(angles, pillow, knees)
            return Frame(pts, angles, contacts, heights)
        model_free = self._free()
        turn0 = self.base.turn
        rotate = self.fam == "side"
        active = [(p, s) for p, s in contacts if s in self.supports]
        extents_names = self.shapes

        def build(x: list[float]) -> tuple[Points, dict[str, float]]:
            a = dict(angles)
            for (name, _), value in zip(model_free, x[3:], strict=True):
                a[name] = value
            pts = _model(self.figure, a)
            return _transform(pts, turn0 + (x[0] if rotate else 0.0), x[1], x[2]), a

        def residuals(x: list[float]) -> list[float]:
            pts, a = build(x)
            out = [3 * self.gap(pts, p, s) for p, s in active]
            out += [0.3 * (pts[p][0] - self.anchor[p]) for p, s in active if p in self.anchor and s != "wall"]
            out += [0.05 * (a[n] - angles.get(n, 0.0)) for n, _ in model_free]
            out.append(0.02 * x[1])
            floor = min(y - r for (_, y), r in _extents(extents_names, pts))
            out.append(3 * min(0.0, floor))
            return out

        start = self.previous or [0.0, 0.0, 0.0, *[angles.get(n, 0.0) for n, _ in model_free]]
        start = start[:3] + [angles.get(n, 0.0) for n, _ in model_free]
        bounds = [(-60.0, 60.0) if rotate else (0.0, 0.0), (-200.0, 200.0), (-200.0, 300.0)]
        for n, g in model_free:
            low, high = JOINTS["side" if self.fam == "side" else "front"].get(n.split("_", 1)[-1], (-180, 180))
            target = angles.get(n, 0.0)
            bounds.append((max(target - g, low), min(target + g, high)))
        if first:
            # Lift the figure roughly onto the floor before solving.
            pts, _ = build(start)
            start[2] -= min(y - r for (_, y), r in _extents(extents_names, pts))
        x = _solve(residuals, start, bounds)
        self.previous = x
        pts, a = build(x)
        return Frame(pts, a, contacts)

    def build_props(self, frame: Frame) -> list[dict]:
        """The chair, wall, pillows and cushion, fitted to the start position, and
        the supports they give."""
        pts, out = frame.points, []
        props = self.props
        box = lambda x, y, w, h, r=2.0: {"kind": "rect", "x": x, "y": y, "w": w, "h": h, "r": r, "fill": "prop"}  # noqa: E731
        bar = lambda a, b, w=3.0: {"kind": "line", "pts": [a, b], "w": w, "fill": "prop_line"}  # noqa: E731
        if self.fam == "lying":
            if "pillow" in props:
                hx, hy = pts["head"]
                out.append({"kind": "ellipse", "c": [hx - 1, hy - 4], "rx": 11, "ry": 5, "angle": 0, "fill": "prop"})
            if "knee_pillow" in props:
                a, b = pts["near_knee"], pts["far_knee"]
                out.append({"kind": "ellipse", "c": [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], "rx": 6, "ry": 4.5, "angle": 0, "fill": "prop"})
            return out
        if "chair" in props:
            if self.fam == "top":
                out += [box(-15, -17, 30, 26, 3), bar([-15, 10], [15, 10], 4)]
            elif self.fam == "front":
                seat = pts["left_seat"][1]
                self.supports["seat"] = Support("seat", seat, (-14, 14))
                out += [box(-13, seat, 26, 28, 3), bar([-16, seat - 1.5], [16, seat - 1.5], 3.5),
                        bar([-14, seat - 2], [-14, 0]), bar([14, seat - 2], [14, 0], 2.5)]  # fmt: skip
            else:
                hip = pts["hip"]
                seat = pts["near_seat"][1]
                back = min(pts["sacrum_back"][0], pts["upper_back"][0]) - 2.5
                self.supports["seat"] = Support("seat", seat, (back, hip[0] + 13))
                out += [bar([back, seat + 30], [back, 0]), bar([back, seat - 1.5], [hip[0] + 13, seat - 1.5], 3.5),
                        bar([hip[0] + 12, seat - 2], [hip[0] + 12, 0], 2.5)]  # fmt: skip
        if "wall" in props and self.fam == "side":
            wall = min(pts["sacrum_back"][0], pts["upper_back"][0])
            self.supports["wall"] = Support("wall", wall)
            out.append(box(wall - 4, 0, 4, 105, 0))
        if "pillow" in props and self.figure["base"] in LYING:
            hx, _ = pts["head_back"]
            self.supports["pillow"] = Support("pillow", PILLOW, (hx - 10, hx + 10))
            out.append(box(pts["head"][0] - 10, 0, 20, PILLOW, 2.5))
        if "pillow" in props and self.figure["base"] == "half_kneeling":
            kx, _ = pts["far_kneecap"]
            self.supports["cushion"] = Support("cushion", 3.0, (kx - 7, kx + 7))
            out.append(box(kx - 7, 0, 14, 3, 1.5))
        if "knee_pillow" in props and self.figure["base"] in LYING:
            kx, ky = pts["near_thigh_back"]
            self.supports["bolster"] = Support("bolster", ky, (kx - 10, kx + 10))
            out.append(box(kx - 10, 0, 20, ky, 4))
        return out


# ---- the scene ----


def _round(v: float) -> float:
    return round(v, 1) + 0.0


def _bounds(frames: list[Frame], shapes: list[dict], props: list[dict], names: tuple[str, ...] | None = None) -> list[float]:
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
            for (x, y), r in _extents(shapes, frame.points):
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
                between.setdefault(i, []).extend(_frame_problems(placer, frame, i, f, keyframes_data))
    ends = [_frame_problems(placer, frame, i, None, keyframes_data) for i, frame in enumerate(frames)]
    problems = [p for found in ends for p in found]
    # A step is worth reporting only when the keyframes at both of its ends are right.
    for i, found in between.items():
        if not ends[i - 1] and not ends[i]:
            problems += found
    return Placed(frames, path, props, placer, problems)


def _frame_problems(placer: Placer, frame: Frame, index: int, between: float | None, keyframes: list[dict]) -> list[tuple[int | None, str]]:
    label = keyframes[index]["label"]
    where = f"keyframe {index} ({label!r})" if between is None else (
        f"between keyframe {index - 1} ({keyframes[index - 1]['label']!r}) and {index} ({label!r})"
    )  # fmt: skip
    out = []
    pts = frame.points
    for point, support in frame.contacts:
        if frame.heights is not None:
            height = {p: h for p, _, h in LYING_CONTACTS}.get(point, 0.0)
            level = 4.0 if support == "pillow" else 0.0
            gap = frame.heights[point] - height - level
        else:
            gap = placer.gap(pts, point, support)
        if abs(gap) > TOLERANCE:
            side = "off" if gap > 0 else "into"
            thing = {"floor": "the floor", "seat": "the seat", "wall": "the wall", "pillow": "the pillow",
                     "bolster": "the bolster", "cushion": "the cushion"}[support]  # fmt: skip
            out.append((index, f"{where}: {point} is {abs(gap):.1f} {side} {thing} (a contact "
                        f"touches within {TOLERANCE:.1f}, 2 % of body height): change the joints "
                        "so it rests there, or release it"))  # fmt: skip
    if frame.heights is None and placer.fam != "top":
        depth, name = min((y - r, n) for (_, y), r, n in _named_extents(placer.shapes, pts))
        if depth < -TOLERANCE:
            out.append((index, f"{where}: {name} goes {-depth:.1f} under the floor"))
        for name, s in placer.supports.items():
            if name in ("floor", "wall") or placer.fam != "side":
                continue
            for (x, y), r in _extents(placer.shapes, pts):
                if s.span[0] + 2 < x < s.span[1] - 2 and 0.5 < y + r < s.level - TOLERANCE:
                    out.append((index, f"{where}: the body passes through the {name}"))
                    break
        wall = placer.supports.get("wall")
        if wall:
            inside = min(x - r for (x, _), r in _extents(placer.shapes, pts))
            if inside < wall.level - TOLERANCE:
                out.append((index, f"{where}: the body goes {wall.level - inside:.1f} into the wall"))
    return out


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
    names = sorted({n for s in shapes for n in (s.get("pts") or []) + [s.get("c"), s.get("a")] if n})
    index = {n: i for i, n in enumerate(names)}
    held = placed.keyframes[figure["hold"]]
    start = placed.keyframes[0]
    box = _bounds(placed.keyframes + placed.path, shapes, placed.props)
    closeup = None
    region = figure.get("closeup")
    fam = placed.placer.fam
    if region:
        points = CLOSEUPS.get("side" if fam in ("side", "lying") else "front", {}).get(region, ())
        closeup = _bounds(placed.path, shapes, [], points)
        # at least a third of the whole frame, centred on the region
        w, h = closeup[2] - closeup[0], closeup[3] - closeup[1]
        size = max(w, h, 0.45 * max(box[2] - box[0], box[3] - box[1]))
        cx, cy = (closeup[0] + closeup[2]) / 2, (closeup[1] + closeup[3]) / 2
        closeup = [cx - size / 2, cy - size / 2 * 0.8, cx + size / 2, cy + size / 2 * 0.8]
    # The movement: what moves most from the start to the held keyframe.
    arrows_named = figure.get("arrows") or []
    candidates = [n for n in names if n in start.points]
    moved_name, moved = _moved(start.points, held.points, arrows_named or candidates)
    frame_size = max(box[2] - box[0], box[3] - box[1])
    view_size = max(closeup[2] - closeup[0], closeup[3] - closeup[1]) if closeup else frame_size
    if moved < VISIBLE * view_size:
        problems.append((figure["hold"], (
            f"keyframe {figure['hold']} ({figure['keyframes'][figure['hold']]['label']!r}): the figure moves "
            f"at most {moved:.1f} ({moved_name or 'nothing'}) from the start, under {VISIBLE:.0%} of "
            f"{'the close-up' if closeup else 'the frame'} ({VISIBLE * view_size:.1f}): too small to see on a "
            "phone; move it further or declare a `closeup` on the moving region"
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
        known = set(_model(figure, {}))
    out = []
    for i, keyframe in enumerate(figure["keyframes"]):
        for name in keyframe.get("release") or []:
            if name not in base:
                out.append((i, f"keyframe {i} ({keyframe['label']!r}): {name} is not a contact of "
                            f"{figure['base']}; it has: {', '.join(sorted(base)) or 'none'}"))  # fmt: skip
        for name in keyframe.get("rest") or []:
            if name not in known or placer.fam in ("top", "lying"):
                out.append((i, f"keyframe {i} ({keyframe['label']!r}): {name} is not a skin point "
                            "this figure can rest on the floor"))  # fmt: skip
    for name in figure.get("arrows") or []:
        if name not in known:
            out.append((None, f"arrows: {name} is not a point of this figure"))
    return out


def _first_of_each(problems: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
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
