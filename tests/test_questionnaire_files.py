"""The instrument files in programs/questionnaires/: each through its schema, and
the CLI naming file, line and field for a broken one."""

import shutil
from pathlib import Path

import pytest
import yaml
from marshmallow import ValidationError
from sqlalchemy import func, select

from kinetic.extensions import db
from kinetic.models import Questionnaire
from kinetic.schemas.questionnaire_file import QuestionnaireFileSchema

ROOT = Path(__file__).resolve().parents[1] / "programs"
DATA = Path(__file__).parent / "data"
FILES = sorted((ROOT / "questionnaires").glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_questionnaire_file_matches_its_schema(path):
    data = QuestionnaireFileSchema().load(yaml.safe_load(path.read_text()))
    assert data["slug"] == path.stem
    assert data["licence"]["text"] and data["source"]["citation"]
    if data["licence"]["status"] != "own_work":
        assert data["licence"]["read_at"], "say where the licence was read"
    assert data["minimal_important_change"]["note"]


def test_the_three_instruments_of_the_issue_are_shipped():
    assert [p.stem for p in FILES] == ["function-goals", "peg-3", "pgic"]


BROKEN = """\
slug: broken
title: Broken
name: A broken instrument
summary: For the test.
instructions: None.
better: sideways
items:
  - code: pain
    text: How much?
    min: 10
    max: 0
scoring:
  method: mean
  decimals: 1
score_range: [0, 10]
bands:
  basis: starting_value
  note: x
  ranges:
    - {min: 0, max: 11, label: all}
minimal_important_change:
  type: change
  value: 1
  basis: guess
  note: x
source:
  citation: Nobody, 2026.
licence:
  status: open
  text: Some licence.
  read_at: []
"""


def test_validate_names_file_line_and_field_for_a_broken_instrument(tmp_path, runner):
    shutil.copytree(DATA / "programs", tmp_path, dirs_exist_ok=True)
    (tmp_path / "questionnaires").mkdir()
    (tmp_path / "questionnaires" / "broken.yaml").write_text(BROKEN)

    result = runner.invoke(args=["programs", "validate", str(tmp_path)])

    assert result.exit_code == 1
    out = result.output
    assert "broken.yaml:6 (better): Must be one of" in out
    assert "broken.yaml:11 (items[0].max): Must be above min." in out
    assert "broken.yaml:24 (minimal_important_change.basis)" in out
    assert "broken.yaml:31 (licence.read_at): Say where the licence was read." in out


def test_load_stores_the_instruments_once(runner, ctx):
    first = runner.invoke(args=["programs", "load", str(ROOT)])
    second = runner.invoke(args=["programs", "load", str(ROOT)])

    assert first.exit_code == 0, first.output
    assert "Questionnaires: 3 added or updated." in first.output
    assert "Questionnaires: 0 added or updated." in second.output
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 3


def peg3_with(bands: dict) -> dict:
    data = yaml.safe_load((ROOT / "questionnaires" / "peg-3.yaml").read_text())
    return {**data, "bands": bands}


SINGLE_RATING_BANDS = [
    {"min": 0, "max": 3.9, "label": "low"},
    {"min": 4, "max": 10, "label": "high"},
]
NOTE = "Where the cut-points come from."
CITATION = {"citation": "Somebody et al. 2030, a validation of PEG bands."}


def test_peg3_has_no_bands_single_rating_cut_points_do_not_fit_its_mean():
    path = ROOT / "questionnaires" / "peg-3.yaml"
    bands = QuestionnaireFileSchema().load(yaml.safe_load(path.read_text()))["bands"]

    assert bands["basis"] == "none" and bands["ranges"] == []
    assert "Krebs" in bands["note"]


@pytest.mark.parametrize(
    ("bands", "field", "message"),
    [
        (
            {"basis": "none", "note": NOTE, "ranges": SINGLE_RATING_BANDS},
            "ranges",
            "basis none gives no ranges.",
        ),
        (
            {"basis": "literature", "note": NOTE, "ranges": []},
            "ranges",
            "Give at least one range, or basis none for no bands.",
        ),
        (
            {"basis": "starting_value", "note": NOTE, "ranges": SINGLE_RATING_BANDS},
            "source",
            "Say where these cut-points come from (citation).",
        ),
        (
            {"basis": "guess", "note": NOTE, "ranges": SINGLE_RATING_BANDS},
            "basis",
            "Must be one of",
        ),
    ],
    ids=["none-with-ranges", "no-ranges", "no-source", "bad-basis"],
)
def test_bands_come_with_their_source_or_are_none(bands, field, message):
    with pytest.raises(ValidationError) as raised:
        QuestionnaireFileSchema().load(peg3_with(bands))

    [problem] = raised.value.messages["bands"][field]
    assert problem.startswith(message)


def test_sourced_bands_are_taken():
    bands = {
        "basis": "literature",
        "note": NOTE,
        "source": CITATION,
        "ranges": SINGLE_RATING_BANDS,
    }

    loaded = QuestionnaireFileSchema().load(peg3_with(bands))

    assert loaded["bands"]["source"] == CITATION


def peg3() -> dict:
    return yaml.safe_load((ROOT / "questionnaires" / "peg-3.yaml").read_text())


def test_peg3_carries_loincs_panel_score_and_item_codes():
    data = QuestionnaireFileSchema().load(peg3())
    assert data["loinc"]["panel"]["code"] == "91148-7"
    assert data["loinc"]["score"]["code"] == "91147-9"
    assert [i["loinc"] for i in data["items"]] == ["75893-8", "91145-3", "91146-1"]
    assert data["loinc"]["sources"][0] == "https://loinc.org/91148-7/"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d["items"][1].update(loinc="91145-4"), "items", "check digit"),
        (lambda d: d["items"][2].update(loinc="LA6111-4"), "items", "A LOINC code"),
        (lambda d: d["loinc"]["panel"].update(code="91148-1"), "loinc", "check digit"),
        (lambda d: d["loinc"].update(sources=[]), "loinc", "Shorter than minimum"),
        (lambda d: d.pop("loinc"), "loinc", "Items with LOINC codes need"),
    ],
    ids=["wrong-check-digit", "answer-code", "panel-check-digit", "no-source", "none"],
)
def test_a_wrong_loinc_code_or_a_missing_source_is_named(change, field, message):
    data = peg3()
    change(data)

    with pytest.raises(ValidationError) as refused:
        QuestionnaireFileSchema().load(data)

    assert message in str(refused.value.messages[field]), refused.value.messages
