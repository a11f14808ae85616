"""The figures in the player on a phone, as a patient sees them: the key neck and
core exercises framed close enough to see the movement, a ghost of the start and an
arrow for the direction, and every figure resting on its supports. Screenshots of
chin tuck, glute bridge, bird dog and the side-lying clam go to docs/screenshots/
when asked (KINETIC_SCREENSHOTS=1)."""

import uuid

from playwright.sync_api import expect

from conftest import call, screenshot, sign_in, therapist_token

SHOWN = ["chin-tuck", "glute-bridge", "bird-dog", "side-lying-clam"]


def a_plan_of(live_server, new_patient, slugs: list[str]) -> dict:
    """A patient of the demo therapist whose plan today holds these exercises."""
    slug = f"figures-{uuid.uuid4().hex[:6]}"
    program = {
        "slug": slug,
        "title": "Neck and core starter",
        "summary": "A chin tuck, a bridge, a bird dog and a clam, every day.",
        "regions": ["neck", "low_back"],
        "weeks": 1,
        "days_of_week": list(range(7)),
        "sessions_per_day": 1,
        "sessions": [
            {
                "name": "All",
                "weeks": [1, 1],
                "exercises": [{"exercise": s, "sets": 1} for s in slugs],
            }
        ],
    }
    call(live_server, "POST", "/programs", program, therapist_token(live_server))
    return new_patient("Figure Patient", slug)


FIGURE_FACTS = """(svg) => {
  const box = (el) => el.getBoundingClientRect();
  const floor = svg.querySelector('.props line');
  const parts = [...svg.querySelectorAll('.body [data-part]')]
    .map((el) => el.dataset.part);
  return {
    closeup: svg.dataset.closeup === 'yes',
    ghost: svg.querySelectorAll('.ghost > *').length,
    arrows: svg.querySelectorAll('.arrows polygon').length,
    parts,
    floorY: floor ? box(floor).y : null,
    bodyBottom: Math.max(...[...svg.querySelectorAll('.body > *')]
      .map((el) => box(el).bottom)),
    height: box(svg).height,
  };
}"""


def test_the_key_figures_are_framed_ghosted_and_arrowed_on_a_phone(
    phone, live_server, new_patient
):
    patient = a_plan_of(live_server, new_patient, SHOWN)
    (session,) = call(live_server, "GET", "/me/today", token=patient["token"])[
        "sessions"
    ]
    assert [e["slug"] for e in session["exercises"]] == SHOWN
    drawings = {e["slug"]: e["drawing"] for e in session["exercises"]}
    assert drawings["chin-tuck"]["closeup"] is not None
    assert drawings["bird-dog"]["closeup"] is None

    page = phone.new_page()
    sign_in(page, patient["email"], patient["password"])
    page.locator("section.session").get_by_role("link", name="Start").click()
    facts = {}
    for index, exercise in enumerate(session["exercises"]):
        heading = page.get_by_role("heading", name=exercise["name"], exact=True)
        expect(heading).to_be_visible()
        svg = page.locator(".player .art svg")
        expect(svg).to_have_attribute("aria-label", exercise["name"])
        facts[exercise["slug"]] = svg.evaluate(FIGURE_FACTS)
        svg.scroll_into_view_if_needed()
        screenshot(page, f"figure-{exercise['slug']}")
        if index + 1 < len(session["exercises"]):
            page.get_by_role("button", name="Skip", exact=True).click()

    chin = facts["chin-tuck"]
    assert chin["closeup"] and chin["ghost"] > 5 and chin["arrows"] == 1
    # Framed on the head: the head fills a good part of the picture's height.
    assert "head" in chin["parts"]
    for slug in ("glute-bridge", "bird-dog"):
        f = facts[slug]
        assert not f["closeup"] and f["arrows"] >= 1, slug
        # Resting on the floor: the lowest body shape ends at the floor line (within
        # a few pixels of the drawn size), not above it and not far below it.
        assert abs(f["bodyBottom"] - f["floorY"]) < 0.04 * f["height"], (slug, f)
    clam = facts["side-lying-clam"]
    assert clam["arrows"] == 1 and not clam["closeup"]
