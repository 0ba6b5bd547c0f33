"""Our trained models' JSON files (``models/*.json``, kept in git): where they live, how they
are read. The weights themselves are small; each model module builds its object from the body."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from nlp.embed_onnx import models_dir
from nlp.errors import ModelUnavailableError

T = TypeVar("T")

# Our models' features are cosines between MiniLM vectors; another encoder (the hashing one used
# in tests) puts them on another scale, where the trained coefficients mean nothing.
TRAINED_ENCODER = "minilm-l6-v2"


def trained_model_path(file_name: str) -> Path:
    """In ``$SAYDO_MODELS_DIR`` when it holds the file (an installed service), else the
    repository's ``models/`` where git keeps it."""
    env = models_dir() / file_name
    return env if env.exists() else Path(__file__).resolve().parent.parent / "models" / file_name


def load_trained_model(
    path: Path,
    features: Sequence[str],
    what: str,
    trainer: str,
    build: Callable[[dict[str, Any]], T],
) -> T:
    """The model ``build`` makes of the file's JSON body; a file that is unreadable, trained on
    other features or missing or mangling a part is refused with a clear error."""
    body = _read_body(path, features, what, trainer)
    try:
        return build(body)
    except (KeyError, TypeError, ValueError) as exc:  # a body missing or mangling a part
        raise ModelUnavailableError(f"cannot read the {what} model {path}: {exc}") from exc


def _read_body(path: Path, features: Sequence[str], what: str, trainer: str) -> dict[str, Any]:
    """The file's JSON body, refused with a clear error when unreadable or trained on other
    features than the code computes (``trainer``: the module that retrains it)."""
    try:
        body = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"cannot read the {what} model {path}: {exc}") from exc
    if not isinstance(body, dict) or body.get("features") != list(features):
        raise ModelUnavailableError(
            f"{path} was trained on other features; retrain with `python -m {trainer}`"
        )
    return body
