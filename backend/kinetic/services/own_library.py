"""The library as each user sees it: the files in programs/, the clinic's shared
exercises and programs, and a therapist's own; patients see the clinic's and their
therapists' items that are in one of their plans.

A row's owner: `owner_id` None is the files; `clinic_id` set is the clinic's
(`owner_id` its author); otherwise `owner_id`'s own."""

from typing import Any

from flask import g
from marshmallow import ValidationError
from sqlalchemy import and_, false, or_, select

from kinetic.extensions import db
from kinetic.models import (
    Assignment,
    ClinicMember,
    Exercise,
    Prescription,
    Program,
    ProgramVersion,
    User,
)
from kinetic.services import clinics
from kinetic.services.accounts import AccountError
from kinetic.services.clock import now
from kinetic.services.library import digest, resolve_planned

Model = type[Exercise] | type[Program]
OWNERS = ("library", "clinic", "me")
NOT_YOURS = "Only the clinic's admins and its author may change this."


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


def _own(model: Model, user_id: int):
    return and_(model.owner_id == user_id, model.clinic_id.is_(None))


def _of_clinic(model: Model, clinic_id: int | None):
    return model.clinic_id == clinic_id if clinic_id is not None else false()


def visible(model: Model, user: User):
    """Which rows the user may read. A therapist: the library, their clinic's and
    their own. A patient: the library, and the clinic's or their therapists' own
    items that are in one of their plans."""
    if user.role == "therapist":
        clinic_id = clinics.clinic_id_of(user)
        return or_(
            model.owner_id.is_(None),
            _own(model, user.id),
            _of_clinic(model, clinic_id),
        )
    therapists = select(Assignment.therapist_id).where(Assignment.patient_id == user.id)
    their_clinics = select(ClinicMember.clinic_id).where(
        or_(
            ClinicMember.user_id.in_(therapists),
            ClinicMember.user_id == user.therapist_id,
        )
    )
    if model is Program:
        theirs = model.id.in_(_patient_programs(user))
    else:
        theirs = model.slug.in_(_patient_exercise_slugs(user))
    by_them = or_(
        model.owner_id.in_(therapists) & model.clinic_id.is_(None),
        model.clinic_id.in_(their_clinics),
    )
    return or_(model.owner_id.is_(None), by_them & theirs)


def owner_of(row: Exercise | Program, user: User) -> str:
    if row.owner_id is None:
        return "library"
    if row.clinic_id is not None:
        return "clinic"
    return "me" if row.owner_id == user.id else "therapist"


def author_of(row: Exercise | Program) -> dict | None:
    """The author of a clinic's item, by name; None for any other."""
    if row.clinic_id is None or row.owner_id is None:
        return None
    author = db.session.get(User, row.owner_id)
    return {"id": author.id, "name": author.name} if author else None


def _membership(user: User):
    """The user's clinic membership, read once per request (a list asks for each
    clinic item)."""
    known = g.setdefault("library_members", {})
    if user.id not in known:
        known[user.id] = clinics.membership_of(user)
    return known[user.id]


def may_change(row: Exercise | Program, user: User) -> bool:
    """Your own, or the clinic's when you are its author or one of its admins."""
    if row.owner_id is None or user.role != "therapist":
        return False
    if row.clinic_id is None:
        return row.owner_id == user.id
    member = _membership(user)
    if member is None or member.clinic_id != row.clinic_id:
        return False
    return row.owner_id == user.id or member.role == "admin"


def find(model: Model, user: User, slug: str):
    """The visible row with this slug, the library's first, then the clinic's (a
    file added later may take a slug a therapist already uses)."""
    return db.session.scalar(
        select(model)
        .where(model.slug == slug, visible(model, user))
        .order_by(model.owner_id.is_not(None), model.clinic_id.is_(None))
        .limit(1)
    )


def _owned(model: Model, user: User, owner: str):
    if owner == "library":
        return model.owner_id.is_(None)
    if owner == "clinic":
        return model.clinic_id.is_not(None)
    return _own(model, user.id)


def listed(model: Model, user: User, args: dict) -> list:
    """The visible rows, not archived; `archived` lists the archived ones of your
    own and your clinic's; `owner` keeps one kind of owner."""
    query = select(model).where(visible(model, user))
    if args.get("archived"):
        mine = model.owner_id.is_not(None) if user.role == "therapist" else false()
        query = query.where(mine, model.archived_at.is_not(None))
    else:
        query = query.where(model.archived_at.is_(None))
    if args.get("owner"):
        query = query.where(_owned(model, user, args["owner"]))
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


def _clash(field_message: str):
    raise ValidationError({"slug": [field_message]})


