"""Unstated themes: named by words several documents share, and only a handful of them."""

from __future__ import annotations

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.drift import MAX_CLUSTER_THEMES, Motive, unstated_values
from nlp.embed import HashEmbedder
from nlp.framework import load_framework
from tests.test_pipeline import FRAMEWORK


def _index() -> FrameworkIndex:
    return FrameworkIndex(load_framework(FRAMEWORK), HashEmbedder())


def _motive(doc: str, text: str) -> Motive:
    return Motive(doc, 0, text, 0, len(text))


def _direction(k: int, dim: int = 384) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[k] = 1.0
    return v


def test_a_theme_is_named_by_words_its_documents_share() -> None:
    found = [
        _motive("a", "We did it because the county commissioners asked about the ballot."),
        _motive("b", "The commissioners want it before the ballot, so we moved it up."),
        _motive("c", "Timing it for the ballot keeps the commissioners on side."),
    ]
    themes = unstated_values(found, np.stack([_direction(0)] * 3), _index(), 10)
    assert [t["theme"] for t in themes] == ["ballot commissioners"]
    assert themes[0]["documents"] == ["a", "b", "c"]


def test_words_that_one_document_repeats_name_no_theme() -> None:
    found = [
        _motive("a", "Zebra crossings matter because zebra crossings save lives."),
        _motive("a", "Zebra paint is critical so we keep zebra stock."),
        _motive("b", "We kept the old printer because it works."),
        _motive("c", "The meeting moved because the room was booked."),
    ]
    themes = unstated_values(found, np.stack([_direction(0)] * 4), _index(), 10)
    assert all("zebra" not in t["keywords"] for t in themes)


def test_no_more_than_a_handful_of_clustered_themes() -> None:
    found, vecs = [], []
    for k in range(MAX_CLUSTER_THEMES + 4):
        word = f"topic{chr(97 + k)}"
        for doc in "xyz":
            found.append(_motive(f"{doc}{k}", f"We chose it because {word} and {word}plan matter."))
            vecs.append(_direction(k))
    themes = unstated_values(found, np.stack(vecs), _index(), 60)
    assert len(themes) == MAX_CLUSTER_THEMES


def test_plain_reasons_are_motive_cues() -> None:
    from nlp.drift import MOTIVE_CUE

    assert MOTIVE_CUE.search("The grant was part of why we chose now.")
    assert MOTIVE_CUE.search("The go-live date was set by the federal grant closeout.")
    assert not MOTIVE_CUE.search("The shelter order arrived on Tuesday.")
