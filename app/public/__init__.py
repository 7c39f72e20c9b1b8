"""Pages without login: the public survey, document verification and the recognition wall."""


def register_public(app) -> None:
    """Every public blueprint; called from create_app (imported here for the same reason as app.api's)."""
    from app.public.recognition import register_public_recognition
    from app.public.survey import register_public_survey
    from app.public.verify import register_public_verify

    register_public_survey(app)
    register_public_verify(app)
    register_public_recognition(app)
