"""The `figure` of an exercise file: a jointed figure in a base position, with
keyframes of joint angles that the PWA's figure.js draws and animates."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kinetic.schemas.common import StrictInteger

VIEWS = ("side", "front", "back", "top")
BASES = (
    "supine",
    "crook_lying",
    "side_lying",
    "prone",
    "sitting",
    "standing",
    "four_point_kneeling",
    "half_kneeling",
)
PROPS = ("floor", "chair", "wall", "pillow", "knee_pillow")

# The joints each view draws, with the range of a healthy adult's movement in
# degrees (anatomical: 0 = standing upright with the arms by the sides; flexion,
# forward tilt, lifting and turning to the figure's left are positive). Limits
# follow common goniometry tables, rounded.
JOINTS: dict[str, dict[str, tuple[int, int]]] = {
    "side": {
        "head": (-30, 35),
        "neck": (-40, 45),
        "upper_back": (-25, 45),
        "low_back": (-30, 60),
        "pelvis": (-25, 25),
        "shoulder_blades": (-15, 30),
        "shoulder": (-60, 180),
        "elbow": (0, 150),
        "hip": (-30, 130),
        "knee": (0, 150),
        "ankle": (-50, 30),
        "hip_turn": (0, 60),
        "wrist": (-70, 90),
        "belly": (-100, 100),
    },
    "front": {
        "head": (-30, 35),
        "neck": (-40, 45),
        "head_tilt": (-30, 30),
        "neck_tilt": (-45, 45),
        "trunk_tilt": (-35, 35),
        "shrug": (0, 40),
        "shoulder_out": (0, 180),
        "elbow": (0, 150),
        "hip": (-30, 130),
        "hip_out": (0, 45),
        "knee": (0, 150),
    },
    "top": {"trunk_turn": (-60, 60), "head_turn": (-80, 80)},
}
# Seen from behind: the front view's joints, and the shoulder blades drawn back.
JOINTS["back"] = {**JOINTS["front"], "shoulder_blades": (0, 30)}
# Limb joints may name one side: near_/far_ in the side view, left_/right_ otherwise.
LIMBS = (
    "shoulder",
    "elbow",
    "wrist",
    "hip",
    "knee",
    "ankle",
    "shoulder_out",
    "hip_out",
    "hip_turn",
)
SIDES = {
    "side": ("near", "far"),
    "front": ("left", "right"),
    "back": ("left", "right"),
    "top": ("left", "right"),
}
# The bases each view can draw. Side-lying is drawn from the front (and a little
# above), with the side view's joints: the clam then opens towards the ceiling.
VIEW_BASES = {
    "side": tuple(b for b in BASES if b != "side_lying"),
    "front": ("standing", "sitting", "side_lying"),
    "back": ("standing", "sitting"),
    "top": ("sitting",),
}
# Where a close-up can frame the camera, by view.
CLOSEUPS = {
    "side": ("head", "trunk", "pelvis"),
    "front": ("head", "shoulders"),
    "back": ("head", "shoulders"),
    "top": (),
}


class Angle(fields.Float):
    """A number of degrees: an integer or a decimal, not a string or a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


PointName = fields.Str(validate=validate.Length(min=1, max=40))


class KeyframeSchema(Schema):
    label = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    joints = fields.Dict(
        keys=fields.Str(), values=Angle(allow_nan=False), load_default=dict
    )
    # Contacts of the base position this keyframe lifts off its support, and skin
    # points it puts down on the floor (figure_scene.py names them).
    release = fields.List(PointName, validate=validate.Length(max=12))
    rest = fields.List(PointName, validate=validate.Length(max=12))


def joint_problem(view: str, base: str, name: str, value: float) -> str | None:
    """Why a joint angle cannot be drawn in this view and base, or None."""
    if base == "side_lying":
        view = "side"
    known = JOINTS[view]
    if name.endswith("hip_turn") and base != "side_lying":
        return "hip_turn (the clam's knee opening) is drawn only side-lying."
    side, _, limb = name.partition("_")
    if name not in known and side in SIDES[view] and limb in LIMBS:
        name = limb
    if name not in known:
        return f"Unknown joint for the {view} view; use one of: " + ", ".join(known)
    low, high = known[name]
    if not low <= value <= high:
        return f"{value:g} degrees is outside the human range {low} to {high}."
    return None


