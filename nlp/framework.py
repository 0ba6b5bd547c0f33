"""Load and validate a values framework (contract §1) from YAML, JSON or a mapping.

Validation collects *every* problem with its field path before refusing the framework whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from nlp.errors import FrameworkError, Problem, ProblemList
from nlp.records import Framework, Tenet, Value

ID_RE = re.compile(r"^[a-z0-9-]+$")
LAYERS = ("company", "function", "team")
MAX_VALUES = 50
MAX_TENETS = 100


def parse_source(data: str | bytes, fmt: str | None = None) -> Any:
    """Parse YAML or JSON text (``fmt`` "yaml", "json" or None to detect) into Python objects."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FrameworkError([Problem("$", f"not UTF-8 text: {exc}")]) from exc
    if not data.strip():
        raise FrameworkError([Problem("$", "the framework is empty")])
    if fmt == "json" or (fmt is None and data.lstrip().startswith(("{", "["))):
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise FrameworkError([Problem("$", f"malformed JSON at {where}: {exc.msg}")]) from exc
    try:
        return yaml.safe_load(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrameworkError([Problem("$", f"malformed YAML{where}: {problem}")]) from exc


def load_framework(data: str | bytes | Mapping[str, Any], fmt: str | None = None) -> Framework:
    """Return a validated :class:`Framework`, or raise FrameworkError listing every bad field."""
    raw = data if isinstance(data, Mapping) else parse_source(data, fmt)
    if not isinstance(raw, Mapping):
        raise FrameworkError([Problem("$", "expected a mapping with organization, values, tenets")])
    problems = ProblemList()
    org = _text(raw, "organization", "organization", problems, required=True)
    values = _values(raw.get("values"), problems)
    tenets = _tenets(raw.get("tenets"), {v.id for v in values}, problems)
    _check_parents(values, problems)
    for key in sorted(set(raw) - {"organization", "north_star", "values", "tenets"}):
        problems.add(str(key), "unknown field; valid: organization, north_star, values, tenets")
    problems.raise_if_any()
    north_star = _text(raw, "north_star", "north_star", problems)
    return Framework(org or "", tuple(values), tuple(tenets), north_star or None)


def _text(
    obj: Mapping[str, Any], key: str, path: str, problems: ProblemList, required: bool = False
) -> str | None:
    val = obj.get(key)
    if val is None:
        if required:
            problems.add(path, "is required")
        return None
    if not isinstance(val, str | int | float) or isinstance(val, bool):
        problems.add(path, f"must be text, got {type(val).__name__}")
        return None
    text = str(val).strip()
    if required and not text:
        problems.add(path, "must not be empty")
    return text


def _text_list(
    obj: Mapping[str, Any], key: str, path: str, problems: ProblemList
) -> tuple[str, ...]:
    val = obj.get(key)
    if val is None:
        return ()
    if isinstance(val, str):
        val = [val]
    if not isinstance(val, list):
        problems.add(path, "must be a list of strings")
        return ()
    out = []
    for i, item in enumerate(val):
        if not isinstance(item, str) or not item.strip():
            problems.add(f"{path}[{i}]", "must be a non-empty string")
        else:
            out.append(item.strip())
    return tuple(out)


def _check_id(
    obj: Mapping[str, Any], path: str, seen: set[str], problems: ProblemList
) -> str | None:
    ident = _text(obj, "id", f"{path}.id", problems, required=True)
    if not ident:
        return None
    if not ID_RE.match(ident):
        problems.add(f"{path}.id", f"{ident!r} must match [a-z0-9-]+")
    if ident in seen:
        problems.add(f"{path}.id", f"duplicate id {ident!r}")
    seen.add(ident)
    return ident


def _items(raw: Any, path: str, problems: ProblemList, lo: int, hi: int) -> list[Mapping[str, Any]]:
    if raw is None:
        if lo:
            problems.add(path, f"is required ({lo}..{hi} items)")
        return []
    if not isinstance(raw, list):
        problems.add(path, "must be a list")
        return []
    if not lo <= len(raw) <= hi:
        problems.add(path, f"has {len(raw)} items; allowed {lo}..{hi}")
    good = []
    for i, item in enumerate(raw):
        if isinstance(item, Mapping):
            good.append(item)
        else:
            problems.add(f"{path}[{i}]", "must be a mapping")
            good.append({})
    return good


VALUE_FIELDS = {
    "id",
    "name",
    "layer",
    "function",
    "team",
    "parent",
    "definition",
    "why",
    "examples",
    "anti_patterns",
}
TENET_FIELDS = {"id", "text", "prefer", "over", "values", "name"}


def _values(raw: Any, problems: ProblemList) -> list[Value]:
    out: list[Value] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(raw, "values", problems, 1, MAX_VALUES)):
        path = f"values[{i}]"
        if not item:
            continue
        _unknown_fields(item, VALUE_FIELDS, path, problems)
        ident = _check_id(item, path, seen, problems)
        name = _text(item, "name", f"{path}.name", problems, required=True)
        definition = _text(item, "definition", f"{path}.definition", problems, required=True)
        layer = _text(item, "layer", f"{path}.layer", problems) or "company"
        if layer not in LAYERS:
            problems.add(f"{path}.layer", f"{layer!r} is not one of {', '.join(LAYERS)}")
        function = _text(item, "function", f"{path}.function", problems)
        team = _text(item, "team", f"{path}.team", problems)
        if layer == "function" and not function:
            problems.add(f"{path}.function", "is required for layer 'function'")
        if layer == "team" and not team:
            problems.add(f"{path}.team", "is required for layer 'team'")
        out.append(
            Value(
                id=ident or "",
                name=name or "",
                definition=definition or "",
                layer=layer if layer in LAYERS else "company",  # type: ignore[arg-type]
                function=function,
                team=team,
                parent=_text(item, "parent", f"{path}.parent", problems),
                why=_text(item, "why", f"{path}.why", problems),
                examples=_text_list(item, "examples", f"{path}.examples", problems),
                anti_patterns=_text_list(item, "anti_patterns", f"{path}.anti_patterns", problems),
            )
        )
    return out


