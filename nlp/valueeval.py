"""Zero-shot evaluation of saydo's value-relevance scoring on SemEval-2023 Task 4 (ValueEval).

The 20 value categories of the task become a saydo ``Framework`` (one ``Value`` per category, its
examples being the "exemplary effects" of ``value-categories.json``). Every argument is scored
against every value with :func:`value_relevance` (embeddings and framework text only; no
classifier is trained on ValueEval labels). The training split only chooses a few
hyperparameters (argument text, pooling temperature, decision rule); figures are reported on the
validation split with the official metric: F1 = harmonic mean of macro-precision and
macro-recall over the categories that have at least one gold instance.

    python -m nlp.valueeval --data /work/shared/data/valueeval [--embedder torch] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embed import Embedder, load_embedder
from nlp.records import Framework, Value

SPLITS = ("training", "validation")
IN_FAVOR = "in favor of"
TEXT_VARIANTS = ("premise", "argument")
TEMPERATURES = (0.02, 0.05, 0.1, 0.2)
NAIVE_TOP_K = 4
ENCODE_CHUNK = 1024


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Argument:
    id: str
    conclusion: str
    stance: str
    premise: str


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a ValueEval TSV (tab-separated, no quoting: premises contain raw quote marks)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_arguments(path: Path) -> list[Argument]:
    return [
        Argument(r["Argument ID"], r["Conclusion"], r["Stance"], r["Premise"])
        for r in read_tsv(path)
    ]


def read_labels(path: Path, categories: Sequence[str], ids: Sequence[str]) -> np.ndarray:
    """Gold labels as a bool matrix [len(ids), len(categories)], rows in the order of ``ids``."""
    rows = {r["Argument ID"]: r for r in read_tsv(path)}
    missing_cols = [c for c in categories if rows and c not in next(iter(rows.values()))]
    if missing_cols:
        raise ValueError(f"{path} lacks category columns {missing_cols}")
    missing_ids = [i for i in ids if i not in rows]
    if missing_ids:
        raise ValueError(
            f"{path} lacks labels for {len(missing_ids)} arguments, e.g. {missing_ids[0]}"
        )
    return np.array([[rows[i][c] == "1" for c in categories] for i in ids], dtype=bool).reshape(
        len(ids), len(categories)
    )


def argument_text(arg: Argument, variant: str) -> str:
    """``premise``: the premise alone; ``argument``: "<premise> so / therefore not <conclusion>"."""
    if variant == "premise":
        return arg.premise
    if variant == "argument":
        link = "so" if arg.stance == IN_FAVOR else "therefore not"
        return f"{arg.premise} {link} {arg.conclusion}"
    raise ValueError(f"unknown text variant {variant!r}; valid: {', '.join(TEXT_VARIANTS)}")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _category_value(name: str, level1: Mapping[str, Sequence[str]]) -> Value:
    goals = [f"to {_lower_first(v)}" for v in level1]
    listed = ", ".join(goals[:-1]) + f" and {goals[-1]}" if len(goals) > 1 else "".join(goals)
    examples = tuple(f"{v}: {effect}" for v, effects in level1.items() for effect in effects)
    return Value(
        id=slugify(name), name=name, definition=f"{name} means {listed}.", examples=examples
    )


def load_categories(path: Path) -> Framework:
    """The value categories of ``value-categories.json`` as a saydo framework, in file order."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    values = tuple(_category_value(name, level1) for name, level1 in raw.items())
    return Framework(organization="ValueEval 2023 value categories", values=values)


@dataclass(frozen=True)
class Split:
    arguments: list[Argument]
    gold: np.ndarray


def load_split(data: Path, split: str, categories: Sequence[str]) -> Split:
    arguments = read_arguments(data / f"arguments-{split}.tsv")
    gold = read_labels(data / f"labels-{split}.tsv", categories, [a.id for a in arguments])
    return Split(arguments, gold)


# --- metric ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """The official ValueEval scores; ``per_category`` maps name -> (precision, recall, f1)."""

    f1: float
    precision: float
    recall: float
    macro_f1: float
    per_category: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "f1": round(self.f1, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_category": {k: [round(x, 4) for x in v] for k, v in self.per_category.items()},
        }


def _harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def official_metrics(pred: np.ndarray, gold: np.ndarray, categories: Sequence[str]) -> Metrics:
    """As the task's evaluator: per-category P and R (P = 0 when nothing is predicted), categories
    without gold instances skipped, macro averages, F1 = harmonic mean of macro-P and macro-R."""
    tp = (pred & gold).sum(0)
    per: dict[str, tuple[float, float, float]] = {}
    for j, name in enumerate(categories):
        relevant, positive = int(gold[:, j].sum()), int(pred[:, j].sum())
        if relevant:
            p = tp[j] / positive if positive else 0.0
            r = tp[j] / relevant
            per[name] = (float(p), float(r), _harmonic(float(p), float(r)))
    if not per:
        return Metrics(0.0, 0.0, 0.0, 0.0)
    macro_p = float(np.mean([v[0] for v in per.values()]))
    macro_r = float(np.mean([v[1] for v in per.values()]))
    macro_f1 = float(np.mean([v[2] for v in per.values()]))
    return Metrics(_harmonic(macro_p, macro_r), macro_p, macro_r, macro_f1, per)


