"""all-MiniLM-L6-v2 as an ONNX graph on ONNX Runtime: the production encoder.

The graph (built by ``nlp.build_onnx`` into ``models/``) holds the transformer and the masked mean
pooling; this module tokenizes with the Rust ``tokenizers`` library, batches texts of similar
length together so little padding is computed, and L2-normalises the pooled rows. Neither torch
nor transformers is imported here. What the graph holds (fp32 by default, or an int8 scheme) is
recorded in ``models/manifest.json``; the file name predates the fp32 default and is kept so that
existing ``SAYDO_MODELS_DIR`` folders keep working.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embed import normalize
from nlp.errors import ModelUnavailableError

MODEL_FILE = "minilm-l6-v2-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
MODELS_ENV = "SAYDO_MODELS_DIR"


def models_dir() -> Path:
    """``$SAYDO_MODELS_DIR``, else ``<repo>/models`` next to the ``nlp`` package."""
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models"


def onnx_model_available(model_dir: Path | None = None) -> bool:
    """True when the ONNX graph and its tokenizer are present (``make models`` builds them)."""
    folder = model_dir or models_dir()
    return (folder / MODEL_FILE).is_file() and (folder / TOKENIZER_FILE).is_file()


def default_threads() -> int:
    """The CPUs this process may run on (2 on the reference machine)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class OnnxEmbedder:
    """Embedder protocol on the ONNX encoder; rows are L2-normalised float32.

    ``threads`` sets ONNX Runtime's intra-op pool (default: the CPUs available to the process).
    Texts are sorted by token length and run in batches of at most ``batch_size`` texts and
    ``max_batch_tokens`` padded tokens; ``max_length`` truncates in tokens (all-MiniLM-L6-v2 was
    trained on 128-token inputs; saydo's sentences are capped at 600 characters).
    Why a token budget: activations of small batches stay in the per-core L2 cache. Measured on
    the sentences of 40 unseen 600-word memos (~1,160 tokens each), 2 threads, median per memo:
    int8 graph 94 ms at 256 tokens vs 146 ms for 16 sentences a batch; fp32 graph 177 vs 258 ms.
    """

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        threads: int | None = None,
        batch_size: int = 16,
        max_length: int = 128,
        max_batch_tokens: int = 256,
    ) -> None:
        self.model_dir = model_dir or models_dir()
        if not onnx_model_available(self.model_dir):
            raise ModelUnavailableError(
                f"the ONNX encoder is not built in {self.model_dir}; run `make models`"
            )
        self.threads = threads or default_threads()
        self.batch_size = batch_size
        self.max_length = max_length
        self.max_batch_tokens = max_batch_tokens
        self.tokenizer = _load_tokenizer(self.model_dir / TOKENIZER_FILE, max_length)
        self.session = _load_session(self.model_dir / MODEL_FILE, self.threads)
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        self.name = _name(self.model_dir, max_length)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text, in input order; ``(0, dim)`` for no texts."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for rows in self._batches(order, [len(x) for x in ids]):
            out[rows] = self._run([ids[i] for i in rows])
        return normalize(out)

    def _batches(self, order: list[int], lengths: list[int]) -> list[list[int]]:
        """Consecutive runs of the length-sorted ``order``: a batch grows while its padded size
        (rows x longest, the last row being the longest) stays within ``max_batch_tokens``; a
        single text longer than the budget is a batch of its own."""
        batches: list[list[int]] = []
        for i in order:
            if (
                batches
                and len(batches[-1]) < self.batch_size
                and (len(batches[-1]) + 1) * lengths[i] <= self.max_batch_tokens
            ):
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text, with [CLS]/[SEP], truncated to ``max_length``."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        input_ids, mask = pad(batch)
        result = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(result[0], dtype=np.float32)


def pad(batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad token id lists with 0 to the longest; returns (input_ids, attention_mask)."""
    width = max(len(ids) for ids in batch)
    input_ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for i, ids in enumerate(batch):
        input_ids[i, : len(ids)] = ids
        mask[i, : len(ids)] = 1
    return input_ids, mask


def _load_tokenizer(path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()  # padding is per length-sorted batch, in ``pad``
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def _load_session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # One graph, run op by op: a second (inter-op) pool only competes for the same cores.
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _name(model_dir: Path, max_length: int) -> str:
    """Cache key part: changes whenever the built graph or the truncation length changes."""
    name = "minilm-l6-v2-onnx"
    try:
        manifest = json.loads((model_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        name += "-" + str(manifest["settings"]["scheme"]).split("-")[0]  # fp32 / int8
        name += "-" + str(manifest["outputs"][MODEL_FILE])[:8]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return name if max_length == 256 else f"{name}-max{max_length}"
