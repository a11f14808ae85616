"""The clinic's shared library: items every member sees and may assign, which only
the clinic's admins and the item's author may change; own items moved to the
clinic; slugs that never clash within a clinic; YAML both ways; patients seeing
the clinic's items in their plans; and nothing of one clinic seen by another."""

import pytest
from sqlalchemy import select

from kinetic.extensions import db
from kinetic.models import ClinicMember, Exercise, Program

API = "/api/v1"
NOT_YOURS = "Only the clinic's admins and its author may change this."


def move_body(slug="clinic-nod", name="Clinic nod", **changes):
    return {
        "slug": slug,
        "name": name,
        "category": "postural_correction",
        "regions": ["neck"],
        "summary": "A small nod the clinic agreed on.",
        "instructions": ["Sit tall.", "Nod gently."],
        "cues": ["Slowly."],
        "cautions": ["Stop if you feel dizzy."],
        "dosage": {"sets": 1, "reps": 5},
        **changes,
    }


def plan_body(slug="clinic-plan", exercise="clinic-nod", **changes):
    return {
        "slug": slug,
        "title": "Clinic neck plan",
        "summary": "The clinic's plan for desk necks.",
        "regions": ["neck"],
        "weeks": 2,
        "days_of_week": [1],
        "sessions_per_day": 1,
        "sessions": [
            {
                "name": "Only",
                "weeks": [1, 2],
                "exercises": [
                    {"exercise": exercise, "sets": 2},
                    {"exercise": "test-bracing", "sets": 1},
                ],
            }
        ],
        **changes,
    }


PLAN_YAML = """slug: uploaded-plan
title: Uploaded plan
summary: Uploaded for the clinic.
regions: [low_back]
weeks: 1
days_of_week: [1]
sessions_per_day: 1
sessions:
  - name: Only
    weeks: [1, 1]
    exercises:
      - exercise: test-bracing
        sets: 1
"""


@pytest.fixture
def clinic(app, programs, make_therapist):
    """An admin (who signed up first) and two therapists in one clinic; and an
    outsider: a therapist of another clinic (their own clinic of one)."""
    admin, author, colleague, outsider = (make_therapist(n) for n in "ABCO")
    with app.app_context():
        home = db.session.scalar(
            select(ClinicMember.clinic_id).where(ClinicMember.user_id == admin.id)
        )
        for member in (author, colleague):
            row = db.session.scalar(
                select(ClinicMember).where(ClinicMember.user_id == member.id)
            )
            row.clinic_id, row.role = home, "therapist"
        db.session.commit()
    return admin, author, colleague, outsider


def post(client, who, kind, body, **query):
    return client.post(
        f"{API}/{kind}", json=body, headers=who.headers, query_string=query
    )


def get(client, who, path, **query):
    return client.get(f"{API}{path}", headers=who.headers, query_string=query)


def listed(client, who, kind="exercises", **query) -> dict:
    response = get(client, who, f"/{kind}", **query)
    assert response.status_code == 200, response.json
    return {item["slug"]: item["owner"] for item in response.json}


def rows(app, model) -> list[tuple]:
    with app.app_context():
        found = db.session.execute(
            select(model.slug, model.owner_id, model.clinic_id, model.archived_at)
        ).all()
        db.session.remove()
    return sorted(map(tuple, found), key=repr)


def test_a_member_shares_an_exercise_and_a_program_a_colleague_sees_and_assigns(
    client, clinic, make_patient
):
    admin, author, colleague, _ = clinic
    made = post(client, author, "exercises", {**move_body(), "owner": "clinic"})
    assert made.status_code == 201, made.json
    assert made.json["owner"] == "clinic"
    assert made.json["editable"] is True
    assert made.json["author"] == {"id": author.id, "name": "B 2"}
    assert "owner" not in get(client, author, "/exercises/clinic-nod.yaml").text

    program = post(client, author, "programs", {**plan_body(), "owner": "clinic"})
    assert program.status_code == 201, program.json
    assert (program.json["owner"], program.json["author"]["id"]) == (
        "clinic",
        author.id,
    )

    for who in (admin, colleague):
        seen = get(client, who, "/exercises/clinic-nod")
        assert seen.status_code == 200, seen.json
        assert seen.json["owner"] == "clinic"
        assert seen.json["author"] == {"id": author.id, "name": "B 2"}
        assert seen.json["editable"] is (who is admin)
        assert listed(client, who)["clinic-nod"] == "clinic"
        assert listed(client, who, "programs")["clinic-plan"] == "clinic"
    # A library item names no author.
    assert "author" not in get(client, colleague, "/exercises/test-bracing").json

    patient = make_patient(colleague)
    assigned = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "clinic-plan"},
        headers=colleague.headers,
    )
    assert assigned.status_code == 201, assigned.json
    # The colleague may also prescribe the clinic's exercise in a program of theirs.
    own = post(client, colleague, "programs", plan_body("colleague-plan"))
    assert own.status_code == 201, own.json
    assert own.json["owner"] == "me" and "author" not in own.json


