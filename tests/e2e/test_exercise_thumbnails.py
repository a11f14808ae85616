"""A small still of each exercise beside its name: on the patient's Today list, in
the therapist's library, in the picker and in the plan editor. An exercise without
a figure (a therapist's own) keeps an empty tile, never a broken picture."""

import uuid

from playwright.sync_api import expect

from conftest import DEMO, call, sign_in, therapist_token

# For each tile: whether it holds the thumbnail SVG, how many shapes are drawn in
# it, its size on screen, and whether it is hidden from screen readers.
TILES = """tiles => tiles.map((tile) => {
  const svg = tile.querySelector('svg.thumb');
  const drawn = 'polyline, polygon, circle, ellipse, rect';
  const box = (svg || tile).getBoundingClientRect();
  return {
    svg: !!svg,
    shapes: svg ? svg.querySelectorAll(drawn).length : 0,
    width: box.width,
    height: box.height,
    hidden: tile.getAttribute('aria-hidden') === 'true'
      && (!svg || svg.getAttribute('aria-hidden') === 'true'),
    empty: tile.classList.contains('empty'),
  };
})"""


def tiles(locator) -> list[dict]:
    return locator.locator(".thumb-tile").evaluate_all(TILES)


def assert_drawn(found: list[dict], count: int | None = None) -> None:
    assert found, "no thumbnail tiles"
    if count is not None:
        assert len(found) == count
    for tile in found:
        assert tile["svg"] and not tile["empty"], tile
        assert tile["shapes"] >= 5, tile
        assert tile["width"] >= 40 and tile["height"] >= 40, tile
        assert tile["hidden"], tile


def assert_empty(found: list[dict]) -> None:
    assert len(found) == 1
    assert found[0]["empty"] and not found[0]["svg"] and found[0]["hidden"]
    assert found[0]["width"] >= 40  # the same size as a drawn one: rows line up


def own_exercise(base: str, token: str) -> dict:
    """A therapist's own exercise: made through the API, it has no figure."""
    slug = f"desk-reset-{uuid.uuid4().hex[:6]}"
    made = call(
        base,
        "POST",
        "/exercises",
        {
            "slug": slug,
            "name": f"Desk reset {slug[-6:]}",
            "category": "postural_correction",
            "regions": ["neck"],
            "summary": "A short reset of head and shoulders at the desk.",
            "instructions": ["Sit tall.", "Draw your chin gently back and hold."],
            "cues": ["Move slowly."],
            "cautions": ["Stop if you feel dizzy or tingling."],
            "dosage": {"sets": 1, "reps": 8},
        },
        token,
    )
    assert made["figure"] is None
    return made


def add_to_first_phase(base: str, token: str, patient: dict, exercise: dict) -> int:
    """Appends `exercise` to the patient's plan's first phase; returns the plan's id."""
    plans = call(base, "GET", f"/patients/{patient['id']}/assignments", token=token)
    path = f"/assignments/{plans[0]['id']}/prescription"
    rx = call(base, "GET", path, token=token)
    rx["phases"][0]["exercises"].append({"exercise": exercise["slug"], "sets": 1})
    call(base, "PUT", path, rx, token)
    return plans[0]["id"]


def test_the_patient_sees_a_still_beside_each_exercise_on_today(
    phone, live_server, new_patient
):
    patient = new_patient("Thumb Patient", program="neck-headache-relief")
    token = therapist_token(live_server)
    own = own_exercise(live_server, token)
    add_to_first_phase(live_server, token, patient, own)

    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    session = page.locator("section.session").first
    session.get_by_text("Show all exercises").click()
    items = session.locator("li.exercise")
    expect(items.last).to_contain_text(own["name"])
    library = items.filter(has_not_text=own["name"])
    assert_drawn(tiles(library), count=library.count())
    assert_empty(tiles(items.filter(has_text=own["name"])))

    # On a 390 px phone the tick box, the picture, the name and the dose all fit.
    first = items.first
    for part in ["input.tick", ".thumb-tile", ".ex-name", ".dose"]:
        box = first.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, part
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    first.locator(".thumb-tile").click()  # inside the label: ticks the box
    expect(first.locator("input.tick")).to_be_checked()


def test_the_therapist_sees_stills_in_the_library_picker_and_editor(
    desktop, live_server, new_patient
):
    patient = new_patient("Thumb Tailored", program="neck-headache-relief")
    token = therapist_token(live_server)
    own = own_exercise(live_server, token)
    plan = add_to_first_phase(live_server, token, patient, own)
    page = desktop.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, *DEMO["therapist"])
    expect(page.get_by_role("link", name="Pat Demo")).to_be_visible()

    page.get_by_role("link", name="Library", exact=True).click()
    listed = page.locator(".lib-item")
    expect(listed.first).to_be_visible()
    page.get_by_label("Show").select_option("library")
    expect(listed.filter(has_text=own["name"])).to_have_count(0)
    assert_drawn(tiles(listed), count=listed.count())
    page.get_by_label("Show").select_option("all")
    assert_empty(tiles(listed.filter(has_text=own["name"])))

    # The editor's rows know only slug and name: their pictures come from the list.
    page.goto(f"/#/patients/{patient['id']}/plans/{plan}")
    phase = page.locator("fieldset.phase").first
    rows = phase.locator("li.rx")
    expect(rows.last).to_contain_text(own["name"])
    expect(phase.locator(".thumb-tile svg.thumb")).to_have_count(rows.count() - 1)
    assert_drawn(tiles(rows.filter(has_not_text=own["name"])))
    assert_empty(tiles(rows.filter(has_text=own["name"])))

    phase.get_by_role("button", name="Add exercise").click()
    picker = page.get_by_role("dialog")
    shown = picker.locator("li.pick")
    expect(shown.first).to_be_visible()
    # Other tests make exercises of their own too: the library's (no badge) all
    # have figures.
    assert_drawn(tiles(shown.filter(has_not=page.locator(".owner"))))
    picker.get_by_label("Search by name").fill(own["name"])
    expect(shown).to_have_count(1)
    assert_empty(tiles(shown))
    picker.get_by_label("Search by name").fill("levator")
    expect(shown).to_have_count(1)
    assert_drawn(tiles(shown), count=1)
    picker.get_by_role("button", name="Add Levator scapulae stretch").click()
    expect(picker).to_be_hidden()
    added = rows.filter(has_text="Levator scapulae stretch")
    assert_drawn(tiles(added), count=1)
    assert errors == []
