"""The calendar feed: a secret URL that a new one replaces and DELETE revokes,
an iCalendar file of the next four weeks at the reminder time, in the patient's
timezone, with an alarm each, following the plan as it changes."""

import threading
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest

API = "/api/v1"
PUBLIC_URL = "http://127.0.0.1:8000"  # TestConfig's


@pytest.fixture
def patient(clock, make_therapist, make_patient, make_assignment, client):
    therapist = make_therapist()
    patient = make_patient(therapist, timezone="Europe/Berlin")
    # Tuesdays and Thursdays from Tuesday 2026-03-10, for six weeks.
    patient.assignment_id = make_assignment(
        patient, therapist, start_date="2026-03-10", days_of_week=[1, 3], weeks=6
    )
    patient.therapist = therapist
    client.put(
        f"{API}/me/reminders",
        json={"enabled": True, "time": "07:30"},
        headers=patient.headers,
    )
    return patient


def link(client, patient) -> str:
    answer = client.post(f"{API}/me/calendar", headers=patient.headers)
    assert answer.status_code == 201, answer.json
    assert answer.json["webcal_url"].startswith("webcal://")
    return answer.json["url"]


def fetch(client, url: str, **kwargs):
    assert url.startswith(f"{PUBLIC_URL}/api/v1/calendar/"), url
    return client.get(urlsplit(url).path, **kwargs)


def events(response) -> list:
    calendar = icalendar.Calendar.from_ical(response.data)
    return [c for c in calendar.walk("VEVENT")]


def test_the_feed_lists_four_weeks_of_sessions_at_the_reminder_time(client, patient):
    url = link(client, patient)

    answer = fetch(client, url)

    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    found = events(answer)
    starts = [e.decoded("dtstart") for e in found]
    # Tue and Thu from 10 March up to 6 April: 8 days.
    assert [s.date().isoformat() for s in starts] == [
        "2026-03-10", "2026-03-12", "2026-03-17", "2026-03-19",
        "2026-03-24", "2026-03-26", "2026-03-31", "2026-04-02",
    ]  # fmt: skip
    assert all(s.hour == 7 and s.minute == 30 for s in starts)
    assert {str(s.tzinfo) for s in starts} == {"Europe/Berlin"}
    # Summer time begins on 29 March: 07:30 local is 06:30 UTC before, 05:30 after.
    assert starts[0].utcoffset() == timedelta(hours=1)
    assert starts[-1].utcoffset() == timedelta(hours=2)
    text = answer.get_data(as_text=True)
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Berlin" in text
    assert "DTSTART;TZID=Europe/Berlin:20260310T073000" in text
    for event in found:
        [alarm] = event.walk("VALARM")
        assert alarm["action"] == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(0)
        assert event["description"].startswith("Test plan:\n- Test bracing")
        assert event["summary"] == "Exercises"
    assert len({e["uid"] for e in found}) == len(found)
    assert {str(e["url"]) for e in found} == {f"{PUBLIC_URL}/#/today"}
    assert f"Open Kinetic Chain: {PUBLIC_URL}/#/today" in found[0]["description"]


def test_the_host_header_changes_neither_the_link_nor_the_feed(client, patient):
    """Every URL comes from PUBLIC_URL: a client naming another host (or a proxy
    passing one through) gets the same link and the same file."""
    answer = client.post(
        f"{API}/me/calendar",
        headers={**patient.headers, "Host": "kinetic.example.org"},
        base_url="https://kinetic.example.org",
    )
    assert answer.status_code == 201, answer.json
    url = answer.json["url"]
    assert url.startswith(f"{PUBLIC_URL}/api/v1/calendar/")
    assert answer.json["webcal_url"] == "webcal://" + url.split("://", 1)[1]

    plain = fetch(client, url)
    elsewhere = fetch(client, url, headers={"Host": "evil.example"})

    assert plain.status_code == elsewhere.status_code == 200
    assert elsewhere.data == plain.data
    assert b"evil.example" not in plain.data and b"localhost" not in plain.data


