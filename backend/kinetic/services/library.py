"""Reading, checking and loading the exercise and program files in programs/."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import Exercise, Program, ProgramVersion, Questionnaire
from kinetic.schemas.picture_file import PictureFileSchema
from kinetic.schemas.program_files import ExerciseFileSchema, ProgramFileSchema
from kinetic.schemas.progression_file import ProgressionFileSchema
from kinetic.schemas.questionnaire_file import QuestionnaireFileSchema
from kinetic.schemas.safety_file import SafetyFileSchema
from kinetic.services import safe_yaml
from kinetic.services.yaml_files import Path_, flatten, line_for, node_lines


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.path}:{self.line}{where}: {self.message}"


@dataclass
class Library:
    exercises: dict[str, dict[str, Any]] = field(default_factory=dict)
    programs: dict[str, dict[str, Any]] = field(default_factory=dict)
    questionnaires: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _dotted(path: Path_) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(
        ".[", "["
    )


def _read_file(
    path: Path, schema: Schema, library: Library, slug: bool = True
) -> tuple | None:
    def problem(where: Path_, message: str, line: int | None = None) -> None:
        line = line or line_for(lines, where)
        library.problems.append(Problem(str(path), line, _dotted(where), message))

    lines: dict[Path_, int] = {}
    try:
        text = path.read_text(encoding="utf-8")
        node, raw = safe_yaml.compose_and_load(text, schema)
    except UnicodeDecodeError as exc:
        problem((), f"not readable YAML: {exc}", 1)
        return None
    except yaml.YAMLError as exc:
        line, message = safe_yaml.problem_of(exc)
        problem((), message, line)
        return None
    if node is not None:
        lines = node_lines(node)
    if not isinstance(raw, dict):
        problem((), "expected a mapping of fields at the top of the file")
        return None
    try:
        data = schema.load(raw)
    except ValidationError as exc:
        for where, message in flatten(exc.messages):
            problem(where, message)
        return None
    if slug and data["slug"] != path.stem:
        problem(("slug",), f"the slug must match the file name {path.stem!r}")
        return None
    return data, lines, problem


_rules_files: dict[Path, tuple[float, dict]] = {}


def rules_file(name: str, read, error: type[Exception]) -> dict[str, Any]:
    """programs/`name` as `read` (read_safety, ...) checks it, read again only
    when the file changes; `error` carries a missing file's or the problems'
    file:line."""
    path = Path(current_app.config["PROGRAMS_DIR"]) / name
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise error(f"{path}: cannot read it") from exc
    cached = _rules_files.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    data, problems = read(path)
    if data is None:
        raise error("\n".join(map(str, problems)))
    _rules_files[path] = (mtime, data)
    return data


def read_safety(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The safety rules file, checked: (rules, []) or (None, its problems)."""
    found = Library()
    read = _read_file(path, SafetyFileSchema(), found, slug=False)
    return (read[0] if read else None), found.problems


