"""The loaded models and the per-framework Auditors, shared by every request of one process.

Weights load once, in the app's lifespan, never at import. Auditors embed their framework when
built, so they are cached by framework id (frameworks are immutable once stored) until the
framework is deleted.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from nlp.embed import Embedder, load_embedder
from nlp.framework import load_framework
from nlp.ingest import Limits
from nlp.pipeline import Auditor, SentenceSplitter
from nlp.segment import RegexSegmenter, Segmenter, Sentence
from service.settings import Settings

log = logging.getLogger("saydo.runtime")

MAX_CACHED_AUDITORS = 32
# Deleted framework ids remembered so that an Auditor being built for one is not cached; the
# window is one Auditor build, so the most recent ids are plenty.
MAX_DELETED_FRAMEWORKS = 1024


class LockedSegmenter:
    """Serializes calls into one spaCy pipeline, which is not documented as thread-safe.

    Audits (worker thread) and /score-memo (request threads) share it; the Auditor segments in
    chunks of documents, so the lock is held briefly and the slower encoder runs unlocked.
    """

    def __init__(self, inner: SentenceSplitter) -> None:
        self.inner = inner
        self._lock = threading.Lock()

    def sentences_many(self, texts: Sequence[str]) -> list[list[Sentence]]:
        with self._lock:
            return self.inner.sentences_many(texts)


class Runtime:
    """Embedder + segmenter + an LRU of Auditors keyed by framework id."""

    def __init__(self, *, embedder: Embedder, segmenter: SentenceSplitter) -> None:
        self.embedder = embedder
        self.segmenter = segmenter
        self._auditors: OrderedDict[str, Auditor] = OrderedDict()
        self._deleted: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings: Settings) -> Runtime:
        """Load the models named by the settings (slow: seconds for the real ones)."""
        embedder = load_embedder(settings.embedder, threads=settings.embedder_threads)
        segmenter: SentenceSplitter = (
            RegexSegmenter() if settings.segmenter == "regex" else LockedSegmenter(Segmenter())
        )
        log.info(
            "models loaded", extra={"embedder": embedder.name, "segmenter": settings.segmenter}
        )
        return cls(embedder=embedder, segmenter=segmenter)

    def auditor(self, framework_id: str, parsed: dict[str, Any]) -> Auditor:
        """The Auditor for a stored framework, built on first use."""
        with self._lock:
            hit = self._auditors.get(framework_id)
            if hit is not None:
                self._auditors.move_to_end(framework_id)
                return hit
        # Built outside the lock: embedding a framework takes a while and must not block others.
        built = Auditor(load_framework(parsed), embedder=self.embedder, segmenter=self.segmenter)
        with self._lock:
            deleted = framework_id in self._deleted
            if not deleted:
                self._auditors[framework_id] = built
                while len(self._auditors) > MAX_CACHED_AUDITORS:
                    self._auditors.popitem(last=False)
        if deleted:
            # Read before its deletion and built after: used once by the caller, never kept.
            self._clear_embedder()
        return built

    def forget_framework(self, framework_id: str) -> None:
        """Drop a deleted framework's Auditor (its embedded texts and findings cache) and the
        cached vectors of its texts; an Auditor still being built for it is not cached either.
        """
        with self._lock:
            self._auditors.pop(framework_id, None)
            self._deleted[framework_id] = None
            while len(self._deleted) > MAX_DELETED_FRAMEWORKS:
                self._deleted.popitem(last=False)
        self._clear_embedder()

    def _clear_embedder(self) -> None:
        clear: Callable[[], None] | None = getattr(self.embedder, "clear", None)
        if clear is not None:
            clear()

    def forget_vectors(self) -> None:
        """Drop cached sentence vectors and findings (both can be turned back into the deleted
        text) after a deletion.

        The caches are keyed by content, not by document, so they are cleared whole; they are in
        memory only (the service never gives them a disk directory) and refill themselves.
        """
        self._clear_embedder()
        with self._lock:
            for auditor in self._auditors.values():
                auditor.cache.clear()


def ingest_limits(settings: Settings) -> Limits:
    """The per-file limits for ``nlp.ingest`` taken from the service settings."""
    return Limits(
        max_bytes=settings.max_file_bytes,
        max_chars=settings.max_document_chars,
        max_pdf_pages=settings.max_pdf_pages,
        cpu_seconds=settings.parse_cpu_seconds,
        wall_seconds=settings.parse_wall_seconds,
        memory_mb=settings.parse_memory_mb,
    )
