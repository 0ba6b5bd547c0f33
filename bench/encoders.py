"""Encoder-level throughput: PyTorch fp32 (the peer's encoder) against saydo's ONNX encoder.

Every configuration encodes the same sentences; configurations alternate within each repeat so
that noise from other processes lands on all of them alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.flops import sequence_flops
from nlp.embed import Embedder


@dataclass(frozen=True)
class EncoderConfig:
    backend: str  # "torch" (sentence-transformers fp32) or "onnx" (the scheme in models/)
    batch_size: int
    threads: int

    @property
    def label(self) -> str:
        name = "torch fp32" if self.backend == "torch" else "onnx"
        return f"{name}, batch {self.batch_size}, {self.threads} thread(s)"


@dataclass
class EncoderResult:
    config: EncoderConfig
    sentences: int
    tokens: int
    useful_flops: float
    seconds: list[float] = field(default_factory=list)

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.median_seconds

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.median_seconds

    @property
    def gflops(self) -> float:
        return self.useful_flops / self.median_seconds / 1e9


def default_configs(threads: int, smoke: bool) -> list[EncoderConfig]:
    if smoke:
        return [EncoderConfig("torch", 32, threads), EncoderConfig("onnx", 32, threads)]
    return [
        EncoderConfig("torch", 32, threads),
        EncoderConfig("onnx", 32, threads),
        EncoderConfig("onnx", 8, threads),
        EncoderConfig("onnx", 128, threads),
        EncoderConfig("onnx", 32, 1),
    ]


def measure(
    sentences: Sequence[str], configs: Sequence[EncoderConfig], repeats: int
) -> tuple[list[EncoderResult], dict[str, Any]]:
    """Time every configuration ``repeats`` times, interleaved; also onnx-vs-torch-fp32 agreement."""
    embedders = {c: _embedder(c) for c in configs}
    lengths = _token_lengths(sentences)
    results = {
        c: EncoderResult(c, len(sentences), sum(lengths), sequence_flops(lengths)) for c in configs
    }
    vectors: dict[str, np.ndarray] = {}
    for emb in embedders.values():
        emb.encode(sentences[:8])  # warm-up: first-call allocations, thread pools
    for _ in range(repeats):
        for c, emb in embedders.items():
            _set_threads(c)
            start = time.perf_counter()
            vecs = emb.encode(sentences)
            results[c].seconds.append(time.perf_counter() - start)
            vectors.setdefault(c.backend, vecs)
    return list(results.values()), agreement(vectors.get("onnx"), vectors.get("torch"))


def agreement(int8: np.ndarray | None, fp32: np.ndarray | None) -> dict[str, Any]:
    """Cosine between matching rows of the two encoders' (normalised) vectors."""
    if int8 is None or fp32 is None or not len(int8):
        return {}
    cos = np.sum(int8 * fp32, axis=1)
    return {
        "n": len(cos),
        "mean": float(cos.mean()),
        "p05": float(np.percentile(cos, 5)),
        "min": float(cos.min()),
    }


def _embedder(config: EncoderConfig) -> Embedder:
    if config.backend == "torch":
        from nlp.embed import TorchEmbedder

        return TorchEmbedder(batch_size=config.batch_size, threads=config.threads)
    from nlp.embed_onnx import OnnxEmbedder

    return OnnxEmbedder(threads=config.threads, batch_size=config.batch_size)


def _set_threads(config: EncoderConfig) -> None:
    """torch's thread count is process-wide, so set it before each torch run."""
    if config.backend == "torch":
        import torch

        torch.set_num_threads(config.threads)


def _token_lengths(sentences: Sequence[str]) -> list[int]:
    from tokenizers import Tokenizer

    from nlp.embed_onnx import TOKENIZER_FILE, models_dir

    tokenizer = Tokenizer.from_file(str(models_dir() / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=256)
    return [len(e.ids) for e in tokenizer.encode_batch(list(sentences))]
