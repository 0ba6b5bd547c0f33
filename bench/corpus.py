"""Benchmark inputs: the real-world documents (read in place), smoke documents and memos."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from nlp.ingest import ingest_folder
from nlp.records import Document
from nlp.segment import RegexSegmenter

REALWORLD = Path("/work/shared/data/realworld")
DEFAULT_DOCS = (REALWORLD / "decisions", REALWORLD / "postmortems")
ROOT = Path(__file__).resolve().parent.parent
BENCH_FRAMEWORK = Path(__file__).resolve().parent / "framework.yaml"
MEMO_WORDS = 600


def default_framework() -> Path:
    """The northwind sample framework when present, else the benchmark's own small one."""
    northwind = ROOT / "corpora" / "northwind" / "framework.yaml"
    return northwind if northwind.is_file() else BENCH_FRAMEWORK


def load_documents(folders: Sequence[Path], limit: int | None = None) -> list[Document]:
    """Every readable document under the folders (saydo's own ingestion), in path order."""
    docs: list[Document] = []
    for folder in folders:
        docs.extend(r.document for r in ingest_folder(folder) if r.document is not None)
    return docs[:limit] if limit else docs


def smoke_documents(n: int = 6) -> list[Document]:
    """A few small memos and postmortems generated in-process (for --smoke)."""
    rng = random.Random(7)
    docs = []
    for i in range(n):
        kind = "memo" if i % 2 == 0 else "postmortem"
        text = "\n\n".join(" ".join(rng.sample(_SMOKE_SENTENCES, 4)) for _ in range(3))
        docs.append(Document(id=f"smoke-{i}", text=f"# Smoke {kind} {i}\n\n{text}", kind=kind))
    return docs


def memos(docs: Sequence[Document], count: int, words: int = MEMO_WORDS) -> list[str]:
    """``count`` different memos of about ``words`` words, cut at sentence ends from the docs.

    Each memo comes from a different long document (cycling through short ones only when
    needed), so no memo repeats another's sentences and no embedding cache can help.
    """
    splitter = RegexSegmenter()
    long_first = sorted(docs, key=lambda d: -len(d.text.split()))
    out: list[str] = []
    for doc in long_first:
        memo = _first_words(doc.text, [s.text for s in splitter.sentences(doc.text)], words)
        if len(memo.split()) >= words * 0.9:
            out.append(memo)
        if len(out) == count:
            return out
    while len(out) < count:  # smoke inputs: too few long documents, so glue sentences together
        out.append(_glued_memo(len(out), words))
    return out


def sample_sentences(docs: Sequence[Document], n: int, seed: int = 0) -> list[str]:
    """``n`` sentences drawn at random (fixed seed) from the documents, regex-split."""
    flat = [s.text for ss in RegexSegmenter().sentences_many([d.text for d in docs]) for s in ss]
    rng = random.Random(seed)
    if len(flat) >= n:
        return rng.sample(flat, n)
    return [rng.choice(flat or _SMOKE_SENTENCES) for _ in range(n)]  # small smoke inputs


def edited(memo: str) -> str:
    """The memo with one sentence in the middle revised, as a writer would between two calls."""
    sentences = [s.text for s in RegexSegmenter().sentences(memo)]
    k = len(sentences) // 2
    sentences[k] = sentences[k].rstrip(".") + ", as revised after review."
    return " ".join(sentences)


def _first_words(text: str, sentences: list[str], words: int) -> str:
    picked, total = [], 0
    for sentence in sentences:
        picked.append(sentence)
        total += len(sentence.split())
        if total >= words:
            break
    return " ".join(picked)


def _glued_memo(i: int, words: int) -> str:
    rng = random.Random(1000 + i)
    picked: list[str] = []
    while sum(len(s.split()) for s in picked) < words:
        picked.append(f"{rng.choice(_SMOKE_SENTENCES)[:-1]} (item {i}.{len(picked)}).")
    return " ".join(picked)


_SMOKE_SENTENCES = [
    "We chose reliability over the launch date because checkout must not break.",
    "The team worked through the weekend to hit the marketing deadline.",
    "Customers were refunded before they asked, which cost us this quarter's target.",
    "We shipped a rough version to five percent of new signups to learn quickly.",
    "The primary database ran out of disk and writes failed for thirty minutes.",
    "Root cause: a configuration change skipped review and went straight to production.",
    "We will keep the old API for partners for another year.",
    "Scope was cut so nobody had to work nights before the release.",
    "The experiment ran for three months without a decision.",
    "Security review is mandatory for anything touching customer credentials.",
    "Revenue targets drove the decision to launch without the privacy review.",
    "We rolled back the release after error rates tripled.",
]
