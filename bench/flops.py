"""The physical limit: FLOPs per token of MiniLM-L6 against this machine's measured peak."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

LAYERS, HIDDEN, INTERMEDIATE = 6, 384, 1536
# Weights that take part in matrix products, per layer: Q, K, V, attention output, FFN in and out.
MATMUL_PARAMS_PER_LAYER = 4 * HIDDEN * HIDDEN + 2 * HIDDEN * INTERMEDIATE


def flops_per_token(length: int) -> float:
    """Multiply-adds x 2 for one token in a sequence of ``length`` tokens (both attention products
    grow with the length: scores Q.K^T and the weighted sum of V)."""
    dense = 2 * LAYERS * MATMUL_PARAMS_PER_LAYER
    attention = 2 * LAYERS * 2 * length * HIDDEN
    return float(dense + attention)


def sequence_flops(lengths: Sequence[int]) -> float:
    """Useful FLOPs to encode sequences of these token lengths (padding not counted)."""
    return float(sum(n * flops_per_token(n) for n in lengths))


def peak_gflops(threads: int, size: int = 1536, repeats: int = 5) -> float:
    """Best float32 matmul GFLOP/s numpy (BLAS) reaches on ``threads`` threads."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    best = float("inf")
    with threadpool_limits(limits=threads):
        a @ b  # warm-up: page in, spin up the BLAS threads
        for _ in range(repeats):
            start = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9
