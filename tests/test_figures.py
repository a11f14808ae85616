"""Exercise figures: the schema and its reports, every shipped figure, the API
answers that carry them, and the contact sheet."""

import copy
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ProgramVersion
from kinetic.models import library as shared_models
from kinetic.schemas.figure_file import JOINTS, FigureSchema
from kinetic.schemas.program_files import ExerciseFileSchema
from kinetic.services import figure_scene, figure_sheet, library

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[1] / "programs"
DATA = Path(__file__).parent / "data"
EXERCISE_FILES = sorted((ROOT / "exercises").glob("*.yaml"))

FIGURE = """\
figure:
  view: side
  base: sitting
  props: [floor, chair]
  closeup: head
  hold: 1
  keyframes:
    - label: Head forward
      joints: {neck: 30, head: -30}
    - label: Chin drawn back
      joints: {neck: -10, head: 10}
"""


@pytest.fixture
def clinic(tmp_path):
    """A copy of the fixture library whose chin tuck has a figure to break."""
    shutil.copytree(DATA / "programs", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "exercises" / "test-chin-tuck.yaml"
    original = path.read_text()

    def write(figure: str) -> Path:
        path.write_text(original + figure)
        return tmp_path

    return write


def figure_line(text: str, needle: str) -> int:
    """The 1-based line of the file (fixture + figure) holding needle."""
    original = (DATA / "programs" / "exercises" / "test-chin-tuck.yaml").read_text()
    lines = (original + text).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "message"),
    [
        (
            "{neck: 30, head: -30}",
            "{neck: 30, elbowz: 10}",
            "elbowz",
            "figure.keyframes[0].joints.elbowz",
            "Unknown joint for the side view",
        ),
        (
            "{neck: -10, head: 10}",
            "{neck: -10, head: 80}",
            "head: 80",
            "figure.keyframes[1].joints.head",
            "80 degrees is outside the human range -30 to 35",
        ),
        (
            "{neck: -10, head: 10}",
            "{near_knee: 170}",
            "near_knee",
            "figure.keyframes[1].joints.near_knee",
            "outside the human range 0 to 150",
        ),
        (
            "    - label: Chin drawn back\n      joints: {neck: -10, head: 10}\n",
            "",
            "keyframes:",
            "figure.keyframes",
            "Give 2 to 8 keyframes.",
        ),
        ("hold: 1", "hold: 2", "hold:", "figure.hold", "1 to 1"),
        ("hold: 1", "hold: 0", "hold:", "figure.hold", "greater than or equal to 1"),
        ("[floor, chair]", "[floor, sofa]", "props:", "figure.props[1]", "one of"),
        ("[floor, chair]", "[floor]", "props:", "figure.props", "chair prop"),
        (
            "closeup: head",
            "closeup: shoulders",
            "closeup:",
            "figure.closeup",
            "The side view frames",
        ),
        (
            "base: sitting",
            "base: side_lying",
            "base:",
            "figure.base",
            "drawn from the front",
        ),
        ("{neck: 30, head: -30}", "{neck: '20'}", "'20'", "", "Not a valid number"),
    ],
)
def test_a_bad_figure_is_reported_by_file_line_and_field(
    clinic, runner, old, new, needle, field, message
):
    assert old in FIGURE
    broken = FIGURE.replace(old, new)
    directory = clinic(broken)
    result = runner.invoke(args=["programs", "validate", str(directory)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    (report,) = [line for line in lines if "test-chin-tuck.yaml:" in line]
    where = f"test-chin-tuck.yaml:{figure_line(broken, needle)}"
    assert report.split(" ")[0].endswith(where), report
    if field:
        assert f"({field}):" in report
    assert message in report


def test_a_valid_figure_in_a_clinic_file_passes(clinic, runner):
    result = runner.invoke(args=["programs", "validate", str(clinic(FIGURE))])
    assert result.exit_code == 0, result.output


def test_an_exercise_without_a_figure_still_validates(runner):
    """A therapist's or clinic's own exercise may have no figure."""
    text = (DATA / "programs" / "exercises" / "test-bracing.yaml").read_text()
    assert "figure" not in text
    result = runner.invoke(args=["programs", "validate", str(DATA / "programs")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", EXERCISE_FILES, ids=lambda p: p.stem)
def test_every_shipped_exercise_has_a_drawable_figure(path):
    data = ExerciseFileSchema().load(yaml.safe_load(path.read_text()))
    figure = data["figure"]
    assert len(figure["keyframes"]) >= 2
    assert 1 <= figure["hold"] < len(figure["keyframes"])
    assert all(k["label"] for k in figure["keyframes"])


def test_every_joint_range_is_a_real_range():
    for joints in JOINTS.values():
        for low, high in joints.values():
            assert low < high


def test_figure_schema_accepts_side_prefixes_only_for_limbs():
    base = {"view": "front", "base": "standing", "hold": 1}
    frames = [{"label": "a", "joints": {}}, {"label": "b", "joints": {"shrug": 40}}]
    ok = {**base, "keyframes": frames, "joints": {"left_shoulder_out": 90}}
    assert FigureSchema().validate(ok) == {}
    bad = {**base, "keyframes": frames, "joints": {"left_shrug": 10}}
    assert "left_shrug" in FigureSchema().validate(bad)["joints"]
    side = {**base, "keyframes": frames, "joints": {"near_elbow": 10}}
    assert "near_elbow" in FigureSchema().validate(side)["joints"]
    clam = {**base, "view": "side", "keyframes": frames, "joints": {"hip_turn": 20}}
    assert "side-lying" in FigureSchema().validate(clam)["joints"]["hip_turn"][0]
    opening = [frames[0], {"label": "b", "joints": {"hip_turn": 30}}]
    lying = {**base, "view": "front", "base": "side_lying", "keyframes": opening}
    assert FigureSchema().validate(lying) == {}
    # Side-lying is drawn from the front, where the clam opens towards the ceiling.
    assert "front" in FigureSchema().validate({**lying, "view": "side"})["base"][0]


@pytest.fixture
def real_library(app):
    # Session exercises are cached per process (by their content's hash): start
    # clean, leave clean.
    shared_models._shared.clear()
    yield from _load_real_library(app)
    shared_models._shared.clear()


def _load_real_library(app):
    with app.app_context():
        library.load_library(library.read_library(ROOT))
        db.session.commit()
    yield


def shipped_figure(slug: str) -> dict:
    path = ROOT / "exercises" / f"{slug}.yaml"
    return ExerciseFileSchema().load(yaml.safe_load(path.read_text()))["figure"]


def test_exercise_answer_carries_its_figure(client, make_therapist, real_library):
    therapist = make_therapist()
    response = client.get(f"{API}/exercises/chin-tuck", headers=therapist.headers)
    assert response.status_code == 200
    assert response.json["figure"] == shipped_figure("chin-tuck")
    assert response.json["drawing"] == figure_scene.scene(shipped_figure("chin-tuck"))
    listed = client.get(f"{API}/exercises", headers=therapist.headers)
    assert all(e["figure"]["keyframes"] for e in listed.json)
    assert all(e["drawing"]["shapes"] for e in listed.json)


def test_exercise_without_a_figure_answers_null(client, make_therapist, programs):
    therapist = make_therapist()
    response = client.get(f"{API}/exercises/test-bracing", headers=therapist.headers)
    assert response.status_code == 200
    assert response.json["figure"] is None
    assert response.json["drawing"] is None


def assign_posture_program(client, clock, make_therapist, make_patient):
    therapist = make_therapist()
    patient = make_patient(therapist)
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    created = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={
            "program": "forward-head-posture-correction",
            "start_date": "2026-03-09",
            "days_of_week": list(range(7)),
        },
        headers=therapist.headers,
    )
    assert created.status_code == 201, created.json
    return patient


def test_todays_session_exercises_carry_their_figures(
    client, clock, make_therapist, make_patient, real_library
):
    patient = assign_posture_program(client, clock, make_therapist, make_patient)
    today = client.get(f"{API}/me/today", headers=patient.headers)
    assert today.status_code == 200
    (session, *_) = today.json["sessions"]
    assert session["exercises"]
    for exercise in session["exercises"]:
        figure = shipped_figure(exercise["slug"])
        assert exercise["figure"] == figure, exercise["slug"]
        assert exercise["drawing"] == figure_scene.scene(figure), exercise["slug"]


def test_a_plan_stored_before_figures_shows_the_current_ones(
    app, client, clock, make_therapist, make_patient, real_library
):
    patient = assign_posture_program(client, clock, make_therapist, make_patient)
    with app.app_context():
        for version in db.session.scalars(select(ProgramVersion)):
            content = copy.deepcopy(version.content)
            for phase in content["sessions"]:
                for exercise in phase["exercises"]:
                    exercise.pop("figure")
            version.content = content
        db.session.commit()
    today = client.get(f"{API}/me/today", headers=patient.headers)
    assert today.status_code == 200
    (session, *_) = today.json["sessions"]
    for exercise in session["exercises"]:
        assert exercise["figure"] == shipped_figure(exercise["slug"]), exercise["slug"]


def test_figures_sheet_writes_a_png(runner, tmp_path):
    if figure_sheet.find_chromium() is None:
        pytest.skip("Chromium is not installed")
    output = tmp_path / "sheet" / "figures.png"
    args = ["figures", "sheet", "--output", str(output), str(ROOT)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert output.stat().st_size > 50_000
    assert "26 of 26 exercises drawn" in result.output


def test_figures_sheet_reports_a_broken_renderer(runner, tmp_path, monkeypatch):
    if figure_sheet.find_chromium() is None:
        pytest.skip("Chromium is not installed")
    (tmp_path / "js").mkdir()
    broken = "export function mountStills() { throw new Error('no figures'); }"
    (tmp_path / "js" / "figure.js").write_text(broken)
    monkeypatch.setattr(figure_sheet, "FRONTEND", tmp_path)
    output = tmp_path / "figures.png"
    args = ["figures", "sheet", "--output", str(output), str(ROOT)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "figure.js failed" in result.output and "no figures" in result.output
    assert not output.exists()


def test_figures_sheet_says_when_chromium_is_missing(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(figure_sheet, "find_chromium", lambda: None)
    output = tmp_path / "figures.png"
    args = ["figures", "sheet", "--output", str(output), str(ROOT)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "Chromium is needed" in result.output
    assert not output.exists()


# ---- the figure check: contacts, floor, props, visibility, names ----


def test_bird_dog_on_straight_legs_is_refused_naming_it_and_the_keyframe(
    runner, tmp_path
):
    """Straight legs on all fours cannot keep hands and knees on the floor."""
    shutil.copytree(ROOT, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "exercises" / "bird-dog.yaml"
    text = path.read_text()
    assert text.count("      joints: {}\n") == 1
    path.write_text(text.replace("      joints: {}\n", "      joints: {knee: 0}\n"))
    result = runner.invoke(args=["programs", "validate", str(tmp_path)])
    assert result.exit_code == 1
    line = next(
        i for i, t in enumerate(path.read_text().splitlines(), 1) if "On all fours" in t
    )
    reports = [r for r in result.output.splitlines() if "bird-dog.yaml:" in r]
    kneecap = [r for r in reports if "kneecap is" in r]
    assert kneecap, result.output
    assert all(f"bird-dog.yaml:{line} (figure.keyframes[0])" in r for r in kneecap)
    assert "keyframe 0 ('On all fours')" in kneecap[0]
    assert "off the floor" in kneecap[0]


SEATED = {
    "view": "side",
    "base": "sitting",
    "props": ["floor", "chair"],
    "hold": 1,
    "keyframes": [
        {"label": "Sitting", "joints": {}},
        {"label": "Knee straight", "joints": {"near_knee": 0}},
    ],
}


def problems_of(figure: dict) -> list[str]:
    errors = FigureSchema().validate(figure)
    out = []
    for value in (errors.get("keyframes") or {}).values():
        out += value if isinstance(value, list) else []
    return out + list(errors.get("arrows") or [])


def with_frame(figure: dict, index: int, **changes) -> dict:
    out = copy.deepcopy(figure)
    out["keyframes"][index].update(changes)
    return out


def test_a_foot_left_hovering_must_be_released():
    (problem,) = {p for p in problems_of(SEATED) if "near_sole" in p} or {None}
    assert problem is not None
    assert "keyframe 1 ('Knee straight'): near_sole_" in problem
    assert "off the floor" in problem and "release it" in problem
    released = with_frame(SEATED, 1, release=["near_sole_heel", "near_sole_toe"])
    assert problems_of(released) == []


def test_a_limb_through_the_floor_and_the_seat_is_refused():
    figure = with_frame(
        SEATED,
        1,
        joints={"near_hip": 40, "near_knee": 0},
        release=["near_sole_heel", "near_sole_toe"],
    )
    problems = problems_of(figure)
    assert any("under the floor" in p and p.startswith("keyframe 1") for p in problems)
    assert any("passes through the seat" in p for p in problems)


def test_releasing_a_contact_the_base_has_not_is_refused():
    figure = with_frame(SEATED, 1, release=["near_palm"])
    (problem,) = problems_of(figure)
    assert "near_palm is not a contact of sitting" in problem


def test_a_movement_too_small_to_see_needs_a_close_up():
    figure = copy.deepcopy(SEATED)
    figure["keyframes"] = [
        {"label": "Head forward", "joints": {"neck": 20, "head": -20}},
        {"label": "Chin in", "joints": {"neck": 12, "head": -12}},
    ]
    (problem,) = problems_of(figure)
    assert "too small to see on a phone" in problem and "closeup" in problem
    # A close-up frames the head; a bigger tuck is then seen.
    bigger = with_frame(
        {**figure, "closeup": "head"}, 1, joints={"neck": -10, "head": 10}
    )
    assert problems_of(bigger) == []


def test_an_arrow_on_an_unknown_point_is_refused():
    (problem,) = problems_of({**SEATED, "arrows": ["nose_ring"]})
    assert "nose_ring is not a point" in problem


def test_every_shipped_figure_places_with_its_contacts_on_their_supports():
    for path in EXERCISE_FILES:
        figure = shipped_figure(path.stem)
        assert figure_scene.check(figure) == [], path.stem
        drawing = figure_scene.scene(figure)
        points = len(
            {
                i
                for s in drawing["shapes"]
                for i in s.get("pts", []) + [s.get("c"), s.get("a")]
                if i is not None
            }
        )
        assert len(drawing["path"]) == figure["hold"] * figure_scene.STEPS + 1
        assert len(drawing["keyframes"]) == len(figure["keyframes"])
        for frame in drawing["path"] + drawing["keyframes"]:
            assert len(frame.split(",")) == 2 * points, path.stem
        if drawing["floor"] and not drawing["mat"]:
            # Resting on the floor: the lowest body point touches y = 0.
            lowest = min(
                float(v)
                for frame in drawing["keyframes"][:1]
                for v in frame.split(",")[1::2]
            )
            assert -1 < lowest < 8, (path.stem, lowest)


def test_a_drawing_of_an_unplaceable_stored_figure_is_null(app):
    with app.app_context():
        assert figure_scene.drawing(None) is None
        assert (
            figure_scene.drawing({"view": "side", "base": "nowhere", "keyframes": []})
            is None
        )


def test_a_step_between_two_good_keyframes_is_checked_too():
    """Each keyframe is fine on its own; swinging the arm from forwards to
    backwards on all fours passes the hand through the floor on the way."""
    reach = {"near_wrist": 0}
    figure = {
        "view": "side",
        "base": "four_point_kneeling",
        "props": ["floor"],
        "hold": 1,
        "keyframes": [
            {
                "label": "Arm forward",
                "joints": {**reach, "near_shoulder": 170},
                "release": ["near_palm"],
            },
            {
                "label": "Arm back",
                "joints": {**reach, "near_shoulder": -60},
                "release": ["near_palm"],
            },
        ],
    }
    (problem,) = problems_of(figure)
    assert problem.startswith("between keyframe 0 ('Arm forward') and 1 ('Arm back')")
    assert "near_fingers goes" in problem and "under the floor" in problem


def test_a_head_pushed_into_the_wall_is_refused():
    figure = {
        "view": "side",
        "base": "standing",
        "props": ["floor", "wall"],
        "hold": 1,
        "keyframes": [
            {"label": "Tall", "joints": {}},
            {"label": "Head back", "joints": {"neck": -40, "head": -30}},
        ],
    }
    (problem,) = problems_of(figure)
    assert problem.startswith("keyframe 1 ('Head back'): the body goes")
    assert "into the wall" in problem
