"""The body an exercise figure is drawn with: segment lengths and widths, and the
points forward kinematics gives for a set of joint angles in each view.

A view's model stands upright with the hip (or the pelvis) at the origin, y up, in
model units (a standing figure is about 110 tall). Besides the joint centres it
gives skin points: the places that can rest on a support (the back of the head, the
soles, the front of a knee ...), which the scene puts on the floor, a chair or a
wall. Angles are degrees, anatomical (programs/README.md)."""

import math
from collections.abc import Callable

Point = tuple[float, float]
Points = dict[str, Point]

HEIGHT = 110.0
# Segment lengths and drawn widths, model units.
L = {
    "pelvis": 9, "low_back": 13, "upper_back": 17, "neck": 6.5, "head": 6.8,
    "upper_arm": 16, "forearm": 13.5, "hand": 4, "thigh": 24, "shank": 23, "foot": 8,
}  # fmt: skip
W = {
    "trunk": 11, "neck": 5.5, "upper_arm": 6, "forearm": 5, "hand": 4.5,
    "thigh": 8.5, "shank": 7, "foot": 4,
}  # fmt: skip


def direction(angle: float, length: float = 1.0) -> Point:
    a = math.radians(angle)
    return math.cos(a) * length, math.sin(a) * length


def add(p: Point, q: Point) -> Point:
    return p[0] + q[0], p[1] + q[1]


def at(p: Point, angle: float, length: float) -> Point:
    return add(p, direction(angle, length))


def rotate(p: Point, angle: float) -> Point:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return p[0] * c - p[1] * s, p[0] * s + p[1] * c


def _getter(j: dict[str, float]) -> Callable[[str], float]:
    return lambda name: j.get(name, 0.0)


# ---- side view: facing +x ----


def _side_limbs(
    j: dict[str, float], side: str, c7: Point, ub: float, pel: float
) -> Points:
    g = _getter(j)
    s = lambda n: g(f"{side}_{n}")  # noqa: E731
    blades = g("shoulder_blades")
    shoulder = add(at(c7, ub + 180, 3.5), direction(ub - 90, 1.8 - 0.2 * blades))
    ua = ub + 180 + s("shoulder")
    elbow = at(shoulder, ua, L["upper_arm"])
    fa = ua + s("elbow")
    wrist = at(elbow, fa, L["forearm"])
    ha = fa + s("wrist")
    fingers = at(wrist, ha, L["hand"])
    hip = (0.0, 0.0)
    thigh = pel + 180 + s("hip")
    shank = thigh - s("knee")
    knee = at((0.0, 0.0), thigh, L["thigh"])
    ankle = at(knee, shank, L["shank"])
    foot = shank + 90 + s("ankle")
    sole = foot - 90
    # The foot's line runs below the ankle joint, as the heel bone does.
    heel = add(at(ankle, foot + 180, 1.5), direction(sole, 2.5))
    toe = add(at(ankle, foot, L["foot"]), direction(sole, 1.5))
    p = f"{side}_"
    return {
        p + "shoulder": shoulder, p + "elbow": elbow, p + "wrist": wrist,
        p + "fingers": fingers, p + "knee": knee, p + "ankle": ankle,
        p + "heel": heel, p + "toe": toe,
        # skin points that can rest on a support
        p + "palm": add(at(wrist, ha, 2.2), direction(ha - 90, W["hand"] / 2)),
        p + "forearm_back": add(at(elbow, fa, 8), direction(fa + 90, W["forearm"] / 2)),
        p + "sole_heel": add(heel, direction(sole, W["foot"] / 2)),
        p + "sole_toe": add(toe, direction(sole, W["foot"] / 2)),
        p + "instep": add(toe, direction(sole + 180, W["foot"] / 2)),
        p + "kneecap": add(knee, direction(shank + 90, W["shank"] / 2)),
        p + "thigh_back": add(at(hip, thigh, 18), direction(thigh - 90, W["thigh"] / 2)),  # noqa: E501
        p + "calf": add(at(knee, shank, 14), direction(shank - 90, W["shank"] / 2)),
        p + "seat": add(at(hip, thigh, 2), direction(thigh - 90, W["thigh"] / 2)),
    }  # fmt: skip