def test_another_clinics_items_are_404_and_absent_from_every_list(app, client, clinic):
    _, author, _, outsider = clinic
    assert (
        post(
            client, author, "exercises", {**move_body(), "owner": "clinic"}
        ).status_code
        == 201
    )
    assert (
        post(client, author, "programs", {**plan_body(), "owner": "clinic"}).status_code
        == 201
    )
    before = rows(app, Exercise) + rows(app, Program)

    for kind, slug in (("exercises", "clinic-nod"), ("programs", "clinic-plan")):
        missing = get(client, outsider, f"/{kind}/no-such-{kind}")
        assert missing.status_code == 404
        for path in (f"/{kind}/{slug}", f"/{kind}/{slug}.yaml"):
            response = get(client, outsider, path)
            assert response.status_code == 404, path
            assert response.json == missing.json
        h = outsider.headers
        body = move_body() if kind == "exercises" else plan_body()
        for response in (
            client.put(f"{API}/{kind}/{slug}", json=body, headers=h),
            client.patch(f"{API}/{kind}/{slug}", json={"owner": "clinic"}, headers=h),
            client.delete(f"{API}/{kind}/{slug}", headers=h),
        ):
            assert response.status_code == 404, response.json
        assert slug not in listed(client, outsider, kind)
        assert slug not in listed(client, outsider, kind, owner="clinic")
        assert slug not in listed(client, outsider, kind, archived="true")
    # The other clinic cannot build on the clinic's exercise either.
    refused = post(client, outsider, "programs", plan_body("their-plan"))
    assert refused.status_code == 422
    assert "sessions" in refused.json["errors"]
    assert rows(app, Exercise) + rows(app, Program) == before
    # Another clinic may use the same slug for its own shared item.
    theirs = post(client, outsider, "exercises", {**move_body(), "owner": "clinic"})
    assert theirs.status_code == 201, theirs.json


def test_a_colleague_may_not_change_a_clinic_item_its_author_and_the_admin_may(
    app, client, clinic
):
    admin, author, colleague, _ = clinic
    post(client, author, "exercises", {**move_body(), "owner": "clinic"})
    post(client, author, "programs", {**plan_body(), "owner": "clinic"})
    before = rows(app, Exercise) + rows(app, Program)

    h = colleague.headers
    for response in (
        client.put(
            f"{API}/exercises/clinic-nod", json=move_body(name="Mine now"), headers=h
        ),
        client.delete(f"{API}/exercises/clinic-nod", headers=h),
        client.patch(
            f"{API}/exercises/clinic-nod", json={"owner": "clinic"}, headers=h
        ),
        client.put(f"{API}/programs/clinic-plan", json=plan_body(title="X"), headers=h),
        client.delete(f"{API}/programs/clinic-plan", headers=h),
    ):
        assert response.status_code == 403, response.json
        assert response.json["message"] == NOT_YOURS
    assert rows(app, Exercise) + rows(app, Program) == before

    by_author = client.put(
        f"{API}/exercises/clinic-nod",
        json=move_body(name="Clinic nod, slower"),
        headers=author.headers,
    )
    assert by_author.status_code == 200, by_author.json
    assert (by_author.json["version"], by_author.json["owner"]) == (2, "clinic")

    by_admin = client.put(
        f"{API}/programs/clinic-plan",
        json=plan_body(title="Clinic neck plan, reviewed"),
        headers=admin.headers,
    )
    assert by_admin.status_code == 200, by_admin.json
    assert by_admin.json["title"] == "Clinic neck plan, reviewed"
    assert by_admin.json["version"] == 2
    # The author is still the author; the admin's edit picked up the new text.
    assert by_admin.json["author"]["id"] == author.id
    first = by_admin.json["sessions"][0]["exercises"][0]
    assert first["name"] == "Clinic nod, slower"

    archived = client.delete(f"{API}/exercises/clinic-nod", headers=admin.headers)
    assert archived.status_code == 204
    assert "clinic-nod" not in listed(client, colleague)
    # Every member finds the clinic's archived items with their own.
    assert listed(client, colleague, archived="true") == {"clinic-nod": "clinic"}


