"""gunicorn with two workers on the suite's database (PostgreSQL in its pass):
the same pain entry sent many times at once, as a phone retrying on a bad
network might, is stored exactly once."""

import json
import threading
import urllib.error
import urllib.request
import uuid

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