# --- scoring (reusable by saydo's pipeline) --------------------------------------------------


def value_texts(value: Value) -> tuple[str, ...]:
    """What a value is compared with: its concrete examples, else its name and definition."""
    return value.examples or (f"{value.name}: {value.definition}",)


def soft_max_pool(sims: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise ``T * log(mean(exp(s / T)))``: the max for T -> 0, the mean for T -> inf."""
    top = sims.max(axis=1, keepdims=True)
    pooled = top + temperature * np.log(
        np.mean(np.exp((sims - top) / temperature), axis=1, keepdims=True)
    )
    return pooled[:, 0]


def value_relevance(
    passage_vecs: np.ndarray, framework: Framework, embedder: Embedder, *, temperature: float = 0.1
) -> np.ndarray:
    """How strongly each passage invokes each value: a float matrix [n_passages, n_values].

    Method: a value is represented by its examples (concrete behaviours or effects that uphold
    it; the name and definition are the fallback when it has none), because an argument or a
    memo rarely names a value but often describes one of its effects. Each example is embedded
    once; the passage's cosine similarities to the value's examples are pooled with a smooth
    maximum, ``T * log(mean(exp(sim / T)))``: close to the best-matching example for a small
    ``T``, yet rewarding several matching examples and less noisy than a hard max.

    The raw scores are comparable across passages for one value, not across values (some values
    have generically "close" examples: hubness). To decide, standardise each value's column over
    a reference corpus with :func:`standardize` and take per passage the top-k values and/or
    those above a z threshold (see :class:`Rule`).
    """
    texts = [value_texts(v) for v in framework.values]
    vecs = embedder.encode([t for group in texts for t in group])
    out = np.zeros((len(passage_vecs), len(texts)), dtype=np.float32)
    start = 0
    for j, group in enumerate(texts):
        sims = passage_vecs @ vecs[start : start + len(group)].T
        out[:, j] = soft_max_pool(sims, temperature) if len(passage_vecs) else 0.0
        start += len(group)
    return out


def standardize(scores: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Z-score each value's column with the mean and spread of ``reference`` (default: itself).

    The reference is an unlabelled corpus (here the training arguments); this removes each
    value's baseline closeness to everything so that values compete on equal terms.
    """
    ref = scores if reference is None else reference
    return (scores - ref.mean(axis=0)) / np.maximum(ref.std(axis=0), 1e-6)


@dataclass(frozen=True)
class Rule:
    """Per passage: the ``top_k`` best values, plus every value above ``threshold``.

    ``zscore`` says whether ranks and threshold apply to standardised or raw scores.
    """

    zscore: bool
    top_k: int = 0
    threshold: float | None = None

    def describe(self) -> str:
        parts = [f"top-{self.top_k}"] if self.top_k else []
        if self.threshold is not None:
            parts.append(f"z > {self.threshold:.1f}")
        return ("z " if self.zscore and self.top_k else "") + " or ".join(parts)


def top_k_mask(scores: np.ndarray, k: int) -> np.ndarray:
    mask = np.zeros(scores.shape, dtype=bool)
    if k > 0:
        idx = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        np.put_along_axis(mask, idx, True, axis=1)
    return mask


def apply_rule(scores: np.ndarray, rule: Rule, reference: np.ndarray) -> np.ndarray:
    """Boolean predictions; ``reference`` holds the raw scores that define the z-scale."""
    s = standardize(scores, reference) if rule.zscore else scores
    mask = top_k_mask(s, rule.top_k)
    if rule.threshold is not None:
        mask |= s > rule.threshold
    return mask


def candidate_rules() -> list[Rule]:
    rules = [Rule(zscore=False, top_k=k) for k in range(1, 9)]
    rules += [Rule(zscore=True, top_k=k) for k in range(1, 9)]
    rules += [Rule(zscore=True, threshold=round(t, 1)) for t in np.arange(-0.2, 1.25, 0.1)]
    rules += [
        Rule(zscore=True, top_k=k, threshold=round(t, 1))
        for k in (1, 2, 3)
        for t in np.arange(0.2, 1.65, 0.2)
    ]
    return rules


# --- the evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str
    text: str
    validation: Metrics
    training_f1: float | None = None
    hyperparameters: str = ""


@dataclass
class Corpus:
    """Both splits, the framework and per-variant argument embeddings (embedded once)."""

    framework: Framework
    splits: dict[str, Split]
    vecs: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return [v.name for v in self.framework.values]


def embed_corpus(corpus: Corpus, embedder: Embedder, variants: Sequence[str]) -> None:
    """Embed every argument text of every variant once, in chunks, reporting progress."""
    keys = [(variant, split) for variant in variants for split in SPLITS]
    texts = [argument_text(a, v) for v, s in keys for a in corpus.splits[s].arguments]
    chunks, started = [], time.monotonic()
    for i in range(0, len(texts), ENCODE_CHUNK):
        chunks.append(embedder.encode(texts[i : i + ENCODE_CHUNK]))
        done = min(i + ENCODE_CHUNK, len(texts))
        print(f"embedded {done}/{len(texts)} ({time.monotonic() - started:.0f}s)", file=sys.stderr)
    rows = np.concatenate(chunks) if chunks else np.zeros((0, embedder.dim), np.float32)
    start = 0
    for key in keys:
        n = len(corpus.splits[key[1]].arguments)
        corpus.vecs[key] = rows[start : start + n]
        start += n


def _best_rule(
    train: np.ndarray, gold: np.ndarray, categories: Sequence[str]
) -> tuple[Rule, float]:
    scored = [
        (official_metrics(apply_rule(train, r, train), gold, categories).f1, i, r)
        for i, r in enumerate(candidate_rules())
    ]
    f1, _, rule = max(scored, key=lambda x: (x[0], -x[1]))
    return rule, f1


@dataclass(frozen=True)
class Choice:
    text: str
    temperature: float
    rule: Rule
    training_f1: float


def choose_on_training(corpus: Corpus, embedder: Embedder, variant: str) -> Choice:
    """Pick the pooling temperature and decision rule that maximise the training F1."""
    gold, best = corpus.splits["training"].gold, None
    for temperature in TEMPERATURES:
        scores = value_relevance(
            corpus.vecs[(variant, "training")], corpus.framework, embedder, temperature=temperature
        )
        rule, f1 = _best_rule(scores, gold, corpus.categories)
        if best is None or f1 > best.training_f1:
            best = Choice(variant, temperature, rule, f1)
    assert best is not None
    return best


def saydo_row(corpus: Corpus, embedder: Embedder, choice: Choice) -> Row:
    scores = {
        s: value_relevance(
            corpus.vecs[(choice.text, s)],
            corpus.framework,
            embedder,
            temperature=choice.temperature,
        )
        for s in SPLITS
    }
    pred = apply_rule(scores["validation"], choice.rule, scores["training"])
    metrics = official_metrics(pred, corpus.splits["validation"].gold, corpus.categories)
    hyper = f"examples soft-max T={choice.temperature:g}; {choice.rule.describe()}"
    return Row("saydo zero-shot (value examples)", choice.text, metrics, choice.training_f1, hyper)


def naive_row(corpus: Corpus, embedder: Embedder, variant: str) -> Row:
    names = embedder.encode(corpus.categories)
    pred = top_k_mask(corpus.vecs[(variant, "validation")] @ names.T, NAIVE_TOP_K)
    metrics = official_metrics(pred, corpus.splits["validation"].gold, corpus.categories)
    return Row(
        "naive: similarity to category name", variant, metrics, None, f"top-{NAIVE_TOP_K} (fixed)"
    )


def all_ones_row(corpus: Corpus) -> Row:
    gold = corpus.splits["validation"].gold
    metrics = official_metrics(np.ones_like(gold), gold, corpus.categories)
    return Row("trivial: every category", "-", metrics, None, "")


def supervised_row(corpus: Corpus, variant: str = "argument") -> Row:
    """TF-IDF (1-2 grams, min_df 2) + one logistic regression per category (balanced), threshold 0.5."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train, val = corpus.splits["training"], corpus.splits["validation"]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x_train = vectorizer.fit_transform([argument_text(a, variant) for a in train.arguments])
    x_val = vectorizer.transform([argument_text(a, variant) for a in val.arguments])
    pred = np.zeros(val.gold.shape, dtype=bool)
    for j in range(train.gold.shape[1]):
        y = train.gold[:, j]
        if y.all() or not y.any():
            pred[:, j] = bool(y.any())
            continue
        model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(x_train, y)
        pred[:, j] = model.predict(x_val)
    metrics = official_metrics(pred, val.gold, corpus.categories)
    return Row(
        "supervised: TF-IDF + logistic regression",
        variant,
        metrics,
        None,
        "trained on training labels; class_weight=balanced; p > 0.5",
    )


def evaluate(
    corpus: Corpus, embedder: Embedder, variants: Sequence[str], supervised: bool = True
) -> tuple[list[Row], Choice]:
    """All rows of the report; the first one is saydo with the text variant chosen on training."""
    choices = [choose_on_training(corpus, embedder, v) for v in variants]
    best = max(choices, key=lambda c: c.training_f1)
    rows = [saydo_row(corpus, embedder, best)]
    rows += [saydo_row(corpus, embedder, c) for c in choices if c is not best]
    rows += [naive_row(corpus, embedder, v) for v in reversed(variants)]
    if supervised:
        rows.append(supervised_row(corpus))
    rows.append(all_ones_row(corpus))
    return rows, best


# --- output ----------------------------------------------------------------------------------


def format_table(rows: Iterable[Row]) -> str:
    head = (
        f"{'method':<42} {'text':<9} {'trainF1':>7} {'F1':>6} {'macroP':>6} {'macroR':>6} "
        f"{'mF1':>6}  hyperparameters"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        train = f"{r.training_f1:.3f}" if r.training_f1 is not None else "-"
        m = r.validation
        lines.append(
            f"{r.method:<42} {r.text:<9} {train:>7} {m.f1:6.3f} {m.precision:6.3f} "
            f"{m.recall:6.3f} {m.macro_f1:6.3f}  {r.hyperparameters}"
        )
    return "\n".join(lines)


def format_categories(metrics: Metrics) -> str:
    lines = [f"{'category':<28} {'P':>6} {'R':>6} {'F1':>6}"]
    for name, (p, r, f1) in metrics.per_category.items():
        lines.append(f"{name:<28} {p:6.3f} {r:6.3f} {f1:6.3f}")
    return "\n".join(lines)


def report_json(rows: Sequence[Row], choice: Choice, embedder: Embedder) -> dict[str, Any]:
    return {
        "embedder": embedder.name,
        "split": "validation",
        "chosen_on": "training",
        "chosen": {
            "text": choice.text,
            "temperature": choice.temperature,
            "rule": choice.rule.describe(),
            "training_f1": round(choice.training_f1, 4),
        },
        "rows": [
            {
                "method": r.method,
                "text": r.text,
                "hyperparameters": r.hyperparameters,
                "training_f1": None if r.training_f1 is None else round(r.training_f1, 4),
                **r.validation.as_dict(),
            }
            for r in rows
        ],
    }


def load_corpus(data: Path) -> Corpus:
    framework = load_categories(data / "value-categories.json")
    names = [v.name for v in framework.values]
    return Corpus(framework, {s: load_split(data, s, names) for s in SPLITS})


def run(
    data: Path,
    embedder: Embedder,
    variants: Sequence[str],
    supervised: bool,
    out: Callable[[str], None] = print,
) -> dict[str, Any]:
    corpus = load_corpus(data)
    embed_corpus(corpus, embedder, variants)
    rows, choice = evaluate(corpus, embedder, variants, supervised)
    sizes = ", ".join(f"{s} {len(corpus.splits[s].arguments)}" for s in SPLITS)
    out(f"ValueEval 2023, {len(corpus.categories)} categories ({sizes}); embedder {embedder.name}")
    out(
        "Scores on VALIDATION (official F1 = harmonic mean of macro-P and macro-R; mF1 = mean of "
        "per-category F1). saydo's hyperparameters were chosen on TRAINING (trainF1)."
    )
    out(format_table(rows))
    out(
        f"\nchosen on training: text={choice.text}, temperature={choice.temperature:g}, "
        f"rule={choice.rule.describe()} (training F1 {choice.training_f1:.3f})"
    )
    out("\nper category, saydo zero-shot on validation:\n" + format_categories(rows[0].validation))
    return report_json(rows, choice, embedder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data",
        type=Path,
        required=True,
        help="folder with value-categories.json and {arguments,labels}-*.tsv",
    )
    parser.add_argument("--embedder", default="auto", choices=["auto", "torch", "onnx", "hash"])
    parser.add_argument(
        "--texts",
        default=",".join(TEXT_VARIANTS),
        help="argument text variants to choose from on training "
        f"(comma-separated from {', '.join(TEXT_VARIANTS)})",
    )
    parser.add_argument("--no-supervised", action="store_true", help="skip the TF-IDF baseline")
    parser.add_argument("--cache-dir", type=Path, help="on-disk embedding cache (optional)")
    parser.add_argument("--threads", type=int, help="torch threads")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.texts.split(",") if v.strip()]
    bad = [v for v in variants if v not in TEXT_VARIANTS]
    if bad or not variants:
        parser.error(f"--texts: unknown {bad}; valid: {', '.join(TEXT_VARIANTS)}")
    embedder = load_embedder(args.embedder, cache_dir=args.cache_dir, threads=args.threads)
    result = run(args.data, embedder, variants, not args.no_supervised)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
