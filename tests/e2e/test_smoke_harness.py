def test_the_live_server_serves_the_app_to_chromium(phone):
    page = phone.new_page()
    response = page.goto("/")
    assert response.status == 200
    assert page.title() == "Kinetic Chain"
    assert page.evaluate("fetch('/healthz').then(r => r.json())") == {"status": "ok"}
