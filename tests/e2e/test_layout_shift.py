"""Today does not jump about while it loads: the layout shifts Chromium reports
(PerformanceObserver 'layout-shift', as Lighthouse's CLS counts them) stay under
0.05 on a phone, signed in, with a questionnaire due."""

from playwright.sync_api import expect

from conftest import DEMO, call, screenshot, sign_in

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


def shifts_on_load(page) -> list[dict]:
    """Reloads the signed-in page and returns its layout shifts once it settles."""
    page.reload()
    expect(page.locator("section.session").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    return page.evaluate("window.__shifts")


def test_today_loads_without_shifting(browser, live_server, new_patient):
    patient = new_patient("Stella Still")
    email, password = DEMO["therapist"]
    therapist = call(
        live_server, "POST", "/auth/login", {"email": email, "password": password}
    )["token"]
    call(
        live_server,
        "POST",
        f"/patients/{patient['id']}/questionnaires",
        {"questionnaire": "peg-3", "every_days": 7},
        therapist,
    )
    # No service worker: every file comes over the network, the slower case.
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        base_url=live_server,
        service_workers="block",
    )
    context.add_init_script(WATCH_SHIFTS)
    page = context.new_page()
    # Lighthouse's mobile profile: a slow network and a 4x slower processor, so
    # the pieces of the screen arrive one after another as they do on a phone.
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
    sign_in(page, patient["email"], patient["password"])
    expect(page.locator("section.due")).to_be_visible()
    try:
        shifts = shifts_on_load(page)
        total = sum(s["value"] for s in shifts)
        print(f"Today's layout shift: {total:.3f}", shifts)
        assert total < 0.05, shifts
        screenshot(page, "today-loaded")
    finally:
        context.close()
