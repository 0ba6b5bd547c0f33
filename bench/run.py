"""saydo against the obvious implementation (the peer), measured side by side: issue 3's table.

    python -m bench.run [--smoke] [--docs PATH ...] [--limit N] [--json results.json]

Sections, each interleaving peer and saydo runs so that noise lands on both alike:

1. machine peak (numpy float32 matmul) and encoder throughput, torch fp32 vs ONNX (models/);
2. /v1/score-memo over HTTP (a real ``saydo serve``) vs the peer in-process, 600-word memos;
3. batch audit of the real-world decisions + postmortems, one process per run (peak RSS),
   then re-audits with nothing changed;
4. accuracy: onnx-vs-torch-fp32 vector agreement and ``saydo eval`` F1 for both encoders.

``--smoke`` uses tiny generated inputs and skips the eval: it checks every path works, in < 60 s.
A part that cannot run because a component is missing is printed as "not available" (never a
made-up number); a part that fails makes the exit status 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench import corpus, encoders, flops
from bench.table import Row, markdown, ms, target_table, verdict

WARMUP_MEMOS = 3
SECTIONS = ("encoders", "score-memo", "audit", "accuracy")


class Unavailable(Exception):
    """A component the section needs does not exist (yet): reported, not faked."""


@dataclass
class Results:
    """Everything measured, for the printed tables and ``--json``."""

    args: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    smoke: bool
    docs: tuple[Path, ...]
    limit: int | None
    framework: Path
    threads: int
    memos: int
    audit_repeats: int
    encoder_sentences: int
    encoder_repeats: int
    json_out: Path | None
    only: tuple[str, ...]


def main(argv: list[str] | None = None) -> int:
    opts = _parse(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    started = time.perf_counter()
    results = Results(args={k: str(v) for k, v in asdict(opts).items()})
    _require_models()
    docs = corpus.smoke_documents() if opts.smoke else corpus.load_documents(opts.docs, opts.limit)
    _log(f"{len(docs)} documents; framework {opts.framework}")
    sections: dict[str, Callable[[], None]] = {
        "encoders": lambda: encoder_section(opts, docs, results),
        "score-memo": lambda: memo_section(opts, docs, results),
        "audit": lambda: audit_section(opts, results),
        "accuracy": lambda: accuracy_section(opts, results),
    }
    _section(results, "machine", lambda: machine(opts, results))
    for name, run in sections.items():
        if not opts.only or name in opts.only:
            _section(results, name, run)
    results.details["seconds"] = round(time.perf_counter() - started, 1)
    _print(opts, results)
    if opts.json_out:
        opts.json_out.write_text(json.dumps(_jsonable(results), indent=2), encoding="utf-8")
    return 1 if results.failed else 0


def _parse(argv: list[str] | None) -> Options:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--smoke", action="store_true", help="tiny inputs; checks the code paths")
    p.add_argument(
        "--docs",
        type=Path,
        action="append",
        help="folder(s) of documents to audit "
        "(default: the real-world decisions and postmortems, read in place)",
    )
    p.add_argument("--limit", type=int, help="audit only the first N documents")
    p.add_argument("--framework", type=Path, default=corpus.default_framework())
    p.add_argument("--threads", type=int, default=_cpus(), help="threads for both sides")
    p.add_argument("--memos", type=int, default=30, help="measured /score-memo calls per side")
    p.add_argument("--audit-repeats", type=int, default=1, help="batch audits per side")
    p.add_argument("--encoder-sentences", type=int, default=1024)
    p.add_argument("--encoder-repeats", type=int, default=3)
    p.add_argument("--json", type=Path, help="also write every figure to this file")
    p.add_argument("--only", action="append", choices=SECTIONS, help="run just these parts")
    a = p.parse_args(argv)
    smoke = bool(a.smoke)
    return Options(
        smoke=smoke,
        docs=tuple(a.docs or corpus.DEFAULT_DOCS),
        limit=a.limit,
        framework=a.framework,
        threads=a.threads,
        memos=3 if smoke else a.memos,
        audit_repeats=1 if smoke else a.audit_repeats,
        encoder_sentences=48 if smoke else a.encoder_sentences,
        encoder_repeats=1 if smoke else a.encoder_repeats,
        json_out=a.json,
        only=tuple(a.only or ()),
    )


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _require_models() -> None:
    from nlp.embed_onnx import models_dir, onnx_model_available

    if not onnx_model_available():
        raise SystemExit(f"the ONNX encoder is not built in {models_dir()}; run `make models`")


def _section(results: Results, name: str, run: Callable[[], None]) -> None:
    _log(f"section: {name}")
    start = time.perf_counter()
    try:
        run()
    except Unavailable as exc:
        results.rows.append(Row(f"{name}", "not available", f"not available: {exc}", met="n/a"))
    except Exception as exc:  # one broken section must not hide the others' figures
        traceback.print_exc(file=sys.stderr)
        results.failed.append(f"{name}: {exc}")
        results.rows.append(Row(f"{name}", "ERROR", f"ERROR: {exc}"[:200], met="n/a"))
    _log(f"section {name}: {time.perf_counter() - start:.1f}s")


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# -- 1. machine and encoders ---------------------------------------------------------------------


def machine(opts: Options, results: Results) -> None:
    peak = flops.peak_gflops(opts.threads, size=1024 if opts.smoke else 2048)
    results.details["machine"] = {
        "cpu": _cpu_name(),
        "cpus_available": _cpus(),
        "threads": opts.threads,
        "peak_fp32_gflops": round(peak, 1),
        "python": platform.python_version(),
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def encoder_section(opts: Options, docs: Sequence[Any], results: Results) -> None:
    sentences = corpus.sample_sentences(docs, opts.encoder_sentences)
    configs = encoders.default_configs(opts.threads, opts.smoke)
    measured, agree = encoders.measure(sentences, configs, opts.encoder_repeats)
    results.details["encoders"] = [
        {
            "label": r.config.label,
            "sentences": r.sentences,
            "tokens": r.tokens,
            "useful_gflop": r.useful_flops / 1e9,
            "seconds": r.seconds,
            "sentences_per_s": r.sentences_per_second,
            "tokens_per_s": r.tokens_per_second,
            "gflops": r.gflops,
        }
        for r in measured
    ]
    results.details["agreement"] = agree


# -- 2. /score-memo ------------------------------------------------------------------------------


def memo_section(opts: Options, docs: Sequence[Any], results: Results) -> None:
    _need("nlp.pipeline", "the Auditor (nlp/pipeline.py)")
    _need("service.app", "the HTTP app (service/app.py)")
    from bench.peer import PeerAuditor
    from bench.server import saydo_server
    from nlp.embed import load_embedder
    from nlp.framework import load_framework
    from nlp.pipeline import Auditor

    texts = corpus.memos(docs, opts.memos + WARMUP_MEMOS)
    framework = load_framework(opts.framework.read_bytes())
    peer = PeerAuditor(framework, threads=opts.threads)
    inproc = Auditor(framework, embedder=load_embedder("onnx", threads=opts.threads))
    times: dict[str, list[float]] = {"peer": [], "http": [], "inproc": [], "http_edit": []}
    with saydo_server(opts.framework, threads=opts.threads) as server:
        runs: dict[str, Callable[[str], float]] = {
            "peer": lambda t: _timed(lambda: peer.score_memo(t)),
            "http": lambda t: server.score_memo(t)[0],
            "inproc": lambda t: _timed(lambda: inproc.score_memo(t)),
        }
        for i, text in enumerate(texts):
            names = list(runs)
            for name in names[i % 3 :] + names[: i % 3]:  # rotate who goes first
                elapsed = runs[name](text)
                if i >= WARMUP_MEMOS:
                    times[name].append(elapsed)
            # The writing-tool case: the same draft again with one sentence revised.
            elapsed = server.score_memo(corpus.edited(text))[0]
            if i >= WARMUP_MEMOS:
                times["http_edit"].append(elapsed)
    words = statistics.mean(len(t.split()) for t in texts[WARMUP_MEMOS:])
    results.details["score_memo"] = {"memos": len(times["peer"]), "mean_words": words, **times}
    _memo_rows(times, words, results)


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _memo_rows(times: dict[str, list[float]], words: float, results: Results) -> None:
    peer_med, http_med = statistics.median(times["peer"]), statistics.median(times["http"])
    http_p95, peer_p95 = _p95(times["http"]), _p95(times["peer"])
    n = len(times["http"])
    label = f"/score-memo, {words:.0f}-word memo, warm, n={n}"
    results.rows += [
        Row(
            f"{label}: median",
            f"{ms(peer_med)} (in-process)",
            f"{ms(http_med)} (HTTP)",
            f"{http_med / peer_med:.2f}x",
            "<= 0.5x peer",
            verdict(http_med <= 0.5 * peer_med),
        ),
        Row(
            f"{label}: p95",
            f"{ms(peer_p95)}",
            f"{ms(http_p95)} (HTTP)",
            "",
            "<= 150 ms",
            verdict(http_p95 <= 0.150),
        ),
        Row(
            f"{label}: the same draft with one sentence revised (HTTP), median / p95",
            "",
            f"{ms(statistics.median(times['http_edit']))} / {ms(_p95(times['http_edit']))}",
            "",
            "(no target)",
            "",
        ),
        Row(
            f"{label}: saydo in-process median (HTTP overhead = difference)",
            "",
            ms(statistics.median(times["inproc"])),
            "",
            "",
            "",
        ),
    ]


def _p95(values: Sequence[float]) -> float:
    return float(np.percentile(values, 95))


def _need(module: str, what: str) -> None:
    try:
        found = importlib.util.find_spec(module) is not None
    except ImportError:
        found = False
    if not found:
        raise Unavailable(f"{what} does not exist yet")


# -- 3. batch audit ------------------------------------------------------------------------------


def audit_section(opts: Options, results: Results) -> None:
    _need("nlp.pipeline", "the Auditor (nlp/pipeline.py)")
    runs: dict[str, list[dict[str, Any]]] = {"peer": [], "saydo": []}
    for rep in range(opts.audit_repeats):
        for side in ("peer", "saydo") if rep % 2 == 0 else ("saydo", "peer"):
            _log(f"batch audit: {side} (run {rep + 1}/{opts.audit_repeats})")
            runs[side].append(_audit_child(opts, side))
    results.details["batch_audit"] = runs
    _audit_rows(runs, results)


def _audit_child(opts: Options, side: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "bench.audit_child",
        "--side",
        side,
        "--framework",
        str(opts.framework),
        "--threads",
        str(opts.threads),
    ]
    if opts.smoke:
        cmd.append("--smoke")
    for folder in opts.docs:
        cmd += ["--docs", str(folder)]
    if opts.limit:
        cmd += ["--limit", str(opts.limit)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=corpus.ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{side} audit failed ({done.returncode}): {done.stderr[-1500:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _audit_rows(runs: dict[str, list[dict[str, Any]]], results: Results) -> None:
    peer, saydo = _median_run(runs["peer"]), _median_run(runs["saydo"])
    docs = saydo["documents"]
    p_docs, s_docs = docs / peer["seconds"], docs / saydo["seconds"]
    p_sent, s_sent = peer["sentences"] / peer["seconds"], saydo["sentences"] / saydo["seconds"]
    warm, disk = saydo["reaudit_warm_seconds"], saydo["reaudit_disk_seconds"]
    label = f"batch audit, {docs} documents"
    results.rows += [
        Row(
            f"{label}: documents/s",
            f"{p_docs:.2f} ({peer['seconds']:.1f} s)",
            f"{s_docs:.2f} ({saydo['seconds']:.1f} s)",
            f"{s_docs / p_docs:.2f}x",
            ">= 2x peer",
            verdict(s_docs >= 2 * p_docs),
        ),
        Row(
            f"{label}: sentences/s (each side's own split)",
            f"{p_sent:.0f} ({peer['sentences']} sent.)",
            f"{s_sent:.0f} ({saydo['sentences']} sent.)",
            f"{s_sent / p_sent:.2f}x",
            ">= 2x peer",
            verdict(s_sent >= 2 * p_sent),
        ),
        Row(
            "re-audit, nothing changed (same process, warm cache)",
            "",
            f"{warm:.2f} s vs {saydo['seconds']:.1f} s",
            f"{saydo['seconds'] / warm:.1f}x faster",
            ">= 10x faster",
            verdict(saydo["seconds"] >= 10 * warm),
        ),
        Row(
            "re-audit, nothing changed (new Auditor, disk cache)",
            "",
            f"{disk:.2f} s vs {saydo['seconds']:.1f} s",
            f"{saydo['seconds'] / disk:.1f}x faster",
            ">= 10x faster",
            verdict(saydo["seconds"] >= 10 * disk),
        ),
        Row(
            "peak RSS of a batch audit (own process, models included)",
            f"{peer['peak_rss_mb']:.0f} MB",
            f"{saydo['peak_rss_mb']:.0f} MB",
            "",
            "<= 2048 MB",
            verdict(saydo["peak_rss_mb"] <= 2048),
        ),
    ]


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


# -- 4. accuracy ---------------------------------------------------------------------------------


def accuracy_section(opts: Options, results: Results) -> None:
    agree = results.details.get("agreement") or {}
    if agree:
        results.rows.append(
            Row(
                f"encoder agreement, cosine onnx vs torch fp32 ({agree['n']} corpus sentences)",
                "fp32 = 1",
                f"mean {agree['mean']:.4f}, p05 {agree['p05']:.4f}, min {agree['min']:.4f}",
                "",
                "",
                "",
            )
        )
    check = _manifest_check()
    if check:
        results.rows.append(
            Row(
                f"encoder agreement at build (models/manifest.json, {check['sentences']} sentences)",
                "fp32 = 1",
                f"mean {check['mean_cosine']:.4f}, min {check['min_cosine']:.4f}",
                "",
                f"mean >= {check['threshold_mean_cosine']}",
                verdict(check["mean_cosine"] >= check["threshold_mean_cosine"]),
            )
        )
    if opts.smoke:
        results.rows.append(
            Row(
                "eval F1, torch fp32 vs onnx",
                "not run in --smoke",
                "not run in --smoke",
                met="n/a",
            )
        )
        return
    _eval_rows(results)


def _manifest_check() -> dict[str, Any]:
    from nlp.embed_onnx import MANIFEST_FILE, models_dir

    try:
        manifest = json.loads((models_dir() / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    check = manifest.get("check")
    return check if isinstance(check, dict) else {}


def _eval_rows(results: Results) -> None:
    corpora = sorted(
        p
        for p in (corpus.ROOT / "corpora").glob("*")
        if (p / "gold.yaml").is_file() and (p / "framework.yaml").is_file()
    )
    if not corpora:
        raise Unavailable("no corpora/<org>/gold.yaml to evaluate against")
    scores: dict[str, dict[str, Any]] = {}
    for folder in corpora:
        for backend in ("torch", "onnx"):
            _log(f"eval {folder.name} --embedder {backend}")
            scores[f"{folder.name}/{backend}"] = _run_eval(folder, backend)
    results.details["eval"] = scores
    for folder in corpora:
        fp32, int8 = scores[f"{folder.name}/torch"], scores[f"{folder.name}/onnx"]
        for key in (k for k, v in fp32.items() if isinstance(v, dict) and "f1" in v):
            a, b = float(fp32[key]["f1"]), float(int8.get(key, {}).get("f1", float("nan")))
            results.rows.append(
                Row(
                    f"F1 {folder.name} {key} (torch fp32 vs onnx)",
                    f"{a:.3f}",
                    f"{b:.3f}",
                    f"{b - a:+.3f}",
                    "|diff| <= 0.01",
                    verdict(abs(b - a) <= 0.01 + 1e-9),
                )
            )


def _run_eval(folder: Path, backend: str) -> dict[str, Any]:
    from bench.server import SAYDO

    with tempfile.TemporaryDirectory(prefix="saydo-bench-eval-") as tmp:
        out = Path(tmp) / "scores.json"
        env = {**os.environ, "SAYDO_DATA_DIR": tmp}  # an empty cache: nothing carried over
        cmd = [*SAYDO, "eval", str(folder), "--embedder", backend, "--json", str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=corpus.ROOT)
        if done.returncode != 0 or not out.is_file():
            raise RuntimeError(
                f"`saydo eval {folder.name} --embedder {backend}` failed "
                f"({done.returncode}): {done.stderr[-1500:]}"
            )
        return dict(json.loads(out.read_text(encoding="utf-8")))


# -- output --------------------------------------------------------------------------------------


def _print(opts: Options, results: Results) -> None:
    m = results.details.get("machine", {})
    cmd = "python -m bench.run " + " ".join(sys.argv[1:])
    print(
        f"\n# saydo benchmark ({'SMOKE: tiny inputs, figures meaningless' if opts.smoke else 'full'})"
    )
    print(
        f"command: `{cmd.strip()}`; {m.get('cpu', '?')}, {m.get('cpus_available', '?')} CPUs "
        f"available, {opts.threads} threads per side; "
        f"total {results.details.get('seconds', 0):.0f} s\n"
    )
    print(target_table(results.rows))
    enc = results.details.get("encoders")
    if enc:
        print(
            "\n## Encoder throughput (same sentences, interleaved, median of "
            f"{opts.encoder_repeats})\n"
        )
        print(_encoder_table(enc, m.get("peak_fp32_gflops", 0.0)))
        print(_limit_text(enc, m.get("peak_fp32_gflops", 0.0), results.details))
    if results.failed:
        print("\nFAILED sections: " + "; ".join(results.failed))


def _encoder_table(enc: list[dict[str, Any]], peak: float) -> str:
    base = next((e["sentences_per_s"] for e in enc if e["label"].startswith("torch")), None)
    rows = [
        (
            e["label"],
            f"{e['sentences_per_s']:.0f}",
            f"{e['tokens_per_s']:.0f}",
            f"{e['gflops']:.1f}",
            f"{100 * e['gflops'] / peak:.0f}%" if peak else "?",
            f"{e['sentences_per_s'] / base:.2f}x" if base else "",
        )
        for e in enc
    ]
    header = (
        "encoder",
        "sentences/s",
        "tokens/s",
        "useful GFLOP/s",
        "% of fp32 peak",
        "vs torch fp32",
    )
    return markdown(header, rows)


def _limit_text(enc: list[dict[str, Any]], peak: float, details: dict[str, Any]) -> str:
    e = enc[0]
    per_sentence = e["useful_gflop"] * 1e9 / e["sentences"]
    limit = peak * 1e9 / per_sentence if peak else 0.0
    lines = [
        "\nPhysical limit: MiniLM-L6 costs 2 x 10.6 M matmul weights = 21.2 MFLOP per token "
        "plus 2 x 6 layers x 2 x length x 384 for attention;",
        f"the sample averages {e['tokens'] / e['sentences']:.1f} tokens and "
        f"{per_sentence / 1e6:.0f} MFLOP per sentence. Measured fp32 matmul peak: {peak:.0f} "
        f"GFLOP/s on {details.get('machine', {}).get('threads', '?')} threads, so at most "
        f"{limit:.0f} sentences/s in fp32.",
        "int8 (VNNI) arithmetic peaks higher than fp32, so an int8 encoder may pass 100% of the "
        "fp32 figure.",
    ]
    audit = details.get("batch_audit", {}).get("saydo")
    if audit and limit:
        run = _median_run(audit)
        rate = run["sentences"] / run["seconds"]
        lines.append(
            f"saydo's batch audit runs {rate:.0f} sentences/s end to end = "
            f"{100 * rate / limit:.0f}% of that fp32 limit."
        )
    return "\n".join(lines)


def _jsonable(results: Results) -> dict[str, Any]:
    return {
        "args": results.args,
        "rows": [asdict(r) for r in results.rows],
        "details": results.details,
        "failed": results.failed,
    }


if __name__ == "__main__":
    raise SystemExit(main())