def test_an_admin_edits_a_clinic_program_holding_the_authors_own_exercise(
    client, clinic
):
    """The author's own exercise is not the admin's to use; the program keeps the
    text it holds, so the admin's edit is not refused for it."""
    admin, author, _, _ = clinic
    assert post(client, author, "exercises", move_body("author-nod")).status_code == 201
    made = post(
        client,
        author,
        "programs",
        {**plan_body(exercise="author-nod"), "owner": "clinic"},
    )
    assert made.status_code == 201, made.json

    edited = client.put(
        f"{API}/programs/clinic-plan",
        json=plan_body(
            exercise="author-nod",
            weeks=3,
            sessions=[
                {
                    "name": "Only",
                    "weeks": [1, 3],
                    "exercises": [{"exercise": "author-nod", "sets": 3}],
                }
            ],
        ),
        headers=admin.headers,
    )
    assert edited.status_code == 200, edited.json
    first = edited.json["sessions"][0]["exercises"][0]
    assert (first["slug"], first["name"], first["dosage"]["sets"]) == (
        "author-nod",
        "Clinic nod",
        3,
    )
    # A new exercise still has to be one the admin may use.
    refused = client.put(
        f"{API}/programs/clinic-plan",
        json=plan_body(exercise="no-such-move"),
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert "sessions" in refused.json["errors"]


def test_an_own_item_moves_to_the_clinic_and_never_back(app, client, clinic):
    _, author, colleague, _ = clinic
    post(client, author, "exercises", move_body("own-nod"))
    post(client, author, "programs", plan_body("own-plan", "own-nod"))
    assert get(client, colleague, "/exercises/own-nod").status_code == 404

    unchanged = client.patch(
        f"{API}/exercises/own-nod", json={"owner": "me"}, headers=author.headers
    )
    assert unchanged.status_code == 200 and unchanged.json["owner"] == "me"

    for kind, slug in (("exercises", "own-nod"), ("programs", "own-plan")):
        moved = client.patch(
            f"{API}/{kind}/{slug}", json={"owner": "clinic"}, headers=author.headers
        )
        assert moved.status_code == 200, moved.json
        assert moved.json["owner"] == "clinic"
        assert moved.json["author"]["id"] == author.id
        seen = get(client, colleague, f"/{kind}/{slug}")
        assert seen.status_code == 200 and seen.json["owner"] == "clinic"

        before = rows(app, Exercise) + rows(app, Program)
        back = client.patch(
            f"{API}/{kind}/{slug}", json={"owner": "me"}, headers=author.headers
        )
        assert back.status_code == 422, back.json
        assert list(back.json["errors"]) == ["owner"]
        assert "cannot become your own" in back.json["errors"]["owner"][0]
        assert rows(app, Exercise) + rows(app, Program) == before

    bad = client.patch(
        f"{API}/exercises/own-nod", json={"owner": "library"}, headers=author.headers
    )
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["owner"]
    library = client.patch(
        f"{API}/exercises/test-bracing",
        json={"owner": "clinic"},
        headers=author.headers,
    )
    assert library.status_code == 403


def test_slugs_never_clash_within_a_clinic(app, client, clinic):
    admin, author, colleague, outsider = clinic
    # Two members may each have an own item of one slug; another clinic's too.
    for who in (author, colleague, outsider):
        assert post(client, who, "exercises", move_body("desk-nod")).status_code == 201
    post(client, author, "exercises", {**move_body(), "owner": "clinic"})
    before = rows(app, Exercise)

    def refused(who, body, says, **query):
        response = post(client, who, "exercises", body, **query)
        assert response.status_code == 422, response.json
        assert list(response.json["errors"]) == ["slug"]
        assert says in response.json["errors"]["slug"][0]

    # A new clinic item: not the library's, the clinic's, nor any member's own.
    refused(admin, {**move_body("test-bracing"), "owner": "clinic"}, "The library")
    refused(admin, {**move_body("clinic-nod"), "owner": "clinic"}, "clinic's library")
    refused(admin, {**move_body("desk-nod"), "owner": "clinic"}, "A colleague")
    refused(author, {**move_body("desk-nod"), "owner": "clinic"}, "You already")
    # A new own item: not the library's, the clinic's, nor your own.
    refused(colleague, move_body("test-bracing"), "The library")
    refused(colleague, move_body("clinic-nod"), "clinic's library")
    refused(colleague, move_body("desk-nod"), "You already")
    # Moving an own item to the clinic: no member may hold that slug as their own.
    moved = client.patch(
        f"{API}/exercises/desk-nod", json={"owner": "clinic"}, headers=author.headers
    )
    assert moved.status_code == 422, moved.json
    assert list(moved.json["errors"]) == ["slug"]
    assert "A colleague" in moved.json["errors"]["slug"][0]
    assert rows(app, Exercise) == before
    # Another clinic's member may use the slug of this clinic's item.
    assert (
        post(client, outsider, "exercises", move_body("clinic-nod")).status_code == 201
    )


def test_yaml_import_for_the_clinic_and_export_of_a_clinic_item(app, client, clinic):
    _, author, colleague, outsider = clinic
    upload = client.post(
        f"{API}/programs/import",
        data=PLAN_YAML,
        content_type="application/yaml",
        headers=author.headers,
        query_string={"owner": "clinic"},
    )
    assert upload.status_code == 201, upload.json
    assert upload.json["owner"] == "clinic"
    assert upload.json["author"]["id"] == author.id

    exported = get(client, colleague, "/programs/uploaded-plan.yaml")
    assert exported.status_code == 200
    assert exported.mimetype == "application/yaml"
    assert exported.text.startswith("slug: uploaded-plan\ntitle: Uploaded plan\n")
    assert "owner" not in exported.text and "author" not in exported.text
    assert get(client, outsider, "/programs/uploaded-plan.yaml").status_code == 404

    # The same file again, for the colleague alone: the clinic has that slug.
    again = client.post(
        f"{API}/programs/import",
        data=exported.text,
        content_type="application/yaml",
        headers=colleague.headers,
    )
    assert again.status_code == 422
    assert again.json["problems"][0]["field"] == "slug"
    assert again.json["problems"][0]["line"] == 1
    # ?owner= takes me or clinic only; me is the default.
    before = rows(app, Program)
    bad = client.post(
        f"{API}/programs/import",
        data=PLAN_YAML.replace("uploaded-plan", "other-plan"),
        content_type="application/yaml",
        headers=colleague.headers,
        query_string={"owner": "everyone"},
    )
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["owner"]
    assert rows(app, Program) == before
    mine = client.post(
        f"{API}/exercises/import",
        data=_exercise_yaml(),
        content_type="application/yaml",
        headers=colleague.headers,
    )
    assert mine.status_code == 201 and mine.json["owner"] == "me"


def _exercise_yaml() -> str:
    return """slug: uploaded-move
name: Uploaded move
category: nerve_glide
regions: [low_back]
summary: Uploaded as a file.
instructions:
  - Sit.
  - Slide.
cues:
  - Gently.
cautions:
  - Stop if tingling lasts.
dosage:
  sets: 1
  reps: 5
"""


def test_a_patient_sees_a_clinic_program_in_their_plan(client, clinic, make_patient):
    admin, author, colleague, outsider = clinic
    post(client, author, "exercises", {**move_body(), "owner": "clinic"})
    post(client, author, "programs", {**plan_body(), "owner": "clinic"})
    # Another clinic's item of the same slug is never the one the patient sees.
    post(client, outsider, "exercises", {**move_body(name="Theirs"), "owner": "clinic"})
    patient, other = make_patient(colleague), make_patient(colleague)
    assert get(client, patient, "/programs/clinic-plan").status_code == 404
    assert get(client, patient, "/exercises/clinic-nod").status_code == 404

    assigned = client.post(
        f"{API}/patients/{patient.id}/assignments",
        json={"program": "clinic-plan"},
        headers=colleague.headers,
    )
    assert assigned.status_code == 201, assigned.json

    program = get(client, patient, "/programs/clinic-plan")
    assert program.status_code == 200, program.json
    assert program.json["owner"] == "clinic"
    assert program.json["editable"] is False
    exercise = get(client, patient, "/exercises/clinic-nod")
    assert exercise.status_code == 200
    assert (exercise.json["name"], exercise.json["owner"]) == ("Clinic nod", "clinic")
    assert listed(client, patient, "programs", owner="clinic") == {
        "clinic-plan": "clinic"
    }
    assert listed(client, patient)["clinic-nod"] == "clinic"
    # Their therapist's other patient has no such plan.
    assert get(client, other, "/programs/clinic-plan").status_code == 404
    assert "clinic-nod" not in listed(client, other)


def test_the_owner_filter(client, clinic):
    _, author, colleague, _ = clinic
    post(client, author, "exercises", {**move_body(), "owner": "clinic"})
    post(client, colleague, "exercises", move_body("own-nod"))

    assert listed(client, colleague, owner="me") == {"own-nod": "me"}
    assert listed(client, colleague, owner="clinic") == {"clinic-nod": "clinic"}
    assert listed(client, colleague, owner="library") == {
        "test-bracing": "library",
        "test-chin-tuck": "library",
    }
    assert set(listed(client, colleague)) == {
        "own-nod",
        "clinic-nod",
        "test-bracing",
        "test-chin-tuck",
    }
    # The author sees it as the clinic's, not as theirs.
    assert listed(client, author, owner="me") == {}
    bad = get(client, colleague, "/exercises", owner="therapist")
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["owner"]
    bad = post(
        client, colleague, "exercises", {**move_body("x-nod"), "owner": "library"}
    )
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["owner"]
