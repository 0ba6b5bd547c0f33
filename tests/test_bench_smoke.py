"""The benchmark's helpers (hermetic; `make bench-smoke` runs the whole benchmark on tiny inputs)."""

from __future__ import annotations

import numpy as np

# bench/ is a top-level folder, not part of the installed package: import it from the checkout.
from bench import corpus, encoders, flops  # noqa: E402
from bench.audit_child import CountingSegmenter, peak_rss_mb  # noqa: E402
from bench.peer import framework_texts  # noqa: E402
from bench.table import Row, markdown, target_table  # noqa: E402
from nlp.framework import load_framework  # noqa: E402
from nlp.segment import RegexSegmenter  # noqa: E402


def test_bench_flops_per_token_counts_dense_and_attention() -> None:
    dense = 2 * 6 * (4 * 384 * 384 + 2 * 384 * 1536)
    assert flops.flops_per_token(0) == dense == 21_233_664
    assert flops.flops_per_token(100) == dense + 2 * 6 * 2 * 100 * 384
    assert flops.sequence_flops([10, 20]) == 10 * flops.flops_per_token(10) + 20 * (
        flops.flops_per_token(20)
    )


def test_bench_memos_are_distinct_and_long_enough() -> None:
    texts = corpus.memos(corpus.smoke_documents(), 4, words=300)
    assert len(texts) == 4 and len(set(texts)) == 4
    assert all(len(t.split()) >= 300 for t in texts)


def test_bench_sample_sentences_is_deterministic() -> None:
    docs = corpus.smoke_documents()
    assert corpus.sample_sentences(docs, 5) == corpus.sample_sentences(docs, 5)
    assert len(corpus.sample_sentences(docs, 500)) == 500


def test_bench_peer_compares_against_every_value_and_tenet_text() -> None:
    fw = load_framework(corpus.BENCH_FRAMEWORK.read_bytes())
    labels, texts = framework_texts(fw)
    assert len(labels) == len(texts)
    assert {lbl.split(":")[0] for lbl in labels} == {"value", "tenet"}
    assert fw.tenets[0].text in texts and fw.values[0].definition in texts


def test_bench_counting_segmenter_counts_sentences() -> None:
    seg = CountingSegmenter(RegexSegmenter())
    seg.sentences_many(["One here. Two here.", "Three here."])
    assert seg.sentences == 3


def test_bench_agreement_and_rss() -> None:
    rows = np.eye(3, dtype=np.float32)
    assert encoders.agreement(rows, rows)["min"] == 1.0
    assert encoders.agreement(None, rows) == {}
    assert peak_rss_mb() > 10


def test_bench_tables_render_markdown() -> None:
    out = target_table([Row("x", "1", "2", "2.00x", ">= 2x", "yes")])
    assert out.splitlines()[0].startswith("| what") and "2.00x" in out
    assert markdown(("a", "b"), [("1", "22")]).count("\n") == 2
