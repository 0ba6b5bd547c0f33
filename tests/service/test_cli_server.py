"""`saydo keys create` and `saydo serve` as registered on a Typer app."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service import cli_server
from service.settings import get_settings


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("SAYDO_DATABASE_URL", database_url)
    get_settings.cache_clear()
    app = typer.Typer()
    cli_server.register(app)
    yield app
    get_settings.cache_clear()


def test_cli_keys_create_prints_a_working_key_last(cli: typer.Typer, client: TestClient) -> None:
    result = CliRunner().invoke(cli, ["keys", "create", "--org", "Northwind"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("sdk_")
    resp = client.get("/v1/documents", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 200

    again = CliRunner().invoke(cli, ["keys", "create", "--org", "Northwind"])
    second = again.stdout.strip().splitlines()[-1]
    assert second != key  # a second key for the same organization

    revoke = CliRunner().invoke(cli, ["keys", "revoke", "--org", "Northwind", key[:10]])
    assert revoke.exit_code == 0, revoke.output
    assert (
        client.get("/v1/documents", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )


def test_cli_keys_create_needs_a_name(cli: typer.Typer) -> None:
    assert CliRunner().invoke(cli, ["keys", "create"]).exit_code != 0


def test_cli_serve_is_registered(cli: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake_run(app: object, **kwargs: object) -> None:
        seen.update(kwargs, app=app)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("SAYDO_EMBEDDER", "hash")
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"], seen["workers"]) == ("127.0.0.1", 8123, 1)


def test_cli_settings_from_env(tmp_path: Path) -> None:
    from service.settings import Settings, SettingsError

    settings = Settings.from_env(
        {"SAYDO_DATA_DIR": str(tmp_path), "SAYDO_EMBEDDER": "hash", "SAYDO_MAX_FILE_BYTES": "10"}
    )
    assert settings.database_url_resolved == f"sqlite:///{tmp_path / 'saydo.db'}"
    assert (settings.embedder, settings.max_file_bytes) == ("hash", 10)
    with pytest.raises(SettingsError, match="auto, onnx, torch, hash"):
        Settings.from_env({"SAYDO_EMBEDDER": "gpu"})
    with pytest.raises(SettingsError, match="SAYDO_MAX_FILE_BYTES"):
        Settings.from_env({"SAYDO_MAX_FILE_BYTES": "lots"})
