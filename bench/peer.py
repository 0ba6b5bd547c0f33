"""The peer: what a user would write instead of saydo, as the benchmark's baseline.

sentence-transformers all-MiniLM-L6-v2 on PyTorch fp32, sentences split with a regex, the
cosine of every sentence against every value and tenet text of the framework, in-process. The
framework texts are embedded once, up front (the peer is given that much good sense).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp.embed import minilm_path
from nlp.records import Framework
from nlp.segment import RegexSegmenter

MATCH_MIN_COSINE = 0.5


def framework_texts(framework: Framework) -> tuple[list[str], list[str]]:
    """(labels, texts): every value's name, definition, examples and anti-patterns, every tenet."""
    labels: list[str] = []
    texts: list[str] = []
    for v in framework.values:
        for text in (v.name, v.definition, *v.examples, *v.anti_patterns):
            labels.append(f"value:{v.id}")
            texts.append(text)
    for t in framework.tenets:
        labels.append(f"tenet:{t.id}")
        texts.append(t.text)
    return labels, texts


class PeerAuditor:
    """Split, embed with sentence-transformers fp32, cosine against every framework text."""

    def __init__(
        self, framework: Framework, *, threads: int | None = None, batch_size: int = 32
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.model = SentenceTransformer(str(minilm_path()), device="cpu", local_files_only=True)
        self.batch_size = batch_size
        self.splitter = RegexSegmenter()
        self.labels, texts = framework_texts(framework)
        self.anchors = self._encode(texts)
        self.sentences_seen = 0

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(rows, dtype=np.float32)

    def analyze(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Per text: for each framework label, the best sentence and its cosine (if >= 0.5)."""
        per_doc = [[s.text for s in ss] for ss in self.splitter.sentences_many(texts)]
        flat = [s for ss in per_doc for s in ss]
        self.sentences_seen += len(flat)
        vecs = self._encode(flat) if flat else np.zeros((0, self.anchors.shape[1]), np.float32)
        sims = vecs @ self.anchors.T
        out, at = [], 0
        for sentences in per_doc:
            out.append(self._matches(sentences, sims[at : at + len(sentences)]))
            at += len(sentences)
        return out

    def score_memo(self, text: str) -> dict[str, Any]:
        return self.analyze([text])[0]

    def _matches(self, sentences: list[str], sims: np.ndarray) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if not len(sentences):
            return found
        best_row = sims.argmax(axis=0)
        for j, label in enumerate(self.labels):
            score = float(sims[best_row[j], j])
            if score >= MATCH_MIN_COSINE and score > found.get(label, {}).get("score", -1.0):
                found[label] = {"score": score, "sentence": sentences[best_row[j]]}
        return found
