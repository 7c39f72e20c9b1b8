"""Request hooks that apply to every page: bounded list paging."""
from urllib.parse import urlencode

from flask import abort, current_app, redirect, request


def register_request_hooks(app) -> None:
    @app.before_request
    def bound_list_paging():
        # FAB parses page_/psize_ with int() (a 500 on junk) and never caps the page size.
        clamped = {}
        for key, value in request.args.items():
            if key.startswith(("page_", "psize_")):
                if not value.isdigit():
                    abort(400)
                if key.startswith("psize_") and int(value) > current_app.config["LIST_PAGE_SIZE_MAX"]:
                    clamped[key] = str(current_app.config["LIST_PAGE_SIZE_MAX"])
        if clamped:
            args = request.args.to_dict(flat=False)
            args.update({key: [value] for key, value in clamped.items()})
            return redirect(f"{request.path}?{urlencode(args, doseq=True)}")
        return None
