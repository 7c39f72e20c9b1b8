"""Operations: health check and request ids."""


def test_health_reports_database(app):
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_health_is_503_when_the_broker_is_unreachable(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = app.test_client().get("/health")
    finally:
        app.config["REDIS_URL"] = None
    assert response.status_code == 503 and response.json["broker"].startswith("error")


def test_request_id_is_echoed_or_generated(app):
    client = app.test_client()
    assert client.get("/login/", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    generated = client.get("/login/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
