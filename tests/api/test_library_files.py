"""Exercises and programs as YAML both ways: the export is the programs/ format, an
upload is checked line by line, and export → import → export gives the same text."""

import shutil
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

from kinetic.schemas.program_files import ExerciseFileSchema, ProgramFileSchema
from kinetic.services import library, safe_yaml, yaml_files

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
YAML = "application/yaml"


@pytest.fixture
def therapist(make_therapist, programs):
    return make_therapist()


def export(client, who, kind, slug):
    response = client.get(f"{API}/{kind}/{slug}.yaml", headers=who.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == YAML
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{slug}.yaml"'
    )
    return response.get_data(as_text=True)


def upload(client, who, kind, text):
    return client.post(
        f"{API}/{kind}/import", data=text, content_type=YAML, headers=who.headers
    )


def test_a_library_program_exports_in_the_file_format(client, therapist):
    text = export(client, therapist, "programs", "test-plan")

    assert text.startswith("slug: test-plan\ntitle: Test plan\n")
    assert "regions: [low_back, neck]\n" in text
    assert "    weeks: [1, 2]\n" in text
    data = ProgramFileSchema().load(yaml.safe_load(text))
    build = data["sessions"][1]["exercises"]
    # The dose the plan gets, written out in full.
    assert build[0] == {
        "exercise": "test-bracing",
        "sets": 3,
        "reps": 8,
        "hold_seconds": 5,
    }


@pytest.mark.parametrize("kind", ["exercises", "programs"])
def test_export_import_export_gives_the_same_text(client, therapist, kind):
    slug = "test-bracing" if kind == "exercises" else "test-plan"
    original = export(client, therapist, kind, slug)
    # The library's slug is taken: the copy gets its own.
    copy = original.replace(f"slug: {slug}\n", "slug: my-copy\n", 1)

    created = upload(client, therapist, kind, copy)

    assert created.status_code == 201, created.json
    assert created.json["owner"] == "me" and created.json["version"] == 1
    assert export(client, therapist, kind, "my-copy") == copy


def test_a_therapists_program_round_trips_with_side_rest_and_note(client, therapist):
    move = export(client, therapist, "exercises", "test-chin-tuck")
    own_move = move.replace("slug: test-chin-tuck", "slug: own-tuck")
    own_move = own_move.replace("source: [", "#source: [")  # sources are optional
    assert upload(client, therapist, "exercises", own_move).status_code == 201
    plan = export(client, therapist, "programs", "test-plan")
    plan = plan.replace("slug: test-plan", "slug: own-plan")
    plan = plan.replace(
        "exercise: test-chin-tuck\n        sets: 2\n",
        "exercise: own-tuck\n        sets: 2\n        side: alternate\n"
        "        note: Keep your eyes level.\n        rest_seconds: 15\n",
    )

    created = upload(client, therapist, "programs", plan)

    assert created.status_code == 201, created.json
    first = export(client, therapist, "programs", "own-plan")
    assert "side: alternate\n" in first and "rest_seconds: 15\n" in first
    assert "note: Keep your eyes level.\n" in first
    again = upload(client, therapist, "programs", first.replace("own-plan", "own-2"))
    assert again.status_code == 201, again.json
    assert export(client, therapist, "programs", "own-2") == first.replace(
        "own-plan", "own-2"
    )


def test_every_library_file_round_trips(tmp_path):
    """The real programs/: each file written in the export format reads back to the
    same data and is written again as the same text; the written files pass
    `kinetic programs validate` as a library of their own."""
    found = library.read_library(ROOT / "programs")
    assert found.problems == [] and found.programs
    (tmp_path / "exercises").mkdir()
    (tmp_path / "programs").mkdir()
    shutil.copy(ROOT / "programs" / "safety.yaml", tmp_path)
    shutil.copy(ROOT / "programs" / "picture.yaml", tmp_path)
    for slug, content in found.exercises.items():
        text = yaml_files.dump(yaml_files.exercise_file(content))
        again = yaml_files.read_upload(text, ExerciseFileSchema())
        assert again.problems == [] and again.data == content, slug
        assert yaml_files.dump(yaml_files.exercise_file(again.data)) == text
        (tmp_path / "exercises" / f"{slug}.yaml").write_text(text)
    for slug, data in found.programs.items():
        resolved = library.resolve_program(data, found.exercises)
        text = yaml_files.dump(yaml_files.program_file(resolved))
        again = yaml_files.read_upload(text, ProgramFileSchema())
        assert again.problems == [], (slug, again.problems)
        resolved_again = library.resolve_program(again.data, found.exercises)
        assert resolved_again == resolved, slug
        assert yaml_files.dump(yaml_files.program_file(resolved_again)) == text
        (tmp_path / "programs" / f"{slug}.yaml").write_text(text)
    written = library.read_library(tmp_path)
    assert written.problems == []
    assert written.exercises == found.exercises


