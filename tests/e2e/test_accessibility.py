"""axe-core on every screen of both roles, at the WCAG 2.2 AA tags: 0 violations.
Each flow collects what axe finds per screen and fails once, naming them all."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from conftest import (
    DEMO,
    ask_peg3,
    axe_violations,
    call,
    open_section,
    sign_in,
)

PROGRAM = "forward-head-posture-correction"  # three exercises, 2 sets each


def check(page, screen: str, found: dict) -> None:
    page.wait_for_load_state("networkidle")
    if violations := axe_violations(page):
        found[screen] = violations


def check_paused(page, screen: str, found: dict) -> None:
    """axe waits on timers: the player's paused clock runs while it checks."""
    page.clock.resume()
    check(page, screen, found)
    now = page.evaluate("Date.now()") / 1000
    page.clock.pause_at(datetime.fromtimestamp(now + 1, UTC))


def report(found: dict) -> str:
    return "\n".join(
        f"{screen}: {line}" for screen, lines in found.items() for line in lines
    )


def shown(page, name: str) -> None:
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def visit(page, hash_: str, name: str, found: dict) -> None:
    page.goto(f"/#/{hash_}")
    shown(page, name)
    check(page, hash_, found)


def test_every_patient_screen_has_no_violations(phone, live_server, new_patient):
    found: dict[str, list[str]] = {}
    page = phone.new_page()
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    check(page, "sign in", found)
    sign_in(page, *DEMO["patient"])
    shown(page, "Today")
    check(page, "today", found)
    for hash_, name in (
        ("pain", "Log pain"),
        ("trends", "Trends"),
        ("messages", "Messages"),
        ("reminders", "Reminders"),
        ("account", "Account"),
    ):
        visit(page, hash_, name, found)

    patient = new_patient("Quinn Questions")
    ask_peg3(live_server, patient)
    fresh = phone.new_page()
    fresh.goto("/")
    fresh.evaluate("localStorage.clear()")
    sign_in(fresh, patient["email"], patient["password"])
    fresh.get_by_role("link", name="Answer PEG-3").click()
    shown(fresh, "PEG-3")
    check(fresh, "questionnaire", found)

    assert found == {}, report(found)


def test_every_stage_of_the_player_has_no_violations(phone, live_server, new_patient):
    found: dict[str, list[str]] = {}
    patient = new_patient("Axel Player", PROGRAM)
    (session,) = call(live_server, "GET", "/me/today", token=patient["token"])[
        "sessions"
    ]
    first, second, third = session["exercises"]
    page = phone.new_page()
    page.clock.install()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.session").get_by_role("link", name="Start").click()
    shown(page, first["name"])
    expect(page.get_by_role("heading", name="Before your first set")).to_be_visible()
    check(page, "player: ready, cautions to confirm", found)
    page.get_by_role("button", name="I have read these").click()
    check(page, "player: ready", found)
    now = page.evaluate("Date.now()") / 1000
    page.clock.pause_at(datetime.fromtimestamp(now + 1, UTC))
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(1500)
    expect(page.locator(".clock .phase")).to_have_text("Hold")
    check_paused(page, "player: work", found)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator(".clock .phase")).to_have_text("Rest")
    check_paused(page, "player: rest", found)
    rest = first["dosage"].get("rest_seconds", 30)
    page.clock.run_for(rest * 1000)
    page.clock.run_for(first["dosage"]["reps"] * (3000 + 5000))
    shown(page, "How did it go?")
    check_paused(page, "player: feedback", found)
    page.get_by_role("radiogroup", name="Pain during this exercise").get_by_role(
        "radio", name="2", exact=True
    ).check()
    page.get_by_role("button", name="Next exercise").click()
    shown(page, second["name"])
    page.get_by_role("button", name="Skip").click()
    shown(page, third["name"])
    page.get_by_role("button", name="Skip").click()
    shown(page, "End of the session")
    check_paused(page, "player: end", found)
    page.get_by_role("button", name="Finish session").click()
    expect(
        page.get_by_role("heading", name=re.compile("Thank you|Well done"))
    ).to_be_visible()
    check_paused(page, "player: finished", found)

    assert found == {}, report(found)


def test_every_therapist_screen_has_no_violations(desktop):
    found: dict[str, list[str]] = {}
    page = desktop.new_page()
    sign_in(page, *DEMO["therapist"])
    shown(page, "Patients")
    check(page, "patients", found)
    page.get_by_role("link", name="Pat Demo").first.click()
    expect(page.get_by_role("heading", name=re.compile("Pat Demo"))).to_be_visible()
    check(page, "patient page: overview", found)
    open_section(page, "Care team")
    expect(page.get_by_role("region", name="Care team")).to_contain_text("Lead")
    check(page, "patient page: care team", found)
    for section in ("Progress", "Outcomes", "Messages", "Report", "Plan"):
        open_section(page, section)
        expect(page).to_have_url(re.compile(f"/{section.lower()}$"))
        check(page, f"patient page: {section.lower()}", found)
    page.get_by_role("link", name=re.compile("^Tailor plan")).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Tailor plan"))).to_be_visible()
    check(page, "tailoring", found)
    for hash_, name in (
        ("library", "Library"),
        ("library/programs", "Library"),
        ("library/programs/new", "New program"),
        ("alerts", "Alerts"),
        ("messages", "Messages"),
        ("invite", "Invite a patient"),
        ("account", "Account"),
        ("clinic", "Clinic"),
    ):
        visit(page, hash_, name, found)
    page.get_by_role("button", name=re.compile("^Remove ")).first.click()
    check(page, "clinic: remove a member", found)
    page.goto("/#/messages")
    page.locator("main a[href^='#/messages/']").first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Messages with"))
    ).to_be_visible()
    check(page, "messages with a patient", found)

    assert found == {}, report(found)


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const controls = 'button, a.button, input, select, textarea';
  const outside = (el) => {
    const r = el.getBoundingClientRect();
    return r.left < 0 || r.right > width + 1;
  };
  const cut = [...document.querySelectorAll(controls)]
    .filter((el) => el.offsetParent !== null)
    .filter(outside)
    .map((el) => el.textContent.trim() || el.name || el.outerHTML.slice(0, 60));
  return {scroll: document.documentElement.scrollWidth - width, cut};
}"""


def test_text_is_usable_at_200_percent_zoom(browser, live_server):
    # A 1280 x 900 desktop at 200 % zoom lays out as 640 x 450 CSS pixels.
    context = browser.new_context(
        viewport={"width": 640, "height": 450},
        device_scale_factor=2,
        base_url=live_server,
    )
    problems = {}
    try:
        for role, screens in (
            (
                "patient",
                ["today", "pain", "trends", "messages", "reminders", "account"],
            ),
            (
                "therapist",
                ["patients", "library", "alerts", "messages", "invite", "clinic"],
            ),
        ):
            page = context.new_page()
            page.goto("/")
            page.evaluate("localStorage.clear()")
            sign_in(page, *DEMO[role])
            page.get_by_role("navigation", name="Main").wait_for()
            for name in screens:
                page.goto(f"/#/{name}")
                page.locator("main h1").wait_for()
                page.wait_for_load_state("networkidle")
                found = page.evaluate(OVERFLOW)
                if found["scroll"] > 0 or found["cut"]:
                    problems[f"{role} {name}"] = found
            page.close()
    finally:
        context.close()

    assert problems == {}
