"""The program files: every real file through its schema, the CLI's reports, and
loading with versions."""

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from kinetic.extensions import db
from kinetic.models import Exercise, Program, ProgramVersion
from kinetic.schemas.common import CATEGORIES
from kinetic.schemas.program_files import ExerciseFileSchema, ProgramFileSchema
from kinetic.services import library, safe_yaml

ROOT = Path(__file__).resolve().parents[1] / "programs"
DATA = Path(__file__).parent / "data"
EXERCISE_FILES = sorted((ROOT / "exercises").glob("*.yaml"))
PROGRAM_FILES = sorted((ROOT / "programs").glob("*.yaml"))


@pytest.mark.parametrize("path", EXERCISE_FILES, ids=lambda p: p.stem)
def test_exercise_file_matches_its_schema(path):
    data = ExerciseFileSchema().load(yaml.safe_load(path.read_text()))
    assert data["slug"] == path.stem
    assert data["cautions"], "every exercise says when to stop"


@pytest.mark.parametrize("path", PROGRAM_FILES, ids=lambda p: p.stem)
def test_program_file_matches_its_schema(path):
    data = ProgramFileSchema().load(yaml.safe_load(path.read_text()))
    assert data["slug"] == path.stem
    slugs = {p.stem for p in EXERCISE_FILES}
    for phase in data["sessions"]:
        assert {item["exercise"] for item in phase["exercises"]} <= slugs


def test_library_has_enough_content_in_every_category():
    found = library.read_library(ROOT)
    assert found.problems == []
    categories = [e["category"] for e in found.exercises.values()]
    assert len(found.exercises) >= 18
    for category in CATEGORIES[:4]:
        assert categories.count(category) >= 3, category
    assert {"positional_relief", "headache_relief"} <= set(categories)
    assert len(found.programs) >= 5
    assert all(len(p["sessions"]) >= 2 for p in found.programs.values())


def test_validate_reports_each_problem_with_file_and_line(runner):
    result = runner.invoke(args=["programs", "validate", str(DATA / "broken")])
    assert result.exit_code == 1
    out = result.output
    assert "bad-dosage.yaml:4 (regions[1]): Must be one of" in out
    assert "bad-dosage.yaml:16 (dosage.reps): Not a valid integer." in out
    assert "wrong-name.yaml:1 (slug): the slug must match the file name" in out
    assert "not-yaml.yaml:3" in out and "not readable YAML" in out
    assert "gappy.yaml:7 (days_of_week[1])" in out
    assert "problem(s) found" in out


def test_validate_flags_unknown_exercise_and_phase_gaps(tmp_path, runner):
    shutil.copytree(DATA / "programs", tmp_path, dirs_exist_ok=True)
    plan = tmp_path / "programs" / "test-plan.yaml"
    text = plan.read_text().replace("exercise: test-chin-tuck", "exercise: ghost")
    plan.write_text(text.replace("weeks: [3, 4]", "weeks: [4, 4]"))
    result = runner.invoke(args=["programs", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "test-plan.yaml:" in result.output
    assert "start at week 3" in result.output


def test_validate_accepts_the_real_programs(runner):
    result = runner.invoke(args=["programs", "validate", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_load_refuses_a_broken_library_and_writes_nothing(runner, ctx):
    result = runner.invoke(args=["programs", "load", str(DATA / "broken")])
    assert result.exit_code == 1
    assert "Nothing loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Exercise)) == 0


def test_load_is_idempotent(runner, ctx):
    first = runner.invoke(args=["programs", "load", str(ROOT)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["programs", "load", str(ROOT)])
    assert "0 added, 0 updated" in second.output
    assert "new versions: none" in second.output
    versions = db.session.scalar(select(func.count()).select_from(ProgramVersion))
    assert versions == len(PROGRAM_FILES)


def _copy_fixture_library(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "programs", tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_changed_exercise_gives_programs_that_use_it_a_new_version(
    tmp_path, runner, ctx
):
    directory = _copy_fixture_library(tmp_path)
    runner.invoke(args=["programs", "load", str(directory)])
    exercise = directory / "exercises" / "test-chin-tuck.yaml"
    exercise.write_text(exercise.read_text().replace("Sit tall.", "Sit up tall."))
    result = runner.invoke(args=["programs", "load", str(directory)])
    assert result.exit_code == 0
    assert "1 updated" in result.output
    assert "test-plan v2" in result.output
    program = db.session.scalar(select(Program).where(Program.slug == "test-plan"))
    assert program.current_version.version == 2


def test_assignment_keeps_the_version_it_was_made_with(
    tmp_path, runner, client, make_therapist, make_patient
):
    directory = _copy_fixture_library(tmp_path)
    runner.invoke(args=["programs", "load", str(directory)])
    therapist = make_therapist()
    patient = make_patient(therapist)
    made = client.post(
        f"/api/v1/patients/{patient.id}/assignments",
        json={"program": "test-plan", "start_date": "2026-01-05"},
        headers=therapist.headers,
    )
    assert made.status_code == 201, made.json
    assert made.json["program_version"] == 1

    plan = directory / "programs" / "test-plan.yaml"
    plan.write_text(plan.read_text().replace("reps: 6", "reps: 12"))
    runner.invoke(args=["programs", "load", str(directory)])

    latest = client.get("/api/v1/programs/test-plan", headers=therapist.headers)
    assert latest.json["version"] == 2
    assert latest.json["sessions"][0]["exercises"][0]["dosage"]["reps"] == 12
    listed = client.get(
        f"/api/v1/patients/{patient.id}/assignments", headers=therapist.headers
    )
    assert listed.json[0]["program_version"] == 1
    sessions = client.get(
        f"/api/v1/patients/{patient.id}/sessions?from=2026-01-05&to=2026-01-05",
        headers=therapist.headers,
    )
    assert sessions.json[0]["exercises"][0]["dosage"]["reps"] == 6


def test_validate_refuses_an_alias_bomb_and_deep_nesting_naming_file_and_line(
    tmp_path, runner
):
    shutil.copytree(DATA / "programs", tmp_path, dirs_exist_ok=True)
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 7)]
    (tmp_path / "exercises" / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    (tmp_path / "programs" / "deep.yaml").write_text("x: " + "[" * 5000 + "]" * 5000)

    result = runner.invoke(args=["programs", "validate", str(tmp_path)])

    assert result.exit_code == 1
    assert (
        f"bomb.yaml:5: The file would have more than {safe_yaml.MAX_NODES} values "
        "with its aliases (*name) written out." in result.output
    )
    assert (
        "deep.yaml:1: The file nests lists and mappings deeper than 50 levels."
        in result.output
    )
