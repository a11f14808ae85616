"""Placing one frame of a figure: the base positions with the skin points that
rest on a support and the joints that may give, the supports the props make, and a
small least-squares solver that turns, shifts and (a little) bends the figure so that
each contact touches its support."""

import math
from dataclasses import dataclass, field

from kinetic.schemas.figure_file import JOINTS, LIMBS
from kinetic.services import figure_body as body
from kinetic.services.figure_body import HEIGHT, Points, W, family, model
from kinetic.services.figure_shapes import extents, template

TOLERANCE = 0.02 * HEIGHT  # a contact touches within 2 % of body height
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
        joints={
            "near_hip": 85,
            "near_knee": 85,
            "far_hip": -5,
            "far_knee": 95,
            "far_ankle": -40,
        },
        contacts=(
            ("near_sole_heel", "floor"),
            ("near_sole_toe", "floor"),
            ("far_kneecap", "cushion"),
            ("far_instep", "floor"),
        ),
        give={"ankle": 25, "far_knee": 10},
    ),  # fmt: skip
    "supine": Base(
        turn=90,
        joints={"ankle": -25},
        contacts=(
            ("head_back", "pillow"),
            ("upper_back", "floor"),
            ("sacrum_back", "floor"),
            *_both("calf"),
        ),
        give={"hip": 6, "neck": 12},
    ),  # fmt: skip
    "crook_lying": Base(
        turn=90,
        joints={"hip": 45, "knee": 105, "ankle": -30},
        contacts=(
            ("head_back", "pillow"),
            ("upper_back", "floor"),
            ("sacrum_back", "floor"),
            *SOLES,
            *_both("thigh_back", support="bolster"),
        ),
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
        contacts=(
            ("left_sole", "floor"),
            ("right_sole", "floor"),
            ("left_seat", "seat"),
            ("right_seat", "seat"),
        ),
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


def angles_of(figure: dict, keyframe: dict) -> dict[str, float]:
    """The base's angles, then the figure's, then the keyframe's; a bare limb
    joint applies to both sides, a prefixed one to that side only."""
    fam = family(figure)
    sides = ("near", "far") if fam in ("side", "lying") else ("left", "right")
    out: dict[str, float] = {}

    def apply(joints: dict[str, float]) -> None:
        for name, value in (joints or {}).items():
            if name in LIMBS:
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
    return {
        k: a.get(k, 0.0) + (b.get(k, 0.0) - a.get(k, 0.0)) * f
        for k in a.keys() | b.keys()
    }


@dataclass
class Support:
    kind: str  # floor | seat | wall | pillow | bolster | cushion
    level: float  # the height (or, for the wall, the x) of its surface
    span: tuple[float, float] = (-1e9, 1e9)


def _transform(pts: Points, turn: float, tx: float, ty: float) -> Points:
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    return {k: (x * c - y * s + tx, x * s + y * c + ty) for k, (x, y) in pts.items()}


def _solve(
    residuals, x0: list[float], bounds: list[tuple[float, float]], iterations: int = 40
) -> list[float]:
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
            jac.append(
                [(a - b) / 1e-4 for a, b in zip(residuals(step), r, strict=True)]
            )
        n = len(x)
        a = [
            [sum(jac[i][k] * jac[j][k] for k in range(len(r))) for j in range(n)]
            for i in range(n)
        ]
        g = [sum(jac[i][k] * r[k] for k in range(len(r))) for i in range(n)]
        for _ in range(8):
            m = [row.copy() for row in a]
            for i in range(n):
                m[i][i] += damping * (1 + a[i][i])
            delta = _linear(m, [-v for v in g])
            trial = [
                min(max(v + d, lo), hi)
                for v, d, (lo, hi) in zip(x, delta, bounds, strict=True)
            ]
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
        radius: dict[str, float] = {}
        for s in self.shapes:
            for n in s.get("pts") or []:
                radius[n] = max(radius.get(n, 0.0), s["w"] / 2)
            if s["kind"] == "circle" and s["r"] > 2:
                radius[s["c"]] = max(radius.get(s["c"], 0.0), s["r"])
        self._ends = list(radius.items())

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
        out += [
            (p, "floor")
            for p in keyframe.get("rest") or []
            if p not in {q for q, _ in out}
        ]
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
            names = [f"near_{joint}", f"far_{joint}"] if joint in LIMBS else [joint]
            out += [(n, give) for n in names]
        return out

    def place(
        self, angles: dict[str, float], contacts: list[tuple[str, str]], first: bool
    ) -> Frame:
        if self.fam == "top":
            return Frame(body.top_points(angles), angles, [])
        if self.fam == "lying":
            pillow = PILLOW if "pillow" in self.props else 0.0
            knees = 6.0 if "knee_pillow" in self.props else 0.0
            pts, heights = body.lying_points(angles, pillow, knees)
            return Frame(pts, angles, contacts, heights)
        model_free = self._free()
        turn0 = self.base.turn
        rotate = self.fam == "side"
        active = [(p, s) for p, s in contacts if s in self.supports]
        extents_names = self.shapes
        ends = self._ends

        def build(x: list[float]) -> tuple[Points, dict[str, float]]:
            a = dict(angles)
            for (name, _), value in zip(model_free, x[3:], strict=True):
                a[name] = value
            pts = model(self.figure, a)
            return _transform(pts, turn0 + (x[0] if rotate else 0.0), x[1], x[2]), a

        def residuals(x: list[float]) -> list[float]:
            pts, a = build(x)
            out = [3 * self.gap(pts, p, s) for p, s in active]
            out += [
                0.3 * (pts[p][0] - self.anchor[p])
                for p, s in active
                if p in self.anchor and s != "wall"
            ]
            out += [0.05 * (a[n] - angles.get(n, 0.0)) for n, _ in model_free]
            out.append(0.02 * x[1])
            # A straight segment is lowest at one of its ends.
            floor = min(pts[n][1] - r for n, r in ends)
            out.append(0.3 * min(0.0, floor))
            return out

        start = self.previous or [
            0.0,
            0.0,
            0.0,
            *[angles.get(n, 0.0) for n, _ in model_free],
        ]
        start = start[:3] + [angles.get(n, 0.0) for n, _ in model_free]
        bounds = [
            (-60.0, 60.0) if rotate else (0.0, 0.0),
            (-200.0, 200.0),
            (-200.0, 300.0),
        ]
        for n, g in model_free:
            low, high = JOINTS["side" if self.fam == "side" else "front"].get(
                n.split("_", 1)[-1], (-180, 180)
            )
            target = angles.get(n, 0.0)
            bounds.append((max(target - g, low), min(target + g, high)))
        if first:
            # Lift the figure roughly onto the floor before solving.
            pts, _ = build(start)
            start[2] -= min(y - r for (_, y), r in extents(extents_names, pts))
        x = _solve(residuals, start, bounds)
        self.previous = x
        pts, a = build(x)
        return Frame(pts, a, contacts)

    def _chair(self, pts: Points) -> list[dict]:
        """A chair whose seat is under the start position's seat, and its support."""
        if self.fam == "top":
            return [_rect(-15, -17, 30, 26, 3), _bar((-15, 10), (15, 10), 4)]
        if self.fam == "front":
            seat = pts["left_seat"][1]
            self.supports["seat"] = Support("seat", seat, (-14, 14))
            return [
                _rect(-13, seat, 26, 28, 3),
                _bar((-16, seat - 1.5), (16, seat - 1.5), 3.5),
                _bar((-14, seat - 2), (-14, 0)),
                _bar((14, seat - 2), (14, 0), 2.5),
            ]
        front = pts["hip"][0] + 13
        seat = pts["near_seat"][1]
        back = min(pts["sacrum_back"][0], pts["upper_back"][0]) - 2.5
        self.supports["seat"] = Support("seat", seat, (back, front))
        return [
            _bar((back, seat + 30), (back, 0)),
            _bar((back, seat - 1.5), (front, seat - 1.5), 3.5),
            _bar((front - 1, seat - 2), (front - 1, 0), 2.5),
        ]

    def build_props(self, frame: Frame) -> list[dict]:
        """The chair, wall, pillows and cushion, fitted to the start position, and
        the supports they give."""
        pts, out = frame.points, []
        props = self.props
        if self.fam == "lying":
            if "pillow" in props:
                hx, hy = pts["head"]
                out.append(_oval((hx - 1, hy - 4), 11, 5))
            if "knee_pillow" in props:
                (ax, ay), (bx, by) = pts["near_knee"], pts["far_knee"]
                out.append(_oval(((ax + bx) / 2, (ay + by) / 2), 6, 4.5))
            return out
        if "chair" in props:
            out += self._chair(pts)
        if "wall" in props and self.fam == "side":
            wall = min(pts["sacrum_back"][0], pts["upper_back"][0])
            self.supports["wall"] = Support("wall", wall)
            out.append(_rect(wall - 4, 0, 4, 105, 0))
        if "pillow" in props and self.figure["base"] in LYING:
            hx, _ = pts["head_back"]
            self.supports["pillow"] = Support("pillow", PILLOW, (hx - 10, hx + 10))
            out.append(_rect(pts["head"][0] - 10, 0, 20, PILLOW, 2.5))
        if "pillow" in props and self.figure["base"] == "half_kneeling":
            kx, _ = pts["far_kneecap"]
            self.supports["cushion"] = Support("cushion", 3.0, (kx - 7, kx + 7))
            out.append(_rect(kx - 7, 0, 14, 3, 1.5))
        if "knee_pillow" in props and self.figure["base"] in LYING:
            kx, ky = pts["near_thigh_back"]
            self.supports["bolster"] = Support("bolster", ky, (kx - 10, kx + 10))
            out.append(_rect(kx - 10, 0, 20, ky, 4))
        return out


def _rect(x: float, y: float, w: float, h: float, r: float = 2.0) -> dict:
    return {"kind": "rect", "x": x, "y": y, "w": w, "h": h, "r": r, "fill": "prop"}


def _bar(a: tuple[float, float], b: tuple[float, float], w: float = 3.0) -> dict:
    return {"kind": "line", "pts": [list(a), list(b)], "w": w, "fill": "prop_line"}


def _oval(c: tuple[float, float], rx: float, ry: float) -> dict:
    return {
        "kind": "ellipse",
        "c": list(c),
        "rx": rx,
        "ry": ry,
        "angle": 0,
        "fill": "prop",
    }
