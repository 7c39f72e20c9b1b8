"""Test clients that ask for English answers, so tests can assert the source messages whatever the
Indonesian catalogue says (the default locale is id)."""


class InEnglish:
    """Wraps a test client: every request carries ``_l_=en`` (FAB's locale selector for API clients)."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name not in ("get", "post", "put", "delete"):
            return method

        def call(url, *args, **kwargs):
            return method(url + ("&" if "?" in url else "?") + "_l_=en", *args, **kwargs)
        return call


def english_browser(client):
    """A logged-in browser whose session language is English."""
    client.get("/lang/en")
    return client
