"""The int8 ONNX encoder: agrees with PyTorch fp32, keeps input order, handles edge cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp.embed_onnx import OnnxEmbedder, models_dir, onnx_model_available, pad
from nlp.errors import ModelUnavailableError

SENTENCES = [
    "When feature velocity and reliability conflict, reliability wins for core workflows.",
    "We skipped the load test to hit the marketing date.",
    "ok",
    "The incident commander declared SEV-1 at 09:03 after the primary database ran out of disk "
    "and writes failed for thirty-seven minutes across two regions.",
    "Customer trust over growth metrics.",
]


@pytest.fixture(scope="session")
def onnx_embedder() -> OnnxEmbedder:
    """The built int8 encoder; built here (about 30 s) when `make models` has not run yet."""
    if not onnx_model_available():
        from nlp.build_onnx import build

        build(models_dir())
    assert onnx_model_available(), f"the ONNX encoder could not be built in {models_dir()}"
    return OnnxEmbedder(threads=2)


@pytest.fixture(scope="session")
def torch_embedder():  # type: ignore[no-untyped-def]
    from nlp.embed import TorchEmbedder

    return TorchEmbedder()


def test_pad_right_pads_and_masks() -> None:
    ids, mask = pad([[101, 7, 102], [101, 102]])
    assert ids.tolist() == [[101, 7, 102], [101, 102, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    assert ids.dtype == np.int64 and mask.dtype == np.int64


def test_embed_onnx_unavailable_in_empty_folder(tmp_path: Path) -> None:
    assert not onnx_model_available(tmp_path)
    with pytest.raises(ModelUnavailableError, match="make models"):
        OnnxEmbedder(tmp_path)


def test_embed_onnx_models_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAYDO_MODELS_DIR", str(tmp_path))
    assert models_dir() == tmp_path
    monkeypatch.delenv("SAYDO_MODELS_DIR")
    assert models_dir() == Path(__file__).resolve().parent.parent / "models"


@pytest.mark.model
def test_embed_onnx_agrees_with_torch_fp32(onnx_embedder: OnnxEmbedder, torch_embedder) -> None:  # type: ignore[no-untyped-def]
    fast = onnx_embedder.encode(SENTENCES)
    ref = torch_embedder.encode(SENTENCES)
    cosines = np.sum(fast * ref, axis=1)
    assert cosines.mean() >= 0.98, cosines
    assert cosines.min() >= 0.95, cosines


@pytest.mark.model
def test_embed_onnx_rows_are_normalised_float32(onnx_embedder: OnnxEmbedder) -> None:
    rows = onnx_embedder.encode(SENTENCES)
    assert rows.dtype == np.float32 and rows.shape == (len(SENTENCES), onnx_embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


@pytest.mark.model
def test_embed_onnx_length_sorting_keeps_input_order(onnx_embedder: OnnxEmbedder) -> None:
    texts = [SENTENCES[3], "x", SENTENCES[0], "a much longer one " * 40, SENTENCES[2], SENTENCES[1]]
    together = OnnxEmbedder(threads=1, batch_size=2).encode(texts)
    one_by_one = np.vstack([onnx_embedder.encode([t]) for t in texts])
    sims = together @ one_by_one.T
    # Row i must be text i: close to its own vector, further from every other one.
    # (Not bit-exact: activations are quantized per batch, so batch-mates shift them slightly.)
    assert np.diag(sims).min() > 0.97, np.diag(sims)
    assert (sims.argmax(axis=1) == np.arange(len(texts))).all()


@pytest.mark.model
def test_embed_onnx_empty_input(onnx_embedder: OnnxEmbedder) -> None:
    out = onnx_embedder.encode([])
    assert out.shape == (0, onnx_embedder.dim) and out.dtype == np.float32


@pytest.mark.model
def test_embed_onnx_name_tracks_the_built_graph(onnx_embedder: OnnxEmbedder) -> None:
    assert onnx_embedder.name.startswith("minilm-l6-v2-onnx-")
    assert OnnxEmbedder(max_length=128).name.endswith("-max128")


def test_build_onnx_blockwise_packing_round_trips() -> None:
    from nlp.build_onnx import _pack_blocks

    w = np.random.default_rng(0).standard_normal((64, 3)).astype(np.float32)
    packed, scales = _pack_blocks(w, 32)
    assert packed.shape == (3, 2, 32) and packed.dtype == np.uint8 and scales.shape == (6,)
    restored = (packed.astype(np.float32) - 128) * scales.reshape(3, 2, 1)
    np.testing.assert_allclose(restored.reshape(3, 64).T, w, atol=float(scales.max()) / 2 + 1e-6)


def test_build_onnx_unknown_scheme_names_the_valid_ones() -> None:
    from nlp.build_onnx import BuildError, settings

    with pytest.raises(BuildError, match="int8-dynamic.v1"):
        settings("int4-magic")


def test_build_onnx_up_to_date_needs_matching_digest_and_hashes(tmp_path: Path) -> None:
    import json

    from nlp.build_onnx import MANIFEST_FILE, file_sha256, is_up_to_date

    (tmp_path / "a.onnx").write_bytes(b"graph")
    manifest = {"source": {"digest": "d1"}, "outputs": {"a.onnx": file_sha256(tmp_path / "a.onnx")}}
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert is_up_to_date(tmp_path, "d1")
    assert not is_up_to_date(tmp_path, "d2")
    (tmp_path / "a.onnx").write_bytes(b"changed")
    assert not is_up_to_date(tmp_path, "d1")


def test_embed_onnx_batches_by_token_budget() -> None:
    from types import SimpleNamespace

    budget = SimpleNamespace(batch_size=3, max_batch_tokens=20)
    lengths = [4, 5, 5, 6, 11, 30]  # already sorted, as encode() passes them
    batches = OnnxEmbedder._batches(budget, list(range(6)), lengths)  # type: ignore[arg-type]
    # 3 x 5 <= 20, then 3 rows is the cap; 2 x 11 > 20; 30 alone
    assert batches == [[0, 1, 2], [3], [4], [5]]
