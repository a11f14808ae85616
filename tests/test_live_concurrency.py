"""gunicorn with two workers on the suite's database (PostgreSQL in its pass):
the same pain entry sent many times at once, as a phone retrying on a bad
network might, is stored exactly once; of two devices completing one session at
once, one wins; ten sign-ups with one new email make one account."""

import json
import threading
import urllib.error
import urllib.request
import uuid
from functools import partial

from sqlalchemy import create_engine, text

from kinetic import testing

DEMO_PATIENT = {"email": "patient@demo.kinetic", "password": "demo-patient"}


def post(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_same_entry_sent_at_once_to_two_workers_is_stored_once(
    tmp_path, fresh_database
):
    client_id = str(uuid.uuid4())
    with testing.live_server(tmp_path, workers=2, database_url=fresh_database) as url:
        _, signed_in = post(f"{url}/api/v1/auth/login", DEMO_PATIENT)
        token = signed_in["token"]
        start = threading.Barrier(12)
        answers = []

        def send():
            start.wait()
            answers.append(
                post(
                    f"{url}/api/v1/me/pain",
                    {"low_back": 4, "client_id": client_id},
                    token,
                )
            )

        threads = [threading.Thread(target=send) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 11 + [201], answers
    assert len({body["id"] for _, body in answers}) == 1
    engine = create_engine(fresh_database)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT count(*) FROM pain_entries WHERE client_id = :c"),
            {"c": client_id},
        ).scalar()
    engine.dispose()
    assert rows == 1


def get(url: str, token: str) -> tuple[int, dict | list]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.load(response)


def at_once(calls: list) -> list:
    """Runs the calls in threads released together; their answers in call order."""
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(index, call):
        start.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_devices_completing_one_session_at_once_one_wins(tmp_path, fresh_database):
    """Each of several due sessions is completed by two phones at the same moment
    with different answers: one 200, one 409 carrying the stored session, which
    is the winner's (the loser's "pain 9" must not silently replace it, nor the
    other way round)."""
    devices = [
        {"difficulty": 3, "pain_during": 1, "notes": "Phone"},
        {"difficulty": 9, "pain_during": 9, "notes": "Tablet: too hard"},
    ]
    with testing.live_server(tmp_path, workers=2, database_url=fresh_database) as url:
        _, signed_in = post(f"{url}/api/v1/auth/login", DEMO_PATIENT)
        token = signed_in["token"]
        _, listed = get(f"{url}/api/v1/me/sessions", token)
        due = [s for s in listed if s["status"] in ("missed", "pending")]
        _, today = get(f"{url}/api/v1/me/today", token)
        due = [s for s in due if s["date"] <= today["date"]][:4]
        assert len(due) >= 2, listed
        for session in due:
            path = f"{url}/api/v1/sessions/{session['id']}/complete"
            answers = at_once([partial(post, path, body, token) for body in devices])
            assert sorted(status for status, _ in answers) == [200, 409], answers
            (won,) = [body for status, body in answers if status == 200]
            (lost,) = [body for status, body in answers if status == 409]
            assert lost["session"] == won
            assert {k: won[k] for k in devices[0]} in devices
            _, stored = get(
                f"{url}/api/v1/me/sessions?from={session['date']}&to={session['date']}",
                token,
            )
            assert [s for s in stored if s["id"] == session["id"]] == [won]


def test_ten_sign_ups_with_one_new_email_at_once_make_one_account(
    tmp_path, fresh_database
):
    email = f"twin-{uuid.uuid4().hex[:8]}@example.org"
    body = {
        "email": email,
        "password": "Velvet-harbour-quartz-42",
        "name": "Twin Therapist",
        "role": "therapist",
    }
    with testing.live_server(tmp_path, workers=2, database_url=fresh_database) as url:
        path = f"{url}/api/v1/auth/register"
        answers = at_once([partial(post, path, body) for _ in range(10)])

    statuses = sorted(status for status, _ in answers)
    # One account; the others refused as a taken email is (a registration rate
    # limit, where configured, may answer 429 instead), never a 500.
    assert statuses[0] == 201 and statuses.count(201) == 1, answers
    assert set(statuses[1:]) <= {409, 429}, answers
    engine = create_engine(fresh_database)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT count(*) FROM users WHERE email = :e"), {"e": email}
        ).scalar()
    engine.dispose()
    assert rows == 1
