from __future__ import annotations

from pathlib import Path

import pytest

from nlp.segment import CachedSegmenter, RegexSegmenter, Segmenter

TEXT = (
    "# Checkout retries\n\nWe chose reliability over speed. Per our tenet, we hold the launch.\n\n"
    "- item one is here\n- item two e.g. this. And more.\n"
)


class CountingSegmenter(RegexSegmenter):
    def __init__(self) -> None:
        self.calls = 0

    def sentences_many(self, texts):  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        return super().sentences_many(texts)


def test_segment_offsets_point_into_the_text() -> None:
    sents = RegexSegmenter().sentences(TEXT)
    assert [s.text for s in sents][:3] == [
        "Checkout retries",
        "We chose reliability over speed.",
        "Per our tenet, we hold the launch.",
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in sents)


def test_segment_cache_skips_the_model_for_known_texts(tmp_path: Path) -> None:
    inner = CountingSegmenter()
    cached = CachedSegmenter(inner, tmp_path)
    first = cached.sentences_many([TEXT, "Another text. Two sentences."])
    fresh = CountingSegmenter()
    again = CachedSegmenter(fresh, tmp_path)  # as in a new process: only the disk cache is warm
    assert again.sentences_many([TEXT]) == [first[0]] and fresh.calls == 0
    assert cached.sentences_many([TEXT]) == [first[0]] and inner.calls == 2
    assert len(list(tmp_path.rglob("*.json"))) == 2


def test_segment_cache_survives_a_corrupt_entry(tmp_path: Path) -> None:
    CachedSegmenter(RegexSegmenter(), tmp_path).sentences_many([TEXT])
    for path in tmp_path.rglob("*.json"):
        path.write_text("not json")
    assert CachedSegmenter(RegexSegmenter(), tmp_path).sentences_many([TEXT])[0]


@pytest.mark.model
def test_segment_spacy_splits_markdown_with_offsets(real_segmenter: Segmenter) -> None:
    sents = real_segmenter.sentences(TEXT)
    assert "We chose reliability over speed." in [s.text for s in sents]
    assert all(TEXT[s.start : s.end] == s.text for s in sents)
