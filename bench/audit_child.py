"""One batch audit in its own process, so its peak memory is its own: ``python -m bench.audit_child``.

Prints one JSON line: documents, sentences, seconds (model loading excluded), peak RSS, and for
saydo the re-audit times (same process with warm caches; a fresh Auditor on the disk cache).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.corpus import load_documents, smoke_documents
from nlp.framework import load_framework
from nlp.records import Document, Framework


class CountingSegmenter:
    """Passes through to the real segmenter and counts the sentences it returns."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sentences = 0

    def sentences_many(self, texts: Sequence[str]) -> list[Any]:
        out: list[Any] = self.inner.sentences_many(texts)
        self.sentences += sum(len(ss) for ss in out)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB.

    Linux's ``VmHWM`` first: ``ru_maxrss`` survives ``execve``, so a child started from a big
    parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_peer(framework: Framework, docs: list[Document], threads: int) -> dict[str, Any]:
    from bench.peer import PeerAuditor

    started = time.perf_counter()
    peer = PeerAuditor(framework, threads=threads)
    loaded = time.perf_counter()
    peer.analyze([d.text for d in docs])
    done = time.perf_counter()
    return {
        "side": "peer",
        "documents": len(docs),
        "sentences": peer.sentences_seen,
        "load_seconds": loaded - started,
        "seconds": done - loaded,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_saydo(
    framework: Framework, docs: list[Document], threads: int, cache_dir: Path
) -> dict[str, Any]:
    from nlp.embed import load_embedder
    from nlp.findings_cache import FindingsCache
    from nlp.pipeline import Auditor
    from nlp.segment import CachedSegmenter, Segmenter

    # The same set-up as `saydo audit`: every cache keyed by content, on disk under one folder.
    started = time.perf_counter()
    segmenter = CountingSegmenter(Segmenter())
    embedder = load_embedder("onnx", cache_dir=cache_dir, threads=threads)
    auditor = Auditor(
        framework,
        embedder=embedder,
        segmenter=CachedSegmenter(segmenter, cache_dir / "sentences"),
        cache=FindingsCache(cache_dir / "findings"),
    )
    loaded = time.perf_counter()
    auditor.audit(docs)
    first = time.perf_counter()
    result = {
        "side": "saydo",
        "documents": len(docs),
        "sentences": segmenter.sentences,
        "embedder": embedder.name,
        "load_seconds": loaded - started,
        "seconds": first - loaded,
        "peak_rss_mb": peak_rss_mb(),
    }
    auditor.audit(docs)
    result["reaudit_warm_seconds"] = time.perf_counter() - first
    fresh = Auditor(
        framework,
        embedder=load_embedder("onnx", cache_dir=cache_dir, threads=threads),
        segmenter=CachedSegmenter(Segmenter(), cache_dir / "sentences"),
        cache=FindingsCache(cache_dir / "findings"),
    )
    start = time.perf_counter()
    fresh.audit(docs)
    result["reaudit_disk_seconds"] = time.perf_counter() - start
    result["peak_rss_after_reaudits_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", choices=["peer", "saydo"], required=True)
    parser.add_argument("--framework", type=Path, required=True)
    parser.add_argument("--docs", type=Path, action="append", default=[])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    framework = load_framework(args.framework.read_bytes())
    docs = smoke_documents() if args.smoke else load_documents(args.docs, args.limit)
    if args.side == "peer":
        result = run_peer(framework, docs, args.threads)
    else:
        with tempfile.TemporaryDirectory(prefix="saydo-bench-cache-") as cache:
            result = run_saydo(framework, docs, args.threads, Path(cache))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
