"""What the training scripts share: reading a labelled corpus into analysed document contexts."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from nlp.anchors import FrameworkIndex
from nlp.applies import AppliesModel
from nlp.context import DocContext
from nlp.embed import Embedder, load_embedder
from nlp.evaluate import load_gold
from nlp.framework import load_framework
from nlp.ingest import ingest_folder
from nlp.pipeline import Auditor
from nlp.stance_model import StanceModel

T = TypeVar("T")


@dataclass
class Prepared:
    name: str
    contexts: list[DocContext]
    index: FrameworkIndex
    gold: dict[str, Any]  # gold.yaml's documents, by document id


def prepare_corpus(corpus: Path, embedder: Embedder) -> Prepared:
    """Every document of the corpus segmented and embedded, with no trained model in the way."""
    fw = load_framework((corpus / "framework.yaml").read_bytes())
    auditor = Auditor(
        fw,
        embedder=embedder,
        applies=AppliesModel.disabled(),
        stance=StanceModel.disabled(),
        kind_model="sum",
    )
    docs = [r.document for r in ingest_folder(corpus / "docs") if r.document is not None]
    contexts, index = auditor.prepare(docs)
    return Prepared(corpus.name, contexts, index, load_gold(corpus)["documents"])


def load_corpora(
    description: str,
    default_out: Path,
    argv: list[str] | None,
    corpus_data: Callable[[Path, Embedder], T],
) -> tuple[argparse.Namespace, list[T]]:
    """A trainer's command line (``corpora... [--embedder] [--out]``) and each corpus's data.

    Folders that are not labelled corpora are refused, and so is a single corpus: thresholds are
    chosen on held-out corpora.
    """
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--embedder", default="onnx")
    ap.add_argument("--out", type=Path, default=default_out)
    args = ap.parse_args(argv)
    for corpus in args.corpora:
        missing = [n for n in ("framework.yaml", "docs", "gold.yaml") if not (corpus / n).exists()]
        if missing:
            ap.error(f"{corpus} is not a corpus: no {', '.join(missing)} (corpora/GOLD_FORMAT.md)")
    if len(args.corpora) < 2:
        ap.error("need at least two corpora: the threshold is chosen on held-out corpora")
    embedder = load_embedder(args.embedder)
    return args, [corpus_data(c, embedder) for c in args.corpora]
