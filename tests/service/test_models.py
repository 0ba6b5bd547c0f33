"""The service over the real encoder and spaCy (marker ``model``; session-scoped weights)."""

from __future__ import annotations

from typing import Any

import pytest
import service_factories as factories
from fastapi.testclient import TestClient

from service.app import create_app
from service.runtime import LockedSegmenter, Runtime
from service.settings import Settings


@pytest.mark.model
def test_models_real_pipeline_end_to_end(
    tmp_path: Any, real_embedder: Any, real_segmenter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = Runtime(embedder=real_embedder, segmenter=LockedSegmenter(real_segmenter))
    monkeypatch.setattr(Runtime, "load", classmethod(lambda cls, settings: runtime))
    settings = Settings(data_dir=tmp_path, log_level="WARNING")
    with TestClient(create_app(settings)) as client:
        from service import auth, db

        with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
            _, key = auth.create_key(session=session, org_name="real-org")
        headers = {"Authorization": f"Bearer {key}"}
        fw = client.post("/v1/frameworks", content=factories.FRAMEWORK_YAML, headers=headers)
        framework_id = fw.json()["id"]
        memo = client.post(
            "/v1/score-memo",
            json={"framework_id": framework_id, "text": factories.MEMOS["m-billing"][3]},
            headers=headers,
        )
        assert memo.status_code == 200, memo.text
        assert 0 <= memo.json()["score"] <= 1
        factories.upload_json(client, headers, {"documents": factories.json_docs()})
        audit = client.post("/v1/audits", json={"framework_id": framework_id}, headers=headers)
        status = factories.wait_for_audit(client, headers, audit.json()["id"], timeout=120)
        assert status["status"] == "done", status
        report = client.get(f"/v1/audits/{status['id']}/report", headers=headers).json()
        assert report["corpus"]["documents"] == 3
