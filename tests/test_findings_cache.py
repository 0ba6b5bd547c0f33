"""Re-auditing unchanged documents reuses their findings; changed ones are analysed again."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from nlp.embed import HashEmbedder
from nlp.findings_cache import FindingsCache, document_key
from nlp.framework import load_framework
from nlp.pipeline import CHUNK, Auditor
from nlp.records import Document
from nlp.segment import RegexSegmenter
from tests.test_pipeline import FRAMEWORK, _docs


class CountingSegmenter(RegexSegmenter):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def sentences_many(self, texts):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return super().sentences_many(texts)


def _many() -> list[Document]:
    base = _docs()
    return [
        dataclasses.replace(base[i % len(base)], id=f"d{i}", text=f"{base[i % 4].text} #{i}")
        for i in range(CHUNK + 8)
    ]


def test_findings_cache_reaudit_is_identical_and_skips_work(tmp_path: Path) -> None:
    seg = CountingSegmenter()
    auditor = Auditor(
        load_framework(FRAMEWORK),
        embedder=HashEmbedder(),
        segmenter=seg,
        cache=FindingsCache(tmp_path),
    )
    docs = _many()
    first = auditor.audit(docs)
    seg.texts.clear()
    again = auditor.audit(docs)
    assert json.dumps(again) == json.dumps(first)
    assert len(seg.texts) == CHUNK  # only the calibrating first chunk is prepared again

    changed = [*docs[:-1], dataclasses.replace(docs[-1], text=docs[-1].text + " We chose speed.")]
    seg.texts.clear()
    auditor.audit(changed)
    assert seg.texts[CHUNK:] == [changed[-1].text]


def test_findings_cache_disk_survives_a_new_auditor(tmp_path: Path) -> None:
    docs = _many()
    first = Auditor(
        load_framework(FRAMEWORK),
        embedder=HashEmbedder(),
        segmenter=CountingSegmenter(),
        cache=FindingsCache(tmp_path),
    ).audit(docs)
    seg = CountingSegmenter()
    fresh = Auditor(
        load_framework(FRAMEWORK),
        embedder=HashEmbedder(),
        segmenter=seg,
        cache=FindingsCache(tmp_path),
    )
    assert json.dumps(fresh.audit(docs)) == json.dumps(first)
    assert len(seg.texts) == CHUNK


def test_findings_cache_key_changes_with_metadata_and_context() -> None:
    doc = _docs()[0]
    key = document_key(doc, "ctx")
    assert key == document_key(doc, "ctx")
    assert key != document_key(dataclasses.replace(doc, team="other"), "ctx")
    assert key != document_key(doc, "other-calibration")


def test_findings_cache_score_memo_keeps_nothing(tmp_path: Path) -> None:
    cache = FindingsCache(tmp_path)
    auditor = Auditor(
        load_framework(FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter(), cache=cache
    )
    auditor.score_memo("We chose feature velocity over reliability.")
    assert list(tmp_path.rglob("*.pkl")) == []
