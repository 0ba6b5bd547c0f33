"""The `saydo` command line: audit, score-memo, eval (and serve / keys from the service)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nlp.errors import SaydoError

app = typer.Typer(
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    help="Audit what an organization says it values against what its documents do.",
)
err = Console(stderr=True)
out = Console()

FrameworkOpt = Annotated[
    Path,
    typer.Option(
        "--framework",
        "-f",
        exists=True,
        dir_okay=False,
        help="Values framework, YAML or JSON (contract §1).",
    ),
]
EmbedderOpt = Annotated[str, typer.Option(help="Encoder backend: auto, onnx, torch or hash.")]


def _cache_dir(kind: str) -> Path:
    return Path(os.environ.get("SAYDO_DATA_DIR", ".saydo")) / kind


def _auditor(framework: Path, embedder: str) -> Any:
    from nlp.embed import load_embedder
    from nlp.findings_cache import FindingsCache
    from nlp.framework import load_framework
    from nlp.pipeline import Auditor
    from nlp.segment import CachedSegmenter, Segmenter

    fw = load_framework(framework.read_bytes(), "json" if framework.suffix == ".json" else None)
    with err.status("Loading models…"):
        # Both caches are keyed by content hash: unchanged documents are not re-read by a model.
        return Auditor(
            fw,
            embedder=load_embedder(embedder, cache_dir=_cache_dir("embeddings")),
            segmenter=CachedSegmenter(Segmenter(), _cache_dir("sentences")),
            cache=FindingsCache(_cache_dir("findings")),
        )


def _ingest(docs_dir: Path, manifest: Path | None) -> list[Any]:
    from nlp.ingest import ingest_folder

    results = ingest_folder(docs_dir, manifest=manifest)
    bad = [r for r in results if r.status != "ok"]
    for r in bad:
        err.print(f"[yellow]skipped[/] {escape(f'{r.source}: {r.status} — {r.error}')}")
    docs = [r.document for r in results if r.document is not None]
    if not docs:
        raise SaydoError(f"no readable documents in {docs_dir} ({len(bad)} skipped)")
    return docs


def _run_audit(auditor: Any, docs: list[Any], start: str | None, end: str | None) -> dict[str, Any]:
    columns = (TextColumn("Auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("audit", total=len(docs))
        return auditor.audit(
            docs,
            period_from=start,
            period_to=end,  # type: ignore[no-any-return]
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _summary(report: dict[str, Any]) -> None:
    table = Table(title=f"saydo audit — {report['organization']}")
    table.add_column("tenet")
    for col in ("explicit", "implicit", "against"):
        table.add_column(col, justify="right")
    for row in report["tenet_usage"]:
        table.add_row(
            row["tenet"],
            str(row["explicit_documents"]),
            str(row["implicit_documents"]),
            str(row["against_documents"]),
        )
    out.print(table)
    out.print(
        f"Documents: {report['corpus']['documents']} {report['corpus']['by_kind']}; "
        f"memos citing any tenet: {report['memos_citing_any_tenet']:.0%}"
    )
    for d in report["drift"][:5]:
        label = d.get("value") or d.get("theme")
        out.print(f"  [bold]{d['type']}[/] {label} (score {d['score']:.2f}): {d['summary']}")
    for c in report["conflicts"][:3]:
        out.print(
            f"  conflict {' vs '.join(c['values'])}: {c['documents']} documents, "
            f"{c['resolved_for']}, tenet {c['tenet']}"
        )


@app.command()
def audit(
    docs_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
    framework: FrameworkOpt,
    manifest: Annotated[Path | None, typer.Option(exists=True, dir_okay=False)] = None,
    start: Annotated[str | None, typer.Option("--from", help="First date, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last date, YYYY-MM-DD.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    html_out: Annotated[Path | None, typer.Option("--html")] = None,
    md_out: Annotated[Path | None, typer.Option("--markdown")] = None,
    embedder: EmbedderOpt = "auto",
) -> None:
    """Audit every document under DOCS_DIR against the framework."""
    auditor = _auditor(framework, embedder)
    report = _run_audit(auditor, _ingest(docs_dir, manifest), start, end)
    _write_outputs(report, json_out, html_out, md_out)
    _summary(report)


def _write_outputs(
    report: dict[str, Any], json_out: Path | None, html_out: Path | None, md_out: Path | None
) -> None:
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        err.print(f"wrote {json_out}")
    if html_out or md_out:
        from nlp.render import render_html, render_markdown

        if html_out:
            html_out.write_text(render_html(report), encoding="utf-8")
            err.print(f"wrote {html_out}")
        if md_out:
            md_out.write_text(render_markdown(report), encoding="utf-8")
            err.print(f"wrote {md_out}")


@app.command("score-memo")
def score_memo(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    framework: FrameworkOpt,
    embedder: EmbedderOpt = "auto",
) -> None:
    """Print the /score-memo findings for one file as JSON."""
    from nlp.ingest import ingest_bytes

    result = ingest_bytes(file.name, file.read_bytes())
    if result.document is None:
        raise SaydoError(f"{file}: {result.status} — {result.error}")
    auditor = _auditor(framework, embedder)
    doc = result.document
    scored = auditor.score_memo(
        doc.text, doc_id=doc.id, kind=doc.kind, team=doc.team, date=doc.date, title=doc.title
    )
    sys.stdout.write(json.dumps(scored, indent=2, ensure_ascii=False) + "\n")


@app.command("eval")
def eval_corpus(
    corpus: Annotated[
        Path,
        typer.Argument(
            exists=True, file_okay=False, help="corpora/<org> with framework.yaml, docs/, gold.yaml"
        ),
    ],
    embedder: EmbedderOpt = "auto",
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    report_out: Annotated[
        Path | None, typer.Option("--report", help="Also write the report.")
    ] = None,
) -> None:
    """Precision / recall / F1 of each finding type against the corpus's gold labels."""
    from nlp.evaluate import evaluate, load_gold

    manifest = corpus / "manifest.csv"
    auditor = _auditor(corpus / "framework.yaml", embedder)
    docs = _ingest(corpus / "docs", manifest if manifest.exists() else None)
    report = _run_audit(auditor, docs, None, None)
    gold = load_gold(corpus)
    scores = evaluate(report, gold)
    scores["kind_accuracy"]["blind"] = _blind_kind_accuracy(auditor, docs, gold)
    if json_out:
        json_out.write_text(json.dumps(scores, indent=2), encoding="utf-8")
    _write_outputs(report, report_out, None, None)
    _print_scores(corpus.name, scores)