def side_points(j: dict[str, float]) -> Points:
    g = _getter(j)
    pel = 90 - g("pelvis")
    sacrum = at((0.0, 0.0), pel, L["pelvis"])
    lb = pel - g("low_back")
    l1 = at(sacrum, lb, L["low_back"])
    # The lower back's curve: hollow (towards the front) when arched, rounded when bent.
    curve = min(max(2.5 - 0.25 * g("low_back"), -5.0), 8.0)
    lumbar = add(at(sacrum, lb, L["low_back"] / 2), direction(lb - 90, curve))
    ub = lb - g("upper_back")
    c7 = at(l1, ub, L["upper_back"])
    nk = ub - g("neck")
    skull = at(c7, nk, L["neck"])
    hd = nk - g("head")
    head = add(at(skull, hd, 4.6), direction(hd - 90, 1.2))
    face = hd - 90
    pelvis = at((0.0, 0.0), pel, 3.5)
    # The belly: its front moves out when breathing in, in with a brace.
    belly = g("belly") / 100
    navel = add(at(sacrum, lb, 5), direction(lb - 90, 2.5 + 0.6 * curve))
    out = {
        "hip": (0.0, 0.0), "sacrum": sacrum, "lumbar": lumbar, "l1": l1, "c7": c7,
        "skull": skull, "head": head, "pelvis": pelvis,
        "pelvis_axis": at(pelvis, pel, 9),
        "pelvis_dot": at(pelvis, pel - 55, 6),
        "eye": add(head, add(direction(face, 3.6), direction(hd, 1.2))),
        "nose": at(head, face - 14, L["head"] - 1.2),
        "nose_tip": at(head, face - 24, L["head"] + 0.5),
        "chin": at(head, face - 55, L["head"]),
        "belly": navel,
        "belly_front": at(navel, lb - 90, 3.6 + 5 * belly),
        # skin points at the back, for lying and for the wall
        "head_back": at(head, face + 180, L["head"]),
        "upper_back": add(at(l1, ub, 11), direction(ub + 90, W["trunk"] / 2)),
        "low_back": add(lumbar, direction(lb + 90, W["trunk"] / 2)),
        "sacrum_back": add(pelvis, direction(pel + 90, 5.5)),
        # and at the front, for lying face down
        "chest": add(at(l1, ub, 9), direction(ub - 90, W["trunk"] / 2)),
    }  # fmt: skip
    out |= _side_limbs(j, "near", c7, ub, pel)
    out |= _side_limbs(j, "far", c7, ub, pel)
    return out


# ---- front and back views: the figure's left on the viewer's right (front) ----


def _front_arm(
    j: dict[str, float], side: str, neck_base: Point, trunk: float
) -> Points:
    g = _getter(j)
    s = 1 if side == "left" else -1
    sg = lambda n: g(f"{side}_{n}")  # noqa: E731
    # Drawing the blades back brings the shoulders a little in and down.
    blades = g("shoulder_blades")
    width = 10.5 - 0.09 * blades
    shoulder = at(
        neck_base, trunk - s * (90 + 14 - g("shrug") * 1.2 + 0.15 * blades), width
    )
    ua = trunk + 180 + s * sg("shoulder_out")
    elbow = at(shoulder, ua, L["upper_arm"])
    fa = ua + s * sg("elbow")
    wrist = at(elbow, fa, L["forearm"])
    # The shoulder blade, on the back: its inner edge moves towards the spine.
    blade = add(
        at(neck_base, trunk + 180, 6 + 0.04 * blades),
        direction(trunk - s * 90, 6.5 - 0.13 * blades),
    )
    p = f"{side}_"
    return {
        p + "shoulder": shoulder, p + "elbow": elbow, p + "wrist": wrist,
        p + "fingers": at(wrist, fa, L["hand"]),
        p + "blade": blade,
        p + "blade_tip": at(blade, trunk + 180 + s * 8, 7.5),
    }  # fmt: skip


def _front_leg(j: dict[str, float], side: str) -> Points:
    g = _getter(j)
    s = 1 if side == "left" else -1
    sg = lambda n: g(f"{side}_{n}")  # noqa: E731
    hip = (s * 6.0, 0.0)
    out = 270 + s * sg("hip_out")
    knee = at(hip, out, max(L["thigh"] * abs(math.cos(math.radians(sg("hip")))), 3))
    ankle = at(
        knee, out, L["shank"] * abs(math.cos(math.radians(sg("hip") - sg("knee"))))
    )
    p = f"{side}_"
    return {
        p + "hip": hip, p + "knee": knee, p + "ankle": ankle,
        p + "toe": add(ankle, (s * 5.0, -1.0)),
        p + "sole": add(ankle, (s * 2.5, -1.5 - W["foot"] / 2)),
        p + "seat": add(hip, (0.0, -5.5)),
    }  # fmt: skip


