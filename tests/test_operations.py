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


def test_start_up_logs_no_warning_of_the_framework(tmp_path, monkeypatch):
    """Each CLI command starts the app: FAB used to log "Filter type not supported for column" four times."""
    import logging

    from app import create_app

    records = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("flask_appbuilder")
    logger.addHandler(handler)
    # An earlier logging.config call in this process (Alembic's, on migrate) may have disabled FAB's loggers.
    for name in ("flask_appbuilder", "flask_appbuilder.models.filters"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    monkeypatch.setenv("SIKINERJA_INSTANCE", str(tmp_path))
    try:
        create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}", TESTING=True)
    finally:
        logger.removeHandler(handler)
    assert [record.getMessage() for record in records] == []