def _blind_kind_accuracy(auditor: Any, docs: list[Any], gold: dict[str, Any]) -> float:
    """Kind inference on every document as if none had a kind given (front matter, manifest)."""
    import dataclasses

    blind = [dataclasses.replace(d, kind_inferred=True) for d in docs]
    contexts, _ = auditor.prepare(blind)
    labelled = [c.document for c in contexts if c.document.id in gold["documents"]]
    right = sum(d.kind == gold["documents"][d.id]["kind"] for d in labelled)
    return round(right / len(labelled), 3) if labelled else 0.0


def _print_scores(name: str, scores: dict[str, Any]) -> None:
    table = Table(title=f"saydo eval — {name}")
    for col in ("finding", "precision", "recall", "F1", "tp/fp/fn"):
        table.add_column(col)
    for key in ("explicit_tenet", "tenet_applied", "value_stance", "tradeoff"):
        s = scores[key]
        table.add_row(
            key,
            f"{s['precision']:.3f}",
            f"{s['recall']:.3f}",
            f"{s['f1']:.3f}",
            f"{s['tp']}/{s['fp']}/{s['fn']}",
        )
    out.print(table)
    kinds = scores["kind_accuracy"]
    out.print(
        f"direction accuracy {scores['direction_accuracy']:.3f} (n={scores['direction_n']}); "
        f"kind accuracy {kinds['all']:.3f} (inferred only: {kinds['inferred']:.3f}, "
        f"n={kinds['inferred_n']}; every kind inferred: {kinds['blind']:.3f})"
    )
    out.print(f"planted: {json.dumps(scores['planted'])}")


def _register_server_commands() -> None:
    try:
        from service.cli_server import register
    except ImportError:  # the HTTP service is optional for the batch CLI
        return
    register(app)


_register_server_commands()


def main() -> None:
    """Console entry point: domain errors become one clear message and exit code 2."""
    try:
        app()
    except SaydoError as exc:
        err.print(f"error ({exc.code}): {exc.message}", markup=False, highlight=False)
        if exc.details:
            err.print(json.dumps(exc.details, indent=2), markup=False, highlight=False)
        raise SystemExit(2) from exc
