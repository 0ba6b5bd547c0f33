"""ValueEval evaluation: metric, parsing, category framework and the command on tiny data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp import valueeval as ve
from nlp.embed import HashEmbedder

REAL_CATEGORIES = Path("/work/shared/data/valueeval/value-categories.json")
CATEGORIES = {
    "Universalism: nature": {
        "Be protecting the environment": ["protecting forests", "reducing pollution"],
        "Have harmony with nature": ["living in harmony with nature"],
    },
    "Power: resources": {"Have wealth": ["making people richer", "saving money"]},
}
NAMES = list(CATEGORIES)
TRAIN = [
    (
        "T1",
        "We should ban plastic",
        "in favor of",
        "plastic pollution kills forests and rivers",
        "10",
    ),
    (
        "T2",
        "We should tax carbon",
        "in favor of",
        "a carbon tax reduces pollution of forests",
        "10",
    ),
    (
        "T3",
        "We should cut taxes",
        "in favor of",
        "lower taxes make people richer and save money",
        "01",
    ),
    (
        "T4",
        "We should subsidize farms",
        "against",
        "subsidies waste money and make nobody richer",
        "01",
    ),
    (
        "T5",
        "We should build dams",
        "against",
        "dams destroy rivers and forests and cost money",
        "11",
    ),
    ("T6", "We should ban zoos", "in favor of", "animals should live in nature not in cages", "10"),
    ("T7", "We should end lotteries", "in favor of", "lotteries take money from poor people", "01"),
    ("T8", "We should adopt school uniforms", "against", 'uniforms are "boring" for kids', "00"),
]
VALID = [
    ("V1", "We should protect parks", "in favor of", "parks keep forests free of pollution", "10"),
    ("V2", "We should raise wages", "in favor of", "higher wages make people richer", "01"),
    ("V3", "We should ban mining", "in favor of", "mining destroys forests but brings money", "11"),
    ("V4", "We should allow homework", "against", "homework is tiring", "00"),
]


def write_split(folder: Path, split: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    args = ["Argument ID\tConclusion\tStance\tPremise"]
    labels = ["Argument ID\t" + "\t".join(reversed(NAMES))]  # columns in another order on purpose
    for ident, conclusion, stance, premise, gold in reversed(rows):
        args.append(f"{ident}\t{conclusion}\t{stance}\t{premise}")
        labels.append(f"{ident}\t" + "\t".join(reversed(gold)))
    (folder / f"arguments-{split}.tsv").write_text("\n".join(args) + "\n", encoding="utf-8")
    (folder / f"labels-{split}.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    (tmp_path / "value-categories.json").write_text(json.dumps(CATEGORIES), encoding="utf-8")
    write_split(tmp_path, "training", TRAIN)
    write_split(tmp_path, "validation", VALID)
    return tmp_path


def test_official_metric_hand_computed() -> None:
    gold = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=bool)
    pred = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 0]], dtype=bool)
    m = ve.official_metrics(pred, gold, ["a", "b", "c"])
    # a: P 1/1, R 1/2; b: P 1/2, R 1/2; c has no gold instance and is skipped (as officially).
    assert m.per_category == {"a": (1.0, 0.5, pytest.approx(2 / 3)), "b": (0.5, 0.5, 0.5)}
    assert m.precision == pytest.approx(0.75)
    assert m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(0.6)
    assert m.macro_f1 == pytest.approx(7 / 12)


def test_metric_counts_silent_category_as_zero_precision() -> None:
    gold = np.array([[1, 1], [0, 1]], dtype=bool)
    pred = np.array([[1, 0], [0, 0]], dtype=bool)
    m = ve.official_metrics(pred, gold, ["a", "b"])
    assert (m.precision, m.recall) == (0.5, 0.5)


def test_parse_tsvs_keeps_quotes_and_aligns_labels(data: Path) -> None:
    split = ve.load_split(data, "training", NAMES)
    assert [a.id for a in split.arguments] == [r[0] for r in reversed(TRAIN)]
    assert split.arguments[0].premise == 'uniforms are "boring" for kids'
    assert split.arguments[0].stance == "against"
    expected = [[c == "1" for c in r[4]] for r in reversed(TRAIN)]
    assert split.gold.tolist() == expected


def test_labels_must_cover_every_argument(data: Path) -> None:
    with pytest.raises(ValueError, match="lacks labels"):
        ve.read_labels(data / "labels-validation.tsv", NAMES, ["V1", "NOPE"])
    with pytest.raises(ValueError, match="lacks category columns"):
        ve.read_labels(data / "labels-validation.tsv", ["Hedonism"], ["V1"])


def test_argument_text_variants() -> None:
    arg = ve.Argument("A", "We should ban zoos", "against", "zoos protect species")
    assert ve.argument_text(arg, "premise") == "zoos protect species"
    assert (
        ve.argument_text(arg, "argument") == "zoos protect species therefore not We should ban zoos"
    )
    with pytest.raises(ValueError):
        ve.argument_text(arg, "conclusion")


def test_categories_become_a_framework(data: Path) -> None:
    fw = ve.load_categories(data / "value-categories.json")
    assert [v.id for v in fw.values] == ["universalism-nature", "power-resources"]
    nature = fw.values[0]
    assert nature.name == "Universalism: nature"
    assert nature.examples == (
        "Be protecting the environment: protecting forests",
        "Be protecting the environment: reducing pollution",
        "Have harmony with nature: living in harmony with nature",
    )
    assert nature.definition == (
        "Universalism: nature means to be protecting the environment and to have harmony with nature."
    )
    assert fw.values[1].definition == "Power: resources means to have wealth."


@pytest.mark.skipif(not REAL_CATEGORIES.exists(), reason="ValueEval data not on this machine")
def test_real_categories_have_twenty_values_with_examples() -> None:
    fw = ve.load_categories(REAL_CATEGORIES)
    assert len(fw.values) == 20
    assert len({v.id for v in fw.values}) == 20
    assert all(v.examples and v.definition for v in fw.values)


def test_soft_max_pool_between_max_and_mean() -> None:
    sims = np.array([[0.1, 0.5, 0.3]], dtype=np.float32)
    assert ve.soft_max_pool(sims, 1e-3)[0] == pytest.approx(0.5, abs=1e-2)
    assert ve.soft_max_pool(sims, 1e3)[0] == pytest.approx(0.3, abs=1e-3)
    assert 0.3 < ve.soft_max_pool(sims, 0.1)[0] < 0.5


def test_value_relevance_prefers_the_matching_value(data: Path) -> None:
    fw = ve.load_categories(data / "value-categories.json")
    emb = HashEmbedder()
    vecs = emb.encode(
        ["reducing pollution protecting forests", "saving money making people richer"]
    )
    scores = ve.value_relevance(vecs, fw, emb)
    assert scores.shape == (2, 2)
    assert scores[0, 0] > scores[0, 1]
    assert scores[1, 1] > scores[1, 0]


def test_rules_topk_and_threshold() -> None:
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.3, 0.1]])
    assert ve.top_k_mask(scores, 1).tolist() == [[True, False, False], [False, True, False]]
    rule = ve.Rule(zscore=True, top_k=1, threshold=0.5)
    assert rule.describe() == "z top-1 or z > 0.5"
    assert ve.apply_rule(scores, rule, scores).sum() >= 2


def test_command_end_to_end(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    ve.main(["--data", str(data), "--embedder", "hash", "--json", str(out)])
    printed = capsys.readouterr().out
    assert "saydo zero-shot" in printed and "chosen on training" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["chosen_on"] == "training"
    methods = [r["method"] for r in result["rows"]]
    assert methods[0].startswith("saydo zero-shot")
    assert any(m.startswith("naive") for m in methods)
    assert any(m.startswith("supervised") for m in methods)
    assert all(0.0 <= r["f1"] <= 1.0 for r in result["rows"])
    assert set(result["rows"][0]["per_category"]) == set(NAMES)
