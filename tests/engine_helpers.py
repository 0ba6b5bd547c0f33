"""Test helpers for the engine: one document analysed against a framework with the hermetic
encoder and neither trained model in the way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nlp.anchors import FrameworkIndex
from nlp.applies import AppliesModel
from nlp.context import DocContext
from nlp.embed import HashEmbedder
from nlp.framework import load_framework
from nlp.pipeline import Auditor
from nlp.records import Document
from nlp.segment import RegexSegmenter
from nlp.stance_model import StanceModel

# The corpora no trained model may learn from: the blind pair measured once at the end of a stop.
HELD_OUT = frozenset({"victor", "whiskey"})


def committed_model_body(path: Path, trainer: str) -> dict[str, Any]:
    """A committed model file's JSON, checked to say how it was trained and that no held-out
    corpus was among its training data."""
    body: dict[str, Any] = json.loads(path.read_text())
    assert not HELD_OUT & set(body["trained_on"])
    assert body["command"].startswith(f"python -m {trainer}")
    return body


def prepared(
    framework_yaml: str, text: str, kind: str = "memo"
) -> tuple[DocContext, FrameworkIndex]:
    """The document's context (sentences, vectors, trade-offs) and the framework index."""
    auditor = Auditor(
        load_framework(framework_yaml),
        embedder=HashEmbedder(),
        segmenter=RegexSegmenter(),
        applies=AppliesModel.disabled(),
        stance=StanceModel.disabled(),
    )
    contexts, index = auditor.prepare([Document("m1", text, kind=kind)])
    return contexts[0], index
