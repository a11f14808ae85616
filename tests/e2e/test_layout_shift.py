"""Today and Trends do not jump about while they load: the layout shifts Chromium
reports (PerformanceObserver 'layout-shift', as Lighthouse's CLS counts them) stay
under 0.05 on a throttled phone, signed in."""

from contextlib import contextmanager

from playwright.sync_api import expect

from conftest import DEMO, ask_peg3, screenshot, sign_in

WATCH_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push({
      value: entry.value,
      sources: (entry.sources || []).map(
        (s) => (s.node ? s.node.className || s.node.nodeName : '?')),
    });
  }
}).observe({ type: 'layout-shift', buffered: true });
"""


@contextmanager
def throttled_phone(browser, base: str):
    """A phone with Lighthouse's mobile handicaps: a slow network and a 4x slower
    processor, so the pieces of a screen arrive one after another; no service
    worker, so every file comes over that network."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        base_url=base,
        service_workers="block",
    )
    context.add_init_script(WATCH_SHIFTS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 150,
            "downloadThroughput": 1.6 * 1024 * 1024 / 8,
            "uploadThroughput": 750 * 1024 / 8,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    try:
        yield page
    finally:
        context.close()


def shifts_on_load(page, loaded) -> float:
    """Reloads the signed-in page; its layout shift once `loaded` and settled."""
    page.reload()
    expect(loaded).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    shifts = page.evaluate("window.__shifts")
    total = sum(s["value"] for s in shifts)
    print(f"layout shift: {total:.3f}", shifts)
    return total


def test_today_loads_without_shifting(browser, live_server, new_patient):
    patient = new_patient("Stella Still")
    # A questionnaire due: its card arrives from its own request.
    ask_peg3(live_server, patient)
    with throttled_phone(browser, live_server) as page:
        sign_in(page, patient["email"], patient["password"])
        expect(page.locator("section.due")).to_be_visible()

        assert shifts_on_load(page, page.locator("section.session").first) < 0.05
        screenshot(page, "today-loaded")


def test_trends_loads_without_shifting(browser, live_server):
    with throttled_phone(browser, live_server) as page:
        sign_in(page, *DEMO["patient"])
        page.get_by_role("link", name="Trends").click()
        chart = page.locator(".chart canvas").first

        assert shifts_on_load(page, chart) < 0.05