def check_new_slug(
    model: Model,
    therapist: User,
    slug: str,
    clinic_id: int | None = None,
    moving=None,
) -> None:
    """A new own item's slug may not shadow the library's or the clinic's, nor
    repeat your own; a new (or `moving`) clinic item's may not repeat any clinic
    member's own item either, so no member ever sees two items by one slug."""
    same = select(model).where(model.slug == slug)
    if moving is not None:
        same = same.where(model.id != moving.id)
    rows = list(db.session.scalars(same))
    if any(row.owner_id is None for row in rows):
        _clash("The library has this slug; choose another.")
    home = clinic_id if clinic_id is not None else clinics.clinic_id_of(therapist)
    if home is not None and any(row.clinic_id == home for row in rows):
        _clash("The clinic's library has this slug; choose another.")
    if any(row.owner_id == therapist.id for row in rows):
        _clash("You already have one with this slug; choose another.")
    if clinic_id is not None:
        members = set(
            db.session.scalars(
                select(ClinicMember.user_id).where(ClinicMember.clinic_id == clinic_id)
            )
        )
        if any(row.clinic_id is None and row.owner_id in members for row in rows):
            _clash(
                "A colleague in your clinic has one of their own with this slug; "
                "choose another."
            )


def clinic_for(therapist: User, owner: str) -> int | None:
    """The clinic a new item goes to: None for "me", the caller's for "clinic"."""
    if owner != "clinic":
        return None
    clinic_id = clinics.clinic_id_of(therapist)
    if clinic_id is None:
        raise AccountError(422, "You are not a member of a clinic.", "owner")
    return clinic_id


def move(model: Model, row, user: User, owner: str):
    """Share your own item with the clinic (`owner` "clinic"); a clinic's item
    cannot become someone's own again (422 naming owner)."""
    if row.clinic_id is not None:
        if owner != "clinic":
            raise AccountError(
                422,
                "A clinic item cannot become your own again; make a copy instead.",
                "owner",
            )
        return row
    if owner == "clinic":
        clinic_id = clinic_for(user, owner)
        check_new_slug(model, user, row.slug, clinic_id, moving=row)
        row.clinic_id = clinic_id
        if model is Exercise:
            row.updated_at = now()
    db.session.flush()
    return row


def usable_exercises(therapist: User, slugs: set[str]) -> dict[str, dict]:
    """The texts of the exercises with these slugs that the therapist may prescribe:
    the library's, their clinic's and their own, not archived; the library's
    first."""
    rows = db.session.scalars(
        select(Exercise)
        .where(
            Exercise.slug.in_(slugs),
            visible(Exercise, therapist),
            Exercise.archived_at.is_(None),
        )
        .order_by(
            Exercise.owner_id.is_not(None).desc(), Exercise.clinic_id.is_not(None)
        )
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


def create_exercise(therapist: User, data: dict, owner: str = "me") -> Exercise:
    clinic_id = clinic_for(therapist, owner)
    check_new_slug(Exercise, therapist, data["slug"], clinic_id)
    row = Exercise(
        owner_id=therapist.id, clinic_id=clinic_id, slug=data["slug"], version=1
    )
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


def create_program(
    therapist: User, data: dict, pinned=None, owner: str = "me"
) -> Program:
    clinic_id = clinic_for(therapist, owner)
    check_new_slug(Program, therapist, data["slug"], clinic_id)
    program = Program(owner_id=therapist.id, clinic_id=clinic_id, slug=data["slug"])
    db.session.add(program)
    _new_version(program, _program_content(therapist, data, pinned))
    db.session.flush()
    return program


def _kept_texts(therapist: User, program: Program) -> dict[str, dict]:
    """The texts in the current version of exercises the editor may not use
    themselves (a clinic program's author's own exercise, say): they stay as
    they are, so an admin can edit a colleague's clinic program."""
    texts = {
        item["slug"]: {k: v for k, v in item.items() if k != "note"}
        for phase in program.current_version.content["sessions"]
        for item in phase["exercises"]
    }
    usable = usable_exercises(therapist, set(texts))
    return {slug: text for slug, text in texts.items() if slug not in usable}


def edit_program(therapist: User, program: Program, data: dict) -> Program:
    """A new version; running plans stay on the version they were assigned."""
    pinned = _kept_texts(therapist, program)
    content = _program_content(therapist, _same_slug(program, data), pinned)
    if digest(content) != program.current_version.content_hash:
        _new_version(program, content)
    db.session.flush()
    return program


def archive(row: Exercise | Program) -> None:
    if row.archived_at is None:
        row.archived_at = now()
    db.session.flush()
