"""What figure.js draws for a figure: shape templates (lines, circles, ellipses)
naming the body's points, in drawing order for each view, and the points along
them with their radius that the floor and props are checked against."""

import math

from kinetic.services import figure_body as body
from kinetic.services.figure_body import Point, Points, W, family


def line(pts: list[str], w: float, fill: str, part: str | None = None) -> dict:
    return {"kind": "line", "pts": pts, "w": w, "fill": fill} | _part(part)


def circle(c: str, r: float, fill: str, part: str | None = None) -> dict:
    return {"kind": "circle", "c": c, "r": r, "fill": fill} | _part(part)


def ellipse(c: str, a: str, r: float, fill: str, part: str | None = None) -> dict:
    """An ellipse centred on c, one half-axis reaching to point a, the other r."""
    return {"kind": "ellipse", "c": c, "a": a, "r": r, "fill": fill} | _part(part)


def _part(part: str | None) -> dict:
    return {"part": part} if part else {}


def _limb(side: str, color: str, hip: str = "hip", foot: str = "heel") -> list[dict]:
    p = f"{side}_"
    return [
        line([hip, p + "knee"], W["thigh"], color, f"thigh {side}"),
        line([p + "knee", p + "ankle"], W["shank"], color),
        line([p + foot, p + "toe"], W["foot"], color),
    ]


def _arm(side: str, color: str) -> list[dict]:
    p = f"{side}_"
    return [
        line([p + "shoulder", p + "elbow"], W["upper_arm"], color, f"arm {side}"),
        line([p + "elbow", p + "wrist"], W["forearm"], color),
        line([p + "wrist", p + "fingers"], W["hand"], color),
    ]


def _side() -> list[dict]:
    return [
        *_limb("far", "far"),
        *_arm("far", "far"),
        ellipse("belly", "belly_front", 6.5, "pelvis", "belly"),
        line(["sacrum", "lumbar", "l1", "c7"], W["trunk"], "near", "trunk"),
        ellipse("pelvis", "pelvis_axis", 5.5, "pelvis", "pelvis"),
        circle("pelvis_dot", 1.5, "light"),
        line(["c7", "skull"], W["neck"], "near"),
        circle("head", body.L["head"], "near", "head"),
        circle("eye", 1.1, "white"),
        line(["nose", "nose_tip"], 2.6, "near"),
        *_limb("near", "near"),
        *_arm("near", "near"),
    ]


def _front(back: bool) -> list[dict]:
    torso = ["left_shoulder", "right_shoulder", "right_waist", "left_waist"]
    shapes = [
        *_limb("left", "near", "left_hip", "ankle"),
        *_limb("right", "near", "right_hip", "ankle"),
        ellipse("pelvis", "pelvis_axis", 5.5, "pelvis", "pelvis"),
        {"kind": "poly", "pts": [*torso, torso[0]], "w": 7, "fill": "near"}
        | _part("trunk"),
    ]
    if back:
        # Seen from behind, the shoulder blades show on the back.
        shapes += [
            line([f"{s}_blade", f"{s}_blade_tip"], 4, "blade", f"blade {s}")
            for s in ("left", "right")
        ]
    shapes += [
        line(["neck_base", "skull"], W["neck"], "near"),
        circle("head", body.L["head"], "near", "head"),
    ]
    if not back:
        shapes += [circle(e, 1.1, "white") for e in ("left_eye", "right_eye")]
    return [*shapes, *_arm("left", "near"), *_arm("right", "near")]


def _top() -> list[dict]:
    return [
        line(["left_hip", "left_knee"], W["thigh"], "far"),
        line(["right_hip", "right_knee"], W["thigh"], "far"),
        ellipse("pelvis", "pelvis_axis", 5.5, "pelvis", "pelvis"),
        line(["left_shoulder", "right_shoulder"], W["trunk"], "near", "trunk"),
        line(["left_hand", "right_hand"], 6, "mid"),
        circle("head", 7.4, "white"),
        circle("head", 6.2, "near", "head"),
        line(["nose", "nose_tip"], 3.5, "near"),
    ]


def template(figure: dict) -> list[dict]:
    """The shapes of the figure's view, in drawing order (far side first)."""
    fam = family(figure)
    if fam in ("side", "lying"):
        return _side()
    if fam == "front":
        return _front(figure["view"] == "back")
    return _top()


def extents(shapes: list[dict], pts: Points) -> list[tuple[Point, float]]:
    """Points along the drawn body with their radius, for the floor and props."""
    return [(p, r) for p, r, _ in named_extents(shapes, pts)]


def named_extents(shapes: list[dict], pts: Points) -> list[tuple[Point, float, str]]:
    """As extents, each with the body point it is nearest to."""
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