PLAN = """slug: uploaded
title: Uploaded
summary: From a file.
regions: [neck]
weeks: 2
days_of_week: [0]
sessions_per_day: 1
sessions:
  - name: One
    weeks: [1, 2]
    exercises:
      - exercise: test-bracing
        sets: 2
      - exercise: test-chin-tuck
        sets: 1
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("        sets: 1\n", "        sets: 0\n", 15, "sessions.0.exercises.1.sets"),
        (
            "exercise: test-chin-tuck",
            "exercise: no-such-move",
            14,
            "sessions.0.exercises.1.exercise",
        ),
        ("weeks: 2\n", "weeks: 3\n", 5, "weeks"),
        ("    weeks: [1, 2]", "    weeks: [2, 2]", 10, "sessions.0.weeks"),
        (
            "        sets: 2\n",
            "        sets: 2\n        side: up\n",
            14,
            "sessions.0.exercises.0.side",
        ),
        ("slug: uploaded", "slug: test-plan", 1, "slug"),
        ("title: Uploaded\n", "", 1, "title"),
        ("title: Uploaded\n", "title: Uploaded\ncolour: red\n", 3, "colour"),
        ("regions: [neck]", "regions: [neck", 5, "_file"),
        # A digit that is not 0-9 (int("²") fails): a 500 schemathesis found.
        ("title: Uploaded\n", "title: Uploaded\n²: x\n", 3, "²"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_a_bad_file_is_422_naming_line_and_field_and_stores_nothing(
    client, therapist, old, new, line, field
):
    assert old in PLAN
    response = upload(client, therapist, "programs", PLAN.replace(old, new, 1))

    assert response.status_code == 422, response.json
    problem = response.json["problems"][0]
    assert (problem["line"], problem["field"]) == (line, field), response.json
    assert response.json["errors"][field][0].startswith(f"line {line}: ")
    assert field in response.json["message"]
    listed = client.get(f"{API}/programs?q=uploaded", headers=therapist.headers)
    assert listed.json == []


@pytest.mark.parametrize(
    "text", ["", "- just\n- a list\n", "slug: \x00\n", "x" * 200_001]
)
def test_a_file_that_is_not_an_exercise_is_422(client, therapist, text):
    response = upload(client, therapist, "exercises", text)

    assert response.status_code == 422
    assert response.json["problems"][0]["field"] == "_file"
    listed = client.get(f"{API}/exercises", headers=therapist.headers)
    assert [e["slug"] for e in listed.json] == ["test-bracing", "test-chin-tuck"]


def test_a_good_upload_is_accepted_as_plain_text_too(client, therapist):
    response = client.post(
        f"{API}/programs/import",
        data=PLAN,
        content_type="text/plain",
        headers=therapist.headers,
    )

    assert response.status_code == 201, response.json
    assert response.json["slug"] == "uploaded"
    assert [p["name"] for p in response.json["sessions"]] == ["One"]


def test_another_therapists_file_is_404(client, therapist, make_therapist):
    upload(client, therapist, "programs", PLAN)
    other = make_therapist()

    response = client.get(f"{API}/programs/uploaded.yaml", headers=other.headers)

    assert response.status_code == 404
    assert response.json["message"] == "No such program."


def alias_bomb(levels: int = 7, width: int = 9) -> str:
    """The probe's file: a list of 9 strings, then each level a list of 9 aliases
    of the one before (9**7 strings in all, from under 460 bytes)."""
    rows = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for n in range(1, levels):
        rows.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(rows) + "\n"


@pytest.fixture
def walks(monkeypatch):
    """Counts the nodes that the walk for the lines of the keys visits."""
    visited = []
    walk = yaml_files.node_lines

    def counting(node, path=(), out=None):
        visited.append(path)
        return walk(node, path, out)

    monkeypatch.setattr(yaml_files, "node_lines", counting)
    return visited


@pytest.mark.parametrize("kind", ["exercises", "programs"])
def test_an_alias_bomb_is_422_before_any_walk_and_the_next_request_is_served(
    client, therapist, walks, kind
):
    bomb = alias_bomb()
    assert len(bomb.encode()) < 460

    started = time.monotonic()
    response = upload(client, therapist, kind, bomb)

    assert time.monotonic() - started < 1  # a generous bound: it guards a DoS
    assert walks == []
    assert response.status_code == 422, response.json
    assert response.json["problems"] == [
        {
            "line": 5,
            "field": "_file",
            "message": f"The file would have more than {safe_yaml.MAX_NODES} values "
            "with its aliases (*name) written out.",
        }
    ]
    assert response.json["errors"]["_file"][0].startswith("line 5: ")
    assert client.get(f"{API}/{kind}", headers=therapist.headers).status_code == 200


DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"
BLOCK_DEEP = "x:\n" + "".join("  " * n + "- \n" for n in range(300))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (DEEP, 1, "The file nests lists and mappings deeper than 50 levels."),
        (BLOCK_DEEP, 51, "The file nests lists and mappings deeper than 50 levels."),
        (
            "".join(f"k{n}: &k{n} x\n" for n in range(101))
            + "".join(f"v{n}: *k{n}\n" for n in range(101)),
            202,
            "The file uses more than 100 aliases (*name).",
        ),
        (
            "slug: x\nloop: &loop [1, *loop]\n",
            2,
            "The alias *loop is inside its own anchor.",
        ),
    ],
    ids=["flow", "block", "aliases", "loop"],
)
def test_deep_nesting_and_too_many_aliases_are_422_naming_the_line(
    client, therapist, walks, text, line, message
):
    response = upload(client, therapist, "programs", text)

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["problems"] == [
        {"line": line, "field": "_file", "message": message}
    ]
    assert walks == []


@pytest.mark.parametrize(
    "value", ["2024-13-45", "1" * 1000], ids=["impossible date", "long number"]
)
def test_a_value_python_cannot_hold_is_its_text_where_a_string_is_wanted(
    client, therapist, value
):
    # 2024-13-45 is no date to PyYAML's constructor; YAML 1.2 reads both as text.
    text = PLAN.replace("summary: From a file.", f"summary: {value}")

    response = upload(client, therapist, "programs", text)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["summary"] == value


def test_a_number_python_cannot_hold_is_422_on_its_field_and_line(client, therapist):
    text = PLAN.replace("weeks: 2\n", f"weeks: {'1' * 5000}\n")

    response = upload(client, therapist, "programs", text)

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["problems"] == [
        {"line": 5, "field": "weeks", "message": "Not a valid integer."}
    ]


ANCHORED = PLAN.replace("weeks: [1, 2]", "weeks: [1, 1]").replace(
    "      - exercise: test-bracing\n        sets: 2\n",
    "      - &brace\n        exercise: test-bracing\n        sets: 2\n",
) + (
    "  - name: Two\n"
    "    weeks: [2, 2]\n"
    "    exercises:\n"
    "      - *brace\n"
    "      - {<<: *brace, exercise: test-chin-tuck, reps: 5}\n"
)


def test_a_file_with_a_few_anchors_still_imports(client, therapist, walks):
    response = upload(client, therapist, "programs", ANCHORED)

    assert response.status_code == 201, response.json
    two = response.json["sessions"][1]["exercises"]
    assert [(e["slug"], e["dosage"]["sets"]) for e in two] == [
        ("test-bracing", 2),
        ("test-chin-tuck", 2),
    ]
    assert two[1]["dosage"]["reps"] == 5
    assert walks


@pytest.mark.parametrize(
    ("kind", "slug", "schema"),
    [
        ("exercises", "test-bracing", "OwnExerciseFile"),
        ("programs", "test-plan", "OwnProgramFile"),
    ],
)
def test_the_document_describes_the_files_as_the_mapping_they_hold(
    client, therapist, kind, slug, schema
):
    # A YAML answer is read as YAML (schemathesis does): its data is a mapping of
    # the file's fields, not a string (ST108); an upload's body is one too.
    document = client.get(f"{API}/openapi.json").json
    paths = document["paths"]
    ref = {"$ref": f"#/components/schemas/{schema}"}
    answer = paths[f"{API}/{kind}/{{slug}}.yaml"]["get"]["responses"]["200"]
    assert answer["content"] == {"application/yaml": {"schema": ref}}
    body = paths[f"{API}/{kind}/import"]["post"]["requestBody"]
    assert body == {"required": True, "content": {"application/yaml": {"schema": ref}}}

    data = yaml.safe_load(export(client, therapist, kind, slug))

    validator = jsonschema.Draft4Validator(
        {**ref, "components": document["components"]}
    )
    assert list(validator.iter_errors(data)) == []
