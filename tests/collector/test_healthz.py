def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_public_responses_set_no_cookie_and_do_not_vary_on_cookie(client):
    from tests.factories import create_office

    create_office()
    client.set_cookie("session", "whatever-a-browser-sent", domain="localhost")
    for path in ("/healthz", "/api/v1/offices/demo/survey", "/s/demo"):
        response = client.get(path, headers={"Origin": "http://demo.test"})
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.vary, path