def read_picture(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The clinical picture's figures, checked: (figures, []) or (None, problems)."""
    found = Library()
    read = _read_file(path, PictureFileSchema(), found, slug=False)
    return (read[0] if read else None), found.problems


def read_progression(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The progression rules file, checked: (rules, []) or (None, its problems)."""
    found = Library()
    read = _read_file(path, ProgressionFileSchema(), found, slug=False)
    return (read[0] if read else None), found.problems


def read_questionnaires(directory: Path, library: Library) -> Library:
    """Adds the instruments in `directory` (programs/questionnaires/) to `library`."""
    for path in sorted(directory.glob("*.yaml")):
        read = _read_file(path, QuestionnaireFileSchema(), library)
        if read:
            library.questionnaires[read[0]["slug"]] = read[0]
    return library


def _check_picture(path: Path, library: Library) -> None:
    if not path.exists():
        if library.exercises or library.programs:
            library.problems.append(
                Problem(str(path), 1, "", "the clinical picture file is missing")
            )
        return
    read = _read_file(path, PictureFileSchema(), library, slug=False)
    if not read:
        return
    data, _, problem = read
    for n, slug in enumerate(data["questionnaires"]["primary"]):
        if library.questionnaires and slug not in library.questionnaires:
            problem(("questionnaires", "primary", n), f"no questionnaire {slug}")


def read_library(directory: str | Path) -> Library:
    """Reads every file, collecting every problem rather than stopping at the first."""
    directory = Path(directory)
    library = Library()
    for path in sorted((directory / "exercises").glob("*.yaml")):
        read = _read_file(path, ExerciseFileSchema(), library)
        if read:
            library.exercises[read[0]["slug"]] = read[0]
    for path in sorted((directory / "programs").glob("*.yaml")):
        read = _read_file(path, ProgramFileSchema(), library)
        if not read:
            continue
        data, _, problem = read
        missing = False
        for p, phase in enumerate(data["sessions"]):
            for e, planned in enumerate(phase["exercises"]):
                if planned["exercise"] not in library.exercises:
                    where = ("sessions", p, "exercises", e, "exercise")
                    problem(where, f"no exercise file {planned['exercise']}.yaml")
                    missing = True
        if not missing:
            library.programs[data["slug"]] = data
    read_questionnaires(directory / "questionnaires", library)
    rules = directory / "safety.yaml"
    if rules.exists():
        library.problems += read_safety(rules)[1]
    elif library.exercises or library.programs:
        library.problems.append(
            Problem(str(rules), 1, "", "the safety rules file is missing")
        )
    _check_picture(directory / "picture.yaml", library)
    progression = directory / "progression.yaml"
    if progression.exists():
        library.problems += read_progression(progression)[1]
    if not library.exercises and not library.programs and not library.problems:
        library.problems.append(
            Problem(str(directory), 1, "", "no exercise or program files found")
        )
    return library


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def resolve_planned(item: dict[str, Any], exercise: dict[str, Any]) -> dict:
    """A planned exercise (file or prescription) as the exercise's full text with
    the dose: reps and hold as planned, else the exercise's own; rest likewise."""
    dosage = {"sets": item["sets"]}
    own = exercise["dosage"]
    if item.get("reps") is not None or item.get("hold_seconds") is not None:
        dosage |= {k: item[k] for k in ("reps", "hold_seconds") if item.get(k)}
    else:
        dosage |= {k: own[k] for k in ("reps", "hold_seconds") if k in own}
    rest = item.get("rest_seconds")
    if rest is None:
        rest = own.get("rest_seconds")
    if rest is not None:
        dosage["rest_seconds"] = rest
    if item.get("side"):
        dosage["side"] = item["side"]
    resolved = {**exercise, "dosage": dosage}
    if item.get("note"):
        resolved["note"] = item["note"]
    return resolved


def resolve_program(data: dict[str, Any], exercises: dict[str, dict]) -> dict:
    """The program with each planned exercise's full text and dosage filled in."""
    sessions = [
        {
            **phase,
            "exercises": [
                resolve_planned(item, exercises[item["exercise"]])
                for item in phase["exercises"]
            ],
        }
        for phase in data["sessions"]
    ]
    return {**data, "advice": data.get("advice", []), "sessions": sessions}


@dataclass
class LoadReport:
    exercises_added: int = 0
    exercises_updated: int = 0
    programs_added: int = 0
    questionnaires_changed: int = 0
    new_versions: list[str] = field(default_factory=list)


def _load_exercises(library: Library, report: LoadReport) -> None:
    existing = {
        e.slug: e
        for e in db.session.scalars(select(Exercise).where(Exercise.owner_id.is_(None)))
    }
    for slug, content in library.exercises.items():
        content_hash = digest(content)
        row = existing.get(slug)
        if row is None:
            report.exercises_added += 1
            row = Exercise(slug=slug)
            db.session.add(row)
        elif row.content_hash == content_hash:
            continue
        else:
            report.exercises_updated += 1
            row.version += 1
        row.name, row.category = content["name"], content["category"]
        row.content, row.content_hash = content, content_hash


def _load_programs(library: Library, report: LoadReport) -> None:
    existing = {
        p.slug: p
        for p in db.session.scalars(select(Program).where(Program.owner_id.is_(None)))
    }
    for slug, data in library.programs.items():
        content = resolve_program(data, library.exercises)
        content_hash = digest(content)
        program = existing.get(slug)
        if program is None:
            report.programs_added += 1
            program = Program(slug=slug)
            db.session.add(program)
        current = program.current_version
        if current is not None and current.content_hash == content_hash:
            continue
        number = current.version + 1 if current else 1
        version = ProgramVersion(
            program=program, version=number, content_hash=content_hash, content=content
        )
        db.session.add(version)
        db.session.flush()
        program.current_version = version
        report.new_versions.append(f"{slug} v{number}")


def _load_questionnaires(library: Library, report: LoadReport) -> None:
    existing = {q.slug: q for q in db.session.scalars(select(Questionnaire))}
    for slug, content in library.questionnaires.items():
        content_hash = digest(content)
        row = existing.get(slug)
        if row is not None and row.content_hash == content_hash:
            continue
        if row is None:
            row = Questionnaire(slug=slug)
            db.session.add(row)
        row.content, row.content_hash = content, content_hash
        report.questionnaires_changed += 1


def load_library(library: Library) -> LoadReport:
    """Upserts exercises and versions programs; the caller commits."""
    if library.problems:
        raise ValueError("the library has problems; validate it first")
    report = LoadReport()
    _load_exercises(library, report)
    _load_programs(library, report)
    _load_questionnaires(library, report)
    db.session.flush()
    return report
