from __future__ import annotations

import json

import pytest

from nlp.errors import FrameworkError
from nlp.framework import framework_to_dict, load_framework

GOOD = """
organization: Acme
values:
  - id: customer-trust
    name: Customer trust over growth metrics
    definition: We protect what customers rely on.
  - id: prod-sacred
    name: Production is sacred
    layer: function
    function: engineering
    parent: customer-trust
    definition: We treat production with care.
    examples: [Rollback first]
tenets:
  - id: reliability-over-velocity
    text: When feature velocity and reliability conflict, reliability wins.
    prefer: reliability
    over: feature velocity
    values: [customer-trust]
"""


def test_framework_loads_layers_and_tenets() -> None:
    fw = load_framework(GOOD)
    assert fw.organization == "Acme"
    assert [v.id for v in fw.values] == ["customer-trust", "prod-sacred"]
    assert fw.value("prod-sacred").parent == "customer-trust"
    assert fw.value("prod-sacred").examples == ("Rollback first",)
    assert fw.tenet("reliability-over-velocity").values == ("customer-trust",)


def test_framework_json_roundtrip() -> None:
    fw = load_framework(GOOD)
    again = load_framework(json.dumps(framework_to_dict(fw)))
    assert again == fw


def test_framework_reports_every_problem_with_its_path() -> None:
    bad = """
organization: ""
values:
  - id: Bad Id
    name: X
    definition: ""
  - id: dup
    name: Dup
    definition: d
    parent: nowhere
  - id: dup
    name: Dup again
    definition: d
    layer: galaxy
tenets:
  - id: t1
    text: When a and b conflict, a wins.
    values: [ghost]
"""
    with pytest.raises(FrameworkError) as info:
        load_framework(bad)
    paths = {p.path for p in info.value.problems}
    assert {
        "organization",
        "values[0].id",
        "values[0].definition",
        "values[2].id",
        "values[2].layer",
        "values[1].parent",
        "tenets[0].values[0]",
    } <= paths
    assert "duplicate id 'dup'" in info.value.message or any(
        "duplicate" in p.message for p in info.value.problems
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("organization: [unclosed", "malformed YAML"),
        ('{"organization": ', "malformed JSON"),
        ("", "empty"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_framework_malformed_input_is_named(text: str, needle: str) -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(text)
    assert needle in info.value.message


def test_framework_requires_values_and_flags_unknown_fields() -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework("organization: A\nvalus: []\n")
    paths = {p.path for p in info.value.problems}
    assert {"values", "valus"} <= paths


def test_framework_function_layer_needs_function() -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(
            "organization: A\nvalues:\n  - {id: a, name: A, definition: d, layer: team}\n"
        )
    assert [p.path for p in info.value.problems] == ["values[0].team"]


def test_framework_sample_corpus_is_valid(sample_framework_text: str) -> None:
    fw = load_framework(sample_framework_text)
    assert len(fw.values) >= 5 and len(fw.tenets) >= 5