def front_points(j: dict[str, float]) -> Points:
    g = _getter(j)
    trunk = 90 - g("trunk_tilt")
    waist = (0.0, 6.0)
    neck_base = at(waist, trunk, 27)
    nk = trunk - g("neck_tilt")
    skull = at(neck_base, nk, 6.5 * math.cos(math.radians(g("neck"))))
    hd = nk - g("head_tilt")
    head = at(skull, hd, 6.2)
    # A nod seen from the front: the eyes lower.
    nod = g("neck") + g("head")

    def eye(s: int) -> Point:
        return add(
            head, add(direction(hd - 90, s * 2.6), direction(hd, 1 - 0.09 * nod))
        )

    out = {
        "pelvis": (0.0, 1.0), "pelvis_axis": (10.0, 1.0), "waist": waist,
        "neck_base": neck_base, "skull": skull, "head": head,
        "left_eye": eye(-1), "right_eye": eye(1),
        "left_waist": (7.0, 2.0), "right_waist": (-7.0, 2.0),
    }  # fmt: skip
    for side in ("left", "right"):
        out |= _front_arm(j, side, neck_base, trunk)
        out |= _front_leg(j, side)
    return out


def back_points(j: dict[str, float]) -> Points:
    """Seen from behind: the front model mirrored, so the figure's left is on the
    viewer's left."""
    return {name: (-x, y) for name, (x, y) in front_points(j).items()}


# ---- top view: seen from above, facing down the screen ----


def top_points(j: dict[str, float]) -> Points:
    g = _getter(j)
    turn = g("trunk_turn")
    r = lambda p: rotate(p, turn)  # noqa: E731
    face = -90 + turn + g("head_turn")
    head = r((0.0, 3.0))
    return {
        "left_shoulder": r((-15.0, 3.0)), "right_shoulder": r((15.0, 3.0)),
        "left_hand": r((-11.0, -5.0)), "right_hand": r((11.0, -5.0)),
        "head": head, "nose": at(head, face, 5), "nose_tip": at(head, face, 9.5),
        "pelvis": (0.0, 0.0), "pelvis_axis": (10.0, 0.0),
        "left_hip": (-5.0, -1.0), "left_knee": (-5.0, -23.0),
        "right_hip": (5.0, -1.0), "right_knee": (5.0, -23.0),
    }  # fmt: skip


# ---- side-lying, seen from the front and a little above ----

# The body's side-view profile lies on the floor with the back away from the
# viewer; the floor is seen at a slant (its depth drawn at this fraction) and a
# point's height above the floor is drawn straight up.
SLANT = 0.45
TRUNK_HEIGHT = 9.5  # the spine's height above the floor, lying on one side
ARM = {
    "shoulder": 17.0,
    "elbow": 18.0,
    "wrist": 17.5,
    "fingers": 16.5,
    "palm": 16.5,
    "forearm_back": 17.0,
}
LEG = {
    "knee": W["thigh"] / 2,
    "ankle": W["shank"] / 2,
    "heel": W["shank"] / 2,
    "toe": W["foot"] / 2,
}


def lying_points(
    j: dict[str, float], pillow: float, knee_pillow: float
) -> tuple[Points, dict[str, float]]:
    """Lying on the far side, the near (top) side up, head to the left: each
    point drawn at (across the page, depth * SLANT + height), with its height
    above the floor kept for the contact check."""
    g = _getter(j)
    profile = side_points(j)
    turn = math.radians(g("near_hip_turn") or g("hip_turn"))
    heights: dict[str, float] = {}
    for name in profile:
        side, _, part = name.partition("_")
        if side == "far" and part in ARM:
            heights[name] = 3.0
        elif side == "near" and part in ARM:
            heights[name] = ARM[part]
        elif side == "far":
            heights[name] = LEG.get(part, W["thigh"] / 2)
        elif side == "near":
            heights[name] = LEG.get(part, W["thigh"] / 2) + W["thigh"] + knee_pillow
        else:
            heights[name] = TRUNK_HEIGHT
    heights["near_shoulder"] = TRUNK_HEIGHT + 7
    heights["far_shoulder"] = TRUNK_HEIGHT - 7
    for name in ("head", "eye", "nose", "nose_tip", "chin", "head_back"):
        heights[name] = pillow + L["head"]
    # The clam: the top knee turns up off the bottom one, the feet stay together.
    lift = 0.9 * L["thigh"] * math.sin(turn)
    for name, share in (
        ("near_knee", 1.0),
        ("near_kneecap", 1.0),
        ("near_thigh_back", 0.75),
        ("near_calf", 0.45),
    ):
        heights[name] += lift * share
    points = {
        name: (-y, -x * SLANT + heights[name]) for name, (x, y) in profile.items()
    }
    return points, heights


# ---- which model draws a figure ----


def family(figure: dict) -> str:
    """Which model draws the figure: side, front (also the back view), top or
    lying (side-lying, seen from the front)."""
    if figure["base"] == "side_lying":
        return "lying"
    return {"back": "front"}.get(figure["view"], figure["view"])


def model(figure: dict, angles: dict[str, float]) -> Points:
    """The points of the figure's view model (not side-lying: see lying_points)."""
    fam = family(figure)
    if fam == "side":
        return side_points(angles)
    if fam == "front":
        pts = front_points(angles)
        return back_points(angles) if figure["view"] == "back" else pts
    return top_points(angles)