def _tenets(raw: Any, value_ids: set[str], problems: ProblemList) -> list[Tenet]:
    out: list[Tenet] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(raw, "tenets", problems, 0, MAX_TENETS)):
        path = f"tenets[{i}]"
        if not item:
            continue
        _unknown_fields(item, TENET_FIELDS, path, problems)
        ident = _check_id(item, path, seen, problems)
        text = _text(item, "text", f"{path}.text", problems, required=True)
        linked = _text_list(item, "values", f"{path}.values", problems)
        for j, vid in enumerate(linked):
            if vid not in value_ids:
                problems.add(f"{path}.values[{j}]", f"unknown value {vid!r}")
        out.append(
            Tenet(
                id=ident or "",
                text=text or "",
                prefer=_text(item, "prefer", f"{path}.prefer", problems),
                over=_text(item, "over", f"{path}.over", problems),
                values=linked,
            )
        )
    return out


def _unknown_fields(
    item: Mapping[str, Any], allowed: set[str], path: str, problems: ProblemList
) -> None:
    for key in sorted(set(map(str, item)) - allowed):
        problems.add(f"{path}.{key}", f"unknown field; valid: {', '.join(sorted(allowed))}")


def _check_parents(values: list[Value], problems: ProblemList) -> None:
    ids = {v.id: v for v in values}
    for i, value in enumerate(values):
        if value.parent is None:
            continue
        if value.parent not in ids:
            problems.add(f"values[{i}].parent", f"unknown parent {value.parent!r}")
        elif _has_cycle(value.id, ids):
            problems.add(f"values[{i}].parent", "parent chain forms a cycle")


def _has_cycle(start: str, ids: Mapping[str, Value]) -> bool:
    seen = {start}
    parent = ids[start].parent
    while parent is not None and parent in ids:
        if parent in seen:
            return True
        seen.add(parent)
        parent = ids[parent].parent
    return False


def framework_to_dict(fw: Framework) -> dict[str, Any]:
    """The framework in contract §1 shape, omitting empty optional fields."""

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        return {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in d.items()
            if v not in (None, (), "")
        }

    return clean(
        {
            "organization": fw.organization,
            "north_star": fw.north_star,
            "values": [clean(vars(v).copy()) for v in fw.values],
            "tenets": [clean(vars(t).copy()) for t in fw.tenets],
        }
    )
