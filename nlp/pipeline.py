"""The orchestrator: framework + documents -> per-document findings -> report.

    auditor = Auditor(framework, embedder=load_embedder(), segmenter=Segmenter())
    findings = auditor.analyze(documents, progress=lambda done, total: ...)
    report   = auditor.audit(documents, period_from=None, period_to=None)   # contract §4 dict
    scored   = auditor.score_memo(text, doc_id="draft")   # per-document dict + score + suggestions

Model calls are batched across documents (one spaCy pass and one encoder call per chunk) and the
framework is embedded once per Auditor.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.applies import AppliesModel, applies_model_for, unsaid_applications
from nlp.context import DocContext, SideMatch
from nlp.drift import Motive, motives, say_do_gaps, unstated_values
from nlp.embed import Embedder
from nlp.findings_cache import FindingsCache, document_key
from nlp.genre import KindClassifier, KindModel, kind_model_for
from nlp.overwork import HoursSignal, hours_signals
from nlp.records import Document, DocumentFindings, Framework, Tradeoff
from nlp.report import build_report, document_dict
from nlp.segment import CachedSegmenter, Segmenter, SentenceSplitter
from nlp.stance import value_evidence, value_findings
from nlp.stance_model import StanceModel, stance_model_for
from nlp.suggest import memo_score, suggestions
from nlp.tenets import tenet_findings, tenet_tradeoffs
from nlp.tradeoffs import RawTradeoff, find_tradeoffs

Progress = Callable[[int, int], None]
CHUNK = 32
MIN_CALIBRATION_SENTENCES = (
    300  # documents per model batch: large enough to batch well, small for smooth progress
)


class Auditor:
    """Runs the audit for one framework; safe to reuse across many batches and memos."""

    def __init__(
        self,
        framework: Framework,
        *,
        embedder: Embedder,
        segmenter: SentenceSplitter | None = None,
        cache: FindingsCache | None = None,
        applies: AppliesModel | None = None,
        stance: StanceModel | None = None,
        kind_model: KindModel | Literal["sum"] | None = None,
    ) -> None:
        """``applies``, ``stance``, ``kind_model``: the trained models for the encoder when None;
        ``kind_model="sum"`` infers kinds without one (training does)."""
        self.framework = framework
        self.applies = applies if applies is not None else applies_model_for(embedder.name)
        self.stance = stance if stance is not None else stance_model_for(embedder.name)
        self.embedder = embedder
        self.segmenter = segmenter if segmenter is not None else CachedSegmenter(Segmenter())
        self.index = FrameworkIndex(framework, embedder)
        if kind_model is None:
            kind_model = kind_model_for(embedder.name)
        self.kinds = KindClassifier(embedder, None if kind_model == "sum" else kind_model)
        self.cache = cache if cache is not None else FindingsCache()
        self._setup_key = hashlib.sha256(
            f"{framework!r}\0{embedder.name}\0{type(self.segmenter).__name__}\0"
            f"{self.applies.key}\0{self.stance.key}\0{self.kinds.key}".encode()
        ).hexdigest()

    def analyze(
        self, documents: Sequence[Document], progress: Progress | None = None
    ) -> list[DocumentFindings]:
        """Per-document findings (without corpus-level themes), in input order."""
        findings, _ = self._analyze(documents, progress)
        return findings

    def audit(
        self,
        documents: Sequence[Document],
        *,
        period_from: str | None = None,
        period_to: str | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """The contract §4 report over the documents dated within [period_from, period_to]."""
        docs = [d for d in documents if _in_period(d, period_from, period_to)]
        findings, found = self._analyze(docs, progress)
        motive_vecs = self.embedder.encode([m.text for m in found])
        themes = unstated_values(found, motive_vecs, self.index, len(docs))
        findings = _attach_themes(findings, themes)
        draft = build_report(findings, self.index, [], period_from, period_to)
        drift = say_do_gaps(draft["values"], self.index, findings)
        drift = sorted(drift + themes, key=lambda d: -d["score"])
        return {**draft, "drift": drift}

    def score_memo(self, text: str, doc_id: str = "draft", **meta: str | None) -> dict[str, Any]:
        """One memo's findings plus a 0..1 ``score`` and concrete ``suggestions``."""
        doc = Document(
            id=doc_id,
            text=text,
            kind=meta.get("kind") or "memo",
            team=meta.get("team"),
            date=meta.get("date"),
            title=meta.get("title"),
        )
        # One memo: background calibration, and nothing kept (a draft is not stored unless asked).
        findings, _ = self._analyze([doc], None, remember=False)
        f = findings[0]
        return {
            **document_dict(f),
            "score": memo_score(f),
            "suggestions": suggestions(f, self.index),
        }

    def _analyze(
        self, documents: Sequence[Document], progress: Progress | None, remember: bool = True
    ) -> tuple[list[DocumentFindings], list[Motive]]:
        findings: list[DocumentFindings] = []
        found: list[Motive] = []
        index = self.index
        for lo in range(0, len(documents), CHUNK):
            chunk = documents[lo : lo + CHUNK]
            ready: dict[int, DocContext] = {}
            if lo == 0:  # the first chunk calibrates the batch, so it is always prepared
                ready = dict(enumerate(self._contexts(chunk)))
                index = self._corpus_index(list(ready.values()))
            context_key = f"{self._setup_key}\0{index.calibration_key}"
            keys = [document_key(d, context_key) for d in chunk]
            hits = [self.cache.get(k) if remember else None for k in keys]
            todo = [i for i, hit in enumerate(hits) if hit is None and i not in ready]
            ready.update(zip(todo, self._contexts([chunk[i] for i in todo]), strict=True))
            for i, key in enumerate(keys):
                hit = hits[i]
                if hit is None:
                    hit = (self._findings(ready[i], index), motives(ready[i], index))
                    if remember:
                        self.cache.put(key, hit)
                findings.append(hit[0])
                found.extend(hit[1])
            if progress is not None:
                progress(len(findings), len(documents))
        return findings, found

    def prepare(self, documents: Sequence[Document]) -> tuple[list[DocContext], FrameworkIndex]:
        """Documents ready for matching and the index calibrated as an audit would calibrate it.

        For training and diagnostics (``nlp.train_applies``); audits go through ``analyze``.
        """
        contexts = self._contexts(documents)
        return contexts, self._corpus_index(contexts[:CHUNK])

    def _contexts(self, docs: Sequence[Document]) -> list[DocContext]:
        """Segment, embed and extract trade-offs for a chunk with one call per model."""
        if not docs:
            return []
        sents = self.segmenter.sentences_many([d.text for d in docs])
        flat = [s.text for ss in sents for s in ss]
        vecs = self.embedder.encode(flat) if flat else np.zeros((0, self.embedder.dim))
        raws = [[t for s in ss for t in find_tradeoffs(s.text, s.start)] for ss in sents]
        sides = _side_matches(raws, self.embedder, self.index)
        out, at = [], 0
        for doc, ss, trs in zip(docs, sents, sides, strict=True):
            doc_vecs = vecs[at : at + len(ss)]
            if doc.kind_inferred:
                doc = dataclasses.replace(doc, kind=self.kinds.infer(doc.text, doc.title, doc_vecs))
            out.append(DocContext(doc, ss, doc_vecs, trs, self._hours([s.text for s in ss])))
            at += len(ss)
        return out

    def _hours(self, sentences: list[str]) -> list[HoursSignal]:
        """After-hours signals, read only when the framework has a value or tenet about hours."""
        if self.index.pace_value is None and self.index.pace_tenet is None:
            return []
        return hours_signals(sentences)

    def _corpus_index(self, contexts: list[DocContext]) -> FrameworkIndex:
        """The index standardised against this batch's own sentences when there are enough.

        Similarity levels differ between organizations' writing; calibrating on the batch (no
        labels involved) keeps one threshold meaningful. Small batches and single memos use the
        background sentences shipped with the package.
        """
        vecs = [c.vecs for c in contexts if len(c.vecs)]
        if sum(len(v) for v in vecs) < MIN_CALIBRATION_SENTENCES:
            return self.index
        return self.index.calibrated(np.concatenate(vecs))

    def _findings(self, ctx: DocContext, index: FrameworkIndex) -> DocumentFindings:
        tenets = tenet_findings(ctx, index)
        # gathered once: the stance decision and the tenet-applies model both read it
        evidence = value_evidence(ctx, index, tenets)
        values = value_findings(ctx, index, tenets, self.stance, evidence)
        tenets += unsaid_applications(ctx, index, self.applies, tenets, values, evidence)
        derived = tenet_tradeoffs(tenets, index)
        made = {frozenset({t.winner, t.loser} - {None}) for t in derived}
        said = [
            Tradeoff(
                t.winner,
                t.loser,
                (ctx.span_evidence(t.raw.start, t.raw.end),),
                t.raw.winner_text,
                t.raw.loser_text,
            )
            for t in ctx.tradeoffs
            # a phrase between the values of an applied tenet is that tenet's trade-off again
            if frozenset({t.winner, t.loser} - {None}) not in made
        ]
        tradeoffs = (*derived, *said)
        return DocumentFindings(ctx.document, tuple(tenets), tuple(values), tradeoffs)


def _side_matches(
    raws: list[list[RawTradeoff]], embedder: Embedder, index: FrameworkIndex
) -> list[list[SideMatch]]:
    texts = [side for trs in raws for t in trs for side in (t.winner_text, t.loser_text)]
    if not texts:
        return [[] for _ in raws]
    vecs = embedder.encode(texts)
    values = index.side_values(vecs, texts)
    out, at = [], 0
    for trs in raws:
        row = []
        for t in trs:
            w, lo = at, at + 1
            row.append(SideMatch(t, vecs[w], vecs[lo], values[w], values[lo]))
            at += 2
        out.append(row)
    return out


def _in_period(doc: Document, start: str | None, end: str | None) -> bool:
    if not start and not end:
        return True
    if not doc.date:
        return False
    return (not start or doc.date >= start) and (not end or doc.date <= end)


def _attach_themes(
    findings: list[DocumentFindings], themes: list[dict[str, Any]]
) -> list[DocumentFindings]:
    by_doc: dict[str, list[str]] = {}
    for theme in themes:
        for doc_id in theme["documents"]:
            by_doc.setdefault(doc_id, []).append(theme["theme"])
    return [dataclasses.replace(f, themes=tuple(by_doc.get(f.document.id, ()))) for f in findings]
