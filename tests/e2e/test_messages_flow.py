"""Messages in the browser: a message from the phone reaches the therapist's
screen, and the reply reaches the phone; a message written offline is sent once
when the phone is back online.

Headless Chromium has no push service, so the reply's push is handed to the
phone's service worker through the DevTools protocol, with the title and link
the server wrote for it; the server side of that push is covered against a
decrypting push service in tests/api/test_messages.py."""

import json

from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in


def open_messages(page) -> None:
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages", exact=True)).to_be_visible()


def deliver_push(context, page, base: str, payload: dict) -> None:
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": base,
            "registrationId": registrations[0]["registrationId"],
            "data": json.dumps(payload),
        },
    )


def test_a_message_reaches_the_therapist_and_the_reply_the_phone(
    phone, desktop, live_server, new_patient
):
    patient = new_patient("Messaging Patient")
    phone.grant_permissions(["notifications"])
    mobile = phone.new_page()
    sign_in(mobile, patient["email"], patient["password"])
    open_messages(mobile)
    mobile.get_by_role("textbox", name="Message").fill(
        "Can I do the stretches in the evening?"
    )
    mobile.get_by_role("button", name="Send").click()
    thread = mobile.get_by_role("log", name="Messages with your therapist")
    expect(thread).to_contain_text("Can I do the stretches in the evening?")
    expect(thread).not_to_contain_text("Not sent yet")

    # The therapist sees the thread with one unread message, and answers.
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    page.get_by_role("link", name="Messages").first.click()
    link = page.get_by_role("link", name="Messaging Patient")
    expect(link).to_contain_text("1")
    expect(link).to_contain_text("Can I do the stretches in the evening?")
    link.click()
    their_thread = page.get_by_role("log", name="Messages with Messaging Patient")
    expect(their_thread).to_contain_text("Can I do the stretches in the evening?")
    page.get_by_role("textbox", name="Message").fill(
        "Yes, evenings are fine. Go gently."
    )
    page.get_by_role("button", name="Send").click()
    expect(their_thread).to_contain_text("Yes, evenings are fine.")
    screenshot(page, "messages-therapist")

    # The phone gets the push the server wrote; the open thread shows the reply.
    [note] = call(live_server, "GET", "/me/notifications", token=patient["token"])
    assert note["kind"] == "message" and note["url"] == "/#/messages"
    deliver_push(
        phone,
        mobile,
        live_server,
        {**note, "tag": "kinetic-message"},
    )
    expect(thread).to_contain_text("Yes, evenings are fine. Go gently.", timeout=5000)
    expect(thread).to_contain_text("Seen")  # the therapist read the question
    expect(mobile.locator("#messages-badge")).to_be_hidden()  # read on the phone
    screenshot(mobile, "messages")
    mine = call(live_server, "GET", "/me/messages", token=patient["token"])
    assert [m["from_patient"] for m in mine] == [True, False]
    assert mine[1]["read_at"] is not None  # read on the phone


def test_a_message_written_offline_is_sent_once(phone, live_server, new_patient):
    patient = new_patient("Offline Writer")
    mobile = phone.new_page()
    sign_in(mobile, patient["email"], patient["password"])
    open_messages(mobile)
    expect(mobile.get_by_text("No messages yet")).to_be_visible()

    phone.set_offline(True)
    mobile.get_by_role("textbox", name="Message").fill("Written on the train")
    mobile.get_by_role("button", name="Send").click()
    thread = mobile.get_by_role("log", name="Messages with your therapist")
    expect(thread).to_contain_text("Not sent yet")
    expect(mobile.get_by_text("1 waiting to sync")).to_be_visible()

    phone.set_offline(False)
    mobile.evaluate("window.dispatchEvent(new Event('online'))")
    expect(thread).not_to_contain_text("Not sent yet")
    expect(thread).to_contain_text("Written on the train")
    sent = call(live_server, "GET", "/me/messages", token=patient["token"])
    assert [m["body"] for m in sent] == ["Written on the train"]


def test_red_flag_words_bring_urgent_advice_on_the_phone(
    phone, live_server, new_patient
):
    patient = new_patient("Worried Writer")
    mobile = phone.new_page()
    sign_in(mobile, patient["email"], patient["password"])
    open_messages(mobile)

    mobile.get_by_role("textbox", name="Message").fill(
        "Since this morning my saddle area is numb."
    )
    mobile.get_by_role("button", name="Send").click()

    urgent = mobile.get_by_role("alert").filter(has_text="Seek urgent medical care now")
    expect(urgent).to_be_visible()
    expect(urgent).to_contain_text("numbness between the legs")
    expect(urgent).to_be_focused()

    # The therapist has a red_flag alert quoting it; they acknowledge it (which
    # also leaves the shared demo therapist's alert list as it was).
    login = {"email": DEMO["therapist"][0], "password": DEMO["therapist"][1]}
    token = call(live_server, "POST", "/auth/login", login)["token"]
    open_alerts = call(live_server, "GET", "/alerts?status=open", token=token)
    [alert] = [a for a in open_alerts if a["patient_id"] == patient["id"]]
    assert alert["kind"] == "red_flag" and "saddle area" in alert["summary"]
    body = {"status": "acknowledged"}
    call(live_server, "PATCH", f"/alerts/{alert['id']}", body, token)
