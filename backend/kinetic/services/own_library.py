"""The library as each user sees it: the files in programs/ plus a therapist's own
exercises and programs, which their patients see through their plans."""

from typing import Any

from marshmallow import ValidationError
from sqlalchemy import or_, select

from kinetic.extensions import db
from kinetic.models import (
    Assignment,
    Exercise,
    Prescription,
    Program,
    ProgramVersion,
    User,
)
from kinetic.services.clock import now
from kinetic.services.library import digest, resolve_planned

Model = type[Exercise] | type[Program]


def _patient_programs(patient: User):
    return (
        select(ProgramVersion.program_id)
        .join(Assignment, Assignment.program_version_id == ProgramVersion.id)
        .where(Assignment.patient_id == patient.id)
    )


def _patient_exercise_slugs(patient: User) -> set[str]:
    versions = db.session.scalars(
        select(Prescription.phases)
        .join(Assignment, Assignment.id == Prescription.assignment_id)
        .where(Assignment.patient_id == patient.id)
    )
    return {
        item["slug"]
        for phases in versions
        for phase in phases
        for item in phase["exercises"]
    }


def visible(model: Model, user: User):
    """Which rows the user may read: the library, a therapist's own, and for a
    patient their therapist's items that are in one of their plans."""
    if user.role == "therapist":
        return or_(model.owner_id.is_(None), model.owner_id == user.id)
    therapists = select(Assignment.therapist_id).where(Assignment.patient_id == user.id)
    if model is Program:
        theirs = model.id.in_(_patient_programs(user))
    else:
        theirs = model.slug.in_(_patient_exercise_slugs(user))
    return or_(model.owner_id.is_(None), model.owner_id.in_(therapists) & theirs)


def owner_of(row: Exercise | Program, user: User) -> str:
    if row.owner_id is None:
        return "library"
    return "me" if row.owner_id == user.id else "therapist"


def find(model: Model, user: User, slug: str):
    """The visible row with this slug, the library's first (a file added later may
    take a slug a therapist already uses)."""
    return db.session.scalar(
        select(model)
        .where(model.slug == slug, visible(model, user))
        .order_by(model.owner_id.is_not(None))
        .limit(1)
    )


def listed(model: Model, user: User, args: dict) -> list:
    query = select(model).where(visible(model, user))
    if args.get("archived"):
        query = query.where(model.owner_id == user.id, model.archived_at.is_not(None))
    else:
        query = query.where(model.archived_at.is_(None))
    if model is Exercise and "category" in args:
        query = query.where(Exercise.category == args["category"])
    return list(db.session.scalars(query))


def matches(content: dict[str, Any], args: dict) -> bool:
    """The list filters that read the content: a region, and words to find."""
    if "region" in args and args["region"] not in content["regions"]:
        return False
    words = (args.get("q") or "").casefold().split()
    text = " ".join(
        str(content.get(key, "")) for key in ("slug", "name", "title", "summary")
    ).casefold()
    return all(word in text for word in words)


def check_new_slug(model: Model, therapist: User, slug: str) -> None:
    """A therapist's slug may not shadow the library's, nor repeat their own."""
    owners = set(
        db.session.scalars(
            select(model.owner_id).where(model.slug == slug, visible(model, therapist))
        )
    )
    if None in owners:
        raise ValidationError({"slug": ["The library has this slug; choose another."]})
    if owners:
        raise ValidationError(
            {"slug": ["You already have one with this slug; choose another."]}
        )


def usable_exercises(therapist: User, slugs: set[str]) -> dict[str, dict]:
    """The texts of the exercises with these slugs that the therapist may prescribe:
    the library's and their own, not archived."""
    rows = db.session.scalars(
        select(Exercise)
        .where(
            Exercise.slug.in_(slugs),
            visible(Exercise, therapist),
            Exercise.archived_at.is_(None),
        )
        .order_by(Exercise.owner_id.is_not(None).desc())
    )
    return {row.slug: row.content for row in rows}


def resolve_phases(
    therapist: User,
    phases: list[dict],
    field: str,
    pinned: dict[str, dict] | None = None,
) -> list[dict]:
    """Each phase with its exercises' full text and dose. An exercise already in the
    plan (`pinned`) keeps the text it was prescribed with; any other must be one the
    therapist may prescribe, or the error names phases.N.exercises.M.exercise."""
    pinned = pinned or {}
    slugs = {i["exercise"] for phase in phases for i in phase["exercises"]}
    texts = {**usable_exercises(therapist, slugs - set(pinned)), **pinned}
    errors: dict = {}
    resolved = []
    for p, phase in enumerate(phases):
        items = []
        for e, item in enumerate(phase["exercises"]):
            if item["exercise"] not in texts:
                where = errors.setdefault(p, {}).setdefault("exercises", {})
                where[e] = {"exercise": [f"No exercise {item['exercise']!r} to use."]}
                continue
            items.append(resolve_planned(item, texts[item["exercise"]]))
        resolved.append({**phase, "exercises": items})
    if errors:
        raise ValidationError({field: errors})
    return resolved


def create_exercise(therapist: User, data: dict) -> Exercise:
    check_new_slug(Exercise, therapist, data["slug"])
    row = Exercise(owner_id=therapist.id, slug=data["slug"], version=1)
    _set_exercise(row, data)
    db.session.add(row)
    db.session.flush()
    return row


def _set_exercise(row: Exercise, data: dict) -> None:
    row.name, row.category = data["name"], data["category"]
    row.content, row.content_hash = data, digest(data)
    row.updated_at = now()


def _same_slug(row, data: dict) -> dict:
    if data.get("slug", row.slug) != row.slug:
        raise ValidationError({"slug": ["The slug cannot change; import a copy."]})
    return {**data, "slug": row.slug}


def edit_exercise(row: Exercise, data: dict) -> Exercise:
    """A new version of the text; plans keep the text they were prescribed with."""
    data = _same_slug(row, data)
    if digest(data) != row.content_hash:
        _set_exercise(row, data)
        row.version += 1
    db.session.flush()
    return row


def _new_version(program: Program, content: dict) -> ProgramVersion:
    current = program.current_version
    version = ProgramVersion(
        program=program,
        version=current.version + 1 if current else 1,
        content=content,
        content_hash=digest(content),
    )
    db.session.add(version)
    db.session.flush()
    program.current_version = version
    return version


def _program_content(therapist: User, data: dict, pinned=None) -> dict:
    sessions = resolve_phases(therapist, data["sessions"], "sessions", pinned)
    return {**data, "advice": data.get("advice", []), "sessions": sessions}


def create_program(therapist: User, data: dict, pinned=None) -> Program:
    check_new_slug(Program, therapist, data["slug"])
    program = Program(owner_id=therapist.id, slug=data["slug"])
    db.session.add(program)
    _new_version(program, _program_content(therapist, data, pinned))
    db.session.flush()
    return program


def edit_program(therapist: User, program: Program, data: dict) -> Program:
    """A new version; running plans stay on the version they were assigned."""
    content = _program_content(therapist, _same_slug(program, data))
    if digest(content) != program.current_version.content_hash:
        _new_version(program, content)
    db.session.flush()
    return program


def archive(row: Exercise | Program) -> None:
    if row.archived_at is None:
        row.archived_at = now()
    db.session.flush()
