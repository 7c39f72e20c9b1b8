"""The layers of the application point down only (DESIGN.md, "Layout"; README, "Architecture"): requests enter
through views, REST APIs, public pages and the CLI; use-cases (services) sit below them; document rendering,
signing and verification below the use-cases; pure rules (domain) at the bottom. Stated here by reading every
import of every module (also those inside functions), so that a new import that points up fails at once.
And the models agree with the migrations: what Alembic would generate from the models is empty."""
import ast
from pathlib import Path

import pytest

APP = Path(__file__).parent.parent / "app"

# layer (a package of app) → the packages of app it must never import
NEVER_IMPORTS = {
    "domain": ("app.",),  # except app.domain itself (below): the rules import nothing of the app
    "api": ("app.views",),
    "services": ("app.views", "app.api", "app.public"),
    "public": ("app.views", "app.api"),
    "documents": ("app.services", "app.views", "app.api", "app.public"),
    "models": ("app.services", "app.views", "app.api", "app.public", "app.documents"),
    # the demo sits beside the use-cases: it writes through models and services, never through a request
    "demo": ("app.views", "app.api", "app.public"),
}
# Only these modules enter the demo: `flask seed` (seed_everything) and the CLI's demo commands (`flask documents
# demo-ca`, `flask generate province`). Everything else, services included, works without app.demo.
DEMO_ENTRY_POINTS = ("app/cli.py", "app/services/seeding.py")


def imported_modules(path: Path, root: Path = APP):
    """(line, dotted name) of every module ``path`` imports, relative imports resolved."""
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)


def violations(layer: str, root: Path = APP) -> list[str]:
    own = f"app.{layer}"
    found = []
    for path in sorted((root / layer).rglob("*.py")):
        for line, module in imported_modules(path, root):
            if module == own or module.startswith(own + "."):
                continue
            if any(module.startswith(forbidden) for forbidden in NEVER_IMPORTS[layer]):
                found.append(f"{path.relative_to(root.parent)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("layer", sorted(NEVER_IMPORTS))
def test_the_layer_imports_nothing_above_it(layer):
    assert violations(layer) == []


def demo_importers(root: Path = APP) -> list[str]:
    """Every import of app.demo from outside it, but for the entry points."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if relative.startswith("app/demo/") or relative in DEMO_ENTRY_POINTS:
            continue
        found += [f"{relative}:{line} imports {module}" for line, module in imported_modules(path, root)
                  if module == "app.demo" or module.startswith("app.demo.")]
    return found


def test_only_the_seed_and_the_cli_enter_the_demo():
    assert demo_importers() == []


def test_the_demo_check_sees_a_service_that_imports_the_demo(tmp_path):
    fake_app = tmp_path / "app"
    (fake_app / "services").mkdir(parents=True)
    (fake_app / "services" / "planning.py").write_text("def f():\n    from app.demo.planning import DEMO_CHAINS\n")
    (fake_app / "services" / "seeding.py").write_text("from app.demo import load_demo_data\n")
    assert demo_importers(fake_app) == ["app/services/planning.py:2 imports app.demo.planning.DEMO_CHAINS"]


def test_the_check_sees_deferred_and_relative_imports(tmp_path):
    """An import inside a function is still a dependency, and ``from ..views`` is app.views."""
    fake_app = tmp_path / "app"
    (fake_app / "api").mkdir(parents=True)
    (fake_app / "api" / "thing.py").write_text(
        "from app.api.base import ScopedApi\n\n\ndef f():\n    from app.views.base import ScopedModelView\n"
        "    from ..views import fields\n")
    assert violations("api", fake_app) == ["app/api/thing.py:5 imports app.views.base.ScopedModelView",
                                           "app/api/thing.py:6 imports app.views.fields"]


def test_models_and_migrations_agree(app):
    """Alembic's autogenerate, comparing the migrated database with the models, finds nothing to add, drop or
    alter: a model changed without its migration (or the reverse) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.Model.metadata) == []
