"""`saydo serve` and `saydo keys ...`: registered on the lead's Typer app by ``register(app)``."""

from __future__ import annotations

from typing import Annotated

import typer

from service import auth, db
from service.settings import get_settings

keys_app = typer.Typer(help="Manage API keys (stored hashed; a key is shown only once).")


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the HTTP API (one process: the models load once and audits run in a worker thread)."""
    import uvicorn

    from service.app import create_app

    # One worker on purpose: each process would load its own models and run its own audits.
    uvicorn.run(
        create_app(get_settings()),
        host=host,
        port=port,
        workers=1,
        access_log=False,  # service.middleware logs one JSON line per request instead
        proxy_headers=True,
    )


def create_key(
    org: Annotated[str, typer.Option("--org", help="Organization name (created if new).")],
) -> None:
    """Create an API key for an organization; the key is printed on the last line."""
    engine = db.make_engine(get_settings().database_url_resolved)
    try:
        db.run_migrations(engine)
        with db.session_scope(engine) as session:
            organization, key = auth.create_key(session=session, org_name=org)
    finally:
        engine.dispose()
    typer.echo(f"organization: {organization.name} ({organization.id})", err=True)
    typer.echo("store this key now; it cannot be shown again", err=True)
    typer.echo(key)


def revoke_key(
    org: Annotated[str, typer.Option("--org", help="Organization name.")],
    prefix: Annotated[str, typer.Argument(help="The key's first 10 characters, e.g. sdk_AbC123.")],
) -> None:
    """Revoke an organization's key by its prefix."""
    engine = db.make_engine(get_settings().database_url_resolved)
    try:
        db.run_migrations(engine)
        with db.session_scope(engine) as session:
            count = auth.revoke_key(session=session, org_name=org, prefix=prefix)
    finally:
        engine.dispose()
    if count == 0:
        typer.echo(f"no live key {prefix!r} for organization {org!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {count} key(s)")


keys_app.command("create")(create_key)
keys_app.command("revoke")(revoke_key)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``keys create|revoke`` to the saydo command line."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