def test_the_feed_follows_the_plan_as_it_changes(client, patient):
    url = link(client, patient)
    paused = client.patch(
        f"{API}/assignments/{patient.assignment_id}",
        json={"status": "paused"},
        headers=patient.therapist.headers,
    )
    assert paused.status_code == 200

    assert events(fetch(client, url)) == []


@pytest.mark.parametrize("body", [{}, {"exercises_done": []}], ids=["done", "partly"])
def test_a_done_or_partly_done_session_leaves_the_feed(client, patient, body):
    url = link(client, patient)
    today = client.get(f"{API}/me/today", headers=patient.headers).json
    [session] = today["sessions"]
    done = client.post(
        f"{API}/sessions/{session['id']}/complete", json=body, headers=patient.headers
    )
    assert done.json["status"] == ("done" if not body else "partly_done")

    first = events(fetch(client, url))[0].decoded("dtstart")
    assert first.date().isoformat() == "2026-03-12"


def test_a_new_link_replaces_the_old_and_delete_revokes(client, clock, patient):
    old = link(client, patient)
    clock.advance(seconds=30)
    new = link(client, patient)

    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    state = client.get(f"{API}/me/calendar", headers=patient.headers).json
    assert state["active"] is True

    revoked = client.delete(f"{API}/me/calendar", headers=patient.headers)
    again = client.delete(f"{API}/me/calendar", headers=patient.headers)

    assert revoked.status_code == 204 and again.status_code == 404
    gone = fetch(client, new)
    assert gone.status_code == 404 and gone.json["code"] == 404
    state = client.get(f"{API}/me/calendar", headers=patient.headers).json
    assert state == {"active": False, "created_at": None}


def test_a_second_link_moments_after_the_first_is_refused(client, clock, patient):
    first = link(client, patient)
    clock.advance(seconds=29)

    again = client.post(f"{API}/me/calendar", headers=patient.headers)

    assert again.status_code == 409, again.json
    assert again.json["code"] == 409 and "moments ago" in again.json["message"]
    assert "url" not in again.json
    assert fetch(client, first).status_code == 200  # the link handed out still works
    # Turned off, a new one can be made at once.
    assert client.delete(f"{API}/me/calendar", headers=patient.headers).status_code
    assert fetch(client, link(client, patient)).status_code == 200


def test_ten_links_at_once_make_one_that_works(app, clock, patient):
    start = threading.Barrier(10)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(client.post(f"{API}/me/calendar", headers=patient.headers))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    (made,) = [a.json["url"] for a in answers if a.status_code == 201]
    assert fetch(app.test_client(), made).status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 200])
def test_an_unknown_token_is_404(client, patient, token):
    link(client, patient)

    answer = client.get(f"{API}/calendar/{token}.ics")

    assert answer.status_code == 404 and answer.json["message"] == "No such calendar."


def test_only_a_hash_of_the_token_is_stored(app, client, patient):
    from sqlalchemy import select

    from kinetic.extensions import db
    from kinetic.models import CalendarFeed

    url = link(client, patient)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalar(select(CalendarFeed.token_hash))
    assert token not in stored and len(stored) == 64


def test_an_erased_patients_link_is_404(client, patient):
    url = link(client, patient)

    assert client.delete(f"{API}/me", headers=patient.headers).status_code == 204

    assert fetch(client, url).status_code == 404


def test_without_a_reminder_setting_sessions_are_at_1800(
    client, clock, make_therapist, make_patient, make_assignment
):
    therapist = make_therapist()
    patient = make_patient(therapist, timezone="America/New_York")
    make_assignment(patient, therapist, start_date="2026-03-10", days_of_week=[1])
    url = link(client, patient)

    found = events(fetch(client, url))

    start = found[0].decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (18, 0, "America/New_York")
    assert isinstance(start, datetime)
