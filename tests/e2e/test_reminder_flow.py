"""Reminders in the browser: the in-app copy after a dispatch, permission asked only
when reminders are switched on, and the service worker showing a pushed reminder.

Headless Chromium has no push service to subscribe to, so the push itself is
delivered through the DevTools protocol; the server side of Web Push is covered
against a decrypting push service in tests/test_dispatch.py."""

import json
import subprocess
from datetime import UTC, datetime

from playwright.sync_api import expect

from conftest import call, screenshot, sign_in
from kinetic import testing


def open_reminders(page) -> None:
    """From Today, where signing in lands, to Reminders."""
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()


def test_a_dispatched_reminder_shows_in_the_app(
    phone, live_server, live_dir, new_patient
):
    patient = new_patient("Reminded Patient")
    call(
        live_server,
        "PUT",
        "/me/reminders",
        {"enabled": True, "time": "06:00", "timezone": "UTC"},
        patient["token"],
    )
    today = datetime.now(UTC).date().isoformat()
    tick = subprocess.run(
        [
            testing.BIN / "kinetic",
            "reminders",
            "tick",
            "--at",
            f"{today}T06:00:00+00:00",
        ],
        env=testing.live_env(live_dir),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "reminder(s) claimed" in tick.stdout

    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    open_reminders(page)

    recent = page.get_by_role("region", name="Recent reminders")
    expect(recent.get_by_text("Time for your exercises")).to_have_count(1)
    expect(page.get_by_label("Remind me every day")).to_be_checked()
    expect(page.get_by_label("Reminder time")).to_have_value("06:00")
    screenshot(page, "reminders")


def test_permission_is_asked_only_when_reminders_are_switched_on(
    phone, live_server, new_patient
):
    patient = new_patient("Asked Patient")
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    open_reminders(page)
    save = page.get_by_role("button", name="Save reminder")
    switch = page.get_by_label("Remind me every day")

    expect(switch).not_to_be_checked()
    save.click()
    expect(page.get_by_text("Saved. Reminders are off.")).to_be_visible()
    assert page.evaluate("Notification.permission") == "default"  # not asked

    switch.check()
    save.click()
    # Headless Chromium answers the prompt with "deny": so it was asked, and the
    # patient learns that reminders still come in the app.
    expect(page.get_by_text("Notifications are blocked for this site")).to_be_visible()
    assert page.evaluate("Notification.permission") == "denied"
    settings = call(live_server, "GET", "/me/reminders", token=patient["token"])
    assert settings["enabled"] is True


def test_the_service_worker_shows_a_pushed_reminder(phone, live_server, new_patient):
    patient = new_patient("Pushed Patient")
    phone.grant_permissions(["notifications"])
    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    cdp = phone.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert registrations, "the service worker is registered"
    payload = {
        "title": "Time for your exercises",
        "body": "Today's session is waiting for you. Tap to open it.",
        "url": "/#/today",
        "tag": "kinetic-reminder",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server,
            "registrationId": registrations[0]["registrationId"],
            "data": json.dumps(payload),
        },
    )
    # The push event runs in the worker; wait (up to 5 s) for what it shows.
    shown = page.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            for (let i = 0; i < 50; i++) {
                const list = await reg.getNotifications();
                if (list.length) return list.map((n) => ({title: n.title,
                    body: n.body, tag: n.tag, url: n.data && n.data.url}));
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return [];
        }"""
    )
    assert shown == [
        {
            "title": payload["title"],
            "body": payload["body"],
            "tag": "kinetic-reminder",
            "url": "/#/today",
        }
    ]
