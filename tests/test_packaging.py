"""What a container needs: every trained model the engine loads is copied into the image."""

from __future__ import annotations

from pathlib import Path

from nlp import applies, genre, stance_model

ROOT = Path(__file__).resolve().parents[1]


def test_the_image_copies_every_trained_model_the_engine_loads() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = " ".join(line for line in dockerfile.splitlines() if line.startswith("COPY models/"))
    for module in (applies, stance_model, genre):
        assert f"models/{module.MODEL_FILE}" in copied, module.__name__
        assert (ROOT / "models" / module.MODEL_FILE).exists()  # tracked in git
