"""Command-line tools: `flask --app app seed` loads reference data, the demo and its accounts."""
import click
from flask import current_app

from app.services import seeding


def register_cli(app) -> None:
    @app.cli.command("seed")
    @click.option("--demo/--no-demo", default=True, help="Also load the Tanjung Selor demo and its accounts.")
    def seed(demo):
        """Create roles, load reference data and (by default) the demo. Safe to run repeatedly."""
        created = seeding.seed_everything(current_app.config["DEMO_PASSWORD"], demo=demo)
        click.echo("Reference data loaded.")
        if demo:
            click.echo(f"Demo loaded; new accounts: {', '.join(created) or 'none'}.")
            click.echo(f"Demo password for every demo account: {current_app.config['DEMO_PASSWORD']}")