class FigureSchema(Schema):
    view = fields.Str(required=True, validate=validate.OneOf(VIEWS))
    base = fields.Str(required=True, validate=validate.OneOf(BASES))
    props = fields.List(fields.Str(validate=validate.OneOf(PROPS)), load_default=list)
    joints = fields.Dict(
        keys=fields.Str(), values=Angle(allow_nan=False), load_default=dict
    )
    hold = StrictInteger(required=True, validate=validate.Range(min=1))
    # A small movement: frame the camera on the moving region, and name the
    # points whose path is drawn as an arrow (else the one that moves most).
    closeup = fields.Str(
        validate=validate.OneOf(sorted({c for v in CLOSEUPS.values() for c in v}))
    )
    arrows = fields.List(PointName, validate=validate.Length(max=4))
    keyframes = fields.List(
        fields.Nested(KeyframeSchema),
        required=True,
        validate=validate.Length(min=2, max=8, error="Give 2 to 8 keyframes."),
    )

    @validates_schema
    def drawable(self, data, **kwargs):
        view, base = data["view"], data["base"]
        if base == "side_lying" and view != "front":
            raise ValidationError(
                "Side-lying is drawn from the front (view: front), where the top "
                "knee opens towards the ceiling.",
                "base",
            )
        if base not in VIEW_BASES[view]:
            allowed = ", ".join(VIEW_BASES[view])
            raise ValidationError(f"The {view} view draws only: {allowed}.", "base")
        if data.get("closeup") and data["closeup"] not in CLOSEUPS[view]:
            allowed = ", ".join(CLOSEUPS[view]) or "none"
            raise ValidationError(f"The {view} view frames: {allowed}.", "closeup")
        if view != "side" and "wall" in data["props"]:
            raise ValidationError("The wall is drawn in the side view only.", "props")
        if base == "sitting" and "chair" not in data["props"]:
            raise ValidationError("A sitting figure needs the chair prop.", "props")
        if data["hold"] >= len(data["keyframes"]):
            raise ValidationError(
                f"Expected the index of a keyframe after the first, 1 to "
                f"{len(data['keyframes']) - 1}.",
                "hold",
            )

    @validates_schema
    def joints_in_range(self, data, **kwargs):
        errors: dict = {}
        view, base = data["view"], data["base"]
        for name, value in data["joints"].items():
            if message := joint_problem(view, base, name, value):
                errors.setdefault("joints", {})[name] = [message]
        for index, keyframe in enumerate(data["keyframes"]):
            for name, value in keyframe["joints"].items():
                if message := joint_problem(view, base, name, value):
                    frame = errors.setdefault("keyframes", {}).setdefault(index, {})
                    frame.setdefault("joints", {})[name] = [message]
        if errors:
            raise ValidationError(errors)

    @validates_schema
    def placeable(self, data, **kwargs):
        """The figure placed frame by frame (services/figure_scene.py): contacts on
        their supports, nothing under the floor or in a prop, the movement big
        enough to see. Run only on a figure that passed the checks above."""
        from kinetic.services import figure_scene

        view, base = data["view"], data["base"]
        if base not in VIEW_BASES[view] or data["hold"] >= len(data["keyframes"]):
            return
        if data.get("closeup") and data["closeup"] not in CLOSEUPS[view]:
            return
        joints = [data["joints"], *(k["joints"] for k in data["keyframes"])]
        if any(joint_problem(view, base, n, v) for j in joints for n, v in j.items()):
            return
        errors: dict = {}
        for index, message in figure_scene.check(data):
            if index is None:
                errors.setdefault("arrows", []).append(message)
            else:
                errors.setdefault("keyframes", {}).setdefault(index, []).append(message)
        if errors:
            raise ValidationError(errors)
